"""Benchmark: the reviewer's dashboard and the review workbook for a region of many units.

Run: ``python bench/bench_dashboard.py [--units 200]``.  Files ``--units``
reports of this year and of last year (the sample report, its texts varied per
unit so that the copied-text rule has work to do) into an SQLite file in a
temporary folder, then times, in process through the test client:
``GET /review?year=`` (the whole year reviewed by gidoc.review's rules and the
page rendered), the same sorted and filtered, one report's read-only page, and
``GET /review/workbook``.  Each is the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from gidoc.sources.skeleton import to_json
from gidoc.web import auth
from gidoc.web.app import create_app
from gidoc.web.db import store
from gidoc.web.db.engine import writing
from gidoc.web.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = json.loads((ROOT / "samples" / "muye-2025.json").read_text(encoding="utf-8"))
PASSWORD = "bench password 1"


def _report(agency: str, year: int, n: int) -> str:
    data: dict[str, Any] = copy.deepcopy(SAMPLE)
    data["agency"], data["year"] = agency, year
    data["other_matters"] = f"本单位第 {n} 号的其他事项说明，{year} 年度。" * (1 + n % 3)
    data["applications"]["new_received"]["natural_person"] = n % 7
    data["applications"]["results"]["granted"]["natural_person"] = n % 7
    return to_json(data)


def fill(app: Any, units: int, year: int) -> None:
    """``units`` units, each with a report of ``year`` and of the year before."""
    with writing(app.state.engine) as conn:
        author = store.add_user(conn, "压测填报", "clerk", None, None)
        store.add_user(conn, "压测审核", "reviewer", None, auth.hash_password(PASSWORD))
        for n in range(units):
            agency = store.ensure_agency(conn, f"压测第{n + 1:03d}局")
            store.add_to_roster(conn, agency.id, year)
            for when in (year - 1, year):
                store.create_report(conn, agency.id, when, _report(agency.name, when, n), author.id)


def timed(call: Callable[[], Any], repeat: int) -> float:
    """The median time of ``call`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    year = 2025
    with tempfile.TemporaryDirectory(prefix="gidoc-bench-") as folder:
        app = create_app(Settings(db_url=f"sqlite:///{folder}/g.db", secure_cookies=False))
        fill(app, args.units, year)
        with TestClient(app, base_url="http://127.0.0.1") as client:
            answer = client.post("/api/login", json={"name": "压测审核", "password": PASSWORD})
            assert answer.status_code == 200, answer.text

            def get(path: str) -> None:
                got = client.get(path)
                assert got.status_code == 200, got.text[:500]

            results = {
                "dashboard": timed(lambda: get(f"/review?year={year}"), args.repeat),
                "dashboard sorted+filtered": timed(
                    lambda: get(f"/review?year={year}&sort=-warnings&q=局&verdict=warnings"),
                    args.repeat,
                ),
                "one report read-only": timed(lambda: get("/review/reports/2"), args.repeat),
                "review workbook": timed(lambda: get(f"/review/workbook?year={year}"), args.repeat),
            }
        app.state.documents.close()
        app.state.engine.dispose()
    print(f"{args.units} units, reports of {year} and {year - 1}; median of {args.repeat}:")
    for name, ms in results.items():
        print(f"  {name:28} {ms:8.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
