"""Benchmark: ``gidoc serve`` under load, over HTTP on 127.0.0.1 only.

Run: ``python bench/bench_web.py [--requests 300] [--db URL] [--workers 1]``.
Starts its own ``gidoc serve`` on a free port (an SQLite file in a temporary
folder unless ``--db`` names another database), makes 50 clerks of 50 units
with a report each, then measures p50/p95 of ``POST /api/check`` and of a save
(``PUT /api/reports/{id}`` with ``If-Match``) at 1 and 50 concurrent clients
(target: p95 ≤ 100 ms at 50), and the PDF download: the first one (LibreOffice
pool starting: cold) against the next ones (warm), beside ``gidoc render --pdf``
for one report as a whole process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2

from gidoc.web import auth
from gidoc.web.db import store
from gidoc.web.db.engine import open_engine, writing
from gidoc.web.db.migrate import prepare

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = json.loads((ROOT / "samples" / "muye-2025.json").read_text(encoding="utf-8"))
CLIENTS = 50


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_clerks(db_url: str) -> list[tuple[str, str]]:
    """50 clerks of 50 units, each with an API token: [(agency, token)]."""
    engine = open_engine(db_url)
    prepare(engine)
    clerks = []
    with writing(engine) as conn:
        for n in range(CLIENTS):
            agency = f"压测第{n + 1:02d}局"
            added = store.add_user(
                conn, f"压测{n + 1:02d}", "clerk", store.ensure_agency(conn, agency).id, None
            )
            clerks.append((agency, auth.new_token(conn, added.id)))
    engine.dispose()
    return clerks


def start(db_url: str, port: int, workers: int, folder: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gidoc", "serve", "--port", str(port), "--db", db_url,
               "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx2.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gidoc serve did not start")


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


async def run_load(
    base: str,
    clerks: list[tuple[str, str]],
    reports: list[int],
    kind: str,
    concurrency: int,
    total: int,
) -> list[float]:
    """``total`` requests of one kind spread over ``concurrency`` clients; each one's latency."""
    times: list[float] = []
    per_client = max(1, total // concurrency)

    async def one_client(k: int) -> None:
        agency, token = clerks[k]
        data = {**SAMPLE, "agency": agency}
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx2.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
            version = (await client.get(f"/api/reports/{reports[k]}")).json()["version"]
            for i in range(per_client):
                if kind == "check":
                    payload = json.dumps(data, ensure_ascii=False)
                    started = time.perf_counter()
                    answer = await client.post("/api/check", content=payload)
                else:
                    data["problems"] = f"第 {i} 次保存"
                    payload = json.dumps(data, ensure_ascii=False)
                    started = time.perf_counter()
                    answer = await client.put(
                        f"/api/reports/{reports[k]}",
                        content=payload,
                        headers={"If-Match": f'"{version}"'},
                    )
                    version = answer.json()["version"]
                times.append(time.perf_counter() - started)
                assert answer.status_code == 200, answer.text

    await asyncio.gather(*(one_client(k) for k in range(concurrency)))
    return times


def file_reports(base: str, clerks: list[tuple[str, str]]) -> list[int]:
    ids = []
    for agency, token in clerks:
        answer = httpx2.post(
            f"{base}/api/reports",
            content=json.dumps({**SAMPLE, "agency": agency}, ensure_ascii=False),
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return ids


def pdf_times(base: str, token: str, report_id: int, repeat: int) -> tuple[float, list[float]]:
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    with httpx2.Client(base_url=base, headers=headers, timeout=120) as client:
        for _ in range(repeat + 1):
            started = time.perf_counter()
            answer = client.get(f"/api/reports/{report_id}/pdf")
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text
    return times[0], times[1:]


def cli_pdf_seconds(folder: Path) -> float:
    source = folder / "one.json"
    source.write_text(json.dumps(SAMPLE, ensure_ascii=False), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gidoc", "render", str(source), "--pdf"], check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per measurement")
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--workers", type=int, default=1, help="gidoc serve --workers")
    parser.add_argument("--pdf", type=int, default=5, help="warm PDFs to time")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gidoc-bench-") as name:
        folder = Path(name)
        db_url = options.db or f"sqlite:///{folder / 'bench.db'}"
        clerks = make_clerks(db_url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start(db_url, port, options.workers, folder)
        try:
            reports = file_reports(base, clerks)
            rows: list[tuple[str, Any, Any]] = []
            for kind in ("check", "save"):
                for concurrency in (1, CLIENTS):
                    total = options.requests if concurrency > 1 else max(50, options.requests // 3)
                    times = asyncio.run(run_load(base, clerks, reports, kind, concurrency, total))
                    p50, p95 = percentiles(times)
                    rows.append(
                        (f"{kind}, {concurrency} client{'s' if concurrency > 1 else ''}", p50, p95)
                    )
            cold, warm = pdf_times(base, clerks[0][1], reports[0], options.pdf)
        finally:
            server.terminate()
            server.wait(60)
        cli = cli_pdf_seconds(folder)
    print(f"gidoc serve on {os.cpu_count()} cores, {options.workers} worker(s), "
          f"{'SQLite' if options.db is None else options.db.split(':')[0]}")  # fmt: skip
    print(f"{'measurement':28} {'p50 ms':>9} {'p95 ms':>9}")
    for label, p50, p95 in rows:
        print(f"{label:28} {p50:9.1f} {p95:9.1f}")
    print(f"{'PDF, first (pool starting)':28} {cold * 1000:9.0f}")
    print(
        f"{'PDF, warm (p50)':28} {statistics.median(warm) * 1000:9.0f} {max(warm) * 1000:9.0f} (max)"
    )
    print(f"{'gidoc render --pdf (process)':28} {cli * 1000:9.0f}")


if __name__ == "__main__":
    main()
