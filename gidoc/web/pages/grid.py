"""The official tables as a form: the published page's grid walk with inputs in its value cells.

:func:`form_tables` takes :func:`gidoc.output.html.table_view` (the merges,
header ids and ``headers`` of the published page, from the one declaration in
:mod:`gidoc.format.tables`) and says for each value cell what the form's
script needs, as data attributes the template writes: the data path, the kind
of number the format accepts, and for a derived total the input paths it
sums.  Under table 三 :func:`balance_row` gives the 勾稽 cells: per column the
paths of 一 + 二 and of 三（七）总计 + 四.  The script holds no row or label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from gidoc.format import labels as L
from gidoc.format import tables as T
from gidoc.output.html import HtmlCell, table_view

Kind = Literal["count", "amount"]
_T3 = T.TABLE_3.key
_T4 = T.TABLE_4.key
_APPLICANTS = tuple(L.APPLICANT_COLUMNS)
_RESULTS_TOTAL = next(row.path for row in T.TABLE_3_ROWS if row.derived)
#: The one amount of the tables (万元, up to 6 decimals); every other number is a count.
AMOUNT_PATHS = frozenset(
    cell.path for cell in T.TABLE_2.value_cells() if cell.path.endswith("administrative_fees")
)


@dataclass(frozen=True)
class FormCell:
    """A cell of a form table: the page's cell, and for a number its kind and summands."""

    cell: HtmlCell
    kind: Kind = "count"
    summands: tuple[str, ...] = ()

    @property
    def input_id(self) -> str:
        """The id of the cell's input (or output, for a total)."""
        return "f-" + self.cell.path.replace(".", "-")


def _row_columns(row: str, column: str) -> list[str]:
    """The input paths behind table 三's ``row`` / ``column`` (a row path below ``applications``)."""
    rows = [f"results.{r}" for r in T.RESULT_ROWS] if row == _RESULTS_TOTAL else [row]
    columns = list(_APPLICANTS) if column == "total" else [column]
    return [f"{_T3}.{r}.{c}" for r in rows for c in columns]


def summands(path: str) -> tuple[str, ...]:
    """The input paths a derived total adds up (empty for a number typed in)."""
    if path.startswith(_T3 + "."):
        row, column = path.removeprefix(_T3 + ".").rsplit(".", 1)
        if column == "total" or row == _RESULTS_TOTAL:
            return tuple(_row_columns(row, column))
        return ()
    if path.startswith(_T4 + ".") and path.endswith(".total"):
        group = path.removeprefix(_T4 + ".").removesuffix(".total")
        return tuple(f"{_T4}.{group}.{key}" for key in L.CASE_COLUMNS)
    return ()


def form_tables(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The three tables for the form template: ``table_view``'s rows with :class:`FormCell` s."""
    views = []
    for official in T.TABLES:
        view = table_view(official, data)
        for part in ("head", "body"):
            view[part] = [
                [
                    FormCell(
                        cell,
                        "amount" if cell.path in AMOUNT_PATHS else "count",
                        summands(cell.path) if cell.derived else (),
                    )
                    for cell in row
                ]
                for row in view[part]
            ]
        view["balance"] = balance_row() if official is T.TABLE_3 else None
        views.append(view)
    return views


@dataclass(frozen=True)
class BalanceCell:
    """One column of the 勾稽 row: the problem path the check names and the two sides' inputs."""

    path: str
    column: str
    left: tuple[str, ...]
    right: tuple[str, ...]


def balance_row() -> dict[str, Any]:
    """The 勾稽 row under table 三: its heading and one :class:`BalanceCell` per value column."""
    rows = {row.labels[0]: row.path for row in T.TABLE_3_ROWS if len(row.labels) == 1}
    new, old = rows[L.T3_NEW], rows[L.T3_CARRIED_OVER]
    forward = rows[L.T3_CARRIED_FORWARD]
    cells = [
        BalanceCell(
            f"{_T3}.*.{column.key}",
            column.full_label,
            tuple(_row_columns(new, column.key) + _row_columns(old, column.key)),
            tuple(_row_columns(_RESULTS_TOTAL, column.key) + _row_columns(forward, column.key)),
        )
        for column in T.TABLE_3_COLUMNS
    ]
    # 一 + 二 = 三（七）总计 + 四, by the rows' own numbers.
    heading = (
        f"勾稽关系：{L.T3_NEW[0]} + {L.T3_CARRIED_OVER[0]} = "
        f"{L.T3_RESULTS[0]}{L.T3_RESULTS_TOTAL} + {L.T3_CARRIED_FORWARD[0]}"
    )
    return {"heading": heading, "cells": cells}


__all__ = ["AMOUNT_PATHS", "BalanceCell", "FormCell", "balance_row", "form_tables", "summands"]
