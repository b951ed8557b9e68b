"""A report's documents for download: Word, web page, Excel form and PDF, as bytes.

The Word and page templates are compiled once per process.  PDFs come from a
pool of LibreOffice processes kept warm for the whole service, started on the
first PDF and closed when the service stops; without the pool module each
PDF starts its own LibreOffice (the cold path of ``gidoc render --pdf``).
"""

from __future__ import annotations

import importlib
import tempfile
import threading
from pathlib import Path
from typing import Any, Protocol

from gidoc.format.models import Report
from gidoc.output.context import build_context
from gidoc.output.docx import ReportTemplate
from gidoc.output.excel import write_form
from gidoc.output.html import HtmlTemplate


class _Pool(Protocol):
    def convert(self, docx: bytes, name: str) -> bytes: ...

    def close(self) -> None: ...


#: The media type and file extension of each kind of download.
KINDS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "pdf": ("application/pdf", ".pdf"),
    "html": ("text/html; charset=utf-8", ".html"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


class Documents:
    """Makes a report's documents; one per service process, shared by every request."""

    def __init__(self, pdf_workers: int = 1) -> None:
        self._pdf_workers = pdf_workers
        self._lock = threading.Lock()
        self._word: ReportTemplate | None = None
        self._page: HtmlTemplate | None = None
        self._pool: _Pool | None = None

    def _templates(self) -> tuple[ReportTemplate, HtmlTemplate]:
        with self._lock:
            if self._word is None or self._page is None:
                self._word, self._page = ReportTemplate(), HtmlTemplate()
            return self._word, self._page

    def docx(self, report: Report) -> bytes:
        """The report as a Word document (the built-in template)."""
        return self._templates()[0].render(build_context(report))

    def html(self, report: Report) -> bytes:
        """The report as a web page (the built-in page template)."""
        return self._templates()[1].render(build_context(report)).encode("utf-8")

    def xlsx(self, data: dict[str, Any]) -> bytes:
        """The Excel form prefilled with the data (a draft may be incomplete)."""
        with tempfile.TemporaryDirectory(prefix="gidoc-web-") as folder:
            path = Path(folder) / "form.xlsx"
            write_form(path, data)
            return path.read_bytes()

    def pdf(self, report: Report, name: str) -> bytes:
        """The report as a PDF, converted by the warm pool (or a LibreOffice of its own)."""
        docx = self.docx(report)
        pool = self._warm_pool()
        if pool is not None:
            return pool.convert(docx, name)
        from gidoc.output.pdf import convert

        with tempfile.TemporaryDirectory(prefix="gidoc-web-") as folder:
            source, target = Path(folder) / "report.docx", Path(folder) / "report.pdf"
            source.write_bytes(docx)
            convert([source], [target])
            return target.read_bytes()

    def _warm_pool(self) -> _Pool | None:
        with self._lock:
            if self._pool is None:
                try:
                    module = importlib.import_module("gidoc.output.pdf_pool")
                except ImportError:
                    return None
                self._pool = module.PdfPool(self._pdf_workers)
            return self._pool

    def close(self) -> None:
        """Stop the pool's LibreOffice processes (at service shutdown)."""
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
