"""Read a filled-in Excel form back as report data.

Only the input cells of the layout (:mod:`gidoc.sources.excel_layout`) are
read, never a formula cell: gidoc derives every total itself, so a workbook
saved by Excel, by LibreOffice Calc or by openpyxl (formulas cached or not)
reads the same.  Each value's cell (``表三!D4``) is returned as its location,
so a problem names the cell a clerk has to fix.
"""

from __future__ import annotations

import datetime
import io
import re
import warnings
from decimal import Decimal
from typing import Any

from gidoc.errors import InputError
from gidoc.format import paths
from gidoc.sources.excel_layout import (
    FIRST_SECTION_ROW,
    INIT_HINT,
    MAX_SECTION_ROWS,
    SHEETS,
    TEXTS,
    FormText,
    Kind,
    Layout,
    layouts,
    section_labels,
)
from gidoc.sources.files import Source, source_bytes
from gidoc.sources.loaded import Loaded


# -- reading ---------------------------------------------------------------------
def read_form(source: Source, name: str | None = None) -> Loaded:
    """Read a filled-in form back as report data, with the cell of every field.

    Only input cells are read, never a formula cell: gidoc derives the totals.
    Counts come back as ints; a count that is not a whole number (text, a
    fraction) is kept as found so that validation names it with its cell; an
    empty count is left out (it means 0).  ``locations`` maps each data path,
    and the column-check paths ``applications.*.<column>``, to its cell as
    Excel shows it (``表三!D4``).

    ``source`` is the workbook's bytes, a binary stream, or a path; ``name`` is
    how messages name it (by default the path, or ``<Excel 表格>``).
    Raises :class:`~gidoc.errors.InputError` for a file that is not an .xlsx
    workbook, a missing sheet, or a label cell that was changed.
    """
    raw, shown = source_bytes(source, name, "Excel 表格")
    workbook = _open(raw, shown)
    for sheet in SHEETS:
        if sheet not in workbook.sheetnames:
            raise InputError(
                f"{shown}：缺少工作表「{sheet}」；{INIT_HINT}，请勿删除或重命名其中的工作表"
            )
    text_sheet = workbook[TEXTS]
    sections = 0
    while (
        sections < MAX_SECTION_ROWS
        and text_sheet.cell(FIRST_SECTION_ROW + 2 * sections, 1).value
        == section_labels(sections + 1)[0]
    ):
        sections += 1
    reader = _Reader(shown, raw, workbook)
    for layout in layouts(sections):
        reader.read(layout)
    return Loaded(reader.data, reader.locations)


def _open(raw: bytes, name: str) -> Any:
    """The workbook with its formulas (not their cached values), or one clear InputError."""
    from openpyxl import load_workbook

    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        # An OLE container: an old .xls, or an .xlsx encrypted with an opening password.
        raise InputError(
            f"{name}：这是旧版 .xls 格式，或设置了打开密码的表格；"
            "请在 Excel/WPS 中取消打开密码，另存为 .xlsx 后再试"
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (e.g. from Excel); reading needs none.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(raw), data_only=False)
    except Exception:  # a damaged file breaks openpyxl in many ways, all meaning the same
        raise InputError(
            f"{name}：不是有效的 Excel 工作簿（.xlsx），文件可能已损坏；"
            "请确认它能在 Excel/WPS 中打开，并另存为 .xlsx"
        ) from None


class _Reader:
    """Collects data and locations from the sheets of one workbook."""

    def __init__(self, name: str, raw: bytes, workbook: Any) -> None:
        self.name = name
        self.raw = raw
        self.workbook = workbook
        self.data: dict[str, Any] = {}
        self.locations: dict[str, str] = {}
        self._cached: Any = None
        self._sections: dict[int, dict[str, tuple[Any, str]]] = {}

    def read(self, layout: Layout) -> None:
        ws = self.workbook[layout.name]
        for text in layout.texts:
            if text.checked:
                self._check_label(ws, text)
        for item in layout.inputs:
            where = f"{layout.name}!{item.coord}"
            value = _convert(item.kind, self._value(ws, item.coord))
            section = re.fullmatch(r"overview\.sections\[(\d+)\]\.(\w+)", item.path)
            if section:
                number, key = int(section.group(1)), section.group(2)
                self._sections.setdefault(number, {})[key] = (value, where)
                continue
            self.locations[item.path] = where
            if value is not paths.MISSING:
                paths.put(self.data, item.path, value)
        for path, coord in layout.locations.items():
            self.locations[path] = f"{layout.name}!{coord}"
        if layout.name == TEXTS:
            self._finish_sections()

    def _check_label(self, ws: Any, text: FormText) -> None:
        found = ws[text.coord].value
        if not isinstance(found, str) or found.strip() != text.text:
            shown = "空白" if found is None else f"「{found}」"
            raise InputError(
                f"{self.name}：工作表「{ws.title}」的 {text.coord} 应为「{text.text}」，"
                f"实际为{shown}；表格的行列和标签不能改动，{INIT_HINT}，请重新生成后再填写"
            )

    def _value(self, ws: Any, coord: str) -> Any:
        cell = ws[coord]
        if cell.data_type != "f":
            return cell.value
        # A formula typed into an input cell: its value as last computed, if the file has it.
        if self._cached is None:
            from openpyxl import load_workbook

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._cached = load_workbook(io.BytesIO(self.raw), data_only=True)
        cached = self._cached[ws.title][coord].value
        return str(cell.value) if cached is None else cached

    def _finish_sections(self) -> None:
        """Sections in form order, the rows left wholly empty skipped."""
        overview = self.data.setdefault("overview", {})
        sections: list[dict[str, Any]] = []
        for number in sorted(self._sections):
            cells = self._sections[number]
            heading, heading_at = cells["heading"]
            body, body_at = cells["body"]
            if heading is paths.MISSING and not body.strip():
                continue
            index = len(sections)
            sections.append({"heading": "" if heading is paths.MISSING else heading, "body": body})
            self.locations[f"overview.sections[{index}]"] = heading_at
            self.locations[f"overview.sections[{index}].heading"] = heading_at
            self.locations[f"overview.sections[{index}].body"] = body_at
        overview["sections"] = sections


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any) -> Any:
    """A whole float as int (Excel stores every number as a double); anything else as found."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _as_text(value: Any) -> str:
    """A cell's content as the text it shows; Excel line ends become ``\\n``."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).upper()
    return str(_number(value))


def _convert(kind: Kind, value: Any) -> Any:
    """A cell value as the data format wants it; ``paths.MISSING`` for an empty cell left out."""
    if kind in ("count", "year"):
        return paths.MISSING if _is_blank(value) else _number(value)
    if kind == "fee":
        if _is_blank(value):
            return paths.MISSING
        value = _number(value)
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, float):
            # The shortest text that reads back as this double: 24252.311082 stays exact.
            return Decimal(repr(value))
        return value
    if kind == "date":
        if _is_blank(value):
            return paths.MISSING
        if isinstance(value, datetime.datetime):
            return value.date()
        return value.strip() if isinstance(value, str) else value
    if kind == "text":
        return "" if value is None else _as_text(value)
    # line and required_text: an empty cell is a missing value, so validation asks for it.
    return paths.MISSING if _is_blank(value) else _as_text(value)
