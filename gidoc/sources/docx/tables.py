"""The three official tables of a report .docx read into data, each number with its cell.

The tables are found by :mod:`.locate`, rows by their label text (or, where a
published table departs from the format, by :mod:`.rows`), columns by their
header texts, all compared after
:func:`~gidoc.sources.docx.compare.norm`; merged cells are resolved by
:class:`~gidoc.ooxml.grid.Table` first.  Nothing is found by position, so a
table retyped by hand with other widths or merges reads the same.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.ooxml.grid import Cell, Table
from gidoc.sources.docx.compare import SPACE, norm, one_line, same
from gidoc.sources.docx.findings import Findings
from gidoc.sources.docx.rows import (
    OTHER,
    T2_LABELS,
    alike,
    match_rows,
    numbers_below,
    other_as_one_row,
)


def _find(table: Table, *labels: str, rows: range | None = None) -> list[Cell]:
    """The cells of ``table`` that read as one of ``labels``, top to bottom, left to right."""
    return table.find(lambda text: same(text, *labels), rows)


# -- numbers ---------------------------------------------------------------------------
_ZERO_MARK = re.compile(r"[-‐‑‒–—―─━/\\]*|无")
#: Units typed after a number in a cell: 3件, 12 个, 0.5万元.
_UNIT = re.compile(r"(?<=[0-9])(?:件|个|份|起|项|次|人|万元|元)$")
_INTEGER = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)")
_DECIMAL = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


class Reader(Findings):
    """Reads the numbers of the official tables, noting each one's cell and every leniency."""

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
        text = SPACE.sub("", unicodedata.normalize("NFKC", raw))
        if _ZERO_MARK.fullmatch(text):
            shown = f"「{one_line(raw)}」" if raw.strip() else "空白"
            self.warn(
                path,
                f"{row_label} / {column}",
                f"{_cell_name(table, row_label, column)}填的是{shown}，按 0 读取",
                where,
            )
            return Decimal(0) if fee else 0
        pattern = _DECIMAL if fee else _INTEGER
        unit = _UNIT.search(text)
        if unit is not None and pattern.fullmatch(text[: unit.start()]):
            self.warn(
                path,
                f"{row_label} / {column}",
                f"{_cell_name(table, row_label, column)}填的是「{one_line(raw)}」，"
                f"单位「{unit[0]}」不应写在格内，按 {text[: unit.start()]} 读取",
                where,
            )
            text = text[: unit.start()]
        if not pattern.fullmatch(text):
            # Noted, not raised: every bad cell of the document is reported at once.
            kind = "数字（万元）" if fee else "整数"
            self.bad(
                path,
                f"{row_label} / {column}",
                f"{_cell_name(table, row_label, column)}应为{kind}，实际为「{one_line(raw)}」",
                where,
            )
            return Decimal(0) if fee else 0
        digits = text.replace(",", "")
        return Decimal(digits) if fee else int(digits)

    def total(self, table: Table, r: int, c: int, path: str) -> int | None:
        """A printed 总计, kept as a given total (None when blank or not a number).

        Published totals are evidence: ``gidoc check`` compares them with the sums
        and names both sides; the reader does not correct them.
        """
        cell = table.at(r, c)
        raw = cell.text if cell is not None else ""
        text = SPACE.sub("", unicodedata.normalize("NFKC", raw))
        unit = _UNIT.search(text)
        if unit is not None:
            text = text[: unit.start()]
        if not text:
            return None
        self.locations[path] = table.where(r, c)
        if _ZERO_MARK.fullmatch(text):
            return 0
        if _INTEGER.fullmatch(text) and not text.startswith("-"):
            return int(text.replace(",", ""))
        self.warn(
            path,
            "总计",
            f"{table.name}的总计格填的是「{one_line(raw)}」，不是数字，未读取",
            table.where(r, c),
        )
        return None


def _cell_name(table: Table, row_label: str, column: str) -> str:
    """A cell named as a person reads the table: 表三「2.重复申请」行「科研机构」列."""
    if table.name == "表四":  # no row labels: a column under its group header
        return f"{table.name}「{row_label} / {column}」列"
    return f"{table.name}「{row_label}」行「{column}」列"


def table_2(reader: Reader, table: Table) -> dict[str, Any]:
    """表二 (主动公开): the document rows by their three columns, then the decisions and fees."""
    out: dict[str, Any] = {}
    columns = {}
    for key, header in L.DOCUMENT_COLUMNS.items():
        found = _find(table, header)
        if not found:
            raise reader.fail(f"{table.name}缺少表头「{header}」")
        columns[key] = (found[0].col, header)
    for key, label in T.DOCUMENT_ROWS.items():
        # Some reports shorten 行政规范性文件 to 规范性文件.
        labels = (label, label.removeprefix("行政")) if key == "normative_documents" else (label,)
        found = _find(table, *labels) or alike(table, label, T2_LABELS)
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
                f"{table.name}的行名写作「{one_line(found[0].text)}」，按「{label}」读取",
                table.where(found[0].row, found[0].col),
            )
        r = found[0].row
        out[key] = {
            column: reader.number(table, r, col, f"active_disclosure.{key}.{column}", label, header)
            for column, (col, header) in columns.items()
        }
    for key, (label, header) in T.DECISION_ROWS.items():
        found = _find(table, label)
        if not found:
            found = alike(table, label, T2_LABELS)
            if not found:
                raise reader.fail(f"{table.name}缺少「{label}」行")
            reader.warn(
                f"active_disclosure.{key}",
                label,
                f"{table.name}的行名写作「{one_line(found[0].text)}」，按「{label}」读取",
                table.where(found[0].row, found[0].col),
            )
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


# -- table 三 ------------------------------------------------------------------------
def table_3(reader: Reader, table: Table) -> dict[str, Any]:
    """表三 (申请): every row by its labels under the applicant columns; printed totals kept."""
    first = _find(table, L.T3_NEW)
    if not first:
        raise reader.fail(f"{table.name}缺少「{L.T3_NEW}」行")
    top = first[0].row
    header_rows = range(top)
    columns: dict[str, tuple[int, str]] = {}
    for key, header in [*L.APPLICANT_COLUMNS.items(), ("total", L.TOTAL)]:
        found = _find(table, header, rows=header_rows)
        if not found:
            raise reader.fail(f"{table.name}缺少表头「{header}」")
        columns[key] = (found[0].col, header)
    data_start = min(col for col, _ in columns.values())
    candidates = [(r, table.row_cells(r, 0, data_start)) for r in range(top, len(table.grid))]
    rows = match_rows(reader, table, candidates)
    whole_other = other_as_one_row(reader, table, candidates, rows)
    out: dict[str, Any] = {}
    for data_row in T.TABLE_3_ROWS:
        path, label = data_row.path, data_row.label
        r = rows.get(path)
        if whole_other is not None and path.startswith(OTHER):
            r = whole_other if path == f"{OTHER}other" else None
            if r is None:
                paths.put(out, path, dict.fromkeys(L.APPLICANT_COLUMNS, 0))
                continue
        if r is None:
            if path == "results.total":
                continue
            raise reader.fail(f"{table.name}缺少「{label}」行")
        r = numbers_below(reader, table, r, columns, data_start, set(rows.values()), path, label)
        row: dict[str, int | None] = {}
        if path == "results.total":
            for key, (col, _) in columns.items():
                row[key] = reader.total(table, r, col, f"applications.{path}.{key}")
            given = {key: value for key, value in row.items() if value is not None}
            if given:
                paths.put(out, path, given)
            continue
        for key in L.APPLICANT_COLUMNS:
            col, header = columns[key]
            row[key] = int(
                reader.number(table, r, col, f"applications.{path}.{key}", label, header)
            )
        col, _ = columns["total"]
        printed = reader.total(table, r, col, f"applications.{path}.total")
        if printed is not None:
            row["total"] = printed
        paths.put(out, path, row)
    return out


# -- table 四 ------------------------------------------------------------------------
def table_4(reader: Reader, table: Table) -> dict[str, Any]:
    """表四 (复议、诉讼): the one number row under the five case groups; printed totals compared."""
    groups: dict[str, dict[str, tuple[int, str]]] = {}
    last_header = 0
    for group, group_label in L.CASE_GROUPS.items():
        found = _find(table, group_label)
        if not found:
            raise reader.fail(f"{table.name}缺少表头「{group_label}」")
        head = found[0]
        last_header = max(last_header, head.row + head.rows - 1)
        span = range(head.col, head.col + head.cols)
        below = range(head.row + head.rows, len(table.grid))
        columns = {}
        for key, header in [*L.CASE_COLUMNS.items(), ("total", L.TOTAL)]:
            cells = [c for c in _find(table, header, rows=below) if c.col in span]
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
        printed = reader.total(table, r, col, f"review_and_litigation.{group}.total")
        if printed is not None:
            row["total"] = printed
        out[group] = row
    return out
