"""A report's documents for download: Word, web page, Excel form and PDF, as bytes.

The Word and page templates are compiled once per process.  PDFs come from
one :class:`~gidoc.output.pdf_pool.PdfPool` per process: LibreOffice processes
kept warm for the whole service, started on the first PDF (a service that
never makes one never starts LibreOffice) and closed when the service stops.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

from gidoc.format.models import Report
from gidoc.output.context import build_context
from gidoc.output.docx import ReportTemplate
from gidoc.output.excel import write_form
from gidoc.output.html import HtmlTemplate
from gidoc.output.pdf_pool import PdfPool

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
        self._pool: PdfPool | None = None

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
        """The report as a PDF, converted by the warm pool.

        Raises :class:`~gidoc.output.soffice.ConversionError` (naming ``name``)
        when LibreOffice is missing, fails, takes too long or the queue is full.
        """
        return self._warm_pool().convert(self.docx(report), name)

    def _warm_pool(self) -> PdfPool:
        with self._lock:
            if self._pool is None:
                self._pool = PdfPool(self._pdf_workers)
            return self._pool

    def close(self) -> None:
        """Stop the pool's LibreOffice processes (at service shutdown)."""
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
