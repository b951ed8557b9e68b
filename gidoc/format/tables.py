"""The three statistics tables of 国办公开办函〔2021〕30号, declared once.

Each table is a grid of cells — labels, headers and value cells — with the
official merges (a cell covers ``rows`` × ``cols`` grid positions), and
each value cell names the data path its number comes from.  The Word
template builder draws this grid, the Excel form lays it out cell for cell,
the .docx reader and the cross-checks walk its data rows and columns, the
template context and the example data fill its paths: none of them spells
a row or a merge again.  The texts themselves come from :mod:`gidoc.format.labels`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal

from gidoc.format import labels as L

Role = Literal["group", "header", "label", "value", "note"]
Align = Literal["center", "left"]


@dataclass(frozen=True)
class GridCell:
    """One cell of an official table, at its top-left grid position.

    ``role`` says what it holds: a ``group`` row heading (table 二's 第二十条…),
    a column ``header``, a row ``label``, the table's ``note``, or a ``value``
    whose number comes from ``path`` (``applications.new_received.other``);
    ``derived`` values are totals gidoc computes.  ``note`` is a trailing part
    of ``text`` printed as an aside (in 楷体), as in （二）部分公开（区分处理的…）.
    """

    row: int
    col: int
    text: str = ""
    role: Role = "label"
    rows: int = 1
    cols: int = 1
    align: Align = "center"
    path: str = ""
    derived: bool = False
    note: str = ""

    @property
    def is_value(self) -> bool:
        """True for a cell that holds a number from the data."""
        return self.role == "value"


@dataclass(frozen=True)
class Column:
    """A value column: its data key, its header, and the header above it (if any)."""

    key: str
    label: str
    parent: str = ""

    @property
    def full_label(self) -> str:
        """The column as a reader names it: ``法人或其他组织 / 商业企业``."""
        return f"{self.parent} / {self.label}" if self.parent else self.label


@dataclass(frozen=True)
class DataRow:
    """A row of numbers: its path below the table's data key and its labels, outermost first.

    ``("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")`` for
    ``results.withheld.state_secret``.  A ``derived`` row (（七）总计) is computed by gidoc.
    """

    path: str
    labels: tuple[str, ...]
    derived: bool = False

    @property
    def label(self) -> str:
        """The row named without the outermost group: ``（三）不予公开 1.属于国家秘密``."""
        return " ".join(self.labels[1:]) if len(self.labels) > 1 else self.labels[0]

    @property
    def full_label(self) -> str:
        """The row named with every level: ``三、本年度办理结果 （三）不予公开 1.属于国家秘密``."""
        return " ".join(self.labels)


@dataclass(frozen=True)
class OfficialTable:
    """One official table: where it sits in the report and its grid of cells."""

    name: str
    section: str
    key: str
    marker: str
    cells: tuple[GridCell, ...]
    header_rows: int = 0

    @property
    def height(self) -> int:
        """Rows of the grid."""
        return max(cell.row + cell.rows for cell in self.cells)

    @property
    def width(self) -> int:
        """Columns of the grid."""
        return max(cell.col + cell.cols for cell in self.cells)

    def value_cells(self) -> Iterator[GridCell]:
        """The cells that hold numbers, top to bottom, left to right."""
        return (cell for cell in self.cells if cell.is_value)

    def cell_at(self, row: int, col: int) -> GridCell | None:
        """The cell covering a grid position, if any."""
        for cell in self.cells:
            if cell.row <= row < cell.row + cell.rows and cell.col <= col < cell.col + cell.cols:
                return cell
        return None


# -- table 二 ------------------------------------------------------------------
#: The 规章 / 行政规范性文件 rows: data key → row label.
DOCUMENT_ROWS: Final = {"rules": L.T2_RULES, "normative_documents": L.T2_NORMATIVE}
#: Table 二's rows with a single number: data key → (row label, the header above its number).
DECISION_ROWS: Final = {
    "administrative_licensing": (L.T2_LICENSING, L.T2_DECISIONS),
    "administrative_penalty": (L.T2_PENALTY, L.T2_DECISIONS),
    "administrative_coercion": (L.T2_COERCION, L.T2_DECISIONS),
    "administrative_fees": (L.T2_FEES, L.T2_FEES_AMOUNT),
}
_T2_GROUPS: Final = (
    (L.T2_GROUP_1, ("rules", "normative_documents")),
    (L.T2_GROUP_5, ("administrative_licensing",)),
    (L.T2_GROUP_6, ("administrative_penalty", "administrative_coercion")),
    (L.T2_GROUP_8, ("administrative_fees",)),
)


def _table_2() -> tuple[GridCell, ...]:
    root = "active_disclosure"
    cells: list[GridCell] = []
    row = 0
    for group, keys in _T2_GROUPS:
        cells.append(GridCell(row, 0, group, "group", cols=4, align="left"))
        cells.append(GridCell(row + 1, 0, L.T2_ITEM, "header"))
        if keys[0] in DOCUMENT_ROWS:
            for col, header in enumerate(L.DOCUMENT_COLUMNS.values(), start=1):
                cells.append(GridCell(row + 1, col, header, "header"))
        else:
            cells.append(GridCell(row + 1, 1, DECISION_ROWS[keys[0]][1], "header", cols=3))
        row += 2
        for key in keys:
            if key in DOCUMENT_ROWS:
                cells.append(GridCell(row, 0, DOCUMENT_ROWS[key]))
                for col, column in enumerate(L.DOCUMENT_COLUMNS, start=1):
                    cells.append(GridCell(row, col, role="value", path=f"{root}.{key}.{column}"))
            else:
                # The official template sets only 行政事业性收费 flush left.
                align: Align = "left" if key == "administrative_fees" else "center"
                cells.append(GridCell(row, 0, DECISION_ROWS[key][0], align=align))
                cells.append(GridCell(row, 1, role="value", cols=3, path=f"{root}.{key}"))
            row += 1
    return tuple(cells)


# -- table 三 ------------------------------------------------------------------
#: Table 三's value columns, in table order: the six applicant columns, then 总计.
TABLE_3_COLUMNS: Final = (
    *(
        Column(key, label, L.T3_LEGAL_PERSONS if key in L.LEGAL_PERSON_KEYS else "")
        for key, label in L.APPLICANT_COLUMNS.items()
    ),
    Column("total", L.TOTAL),
)


def _table_3_rows() -> tuple[DataRow, ...]:
    rows = [
        DataRow("new_received", (L.T3_NEW,)),
        DataRow("carried_over", (L.T3_CARRIED_OVER,)),
        DataRow("results.granted", (L.T3_RESULTS, L.T3_GRANTED)),
        DataRow("results.partially_granted", (L.T3_RESULTS, L.T3_PARTIAL)),
    ]
    for group, (name, items) in L.RESULT_GROUPS.items():
        rows += [
            DataRow(f"results.{group}.{key}", (L.T3_RESULTS, name, label))
            for key, label in items.items()
        ]
    rows.append(DataRow("results.total", (L.T3_RESULTS, L.T3_RESULTS_TOTAL), derived=True))
    rows.append(DataRow("carried_forward", (L.T3_CARRIED_FORWARD,)))
    return tuple(rows)


#: Every row of table 三 that holds numbers, in table order (paths below ``applications``).
TABLE_3_ROWS: Final = _table_3_rows()
#: The 21 result rows (paths below ``applications.results``), without （七）总计.
RESULT_ROWS: Final = tuple(
    row.path.removeprefix("results.")
    for row in TABLE_3_ROWS
    if row.path.startswith("results.") and not row.derived
)
_T3_HEADER_ROWS: Final = 3
_T3_LABEL_COLUMNS: Final = 3


def _partial_note() -> str:
    """The aside of （二）部分公开, printed in 楷体: （区分处理的，…）."""
    return L.T3_PARTIAL.removeprefix(L.T3_PARTIAL_SHORT)


def _table_3() -> tuple[GridCell, ...]:
    top, labels = _T3_HEADER_ROWS, _T3_LABEL_COLUMNS
    values = len(TABLE_3_COLUMNS)
    cells = [
        GridCell(0, 0, L.T3_NOTE, "note", rows=top, cols=labels),
        GridCell(0, labels, L.T3_APPLICANTS, "header", cols=values),
        GridCell(1, labels, L.APPLICANT_COLUMNS["natural_person"], "header", rows=2),
        GridCell(1, labels + 1, L.T3_LEGAL_PERSONS, "header", cols=len(L.LEGAL_PERSON_KEYS)),
        GridCell(1, labels + values - 1, L.TOTAL, "header", rows=2),
    ]
    for col, key in enumerate(L.LEGAL_PERSON_KEYS, start=labels + 1):
        cells.append(GridCell(2, col, L.APPLICANT_COLUMNS[key], "header"))
    results = [r for r, row in enumerate(TABLE_3_ROWS, start=top) if row.labels[0] == L.T3_RESULTS]
    cells.append(GridCell(results[0], 0, L.T3_RESULTS, rows=len(results)))
    group_seen: set[str] = set()
    for r, row in enumerate(TABLE_3_ROWS, start=top):
        if len(row.labels) == 1:
            cells.append(GridCell(r, 0, row.labels[0], cols=labels, align="left"))
        elif len(row.labels) == 2:
            note = _partial_note() if row.labels[1] == L.T3_PARTIAL else ""
            cells.append(GridCell(r, 1, row.labels[1], cols=2, align="left", note=note))
        else:
            group = row.labels[1]
            if group not in group_seen:
                group_seen.add(group)
                size = sum(1 for other in TABLE_3_ROWS if other.labels[1:2] == (group,))
                cells.append(GridCell(r, 1, group, rows=size))
            cells.append(GridCell(r, 2, row.labels[2], align="left"))
        for col, column in enumerate(TABLE_3_COLUMNS, start=labels):
            cells.append(
                GridCell(
                    r,
                    col,
                    role="value",
                    path=f"applications.{row.path}.{column.key}",
                    derived=row.derived or column.key == "total",
                )
            )
    return tuple(cells)


# -- table 四 ------------------------------------------------------------------
#: Each group's value columns, in table order: the four results, then 总计.
TABLE_4_COLUMNS: Final = (
    *(Column(key, label) for key, label in L.CASE_COLUMNS.items()),
    Column("total", L.TOTAL),
)


def case_group_label(key: str) -> str:
    """A table 四 group as a reader names it: 行政复议, 行政诉讼 / 复议后起诉."""
    name = L.CASE_GROUPS[key]
    return name if key == "reconsideration" else f"{L.T4_LITIGATION} / {name}"


def _table_4() -> tuple[GridCell, ...]:
    size = len(TABLE_4_COLUMNS)
    groups = list(L.CASE_GROUPS)
    cells = [
        GridCell(0, 0, L.T4_RECONSIDERATION, "header", cols=size),
        GridCell(0, size, L.T4_LITIGATION, "header", cols=size * (len(groups) - 1)),
    ]
    for index, group in enumerate(groups):
        first = index * size
        if group != "reconsideration":
            cells.append(GridCell(1, first, L.CASE_GROUPS[group], "header", cols=size))
        for col, column in enumerate(TABLE_4_COLUMNS, start=first):
            if group == "reconsideration":
                cells.append(GridCell(1, col, column.label, "header", rows=2))
            else:
                cells.append(GridCell(2, col, column.label, "header"))
            cells.append(
                GridCell(
                    3,
                    col,
                    role="value",
                    path=f"review_and_litigation.{group}.{column.key}",
                    derived=column.key == "total",
                )
            )
    return tuple(cells)


def _by_position(cells: tuple[GridCell, ...]) -> tuple[GridCell, ...]:
    return tuple(sorted(cells, key=lambda cell: (cell.row, cell.col)))


#: 表二 主动公开政府信息情况: four groups of 第二十条, each with its own header row.
TABLE_2: Final = OfficialTable(
    "表二", L.SECTION_2, "active_disclosure", L.T2_GROUP_1, _by_position(_table_2())
)
#: 表三 收到和处理政府信息公开申请情况: 3 header rows, 25 rows of numbers, 10 columns.
TABLE_3: Final = OfficialTable(
    "表三",
    L.SECTION_3,
    "applications",
    # Without its 一、: hand-typed reports number it 一. or 1、 as often.
    L.T3_NEW.split("、", 1)[1],
    _by_position(_table_3()),
    header_rows=_T3_HEADER_ROWS,
)
#: 表四 政府信息公开行政复议、行政诉讼情况: 3 header rows and one row of 15 numbers.
TABLE_4: Final = OfficialTable(
    "表四", L.SECTION_4, "review_and_litigation", L.T4_AFTER, _by_position(_table_4()), 3
)
#: The three tables in report order.
TABLES: Final = (TABLE_2, TABLE_3, TABLE_4)
