"""Benchmark: reports to PDF — gidoc's batch against one soffice per file, and the warm pool.

Run: ``python bench/bench_pdf.py [--reports 8 20] [--warm 20]``.  For each batch
size both ways are measured in the same run on the same .docx files, side by
side.  The naive way is what a script that calls ``soffice --convert-to pdf``
per file does; it reuses one profile, as a user's default profile would be
reused, so only its first start is cold.  gidoc's batch is
:func:`gidoc.output.pdf.convert`, as ``gidoc render --pdf`` and ``gidoc
convert`` run it (a :class:`~gidoc.output.pdf_pool.PdfPool` sized for the
batch, started inside the timing).  Then one report is converted ``--warm``
times on a started pool, as ``gidoc serve`` does: p50 and p95 of that, against
one cold ``gidoc render --pdf`` (a new process, LibreOffice started for it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gidoc import ReportTemplate, build_context, load, validate
from gidoc.output.pdf import batch_workers, convert, find_soffice
from gidoc.output.pdf_pool import PdfPool
from gidoc.output.soffice import uno_python

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in (".json", ".yaml"))


def _naive(soffice: str, documents: list[Path], work: Path) -> float:
    profile = (work / "naive-profile").as_uri()
    start = time.perf_counter()
    for document in documents:
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation={profile}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work / "naive"),
                str(document),
            ],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - start


def _batch(documents: list[Path], work: Path) -> float:
    start = time.perf_counter()
    convert(documents, [work / "gidoc" / (d.stem + ".pdf") for d in documents])
    return time.perf_counter() - start


def _compare(soffice: str, template: ReportTemplate, count: int, folder: Path) -> None:
    work = folder / f"batch-{count}"
    work.mkdir()
    documents = []
    for i in range(count):
        sample = SAMPLES[i % len(SAMPLES)]
        path = work / f"{i:02d}-{sample.stem}.docx"
        path.write_bytes(template.render(build_context(validate(load(sample)))))
        documents.append(path)
    batch = _batch(documents, work)
    naive = _naive(soffice, documents, work)
    made = len(list((work / "naive").glob("*.pdf"))), len(list((work / "gidoc").glob("*.pdf")))
    way = "warm pool" if uno_python() else "one-shot soffice"
    print(
        f"{count} reports to PDF (PDFs made: naive {made[0]}, gidoc {made[1]}; "
        f"gidoc used {batch_workers(count)} LibreOffice processes, {way})"
    )
    print(f"  naive (soffice per file)      : {naive:6.1f} s  ({naive / count:.2f} s per report)")
    print(f"  gidoc batch                   : {batch:6.1f} s  ({batch / count:.2f} s per report)")
    print(f"  speed-up                      : {naive / batch:6.1f} x")


def _warm(template: ReportTemplate, times: int, folder: Path) -> None:
    sample = SAMPLES[-1]
    docx = template.render(build_context(validate(load(sample))))
    with PdfPool(1) as pool:
        pool.convert(docx, "warm-up.docx")  # the pool is warm once it has converted once
        seconds = []
        for i in range(times):
            start = time.perf_counter()
            pool.convert(docx, f"{i}.docx")
            seconds.append(time.perf_counter() - start)
    seconds.sort()
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "gidoc", "render", str(sample), "--pdf", "-o", f"{folder}/cold/"],
        check=True,
        capture_output=True,
        env=dict(os.environ),
    )
    cold = time.perf_counter() - start
    print(f"one report ({sample.name}) to PDF, {times} times on a warm pool:")
    print(
        f"  warm p50                      : {statistics.median(seconds):6.2f} s  (p95 {p95:.2f} s)"
    )
    print(f"  cold gidoc render --pdf       : {cold:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, nargs="+", default=[8, 20])
    parser.add_argument("--warm", type=int, default=20, help="conversions on a warm pool")
    args = parser.parse_args()
    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("LibreOffice not found: run scripts/setup-debian.sh first")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    template = ReportTemplate()
    with tempfile.TemporaryDirectory() as folder:
        for count in args.reports:
            _compare(soffice, template, count, Path(folder))
        if args.warm:
            _warm(template, args.warm, Path(folder))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
