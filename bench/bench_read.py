"""Benchmark: reading published reports back — a PDF, a web page, a portal page in GBK.

Run: ``python bench/bench_read.py [--repeat 10]``.  Each sample is rendered once as
.docx, PDF (LibreOffice, not timed) and web page; the times are medians of reading
each into data in process, as ``gidoc check`` and ``gidoc extract`` do.
Targets (issue #11): a six-page PDF ≤ 1 s, a web page ≤ 0.2 s.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber

from gidoc import ReportTemplate, build_context, load, validate
from gidoc.output import pdf
from gidoc.output.html import HtmlTemplate
from gidoc.sources.load import load_located

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in (".json", ".yaml"))


def median_ms(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``action`` in milliseconds."""
    action()  # warm: the first read imports pdfplumber and lxml's parsers
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _portal(article: str) -> bytes:
    """The article inside a portal's page: chrome around a CMS container, served as GBK."""
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head>'
        "<body><div class='nav'>首页 &gt; 政府信息公开 &gt; 年报</div><div class='main'>"
        f"<div class='TRS_Editor'>{article}</div></div><div class='footer'>主办单位</div>"
        "</body></html>"
    ).encode("gb18030")


def _longer(data: dict[str, Any]) -> dict[str, Any]:
    """The report with 六 three times as long: a report of six pages or more."""
    longer = copy.deepcopy(data)
    text = "\n".join([data["overview"]["summary"]] * 3)
    longer["other_matters"] = f"{data.get('other_matters', '')}\n{text}"
    return longer


def main() -> None:
    """Print the read times of each sample as PDF, web page and portal page."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    repeat = parser.parse_args().repeat
    template, page_template = ReportTemplate(), HtmlTemplate()
    with tempfile.TemporaryDirectory() as folder:
        docs, contexts, names = [], [], []
        for sample in SAMPLES:
            data = load(sample)
            for name, report in ((sample.name, data), (f"{sample.stem} longer", _longer(data))):
                context = build_context(validate(report))
                contexts.append(context)
                names.append(name)
                docs.append(Path(folder) / f"{len(docs)}.docx")
                docs[-1].write_bytes(template.render(context))
        pdfs = pdf.convert(docs, [d.with_suffix(".pdf") for d in docs])
        print(f"{'sample':<24} {'pages':>5} {'PDF ms':>7} {'page ms':>8} {'GBK portal ms':>14}")
        for name, context, made in zip(names, contexts, pdfs, strict=True):
            data = made.read_bytes()
            with pdfplumber.open(made) as opened:
                pages = len(opened.pages)
            page = page_template.render(context).encode("utf-8")
            portal = _portal(page_template.render(context, fragment=True))
            pdf_ms = median_ms(lambda d=data: load_located(d, "r.pdf"), repeat)
            page_ms = median_ms(lambda d=page: load_located(d, "r.html"), repeat)
            portal_ms = median_ms(lambda d=portal: load_located(d, "r.htm"), repeat)
            print(f"{name:<24} {pages:>5} {pdf_ms:>7.0f} {page_ms:>8.0f} {portal_ms:>14.0f}")


if __name__ == "__main__":
    main()
