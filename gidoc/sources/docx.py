"""Read a finished report (.docx) back into report data: the reviewing office's way in.

:func:`read_report` takes a report in the official format — gidoc's own output,
or one typed by hand in Word or WPS into the official tables — and returns a
:class:`~gidoc.sources.load.Loaded`: the data in the data format (without totals,
which gidoc derives), where each number sits in the document (``表三 第 8 行第
4 列``), and warnings about what was read leniently.

Nothing is found by position.  The three tables are found by a label only each
of them holds, rows by their label text, columns by their header texts, all
compared after :func:`norm` (NFKC, no whitespace, no quotes, ``1、``/``1．`` →
``1.``), so ``(一)`` matches ``（一）`` and ``商业⏎企业`` matches ``商业企业``;
merged cells (``gridSpan``, ``vMerge``) are resolved into a logical grid first.
The texts are split by the six section headings.  The official labels in
:mod:`gidoc.labels` are only ever compared with, never changed.

The file is read with :mod:`zipfile` and lxml directly (no python-docx), with
entity resolution and network access off.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from gidoc.errors import InputError, Problem, os_reason
from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.sources.load import Loaded

__all__ = ["norm", "read_report"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("t")
_SDT, _SDT_CONTENT, _CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
_VAL = _w("val")
#: Subtrees whose text is not the paragraph's own: text boxes, and the fallback
#: copy of alternate content (the same text box again, for old readers).
#: Tracked deletions and moves keep their old text in w:delText / w:moveFrom.
_SKIP = {
    _w("txbxContent"),
    f"{{{_MC}}}Fallback",
    _w("delText"),
    _w("moveFrom"),
    _w("instrText"),
}
_TAB, _BREAKS, _NO_BREAK_HYPHEN = _w("tab"), (_w("br"), _w("cr")), _w("noBreakHyphen")
#: The largest XML part read; a real report's document.xml is well below 10 MB.
_MAX_PART = 256 * 1024 * 1024

_OLD_FORMAT_HINT = "；旧版 .doc/.wps 文件请先在 Word 或 WPS 中“另存为” .docx"


# -- comparing labels ------------------------------------------------------------
_SPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_QUOTES = re.compile("[\"'`\u2018\u2019\u201c\u201d\u300c\u300d\u300e\u300f]")
_DIGIT_SEPARATOR = re.compile(r"(\d)[、.]")
_CHINESE_NUMBER_SEPARATOR = re.compile(r"^([一二三四五六七八九十]+)[、.,]")
_NOTE = re.compile(r"\([^()]*\)$")


def norm(text: str) -> str:
    """A label as compared: NFKC, no whitespace or quotes, ``1、``/``1．`` → ``1.``, ``一．`` → ``一、``.

    Only for comparing; the official labels themselves are never changed.
    """
    s = unicodedata.normalize("NFKC", text)
    s = _SPACE.sub("", s)
    s = _QUOTES.sub("", s)
    s = _DIGIT_SEPARATOR.sub(r"\1.", s)
    return _CHINESE_NUMBER_SEPARATOR.sub(r"\1、", s)


def _same(text: str, *labels: str) -> bool:
    """Whether a cell or paragraph reads as one of ``labels``; a trailing （…） note may be missing.

    ``（二）部分公开`` matches ``（二）部分公开（区分处理的，…）`` and
    ``规章（设区的市…应提供相关数据）`` matches ``规章``.
    """
    got = norm(text)
    if not got:
        return False
    bare = _NOTE.sub("", got)
    for label in labels:
        want = norm(label)
        if got == want or got == _NOTE.sub("", want) or bare == want:
            return True
    return False


# -- reading the package -----------------------------------------------------------
def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _read_part(path: Path, archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MAX_PART:
        raise InputError(f"{path}：文档中的 {name} 过大（{info.file_size} 字节），不像一份年度报告")
    try:
        return etree.fromstring(archive.read(info), _parser())
    except (
        etree.XMLSyntaxError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        OSError,
        ValueError,
    ) as exc:
        raise InputError(f"{path}：文档已损坏，{name} 无法读取（{exc}）") from None


def _target(path: Path, archive: zipfile.ZipFile, source: str, kind: str, default: str) -> str:
    """The part a relationship of ``source`` of type ``…/kind`` points to."""
    folder = PurePosixPath(source).parent
    rels = _read_part(path, archive, str(folder / "_rels" / f"{PurePosixPath(source).name}.rels"))
    if rels is not None:
        for rel in rels.iter(f"{{{_REL}}}Relationship"):
            if rel.get("Type", "").endswith(f"/{kind}") and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                if target.startswith("/"):
                    return target.lstrip("/")
                parts: list[str] = []
                for part in (folder / target).parts:
                    if part == "..":
                        if parts:
                            parts.pop()
                    elif part != ".":
                        parts.append(part)
                return "/".join(parts)
    return default


@dataclass
class _Package:
    body: etree._Element
    styles: dict[str, _Style]
    default_style: str | None
    creator: str = ""
    description: str = ""


def _open(path: Path) -> _Package:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(f"{path}：文件不存在") from None
    except IsADirectoryError:
        raise InputError(f"{path}：这是一个文件夹，不是 Word 文档") from None
    except PermissionError:
        raise InputError(f"{path}：没有读取权限") from None
    except zipfile.BadZipFile:
        hint = _OLD_FORMAT_HINT if path.suffix.lower() in (".doc", ".wps", ".wpt", ".dot") else ""
        raise InputError(f"{path}：不是 .docx 格式的 Word 文档{hint}") from None
    except OSError as exc:
        raise InputError(f"{path}：无法读取（{os_reason(exc)}）") from None
    with archive:
        main = _target(path, archive, "", "officeDocument", "word/document.xml")
        document = _read_part(path, archive, main)
        if document is None or document.find(_w("body")) is None:
            raise InputError(f"{path}：不是 Word 文档（缺少正文部分 {main}）")
        styles_name = _target(path, archive, main, "styles", "word/styles.xml")
        styles, default = _styles(_read_part(path, archive, styles_name))
        package = _Package(document.find(_w("body")), styles, default)
        core = _read_part(path, archive, "docProps/core.xml")
        if core is not None:
            for element in core:
                local = etree.QName(element).localname
                if local == "creator":
                    package.creator = (element.text or "").strip()
                elif local == "description":
                    package.description = (element.text or "").strip()
    return package


# -- styles and paragraphs ---------------------------------------------------------
@dataclass
class _Style:
    name: str
    based_on: str | None
    align: str | None
    outline: int | None
    numbered: bool | None


def _numbered(ppr: etree._Element | None) -> bool | None:
    if ppr is None:
        return None
    num = ppr.find(_w("numPr"))
    if num is None:
        return None
    num_id = num.find(_w("numId"))
    return num_id is None or num_id.get(_VAL) != "0"


def _styles(root: etree._Element | None) -> tuple[dict[str, _Style], str | None]:
    styles: dict[str, _Style] = {}
    default = None
    if root is None:
        return styles, default
    for style in root.iter(_w("style")):
        if style.get(_w("type")) != "paragraph":
            continue
        style_id = style.get(_w("styleId"), "")
        name = style.find(_w("name"))
        based = style.find(_w("basedOn"))
        ppr = style.find(_w("pPr"))
        jc = ppr.find(_w("jc")) if ppr is not None else None
        outline = ppr.find(_w("outlineLvl")) if ppr is not None else None
        styles[style_id] = _Style(
            name=(name.get(_VAL, "") if name is not None else style_id),
            based_on=based.get(_VAL) if based is not None else None,
            align=jc.get(_VAL) if jc is not None else None,
            outline=_int(outline.get(_VAL)) if outline is not None else None,
            numbered=_numbered(ppr),
        )
        if style.get(_w("default")) in ("1", "true", "on"):
            default = style_id
    return styles, default


def _int(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


@dataclass
class _Para:
    """A body paragraph: its text (soft breaks as ``\\n``) and what its style says."""

    text: str
    style: str
    heading: bool
    right: bool
    numbered: bool

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.split("\n") if line.strip()]

    @property
    def one_line(self) -> str:
        return "".join(self.lines)


def _text(element: etree._Element) -> str:
    """The visible text of a paragraph: runs, tabs and breaks; no text boxes, no deleted text."""
    out: list[str] = []

    def walk(node: etree._Element) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _T:
                out.append(child.text or "")
            elif tag == _TAB:
                out.append("\t")
            elif tag in _BREAKS:
                out.append("\n")
            elif tag == _NO_BREAK_HYPHEN:
                out.append("-")
            else:
                walk(child)

    walk(element)
    return "".join(out)


def _resolve(styles: dict[str, _Style], style_id: str | None, attr: str) -> Any:
    seen: set[str] = set()
    while style_id is not None and style_id in styles and style_id not in seen:
        seen.add(style_id)
        value = getattr(styles[style_id], attr)
        if value is not None:
            return value
        style_id = styles[style_id].based_on
    return None


def _paragraph(package: _Package, p: etree._Element) -> _Para:
    ppr = p.find(_w("pPr"))
    style_el = ppr.find(_w("pStyle")) if ppr is not None else None
    style_id = style_el.get(_VAL) if style_el is not None else package.default_style
    style = package.styles.get(style_id or "")
    name = style.name if style is not None else (style_id or "")
    jc = ppr.find(_w("jc")) if ppr is not None else None
    align = jc.get(_VAL) if jc is not None else _resolve(package.styles, style_id, "align")
    outline_el = ppr.find(_w("outlineLvl")) if ppr is not None else None
    outline = (
        _int(outline_el.get(_VAL))
        if outline_el is not None
        else _resolve(package.styles, style_id, "outline")
    )
    numbered = _numbered(ppr)
    if numbered is None:
        numbered = bool(_resolve(package.styles, style_id, "numbered"))
    lower = name.lower()
    heading = (
        lower.startswith(("heading", "title", "标题")) or outline is not None and 0 <= outline < 9
    )
    return _Para(_text(p), name, heading, align in ("right", "end"), numbered)


def _blocks(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of the body in order, looking into content controls."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)
        elif child.tag == _CUSTOM_XML:
            yield from _blocks(child)


# -- tables ------------------------------------------------------------------------
@dataclass
class Cell:
    """A logical cell: top-left grid position, spans, text (paragraphs joined by ``\\n``)."""

    row: int
    col: int
    rows: int
    cols: int
    text: str


def _cell_text(tc: etree._Element) -> str:
    lines = []
    for child in _cell_blocks(tc):
        if child.tag == _P:
            lines.append(_text(child))
    return "\n".join(lines)


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """The children of ``parent`` with ``tag``, looking through content controls
    (``w:sdt``) and custom XML wrappers, which Word and WPS put around rows,
    cells and paragraphs."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _children(inner, tag)


def _cell_blocks(tc: etree._Element) -> Iterator[etree._Element]:
    return _children(tc, _P)


def _row_cells(tr: etree._Element) -> Iterator[etree._Element]:
    return _children(tr, _TC)


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    return _children(tbl, _TR)


def _prop(element: etree._Element | None, tag: str) -> etree._Element | None:
    return None if element is None else element.find(_w(tag))


class Table:
    """One Word table as a logical grid: ``grid[r][c]`` is the cell covering row r, column c."""

    def __init__(self, name: str, tbl: etree._Element) -> None:
        self.name = name
        self.cells: list[Cell] = []
        rows: list[dict[int, Cell]] = []
        open_v: dict[int, Cell] = {}
        for r, tr in enumerate(_rows(tbl)):
            row: dict[int, Cell] = {}
            before = _prop(tr.find(_w("trPr")), "gridBefore")
            c = (_int(before.get(_VAL)) or 0) if before is not None else 0
            last: Cell | None = None
            for tc in _row_cells(tr):
                tcpr = tc.find(_w("tcPr"))
                span_el = _prop(tcpr, "gridSpan")
                span = max(_int(span_el.get(_VAL)) or 1, 1) if span_el is not None else 1
                vmerge_el = _prop(tcpr, "vMerge")
                vmerge = (vmerge_el.get(_VAL) or "continue") if vmerge_el is not None else None
                hmerge_el = _prop(tcpr, "hMerge")
                hmerge = (hmerge_el.get(_VAL) or "continue") if hmerge_el is not None else None
                if hmerge == "continue" and last is not None and last.row == r:
                    last.cols += span  # legacy horizontal merge: part of the cell on the left
                    cell = last
                elif vmerge == "continue" and c in open_v:
                    cell = open_v[c]
                    if cell.row + cell.rows == r:
                        cell.rows += 1
                else:
                    cell = Cell(r, c, 1, span, _cell_text(tc))
                    self.cells.append(cell)
                    if vmerge == "restart":
                        open_v[c] = cell
                    else:
                        open_v.pop(c, None)
                for x in range(c, c + span):
                    row[x] = cell
                last = cell
                c += span
            for x in list(open_v):
                if x not in row:
                    del open_v[x]
            rows.append(row)
        self.grid = rows
        self.width = max((max(row, default=-1) + 1 for row in rows), default=0)

    def at(self, r: int, c: int) -> Cell | None:
        if 0 <= r < len(self.grid):
            return self.grid[r].get(c)
        return None

    def row_cells(self, r: int, start: int = 0, stop: int | None = None) -> list[Cell]:
        """The distinct cells of row r from column ``start`` up to ``stop``, left to right."""
        out: list[Cell] = []
        stop = self.width if stop is None else stop
        for c in range(start, stop):
            cell = self.at(r, c)
            if cell is not None and (not out or out[-1] is not cell):
                out.append(cell)
        return out

    def find(self, *labels: str, rows: range | None = None) -> list[Cell]:
        """The cells that read as one of ``labels``, top to bottom, left to right."""
        return [
            cell
            for cell in self.cells
            if (rows is None or cell.row in rows) and _same(cell.text, *labels)
        ]

    def where(self, r: int, c: int) -> str:
        """A location as a person counts it: ``表三 第 8 行第 4 列``."""
        return f"{self.name} 第 {r + 1} 行第 {c + 1} 列"


def _own_text(tbl: etree._Element) -> str:
    """The text of a table without the text of tables nested in it."""
    parts = []
    for t in tbl.iter(_T):
        if next(t.iterancestors(_TBL), None) is tbl:
            parts.append(t.text or "")
    return "".join(parts)


#: Each table by the key the readers below use.
_TABLES = {"t2": T.TABLE_2, "t3": T.TABLE_3, "t4": T.TABLE_4}


# -- numbers ---------------------------------------------------------------------------
_ZERO_MARK = re.compile(r"[-‐‑‒–—―─━/\\]*")
_INTEGER = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)")
_DECIMAL = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


@dataclass
class _Reader:
    path: Path
    warnings: list[Problem] = field(default_factory=list)
    locations: dict[str, str] = field(default_factory=dict)

    def fail(self, message: str) -> InputError:
        return InputError(f"{self.path}：{message}")

    def warn(self, path: str, label: str, message: str, cell: str = "") -> None:
        self.warnings.append(Problem(path, label, message, "warning", cell))

    def number(
        self,
        table: Table,
        r: int,
        c: int,
        path: str,
        row_label: str,
        column: str,
        *,
        fee: bool = False,
    ) -> int | Decimal:
        """The number in a cell; a blank or a dash is 0 with a warning; anything else fails."""
        cell = table.at(r, c)
        where = table.where(r, c)
        self.locations[path] = where
        raw = cell.text if cell is not None else ""
        text = _SPACE.sub("", unicodedata.normalize("NFKC", raw))
        if _ZERO_MARK.fullmatch(text):
            shown = f"「{_one_line(raw)}」" if raw.strip() else "空白"
            self.warn(
                path,
                f"{row_label} / {column}",
                f"{_cell_name(table, row_label, column)}填的是{shown}，按 0 读取",
                where,
            )
            return Decimal(0) if fee else 0
        pattern = _DECIMAL if fee else _INTEGER
        if not pattern.fullmatch(text):
            kind = "数字（万元）" if fee else "整数"
            raise self.fail(
                f"{where}（{_cell_name(table, row_label, column)}）应为{kind}，"
                f"实际为「{_one_line(raw)}」"
            )
        digits = text.replace(",", "")
        return Decimal(digits) if fee else int(digits)

    def total(self, table: Table, r: int, c: int, path: str, label: str, derived: int) -> None:
        """Compare a printed total with the derived one; a mismatch is a warning."""
        cell = table.at(r, c)
        raw = cell.text if cell is not None else ""
        text = _SPACE.sub("", unicodedata.normalize("NFKC", raw))
        if _ZERO_MARK.fullmatch(text) and derived == 0:
            return
        if _INTEGER.fullmatch(text) and int(text.replace(",", "")) == derived:
            return
        shown = f"「{_one_line(raw)}」" if raw.strip() else "空白"
        self.warn(
            path,
            label,
            f"表中的总计为{shown}，按各项相加应为 {derived}；读出的数据不含总计，以相加结果为准",
            table.where(r, c),
        )


def _cell_name(table: Table, row_label: str, column: str) -> str:
    """A cell named as a person reads the table: 表三「2.重复申请」行「科研机构」列."""
    if table.name == "表四":  # no row labels: a column under its group header
        return f"{table.name}「{row_label} / {column}」列"
    return f"{table.name}「{row_label}」行「{column}」列"


def _table_2(reader: _Reader, table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {}
    columns = {}
    for key, header in L.DOCUMENT_COLUMNS.items():
        found = table.find(header)
        if not found:
            raise reader.fail(f"{table.name}缺少表头「{header}」")
        columns[key] = (found[0].col, header)
    for key, label in T.DOCUMENT_ROWS.items():
        # Some reports shorten 行政规范性文件 to 规范性文件.
        labels = (label, label.removeprefix("行政")) if key == "normative_documents" else (label,)
        found = table.find(*labels)
        if not found:
            if key == "rules":
                reader.warn(
                    f"active_disclosure.{key}",
                    label,
                    f"{table.name}没有「{label}」行，规章的三项数字均按 0 读取",
                )
                out[key] = dict.fromkeys(L.DOCUMENT_COLUMNS, 0)
                continue
            raise reader.fail(f"{table.name}缺少「{label}」行")
        if norm(found[0].text) != norm(label):
            reader.warn(
                f"active_disclosure.{key}",
                label,
                f"{table.name}的行名写作「{_one_line(found[0].text)}」，按「{label}」读取",
                table.where(found[0].row, found[0].col),
            )
        r = found[0].row
        out[key] = {
            column: reader.number(table, r, col, f"active_disclosure.{key}.{column}", label, header)
            for column, (col, header) in columns.items()
        }
    for key, (label, header) in T.DECISION_ROWS.items():
        found = table.find(label)
        if not found:
            raise reader.fail(f"{table.name}缺少「{label}」行")
        cell = found[0]
        col = cell.col + cell.cols
        if table.at(cell.row, col) is None:
            raise reader.fail(f"{table.name}「{label}」行右边没有填数字的单元格")
        out[key] = reader.number(
            table,
            cell.row,
            col,
            f"active_disclosure.{key}",
            label,
            header,
            fee=key == "administrative_fees",
        )
    return out


def _one_line(text: str) -> str:
    return "".join(line.strip() for line in text.splitlines())


# -- table 三 ------------------------------------------------------------------------
def _table_3(reader: _Reader, table: Table) -> dict[str, Any]:
    first = table.find(L.T3_NEW)
    if not first:
        raise reader.fail(f"{table.name}缺少「{L.T3_NEW}」行")
    top = first[0].row
    header_rows = range(top)
    columns: dict[str, tuple[int, str]] = {}
    for key, header in [*L.APPLICANT_COLUMNS.items(), ("total", L.TOTAL)]:
        found = table.find(header, rows=header_rows)
        if not found:
            raise reader.fail(f"{table.name}缺少表头「{header}」")
        columns[key] = (found[0].col, header)
    data_start = min(col for col, _ in columns.values())
    candidates = [(r, table.row_cells(r, 0, data_start)) for r in range(top, len(table.grid))]
    out: dict[str, Any] = {}
    sums = dict.fromkeys(L.APPLICANT_COLUMNS, 0)
    total_row = -1
    for data_row in T.TABLE_3_ROWS:
        path, labels = data_row.path, data_row.labels
        matches = [r for r, cells in candidates if cells and _same(cells[-1].text, labels[-1])]
        if len(matches) > 1 and len(labels) > 2:
            inner = [
                r
                for r in matches
                if any(_same(c.text, labels[-2]) for c in dict(candidates)[r][:-1])
            ]
            matches = inner or matches
        label = data_row.label
        if not matches:
            if path == "results.total":
                continue
            raise reader.fail(f"{table.name}缺少「{label}」行")
        r = matches[0]
        if path == "results.total":
            total_row = r
            continue
        row: dict[str, int] = {}
        for key in L.APPLICANT_COLUMNS:
            col, header = columns[key]
            row[key] = int(
                reader.number(table, r, col, f"applications.{path}.{key}", label, header)
            )
        col, header = columns["total"]
        reader.total(
            table,
            r,
            col,
            f"applications.{path}.total",
            f"{label} / {L.TOTAL}",
            sum(row.values()),
        )
        if path.startswith("results."):
            for key, value in row.items():
                sums[key] += value
        paths.put(out, path, row)
    if total_row >= 0:
        for key, (col, header) in columns.items():
            derived = sum(sums.values()) if key == "total" else sums[key]
            reader.total(
                table,
                total_row,
                col,
                f"applications.results.total.{key}",
                f"{L.T3_RESULTS_TOTAL} / {header}",
                derived,
            )
    return out


# -- table 四 ------------------------------------------------------------------------
def _table_4(reader: _Reader, table: Table) -> dict[str, Any]:
    groups: dict[str, dict[str, tuple[int, str]]] = {}
    last_header = 0
    for group, group_label in L.CASE_GROUPS.items():
        found = table.find(group_label)
        if not found:
            raise reader.fail(f"{table.name}缺少表头「{group_label}」")
        head = found[0]
        last_header = max(last_header, head.row + head.rows - 1)
        span = range(head.col, head.col + head.cols)
        below = range(head.row + head.rows, len(table.grid))
        columns = {}
        for key, header in [*L.CASE_COLUMNS.items(), ("total", L.TOTAL)]:
            cells = [c for c in table.find(header, rows=below) if c.col in span]
            if not cells:
                raise reader.fail(f"{table.name}「{group_label}」下缺少表头「{header}」")
            columns[key] = (cells[0].col, header)
            last_header = max(last_header, cells[0].row + cells[0].rows - 1)
        groups[group] = columns
    r = last_header + 1
    if r >= len(table.grid):
        raise reader.fail(f"{table.name}表头下面没有填数字的行")
    for extra in range(r + 1, len(table.grid)):
        if any(norm(cell.text) for cell in table.row_cells(extra)):
            reader.warn(
                "review_and_litigation",
                L.SECTION_4,
                f"{table.name}第 {extra + 1} 行在数字行之后，未读取",
                table.where(extra, 0),
            )
    out: dict[str, Any] = {}
    for group, columns in groups.items():
        label = T.case_group_label(group)
        row = {}
        for key in L.CASE_COLUMNS:
            col, header = columns[key]
            row[key] = reader.number(
                table, r, col, f"review_and_litigation.{group}.{key}", label, header
            )
        col, _ = columns["total"]
        reader.total(
            table,
            r,
            col,
            f"review_and_litigation.{group}.total",
            f"{label} / {L.TOTAL}",
            sum(int(value) for value in row.values()),
        )
        out[group] = row
    return out


# -- texts ---------------------------------------------------------------------------
_SUB = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*")
_INLINE_END = re.compile(r"[。：:]")
_DATE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")
_CHINESE_DATE = re.compile(
    r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_DIGIT_OF = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0}
_TITLE = (
    re.compile(rf"(?P<agency>.+?)\s*(?P<year>\d{{4}})\s*年度?\s*{L.TITLE_SUFFIX}"),
    re.compile(rf"(?P<year>\d{{4}})\s*年度?\s*(?P<agency>.+?)\s*{L.TITLE_SUFFIX}"),
)


def _chinese_int(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return _DIGIT_OF[text]
    tens, _, ones = text.partition("十")
    return (_DIGIT_OF[tens] if tens else 1) * 10 + (_DIGIT_OF[ones] if ones else 0)


def _date(text: str) -> tuple[int, int, int] | None:
    """A 成文日期 line as (year, month, day): ``2026年1月20日`` or ``二〇二六年一月二十日``."""
    s = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    match = _DATE.fullmatch(s)
    if match:
        return int(match[1]), int(match[2]), int(match[3])
    match = _CHINESE_DATE.fullmatch(s)
    if match:
        year = int("".join(str(_DIGIT_OF[c]) for c in match[1]))
        return year, _chinese_int(match[2]), _chinese_int(match[3])
    return None


def _join(paras: list[_Para]) -> str:
    return "\n".join(line for p in paras for line in p.lines)


def _matches_heading(p: _Para, heading: str) -> bool:
    text = p.one_line
    if _same(text, heading):
        return True
    # Word's automatic numbering: the 一、 is not in the text.
    bare = heading.split("、", 1)[1]
    return p.numbered and norm(text) == norm(bare)


def _split_sections(
    reader: _Reader, paras: list[_Para]
) -> tuple[list[int | None], list[list[_Para]]]:
    """The index of each of the six headings (None if missing) and the paragraphs under each."""
    found: list[int | None] = []
    start = 0
    for number, heading in enumerate(L.SECTIONS):
        variants = (heading, L.SECTION_5_2019) if number == 4 else (heading,)
        candidates = [
            i
            for i in range(start, len(paras))
            if any(_matches_heading(paras[i], v) for v in variants)
        ]
        styled = [i for i in candidates if paras[i].heading]
        chosen = styled[0] if styled else candidates[0] if candidates else None
        found.append(chosen)
        if chosen is not None:
            start = chosen + 1
    if all(i is None for i in found):
        raise reader.fail(
            f"未找到「{L.SECTION_1}」「{L.SECTION_6}」等章节标题，不像一份{L.TITLE_SUFFIX}"
        )
    bodies: list[list[_Para]] = []
    for number, index in enumerate(found):
        if index is None:
            bodies.append([])
            reader.warn(
                _SECTION_PATHS[number],
                L.SECTIONS[number],
                f"未找到章节标题「{L.SECTIONS[number]}」，这一部分按空白读取",
            )
            continue
        following = [i for i in found[number + 1 :] if i is not None]
        end = following[0] if following else len(paras)
        bodies.append(paras[index + 1 : end])
    return found, bodies


_SECTION_PATHS = (
    "overview",
    "active_disclosure",
    "applications",
    "review_and_litigation",
    "problems",
    "other_matters",
)


def _sub_headings(paras: list[_Para], strict: bool) -> list[tuple[int, str, str]]:
    """The （一）-numbered headings: index, number, and what follows the number."""
    candidates = []
    for i, p in enumerate(paras):
        match = _SUB.match(p.one_line)
        if match:
            candidates.append((i, match[1], p.one_line[match.end() :]))
    if strict or any(paras[i].heading for i, _, _ in candidates):
        candidates = [c for c in candidates if paras[c[0]].heading]
    return candidates


def _inline(p: _Para, rest: str) -> tuple[str, list[str]]:
    """A heading typed with its text in one paragraph: ``（一）主动公开。全年…`` → heading, body."""
    if p.heading:
        return rest.strip(), []
    match = _INLINE_END.search(rest)
    if match is None:
        return rest.strip(), []
    after = rest[match.end() :].strip()
    return rest[: match.start()].strip(), [after] if after else []


def _overview(paras: list[_Para], strict: bool) -> dict[str, Any]:
    heads = _sub_headings(paras, strict)
    first = heads[0][0] if heads else len(paras)
    sections = []
    for n, (index, _, rest) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(paras)
        heading, body = _inline(paras[index], rest)
        lines = body + [line for p in paras[index + 1 : end] for line in p.lines]
        sections.append({"heading": heading, "body": "\n".join(lines)})
    return {"summary": _join(paras[:first]), "sections": sections}


def _section_5(reader: _Reader, paras: list[_Para], strict: bool) -> tuple[str, str]:
    heads = _sub_headings(paras, strict)
    one = next((h for h in heads if h[1] == "一"), None)
    two = next((h for h in heads if h[1] == "二" and (one is None or h[0] > one[0])), None)
    if one is None and two is None:
        if paras:
            reader.warn(
                "problems",
                f"{L.SECTION_5} / {L.PROBLEMS}",
                f"「{L.SECTION_5}」下没有「{L.PROBLEMS}」「{L.IMPROVEMENTS}」两个小标题，"
                "全部文字按「存在的主要问题」读取",
            )
        return _join(paras), ""
    start_2 = two[0] if two is not None else len(paras)
    lines_1: list[str] = []
    if one is not None:
        if one[0] > 0 and _join(paras[: one[0]]):
            reader.warn(
                "problems",
                f"{L.SECTION_5} / {L.PROBLEMS}",
                f"「{L.PROBLEMS}」之前的文字也按「存在的主要问题」读取",
            )
        lines_1 = [line for p in paras[: one[0]] for line in p.lines]
        lines_1 += _inline(paras[one[0]], one[2])[1]
        lines_1 += [line for p in paras[one[0] + 1 : start_2] for line in p.lines]
    else:
        lines_1 = [line for p in paras[:start_2] for line in p.lines]
    lines_2: list[str] = []
    if two is not None:
        lines_2 = _inline(paras[two[0]], two[2])[1]
        lines_2 += [line for p in paras[two[0] + 1 :] for line in p.lines]
    return "\n".join(lines_1), "\n".join(lines_2)


def _signature(reader: _Reader, paras: list[_Para]) -> tuple[list[_Para], str | None, str | None]:
    """Split the 落款 off the end of 六: the remaining paragraphs, the issuer and the ISO date."""
    body = [p for p in paras if p.lines]
    issuer = date = None
    if body:
        last = body[-1]
        parsed = _date(last.one_line)
        styled = last.style == L.STYLE_DATE
        if parsed is not None and (styled or last.right or _indented(last)):
            try:
                date = datetime.date(*parsed).isoformat()
            except ValueError:
                raise reader.fail(f"落款日期「{last.one_line}」不是有效的日期") from None
            body.pop()
            if body and (
                body[-1].style == L.STYLE_SIGNATURE or body[-1].right or _indented(body[-1])
            ):
                issuer = " ".join(body.pop().lines)
        elif last.style == L.STYLE_SIGNATURE:
            issuer = " ".join(body.pop().lines)
    return body, issuer, date


def _indented(p: _Para) -> bool:
    """Pushed to the right with spaces, as a 落款 typed without right alignment often is."""
    lead = len(p.text) - len(p.text.lstrip())
    return lead >= 4


def _title(
    reader: _Reader, package: _Package, paras: list[_Para]
) -> tuple[str, str, int, list[_Para]]:
    """Title, agency, year, and the preamble paragraphs after the title."""
    texts = [(i, p) for i, p in enumerate(paras) if p.lines]
    if not texts:
        raise reader.fail(f"「{L.SECTION_1}」之前没有标题")
    chosen = None
    for n, (i, p) in enumerate(texts):
        if _title_match(p.one_line):
            chosen = (n, p.one_line, i + 1)
            break
        if n + 1 < len(texts):
            joined = p.one_line + texts[n + 1][1].one_line
            if _title_match(joined):
                chosen = (n, joined, texts[n + 1][0] + 1)
                break
    if chosen is None:
        chosen = (0, texts[0][1].one_line, texts[0][0] + 1)
    n, title, after = chosen
    if n > 0:
        skipped = "、".join(f"「{p.one_line[:20]}」" for _, p in texts[:n])
        reader.warn("title", "标题", f"标题之前的文字未读取：{skipped}")
    match = _title_match(title)
    if match is not None:
        agency, year = match["agency"].strip(), int(match["year"])
    else:
        years = re.findall(r"(\d{4})\s*年", title)
        agency = package.creator if package.description == L.DOCUMENT_SUBJECT else ""
        if not years or not agency:
            raise reader.fail(
                f"无法从标题「{title}」读出机关名称和年度；标题应形如「XX局2025年{L.TITLE_SUFFIX}」"
            )
        year = int(years[-1])
    return title, agency, year, paras[after:]


def _title_match(text: str) -> re.Match[str] | None:
    for pattern in _TITLE:
        match = pattern.fullmatch(text)
        if match is not None and match["agency"].strip():
            return match
    return None


# -- the report ------------------------------------------------------------------------
def read_report(path: str | Path) -> Loaded:
    """Read a report .docx in the official format back into report data.

    ``data`` has the shape of the data format without any ``total`` (gidoc
    derives them); ``locations`` maps each number's JSON path to its cell
    (``表三 第 8 行第 4 列``); ``warnings`` are what was read leniently (a dash
    or blank for 0, a missing 规章 row, a total that does not add up, text
    outside the expected places).  Raises :class:`InputError` for a file that
    is not a .docx, a missing table, row or column, or a cell that is not a
    number.
    """
    path = Path(path)
    reader = _Reader(path)
    package = _open(path)
    paras = [_paragraph(package, b) for b in _blocks(package.body) if b.tag == _P]
    found = _find_tables(reader, package.body)

    heads, bodies = _split_sections(reader, paras)
    first = next(i for i in heads if i is not None)
    title, agency, year, preamble = _title(reader, package, paras[:first])
    gidoc_made = {L.STYLE_SIGNATURE, L.STYLE_DATE} <= {s.name for s in package.styles.values()}
    strict = gidoc_made and all(paras[i].heading for i in heads if i is not None)
    for number in (1, 2, 3):
        text = _join(bodies[number])
        if text:
            reader.warn(
                _SECTION_PATHS[number],
                L.SECTIONS[number],
                f"「{L.SECTIONS[number]}」下表格以外的文字未读取：{text[:30]}",
            )
    problems, improvements = _section_5(reader, bodies[4], strict)
    other, issuer, date = _signature(reader, bodies[5])

    data: dict[str, Any] = {"schema_version": 1, "agency": agency, "year": year}
    if title != f"{agency}{year}年{L.TITLE_SUFFIX}":
        data["title"] = title
    if _join(preamble):
        data["preamble"] = _join(preamble)
    data["overview"] = _overview(bodies[0], strict)
    data["active_disclosure"] = _table_2(reader, found["t2"])
    data["applications"] = _table_3(reader, found["t3"])
    data["review_and_litigation"] = _table_4(reader, found["t4"])
    data["problems"] = problems
    data["improvements"] = improvements
    data["other_matters"] = _join(other)
    if issuer is not None:
        data["issuer"] = issuer
    if date is not None:
        data["date"] = date
    return Loaded(data, reader.locations, reader.warnings)


def _find_tables(reader: _Reader, body: etree._Element) -> dict[str, Table]:
    found: dict[str, Table] = {}
    for tbl in body.iter(_TBL):
        text = norm(_own_text(tbl))
        for key, official in _TABLES.items():
            if norm(official.marker) in text:
                if key not in found:
                    found[key] = Table(official.name, tbl)
                break
    for key, official in _TABLES.items():
        if key not in found:
            raise reader.fail(
                f"未找到{official.name}（{official.section[2:]}）：文档中没有含「{official.marker}」的表格"
            )
    return found
