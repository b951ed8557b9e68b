"""Write the Excel form a clerk fills in (``gidoc init -o 填报表.xlsx``).

The official tables are laid out as in 国办公开办函〔2021〕30号 (the layout of
:mod:`gidoc.sources.excel_layout`), with the totals and the 勾稽 check as Excel
formulas, only the input cells unlocked and the sheets protected.
"""

from __future__ import annotations

import datetime
import io
import math
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from gidoc.format import paths
from gidoc.output.files import write_atomic
from gidoc.sources.excel_layout import (
    BAD_MARK,
    MAX_SECTION_ROWS,
    MIN_SECTION_ROWS,
    OK_MARK,
    T3_CHECK_ROW,
    TABLE_3,
    Kind,
    Layout,
    column_letter,
    layouts,
)


# -- writing ---------------------------------------------------------------------
def _cell_value(kind: Kind, value: Any) -> Any:
    """What to put in an input cell for a data value (data is expected to be valid)."""
    if value is paths.MISSING or value is None:
        return 0 if kind in ("count", "fee") else None
    if isinstance(value, Decimal):
        # Excel holds doubles; a fee of up to 15 significant digits survives the trip exactly.
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bool | int | float | datetime.date):
        return value
    return str(value)


def write_form(path: Path, data: Mapping[str, Any] | None = None) -> None:
    """Write the Excel form to ``path``, prefilled from ``data`` (report data, normally valid).

    Without data every count is 0 and every text empty.  Values that have no
    cell in the form are not written.  The workbook is written atomically;
    raises :class:`~gidoc.errors.OutputError` if it cannot be.
    """
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    path = Path(path)
    data = data or {}
    sections = paths.get(data, "overview.sections")
    # Sections are numbered （一）…（九十九）; a report never comes near that.
    count = min(len(sections), MAX_SECTION_ROWS) if isinstance(sections, list) else 0
    workbook = Workbook()
    workbook.remove(workbook.active)
    for layout in layouts(max(MIN_SECTION_ROWS, count)):
        _draw(workbook.create_sheet(layout.name), layout, data)
    workbook.properties.creator = "gidoc"
    # Sheets cannot be renamed, moved or deleted by mistake; no password, on purpose.
    workbook.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(path, buffer.getvalue())


def _styles() -> dict[str, Any]:
    """The form's cell styles, built on first use (openpyxl loads only when needed)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "font": Font(name="宋体", size=11),
        "bold": Font(name="宋体", size=11, bold=True),
        "title": Font(name="宋体", size=14, bold=True),
        "note": Font(name="楷体", size=11),
        "hint": Font(name="宋体", size=10, color="595959"),
        "group": PatternFill("solid", fgColor="C6D9F1"),
        "input": PatternFill("solid", fgColor="FFF2CC"),
        "formula": PatternFill("solid", fgColor="F2F2F2"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "top": Alignment(horizontal="left", vertical="top", wrap_text=True),
    }


_NUMBER_FORMATS: Final[dict[str, str]] = {
    "count": "0",
    "fee": "0.######",
    "year": "0",
    "date": "yyyy-mm-dd",
    # Text format keeps a heading typed as 2025 a text, not a number.
    "line": "@",
    "text": "@",
    "required_text": "@",
}


def _draw(ws: Any, layout: Layout, data: Mapping[str, Any]) -> None:
    """Draw one sheet of the form."""
    from openpyxl.styles import Protection
    from openpyxl.utils.cell import range_boundaries

    s = _styles()
    for letter, width in layout.widths.items():
        ws.column_dimensions[letter].width = width
    if layout.area:
        min_col, min_row, max_col, max_row = range_boundaries(layout.area)
        for row in ws.iter_rows(min_row, max_row, min_col, max_col):
            for cell in row:
                cell.border = s["border"]
                cell.font = s["font"]
                cell.alignment = s["center"]

    for text in layout.texts:
        cell = ws[text.coord]
        cell.value = text.text
        fonts = {"note": "note", "hint": "hint", "caption": "title", "header": "bold"}
        cell.font = s[fonts.get(text.role, "font")]
        left = text.role in ("label_left", "group", "hint", "caption")
        cell.alignment = s["left"] if left else s["center"]
        if text.role == "group":
            cell.fill = s["group"]
    for coord, formula in layout.formulas.items():
        cell = ws[coord]
        cell.value = formula
        cell.fill = s["formula"]
        cell.number_format = "0"
    unlocked = Protection(locked=False)
    for item in layout.inputs:
        cell = ws[item.coord]
        value = _cell_value(item.kind, paths.get(data, item.path))
        if isinstance(value, str):
            value = _xml_text(value)
        cell.value = value
        if isinstance(value, str):
            # A text such as "=1+1" stays a text, never becomes a formula.
            cell.data_type = "s"
        cell.number_format = _NUMBER_FORMATS[item.kind]
        cell.fill = s["input"]
        cell.protection = unlocked
        cell.border = s["border"]
        if item.kind in ("text", "required_text"):
            cell.alignment = s["top"]
        elif item.kind == "line":
            cell.alignment = s["left"]
        else:
            cell.alignment = s["center"]
    for merged in layout.merges:
        ws.merge_cells(merged)
    _heights(ws, layout)
    _validation(ws, layout)
    if layout.name == TABLE_3:
        _check_row_colours(ws)
    if layout.freeze:
        ws.freeze_panes = layout.freeze
    # Printed one page wide, as many pages long as it takes.
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
    # Clerks may still widen columns and rows to read long texts.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _xml_text(value: str) -> str:
    """``value`` without the control characters an .xlsx cannot hold (shown as U+FFFD)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def _display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _lines(text: str, width: float) -> int:
    usable = max(width - 2, 4)
    return sum(max(1, math.ceil(_display_width(line) / usable)) for line in text.split("\n"))


def _heights(ws: Any, layout: Layout) -> None:
    """Row heights that show each wrapped label and text whole (Excel does not fit them itself)."""
    from openpyxl.utils.cell import range_boundaries

    spans: dict[str, tuple[float, int]] = {}
    for merged in layout.merges:
        min_col, min_row, max_col, max_row = range_boundaries(merged)
        width = sum(layout.widths.get(column_letter(c), 8.43) for c in range(min_col, max_col + 1))
        spans[f"{column_letter(min_col)}{min_row}"] = (width, max_row - min_row + 1)
    heights: dict[int, float] = {}
    cells = [(t.coord, t.text) for t in layout.texts]
    cells += [(i.coord, v) for i in layout.inputs if isinstance(v := ws[i.coord].value, str)]
    for coord, text in cells:
        letter, row = coord[0], int(coord[1:])
        width, rows = spans.get(coord, (layout.widths.get(letter, 8.43), 1))
        points: float = _lines(text, width) * 15 + 6
        heights[row] = max(heights.get(row, 20), points / rows)
    for item in layout.inputs:
        if item.kind in ("text", "required_text"):
            row = int(item.coord[1:])
            heights[row] = max(heights.get(row, 0), 48)
    heights.update({r: max(h, heights.get(r, 0)) for r, h in layout.heights.items()})
    for row, points in heights.items():
        ws.row_dimensions[row].height = min(points, 409)


def _validation(ws: Any, layout: Layout) -> None:
    """Excel refuses what cannot be a count, a fee or a year as it is typed (pasting bypasses this)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    rules = {
        "count": DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            error="此处应填写不小于 0 的整数（件数），不带小数点；没有的填 0。",
        ),
        "fee": DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            error="此处应填写不小于 0 的金额（万元），最多 6 位小数；没有的填 0。",
        ),
        "year": DataValidation(
            type="whole",
            operator="between",
            formula1="2008",
            formula2="2100",
            error="报告年度应为四位数字的年份，如 2025。",
        ),
    }
    used = set()
    for item in layout.inputs:
        rule = rules.get(item.kind)
        if rule is not None:
            rule.add(item.coord)
            used.add(item.kind)
    for kind in used:
        rule = rules[kind]
        rule.allow_blank = True
        rule.showErrorMessage = True
        rule.errorStyle = "stop"
        rule.errorTitle = "数据有误"
        ws.add_data_validation(rule)


def _check_row_colours(ws: Any) -> None:
    """The check row turns red on ✗ and green on ✓."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill

    area = f"D{T3_CHECK_ROW}:J{T3_CHECK_ROW}"
    ws.conditional_formatting.add(
        area,
        CellIsRule(
            operator="equal",
            formula=[f'"{BAD_MARK}"'],
            fill=PatternFill("solid", bgColor="FFC7CE", fgColor="FFC7CE"),
            font=Font(color="9C0006", bold=True),
        ),
    )
    ws.conditional_formatting.add(
        area,
        CellIsRule(
            operator="equal",
            formula=[f'"{OK_MARK}"'],
            fill=PatternFill("solid", bgColor="C6EFCE", fgColor="C6EFCE"),
            font=Font(color="006100"),
        ),
    )
