"""Read a report published as a PDF with a text layer (made in WPS, Word, LibreOffice or by gidoc).

pdfplumber (on pdfminer.six) gives every character with its position: the text
flow becomes paragraphs (:mod:`.layout`) fed to the same section finder as a
Word report, the ruled tables become logical grids (:mod:`.grids`) read by the
same table readers, so every variant is handled once for Word, web pages and
PDF.  Numbers are named by table, row and column and the page they are on
(``表三 第 8 行第 4 列（第 3 页）``).  A scanned PDF without text is refused
(no OCR), as is one that needs a password; the work is bounded by file size,
page count and character count.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from gidoc.errors import InputError
from gidoc.sources.docx.report import assemble
from gidoc.sources.docx.sections import Document
from gidoc.sources.docx.tables import TABLES, Reader, official_key, require_tables
from gidoc.sources.loaded import Loaded
from gidoc.sources.pdf import grids
from gidoc.sources.pdf.grids import Part
from gidoc.sources.pdf.layout import Line, Measure, drop_margins, lines_of, paragraphs

#: Largest PDF read, pages and characters: an annual report is a few pages, some 20 000 characters.
MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PAGES = 100
MAX_CHARS = 500_000


@dataclass
class _Page:
    number: int
    height: float
    lines: list[Line] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pdfminer's complaints about a sloppy PDF stay inside: no warnings, no log lines."""
    logger = logging.getLogger("pdfminer")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


def _pages(data: bytes, name: str) -> tuple[list[_Page], dict[str, Any]]:
    """Every page's lines and ruled tables, and the document's metadata."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    out: list[_Page] = []
    chars_seen = 0
    with _quiet():
        try:
            pdf = pdfplumber.open(io.BytesIO(data))
        except Exception as exc:  # pdfminer raises many kinds for a broken file
            # pdfplumber wraps pdfminer's exception; the reason is the wrapped one.
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
            if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
                raise InputError(
                    f"{name}：PDF 设有打开密码，无法读取；请使用未加密的 PDF 或原始的 Word/WPS 文件"
                ) from None
            raise InputError(f"{name}：不是可以读取的 PDF 文件（{type(cause).__name__}）") from None
        with pdf:
            try:
                count = len(pdf.pages)
                if count > MAX_PAGES:
                    raise InputError(
                        f"{name}：PDF 有 {count} 页，远超一份年度报告的正常篇幅（最多读取 {MAX_PAGES} 页）"
                    )
                metadata = {str(k): v for k, v in (pdf.metadata or {}).items()}
                for number, page in enumerate(pdf.pages, start=1):
                    out.append(_page(page, number))
                    chars_seen += sum(len(line.text) for line in out[-1].lines)
                    chars_seen += sum(len(part.text) for part in out[-1].parts)
                    if chars_seen > MAX_CHARS:
                        raise InputError(
                            f"{name}：PDF 的文字远超一份年度报告的正常篇幅（超过 {MAX_CHARS} 个字符）"
                        )
                    page.close()
            except InputError:
                raise
            except Exception as exc:  # a damaged page: pdfminer's errors are many and untyped
                raise InputError(
                    f"{name}：第 {len(out) + 1} 页无法读取，PDF 文件可能已损坏（{type(exc).__name__}）"
                ) from None
    return out, metadata


def _page(page: Any, number: int) -> _Page:
    chars = [c for c in page.chars if c.get("text")]
    found = page.find_tables()
    boxes = [table.bbox for table in found]

    def in_table(char: dict[str, Any]) -> bool:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    held = [c for c in chars if in_table(c)] if boxes else []
    flow = [c for c in chars if not in_table(c)] if boxes else chars
    result = _Page(number, float(page.height), lines_of(flow, number))
    result.parts = [grids.part_of(table, held, number) for table in found]
    return result


def _text(metadata: dict[str, Any], key: str) -> str:
    value = metadata.get(key, "")
    return value if isinstance(value, str) else ""


def read_pdf(data: bytes, name: str) -> Loaded:
    """Read a report PDF back into report data, as :func:`~gidoc.sources.docx.read_report` does.

    Raises :class:`~gidoc.errors.InputError` with one clear line for a file
    that is not a PDF, needs a password, has no text layer (a scan), is far
    too large, or lacks a table, row or column of the official format.
    """
    if len(data) > MAX_PDF_BYTES:
        raise InputError(f"{name}：PDF 有 {len(data)} 字节，远超一份年度报告的正常大小")
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{name}：不是 PDF 文件（文件开头没有 %PDF- 标记）")
    pages, metadata = _pages(data, name)
    if not any(page.lines or page.parts for page in pages):
        raise InputError(
            f"{name}：PDF 中没有可读取的文字（可能是扫描件或图片）；gidoc 不做文字识别（OCR），"
            "请使用可以复制文字的 PDF，或原始的 Word/WPS 文件"
        )
    kept = drop_margins([page.lines for page in pages], [page.height for page in pages])
    measure = Measure.of([line for lines in kept for line in lines])
    flow: list[Line | None] = []
    after_table = False
    for page, lines in zip(pages, kept, strict=True):
        blocks: list[tuple[float, Line | Part]] = [(line.top, line) for line in lines]
        blocks += [(part.top, part) for part in page.parts]
        for _, block in sorted(blocks, key=lambda b: b[0]):
            if isinstance(block, Part):
                block.continues = after_table
                flow.append(None)
                after_table = True
            else:
                flow.append(block)
                after_table = False
    reader = Reader(name)
    found: dict[str, list[Part]] = {}
    current: list[Part] | None = None
    for part in (part for page in pages for part in page.parts):
        key = official_key(part.text)
        if key is not None and key not in found:
            current = found[key] = [part]
        elif key is None and part.continues and current is not None:
            current.append(part)
        else:
            current = None
    tables = {key: grids.join(TABLES[key].name, parts) for key, parts in found.items()}
    if len(tables) < len(TABLES):
        require_tables(reader, tables)
    document = Document(
        [p.para(measure) for p in paragraphs(flow, measure)],
        creator=_text(metadata, "Author"),
        description=_text(metadata, "Subject"),
    )
    return assemble(reader, document, tables)
