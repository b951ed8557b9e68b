"""Benchmark: ``gidoc review`` of 100, 1,000 and 10,000 units' reports (JSON), with last year's.

Run: ``python bench/bench_review.py [--sizes 100 1000 10000] [--workers N]``.

Each unit's report has about 2,500 characters of text made of sentences drawn
from a shared pool (as real reports share phrases), its tables filled in;
last year's report of every unit is given too (``--previous``), a roster
lists every unit but one and a few extra.  A twentieth of the units copy a
section from another unit, a tenth repeat last year's 五（一）.  The phases
are timed apart: reading and checking (on the process pool), the review
itself (the cross-year rules and the near-duplicate index), and writing the
workbook; "ms/report" should stay flat as the batch grows, since no pair of
texts is compared unless the index makes it a candidate.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from gidoc.review.batch import review_examined
from gidoc.review.files import write_review
from gidoc.review.inputs import Job, report_files, run_jobs
from gidoc.review.roster import read_roster
from gidoc.sources.skeleton import to_json

_CHARS = (
    "的一是在了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发动同工也能下过子"
    "说产种面而方后多定学法所民得经之进着等部家电力里如水化高自理起小物现实加量都两体机当使点从"
    "业本去把性好应开它合还因由其些然前外天四日那社义事平形相全表间样与关各重线内数正心反你明看"
)


def sentences(rng: random.Random, count: int) -> list[str]:
    return [
        "".join(rng.choice(_CHARS) for _ in range(rng.randint(18, 40))) + "。" for _ in range(count)
    ]


def paragraph(rng: random.Random, pool: list[str], count: int) -> str:
    return "".join(rng.choice(pool) for _ in range(count))


def report(
    rng: random.Random,
    pool: list[str],
    agency: str,
    year: int,
    before: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A unit's report; following on from ``before`` (carry-over, 现行有效件数) when given."""
    new = rng.randint(0, 300)
    old = before["applications"]["carried_forward"]["natural_person"] if before else 0
    forward = rng.randint(0, min(new, 20))
    issued = rng.randint(0, 30)
    in_force = (
        before["active_disclosure"]["normative_documents"]["in_force"] + issued
        if before
        else rng.randint(30, 300)
    )
    return {
        "agency": agency,
        "year": year,
        "overview": {
            "summary": paragraph(rng, pool, 8),
            "sections": [
                {"heading": heading, "body": paragraph(rng, pool, 8)}
                for heading in (
                    "主动公开",
                    "依申请公开",
                    "政府信息管理",
                    "政府信息公开平台建设",
                    "监督保障",
                )
            ],
        },
        "active_disclosure": {
            "normative_documents": {"issued": issued, "in_force": in_force},
            "administrative_licensing": rng.randint(0, 5000),
            "administrative_penalty": rng.randint(0, 500),
            "administrative_fees": round(rng.uniform(0, 100), 2),
        },
        "applications": {
            "new_received": {"natural_person": new},
            "carried_over": {"natural_person": old},
            "results": {"granted": {"natural_person": new + old - forward}},
            "carried_forward": {"natural_person": forward},
        },
        "problems": paragraph(rng, pool, 6),
        "improvements": paragraph(rng, pool, 6),
        "other_matters": paragraph(rng, pool, 3),
    }


def make_batch(folder: Path, size: int) -> tuple[Path, Path, Path]:
    rng = random.Random(size)
    pool = sentences(rng, 3000)
    this, last = folder / "2025", folder / "2024"
    this.mkdir()
    last.mkdir()
    datas = []
    for n in range(size):
        agency = f"第{n:05d}号单位"
        before = report(rng, pool, agency, 2024)
        now = report(rng, pool, agency, 2025, before)
        if n % 10 == 3:
            now["problems"] = before["problems"]
        datas.append(now)
        (last / f"{n:05d}.json").write_text(to_json(before), "utf-8")
    for n, now in enumerate(datas):
        if n % 20 == 7:
            now["improvements"] = datas[(n * 7919) % size]["improvements"]
        (this / f"{n:05d}.json").write_text(to_json(now), "utf-8")
    roster = folder / "名单.csv"
    names = [f"第{n:05d}号单位" for n in range(1, size)] + ["未报送甲", "未报送乙"]
    roster.write_text("单位名称\n" + "\n".join(names) + "\n", "utf-8")
    return this, last, roster


def main() -> None:
    """Print the time of each phase and the cost per report for each batch size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(f"workers: {args.workers}")
    print(
        f"{'reports':>8} {'read+check s':>13} {'review s':>9} {'workbook s':>11} "
        f"{'total s':>8} {'ms/report':>10} {'findings':>9} {'peak MB':>8}"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as name:
            this, last, roster_file = make_batch(Path(name), size)
            start = time.perf_counter()
            sources, last_year = report_files([this]), report_files([last])
            jobs = [Job(str(p)) for p in sources] + [Job(str(p), False) for p in last_year]
            done = run_jobs(jobs, workers=args.workers)
            examined, before = done[:size], done[size:]
            read = time.perf_counter()
            review = review_examined(examined, before, read_roster(roster_file))
            compared = time.perf_counter()
            write_review(review, Path(name) / "审核结果.xlsx")
            written = time.perf_counter()
            total = written - start
            memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            findings = sum(len(r.findings) for r in review.reports)
            print(
                f"{size:>8} {read - start:>13.1f} {compared - read:>9.1f} {written - compared:>11.1f} "
                f"{total:>8.1f} {total / size * 1000:>10.1f} {findings:>9} {memory:>8.0f}"
            )


if __name__ == "__main__":
    main()
