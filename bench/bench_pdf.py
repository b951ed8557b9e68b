"""Benchmark: 20 reports to PDF, gidoc's batch against one soffice per file.

Run: ``python bench/bench_pdf.py [--reports 20]``.  Both ways are measured in
the same run on the same .docx files.  The naive way is what a script that
calls ``soffice --convert-to pdf`` per file does; it reuses one profile, as
a user's default profile would be reused, so only its first start is cold.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from gidoc import ReportTemplate, build_context, load, validate
from gidoc.output.pdf import batch_workers, convert, find_soffice

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in (".json", ".yaml"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=20)
    args = parser.parse_args()
    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("LibreOffice not found: run scripts/setup-debian.sh first")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        template = ReportTemplate()
        documents = []
        for i in range(args.reports):
            sample = SAMPLES[i % len(SAMPLES)]
            path = work / f"{i:02d}-{sample.stem}.docx"
            path.write_bytes(template.render(build_context(validate(load(sample)))))
            documents.append(path)

        start = time.perf_counter()
        convert(documents, [work / "gidoc" / (d.stem + ".pdf") for d in documents])
        batch = time.perf_counter() - start
        workers = batch_workers(len(documents))

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
        naive = time.perf_counter() - start
        made = len(list((work / "naive").glob("*.pdf"))), len(list((work / "gidoc").glob("*.pdf")))
    n = args.reports
    print(
        f"{n} reports to PDF (PDFs made: naive {made[0]}, gidoc {made[1]}; gidoc used {workers} soffice processes)"
    )
    print(f"  naive (soffice per file)     : {naive:6.1f} s  ({naive / n:.2f} s per report)")
    print(f"  gidoc batch (soffice per core): {batch:6.1f} s  ({batch / n:.2f} s per report)")
    print(f"  speed-up                     : {naive / batch:6.1f} x")


if __name__ == "__main__":
    main()
