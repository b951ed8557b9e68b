"""The Excel form: a workbook a clerk fills in, and reading it back as report data.

:func:`write_form` lays the official tables out as in 国办公开办函〔2021〕30号
(labels from :mod:`gidoc.format.labels`, merges as in the official tables), with the
totals and the 勾稽 check as Excel formulas, only the input cells unlocked and
the sheets protected.  :func:`read_form` reads back only the input cells, never
a formula cell: gidoc derives every total itself, so a workbook saved by
Excel, by LibreOffice Calc or by openpyxl (formulas cached or not) reads the
same.  Each value's cell (``表三!D4``) is returned as its location, so a
problem names the cell a clerk has to fix.

The layout is declared once (:class:`_Layout`) and used by both sides: the
writer draws it, the reader checks its labels and reads its inputs.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from gidoc.errors import InputError
from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.format.models import Overview, OverviewSection, Report
from gidoc.output.files import write_atomic
from gidoc.sources.files import EXCEL_FORMATS, Source, source_bytes
from gidoc.sources.loaded import Loaded

#: File name endings read as an Excel form.
EXCEL_SUFFIXES: Final = EXCEL_FORMATS

# -- sheet names and the form's own texts (not report labels: these exist only in the form) --
COVER: Final = "封面"
TABLE_2: Final = "表二"
TABLE_3: Final = "表三"
TABLE_4: Final = "表四"
TEXTS: Final = "文字"
SHEETS: Final = (COVER, TABLE_2, TABLE_3, TABLE_4, TEXTS)

CHECK_LABEL: Final = "勾稽关系（一+二=三+四）"
OK_MARK: Final = "✓"
BAD_MARK: Final = "✗"
#: Section rows the 文字 sheet offers at least (more if the data has more).
MIN_SECTION_ROWS: Final = 10
MAX_SECTION_ROWS: Final = 99

_INIT_HINT = "表格应由 gidoc init -o x.xlsx 生成"

Kind = Literal["count", "fee", "year", "date", "line", "text", "required_text"]
Role = Literal["label", "label_left", "group", "note", "header", "caption", "hint", "check"]


# -- the layout, declared once ------------------------------------------------------
@dataclass(frozen=True)
class _Text:
    """A fixed text of the form; ``checked`` ones must still be there when reading."""

    coord: str
    text: str
    role: Role = "label"
    checked: bool = True


@dataclass(frozen=True)
class _Input:
    """A cell the clerk fills in, and the data path its value goes to."""

    coord: str
    path: str
    kind: Kind


@dataclass
class _Layout:
    """One sheet: its texts, input cells, formulas, merges and looks."""

    name: str
    texts: list[_Text] = field(default_factory=list)
    inputs: list[_Input] = field(default_factory=list)
    formulas: dict[str, str] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    widths: dict[str, float] = field(default_factory=dict)
    #: The bordered table, e.g. ``A1:J29``.
    area: str = ""
    #: Paths that name no input cell but still have a place (totals, the check row).
    locations: dict[str, str] = field(default_factory=dict)
    freeze: str | None = None
    landscape: bool = False
    #: Row heights that the texts do not decide (points).
    heights: dict[int, float] = field(default_factory=dict)


def _col(index: int) -> str:
    """Column letter of a 1-based index (A..Z are enough for the form)."""
    return chr(ord("A") + index - 1)


def _cover() -> _Layout:
    fields = Report.model_fields
    hints: dict[str, tuple[Kind, str]] = {
        "agency": ("line", "必填，如：牧野区工业和信息化局"),
        "year": ("year", "必填，四位数字，如：2025"),
        "title": (
            "line",
            "可留空；留空时为“〈报告机关名称〉〈报告年度〉年政府信息公开工作年度报告”",
        ),
        "issuer": ("line", "可留空；留空时为报告机关名称"),
        "date": ("date", "可留空；如：2026-01-20"),
    }
    sheet = _Layout(
        COVER,
        widths={"A": 18, "B": 48, "C": 56},
        texts=[
            _Text("A1", f"{L.TITLE_SUFFIX} 数据表（gidoc）", "caption", False),
        ],
        merges=["A1:C1", "A8:C8"],
        area="A2:C6",
        heights={1: 28, 8: 48},
    )
    for row, (key, (kind, hint)) in enumerate(hints.items(), start=2):
        title = fields[key].title
        assert title is not None
        sheet.texts.append(_Text(f"A{row}", title))
        sheet.inputs.append(_Input(f"B{row}", key, kind))
        sheet.texts.append(_Text(f"C{row}", hint, "hint", False))
    sheet.texts.append(
        _Text(
            "A8",
            "只能在浅黄色单元格中填写；各表的总计和勾稽关系由公式自动计算。"
            "填好后运行 gidoc check 本文件.xlsx 校验，gidoc render 本文件.xlsx 生成报告。",
            "hint",
            False,
        )
    )
    return sheet


def _coord(row: int, col: int) -> str:
    """The sheet cell of a 0-based grid position: the tables start at A1."""
    return f"{_col(col + 1)}{row + 1}"


def _span(cell: T.GridCell) -> str:
    return (
        f"{_coord(cell.row, cell.col)}:{_coord(cell.row + cell.rows - 1, cell.col + cell.cols - 1)}"
    )


def _grid(sheet: _Layout, official: T.OfficialTable) -> None:
    """Lay an official table out cell for cell: its labels, merges and input cells.

    Derived values (totals) get no input cell; each sheet adds their formulas.
    """
    sheet.area = f"A1:{_coord(official.height - 1, official.width - 1)}"
    for cell in official.cells:
        if cell.rows > 1 or cell.cols > 1:
            sheet.merges.append(_span(cell))
        if cell.is_value:
            if not cell.derived:
                kind: Kind = "fee" if cell.path == FEE_PATH else "count"
                sheet.inputs.append(_Input(_coord(cell.row, cell.col), cell.path, kind))
            continue
        role: Role = "label_left" if cell.role == "label" and cell.align == "left" else "label"
        if cell.role in ("group", "note"):
            role = cell.role
        sheet.texts.append(_Text(_coord(cell.row, cell.col), cell.text, role))


#: The one value of the form that is a fee (万元, decimals), not a count.
FEE_PATH: Final = "active_disclosure.administrative_fees"


def _table_2() -> _Layout:
    sheet = _Layout(TABLE_2, widths={"A": 22, "B": 18, "C": 18, "D": 18})
    _grid(sheet, T.TABLE_2)
    return sheet


def _value_cells(official: T.OfficialTable) -> dict[str, T.GridCell]:
    return {cell.path: cell for cell in official.value_cells()}


#: Table 三's rows below its header, and the form's own check row under the table.
_T3_CHECK_ROW: Final = T.TABLE_3.height + 1


def _table_3() -> _Layout:
    check = _T3_CHECK_ROW
    sheet = _Layout(
        TABLE_3,
        widths={"A": 9, "B": 14, "C": 42, **{_col(4 + i): 11 for i in range(7)}},
        freeze=_coord(T.TABLE_3.header_rows, 3),
        landscape=True,
        heights={1: 30, 2: 22, 3: 30},
    )
    _grid(sheet, T.TABLE_3)
    sheet.area = f"A1:J{check}"
    # The check row is the form's own, not the report's: not checked, so rewording it is safe.
    sheet.texts.append(_Text(f"A{check}", CHECK_LABEL, "check", False))
    sheet.merges.append(f"A{check}:C{check}")
    cells = _value_cells(T.TABLE_3)
    base = "applications"
    results = [row.path for row in T.TABLE_3_ROWS if row.path.startswith("results.")]

    def at(row: str, key: str) -> str:
        cell = cells[f"{base}.{row}.{key}"]
        return _coord(cell.row, cell.col)

    keys = [column.key for column in T.TABLE_3_COLUMNS]
    for row in T.TABLE_3_ROWS:
        if row.derived:
            continue
        total = at(row.path, "total")
        sheet.formulas[total] = f"=SUM({at(row.path, keys[0])}:{at(row.path, keys[-2])})"
        sheet.locations[f"{base}.{row.path}.total"] = total
    for key in keys:
        c = at("results.total", key)
        # （七）总计 sums the 21 result rows of its own column, 总计 column included.
        sheet.formulas[c] = f"=SUM({at(results[0], key)}:{at(results[-2], key)})"
        sheet.locations[f"{base}.results.total.{key}"] = c
        new, old = at("new_received", key), at("carried_over", key)
        forward = at("carried_forward", key)
        mark = f"{c[0]}{check}"
        sheet.formulas[mark] = f'=IF({new}+{old}={c}+{forward},"{OK_MARK}","{BAD_MARK}")'
        # gidoc.checking.rules names a broken balance by column as ``applications.*.<key>``.
        sheet.locations[f"{base}.*.{key}"] = mark
    return sheet


def _table_4() -> _Layout:
    sheet = _Layout(
        TABLE_4,
        widths={_col(i): 10 for i in range(1, 16)},
        landscape=True,
        heights={1: 22, 2: 22, 3: 22, 4: 22},
    )
    _grid(sheet, T.TABLE_4)
    cells = _value_cells(T.TABLE_4)
    for group in L.CASE_GROUPS:
        prefix = f"review_and_litigation.{group}"
        first, last = cells[f"{prefix}.upheld"], cells[f"{prefix}.pending"]
        total = _coord(cells[f"{prefix}.total"].row, cells[f"{prefix}.total"].col)
        sheet.formulas[total] = f"=SUM({_coord(first.row, first.col)}:{_coord(last.row, last.col)})"
        sheet.locations[f"{prefix}.total"] = total
    return sheet


def _section_labels(number: int) -> tuple[str, str]:
    """The 文字 labels of the n-th (1-based) section's heading and body."""
    prefix = f"{L.SECTION_1} / {L.sub_heading_number(number)}"
    fields = OverviewSection.model_fields
    return f"{prefix}{fields['heading'].title}", f"{prefix}{fields['body'].title}"


_FIRST_SECTION_ROW: Final = 4


def _texts(sections: int) -> _Layout:
    fields = Report.model_fields
    sheet = _Layout(
        TEXTS,
        widths={"A": 30, "B": 90, "C": 34},
        texts=[
            _Text("A1", "栏目", "header", False),
            _Text("B1", "内容", "header", False),
            _Text("C1", "说明（单元格内按 Alt+Enter 换行，每行为一段）", "header", False),
        ],
        freeze="B2",
        landscape=True,
    )
    rows: list[tuple[str, str, Kind, str]] = [
        (
            str(fields["preamble"].title),
            "preamble",
            "text",
            f"可留空；标题下、“{L.SECTION_1}”前的说明（编制依据、统计期限、联系方式等）",
        ),
        (
            f"{L.SECTION_1} / {Overview.model_fields['summary'].title}",
            "overview.summary",
            "text",
            f"{L.SECTION_1}的开头段落",
        ),
    ]
    for number in range(1, sections + 1):
        heading, body = _section_labels(number)
        topic = (
            f"；官方格式第 {number} 项为“{L.OVERVIEW_TOPICS[number - 1]}”"
            if number <= len(L.OVERVIEW_TOPICS)
            else ""
        )
        index = number - 1
        rows.append(
            (
                heading,
                f"overview.sections[{index}].heading",
                "line",
                f"不带序号，序号由 gidoc 生成{topic}",
            )
        )
        rows.append(
            (body, f"overview.sections[{index}].body", "text", "小标题和正文都留空的分项会被略去")
        )
    for key in ("problems", "improvements", "other_matters"):
        rows.append((str(fields[key].title), key, "required_text", "必填"))
    for row, (label, path, kind, hint) in enumerate(rows, start=2):
        sheet.texts.append(_Text(f"A{row}", label, "label_left"))
        sheet.inputs.append(_Input(f"B{row}", path, kind))
        sheet.texts.append(_Text(f"C{row}", hint, "hint", False))
    sheet.area = f"A1:C{len(rows) + 1}"
    sheet.locations["overview"] = "B3"
    return sheet


def _layouts(sections: int) -> list[_Layout]:
    return [_cover(), _table_2(), _table_3(), _table_4(), _texts(sections)]


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
    for layout in _layouts(max(MIN_SECTION_ROWS, count)):
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


def _draw(ws: Any, layout: _Layout, data: Mapping[str, Any]) -> None:
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


def _heights(ws: Any, layout: _Layout) -> None:
    """Row heights that show each wrapped label and text whole (Excel does not fit them itself)."""
    from openpyxl.utils.cell import range_boundaries

    spans: dict[str, tuple[float, int]] = {}
    for merged in layout.merges:
        min_col, min_row, max_col, max_row = range_boundaries(merged)
        width = sum(layout.widths.get(_col(c), 8.43) for c in range(min_col, max_col + 1))
        spans[f"{_col(min_col)}{min_row}"] = (width, max_row - min_row + 1)
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


def _validation(ws: Any, layout: _Layout) -> None:
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

    area = f"D{_T3_CHECK_ROW}:J{_T3_CHECK_ROW}"
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
                f"{shown}：缺少工作表「{sheet}」；{_INIT_HINT}，请勿删除或重命名其中的工作表"
            )
    text_sheet = workbook[TEXTS]
    sections = 0
    while (
        sections < MAX_SECTION_ROWS
        and text_sheet.cell(_FIRST_SECTION_ROW + 2 * sections, 1).value
        == _section_labels(sections + 1)[0]
    ):
        sections += 1
    reader = _Reader(shown, raw, workbook)
    for layout in _layouts(sections):
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

    def read(self, layout: _Layout) -> None:
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

    def _check_label(self, ws: Any, text: _Text) -> None:
        found = ws[text.coord].value
        if not isinstance(found, str) or found.strip() != text.text:
            shown = "空白" if found is None else f"「{found}」"
            raise InputError(
                f"{self.name}：工作表「{ws.title}」的 {text.coord} 应为「{text.text}」，"
                f"实际为{shown}；表格的行列和标签不能改动，{_INIT_HINT}，请重新生成后再填写"
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
