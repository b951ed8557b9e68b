"""Official rows found where a published table departs from the format.

A row label mistyped (「2.其他法律行政止公开」) is read where the official order
puts it when it is like the official label; （六）其他处理 printed as one row
(the 2019 layout) is read as its 3.其他; a row whose numbers were put on a
line of their own is read from there.  Each is a warning naming the cell.
"""

from __future__ import annotations

import difflib
import re

from gidoc.format import labels as L
from gidoc.format import tables as T
from gidoc.ooxml.grid import Cell, Table
from gidoc.sources.docx.compare import norm, one_line, same
from gidoc.sources.docx.findings import Findings

_NUMBER = re.compile(r"[0-9,]+")


#: Every text of table 二's cells that is not a number: a cell reading as one is not a typo.
T2_LABELS = tuple(cell.text for cell in T.TABLE_2.cells if cell.text)


def alike(table: Table, label: str, official: tuple[str, ...]) -> list[Cell]:
    """The cell most like ``label`` among those that read as no official text (a typo), if any."""
    best: Cell | None = None
    score = 0.0
    for cell in table.cells:
        if not norm(cell.text) or same(cell.text, *official) or _NUMBER.fullmatch(norm(cell.text)):
            continue
        likeness = _similarity(cell.text, label)
        if likeness > score:
            best, score = cell, likeness
    return [best] if best is not None and score >= SIMILAR else []


#: How alike a row label must be to an official one to be read as it (a typo, a dropped word).
SIMILAR = 0.6
OTHER = "results.other."


def _similarity(text: str, label: str) -> float:
    return difflib.SequenceMatcher(None, norm(text), norm(label), autojunk=False).ratio()


def match_rows(
    reader: Findings, table: Table, candidates: list[tuple[int, list[Cell]]]
) -> dict[str, int]:
    """Each official row of table 三 by its grid row: by its label, else by place and likeness.

    A row whose label is mistyped (「2.其他法律行政止公开」) is read where the official
    order puts it — after the row matched before it, before the one matched after
    it — when its label is like the official one; the cell is quoted in a warning.
    """
    by_row = dict(candidates)
    found: dict[str, int] = {}
    for data_row in T.TABLE_3_ROWS:
        labels = data_row.labels
        matches = [r for r, cells in candidates if cells and same(cells[-1].text, labels[-1])]
        if len(matches) > 1 and len(labels) > 2:
            inner = [r for r in matches if any(same(c.text, labels[-2]) for c in by_row[r][:-1])]
            matches = inner or matches
        if matches:
            found[data_row.path] = matches[0]
    order = [row.path for row in T.TABLE_3_ROWS]
    taken = set(found.values())
    for index, path in enumerate(order):
        if path in found:
            continue
        before = [found[p] for p in order[:index] if p in found]
        after = [found[p] for p in order[index + 1 :] if p in found]
        low = max(before, default=-1)
        high = min(after, default=len(table.grid))
        label = T.TABLE_3_ROWS[index].labels[-1]
        best, score = -1, 0.0
        for r, cells in candidates:
            if low < r < high and r not in taken and cells:
                likeness = _similarity(cells[-1].text, label)
                if likeness > score:
                    best, score = r, likeness
        if best >= 0 and score >= SIMILAR:
            found[path] = best
            taken.add(best)
            cell = by_row[best][-1]
            reader.warn(
                f"applications.{path}",
                T.TABLE_3_ROWS[index].label,
                f"{table.name}的行名写作「{one_line(cell.text)}」，按所在位置读作「{label}」",
                table.where(cell.row, cell.col),
            )
    return found


def other_as_one_row(
    reader: Findings, table: Table, candidates: list[tuple[int, list[Cell]]], found: dict[str, int]
) -> int | None:
    """The row of （六）其他处理 printed whole, without its three items (the 2019 layout)."""
    if any(path.startswith(OTHER) for path in found):
        return None
    group = L.RESULT_GROUPS["other"][0]
    for r, cells in candidates:
        if cells and same(cells[-1].text, group):
            reader.warn(
                f"applications.{OTHER}other",
                f"{group} {L.RESULT_GROUPS['other'][1]['other']}",
                f"{table.name}的「{group}」是一行、没有下分的三项（2019 年格式），"
                f"其数字按「{L.RESULT_GROUPS['other'][1]['other']}」读取，另两项按 0 读取",
                table.where(r, cells[-1].col),
            )
            return r
    return None


def numbers_below(
    reader: Findings,
    table: Table,
    r: int,
    columns: dict[str, tuple[int, str]],
    data_start: int,
    labelled: set[int],
    path: str,
    label: str,
) -> int:
    """The row holding row r's numbers: r, or the row below when r's numbers were put on a line
    of their own (r's number cells all blank, the next row without a label of its own)."""
    below = r + 1
    if below >= len(table.grid) or below in labelled:
        return r

    def filled(row: int) -> bool:
        return any(norm(getattr(table.at(row, col), "text", "")) for col, _ in columns.values())

    label_cells = table.row_cells(below, 0, data_start)
    own_label = any(cell.row == below and norm(cell.text) for cell in label_cells)
    if filled(r) or not filled(below) or own_label:
        return r
    reader.warn(
        f"applications.{path}",
        label,
        f"{table.name}「{label}」行的数字印在了下一行，按本行读取",
        table.where(below, data_start),
    )
    return below
