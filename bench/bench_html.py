"""Benchmark: the web page — rendering it, and reading a page back into data.

Run: ``python bench/bench_html.py [--repeat 50]``.  Times are medians, in process,
template compiled once (as in a batch or the web service).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gidoc import build_context, load, validate
from gidoc.output.html import HtmlTemplate
from gidoc.sources.docx import read_report
from gidoc.sources.html import to_docx

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in (".json", ".yaml"))


def median_ms(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``action`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    """Print render and read-back times per sample."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    repeat = parser.parse_args().repeat
    template = HtmlTemplate()
    print(f"{'sample':<24} {'page ms':>8} {'fragment ms':>12} {'read back ms':>13} {'KB':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for sample in SAMPLES:
            context = build_context(validate(load(sample)))
            page = template.render(context)
            fragment_ms = median_ms(lambda c=context: template.render(c, fragment=True), repeat)
            page_ms = median_ms(lambda c=context: template.render(c), repeat)
            document = Path(folder) / "page.docx"

            def read(text: str = page, target: Path = document) -> object:
                target.write_bytes(to_docx(text.encode("utf-8"), "page.html"))
                return read_report(target)

            read_ms = median_ms(read, repeat)
            size = len(page.encode("utf-8")) / 1024
            print(
                f"{sample.name:<24} {page_ms:>8.1f} {fragment_ms:>12.1f} {read_ms:>13.1f} {size:>6.0f}"
            )


if __name__ == "__main__":
    main()
