"""The Excel form's layout, declared once: each sheet's texts, input cells, formulas and merges.

The official tables come from :mod:`gidoc.format.tables`, laid out cell for
cell from A1; the cover and the 文字 sheet are the form's own.  The writer
(:mod:`gidoc.output.excel`) draws this layout; the reader
(:mod:`gidoc.sources.excel`) checks its labels and reads its input cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from gidoc.format import labels as L
from gidoc.format import tables as T
from gidoc.format.models import Overview, OverviewSection, Report
from gidoc.sources.files import EXCEL_FORMATS

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

INIT_HINT = "表格应由 gidoc init -o x.xlsx 生成"

Kind = Literal["count", "fee", "year", "date", "line", "text", "required_text"]
Role = Literal["label", "label_left", "group", "note", "header", "caption", "hint", "check"]


# -- the layout, declared once ------------------------------------------------------
@dataclass(frozen=True)
class FormText:
    """A fixed text of the form; ``checked`` ones must still be there when reading."""

    coord: str
    text: str
    role: Role = "label"
    checked: bool = True


@dataclass(frozen=True)
class FormInput:
    """A cell the clerk fills in, and the data path its value goes to."""

    coord: str
    path: str
    kind: Kind


@dataclass
class Layout:
    """One sheet: its texts, input cells, formulas, merges and looks."""

    name: str
    texts: list[FormText] = field(default_factory=list)
    inputs: list[FormInput] = field(default_factory=list)
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


def column_letter(index: int) -> str:
    """Column letter of a 1-based index (A..Z are enough for the form)."""
    return chr(ord("A") + index - 1)


def _cover() -> Layout:
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
    sheet = Layout(
        COVER,
        widths={"A": 18, "B": 48, "C": 56},
        texts=[
            FormText("A1", f"{L.TITLE_SUFFIX} 数据表（gidoc）", "caption", False),
        ],
        merges=["A1:C1", "A8:C8"],
        area="A2:C6",
        heights={1: 28, 8: 48},
    )
    for row, (key, (kind, hint)) in enumerate(hints.items(), start=2):
        title = fields[key].title
        assert title is not None
        sheet.texts.append(FormText(f"A{row}", title))
        sheet.inputs.append(FormInput(f"B{row}", key, kind))
        sheet.texts.append(FormText(f"C{row}", hint, "hint", False))
    sheet.texts.append(
        FormText(
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
    return f"{column_letter(col + 1)}{row + 1}"


def _span(cell: T.GridCell) -> str:
    return (
        f"{_coord(cell.row, cell.col)}:{_coord(cell.row + cell.rows - 1, cell.col + cell.cols - 1)}"
    )


def _grid(sheet: Layout, official: T.OfficialTable) -> None:
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
                sheet.inputs.append(FormInput(_coord(cell.row, cell.col), cell.path, kind))
            continue
        role: Role = "label_left" if cell.role == "label" and cell.align == "left" else "label"
        if cell.role in ("group", "note"):
            role = cell.role
        sheet.texts.append(FormText(_coord(cell.row, cell.col), cell.text, role))


#: The one value of the form that is a fee (万元, decimals), not a count.
FEE_PATH: Final = "active_disclosure.administrative_fees"


def _table_2() -> Layout:
    sheet = Layout(TABLE_2, widths={"A": 22, "B": 18, "C": 18, "D": 18})
    _grid(sheet, T.TABLE_2)
    return sheet


def _value_cells(official: T.OfficialTable) -> dict[str, T.GridCell]:
    return {cell.path: cell for cell in official.value_cells()}


#: Table 三's rows below its header, and the form's own check row under the table.
T3_CHECK_ROW: Final = T.TABLE_3.height + 1


def _table_3() -> Layout:
    check = T3_CHECK_ROW
    sheet = Layout(
        TABLE_3,
        widths={"A": 9, "B": 14, "C": 42, **{column_letter(4 + i): 11 for i in range(7)}},
        freeze=_coord(T.TABLE_3.header_rows, 3),
        landscape=True,
        heights={1: 30, 2: 22, 3: 30},
    )
    _grid(sheet, T.TABLE_3)
    sheet.area = f"A1:J{check}"
    # The check row is the form's own, not the report's: not checked, so rewording it is safe.
    sheet.texts.append(FormText(f"A{check}", CHECK_LABEL, "check", False))
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


def _table_4() -> Layout:
    sheet = Layout(
        TABLE_4,
        widths={column_letter(i): 10 for i in range(1, 16)},
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


def section_labels(number: int) -> tuple[str, str]:
    """The 文字 labels of the n-th (1-based) section's heading and body."""
    prefix = f"{L.SECTION_1} / {L.sub_heading_number(number)}"
    fields = OverviewSection.model_fields
    return f"{prefix}{fields['heading'].title}", f"{prefix}{fields['body'].title}"


FIRST_SECTION_ROW: Final = 4


def _texts(sections: int) -> Layout:
    fields = Report.model_fields
    sheet = Layout(
        TEXTS,
        widths={"A": 30, "B": 90, "C": 34},
        texts=[
            FormText("A1", "栏目", "header", False),
            FormText("B1", "内容", "header", False),
            FormText("C1", "说明（单元格内按 Alt+Enter 换行，每行为一段）", "header", False),
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
        heading, body = section_labels(number)
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
        sheet.texts.append(FormText(f"A{row}", label, "label_left"))
        sheet.inputs.append(FormInput(f"B{row}", path, kind))
        sheet.texts.append(FormText(f"C{row}", hint, "hint", False))
    sheet.area = f"A1:C{len(rows) + 1}"
    sheet.locations["overview"] = "B3"
    return sheet


def layouts(sections: int) -> list[Layout]:
    return [_cover(), _table_2(), _table_3(), _table_4(), _texts(sections)]
