"""A PDF's ruled tables as logical grids, joined again where a page break split them.

pdfplumber finds a table by its ruling lines and gives each cell its box; the
grid's columns are the distinct left and right edges of the cells, so a cell
spans the columns between its edges — merges are read from the drawing, and a
number belongs to the column it sits under, never to a count of tokens.  A
table continued on the next page (with or without its header rows repeated)
is appended to the part before it, its columns matched by x-position.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gidoc.ooxml.grid import Cell, Table
from gidoc.sources.docx.compare import SPACE, norm
from gidoc.sources.pdf.layout import lines_of

#: Edges closer than this (points) are one edge: ruling lines are drawn with some slack.
SNAP = 2.5


@dataclass
class Part:
    """One ruled table on one page: its cells as boxes with their text."""

    page: int
    top: float
    boxes: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    #: Whether the table directly follows another table in the flow (a page break between).
    continues: bool = False

    @property
    def text(self) -> str:
        """All its cells' text, as the table markers are looked for."""
        return "".join(box[4] for box in self.boxes)


def _snap(values: Sequence[float]) -> list[float]:
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > SNAP:
            edges.append(value)
    return edges


def _index(edges: list[float], value: float) -> int:
    """The edge nearest ``value``."""
    i = bisect.bisect_left(edges, value)
    if i == len(edges) or (i > 0 and value - edges[i - 1] < edges[i] - value):
        i -= 1
    return i


def part_of(table: Any, chars: list[dict[str, Any]], page: int) -> Part:
    """A pdfplumber table as a :class:`Part`: each cell's box and the text inside it."""
    part = Part(page, float(table.bbox[1]))
    boxes = [tuple(float(v) for v in cell) for cell in table.cells]
    inside: list[list[dict[str, Any]]] = [[] for _ in boxes]
    for char in chars:
        cx = (char["x0"] + char["x1"]) / 2
        cy = (char["top"] + char["bottom"]) / 2
        for k, (x0, top, x1, bottom) in enumerate(boxes):
            if x0 <= cx <= x1 and top <= cy <= bottom:
                inside[k].append(char)
                break
    for (x0, top, x1, bottom), held in zip(boxes, inside, strict=True):
        text = "\n".join(line.text.strip() for line in lines_of(held, page))
        part.boxes.append((x0, top, x1, bottom, text))
    return part


def _rows(part: Part, xs: list[float]) -> tuple[list[Cell], int, list[tuple[str, ...]]]:
    """The cells of ``part`` on the column edges ``xs``: cells, row count, each row's texts."""
    ys = _snap([v for box in part.boxes for v in (box[1], box[3])])
    cells = []
    for x0, top, x1, bottom, text in part.boxes:
        col, end = _index(xs, x0), _index(xs, x1)
        row, stop = _index(ys, top), _index(ys, bottom)
        if end <= col or stop <= row:
            continue  # a sliver between two ruling lines drawn close together
        cells.append(Cell(row, col, stop - row, end - col, text))
    height = max(len(ys) - 1, 0)
    texts = [
        tuple(norm(c.text) for c in sorted(cells, key=lambda c: c.col) if c.row == r)
        for r in range(height)
    ]
    return cells, height, texts


#: What a cell holding a number looks like: digits (units, separators), a dash or 无.
_VALUE = re.compile(r"[-‐‑‒–—―─━/\\／]+|无|[0-9][0-9,.]*(?:件|个|份|起|项|次|人|万元|元)?")
#: How a row label starts: （一）, 一、, 1. / 1、, 第二十条…; the rest of a label split over a
#: page break does not start so.
_LABEL_START = re.compile(
    r"[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、.]|[0-9]+[.、．]|第"
)


def _flat(text: str) -> str:
    return SPACE.sub("", unicodedata.normalize("NFKC", text))


def _has_value(cells: list[Cell]) -> bool:
    return any(_VALUE.fullmatch(_flat(cell.text)) for cell in cells)


def _split_row(above: list[Cell], below: list[Cell]) -> bool:
    """Whether ``below`` (a part's first row) is the rest of ``above`` (the part before's last).

    A row allowed to break across pages leaves its label's last lines, or its
    numbers, on the next page: one of the halves then holds no number, and the
    lower half's label does not start as a label does.
    """
    if not above or not below:
        return False
    if _has_value(above) and _has_value(below):
        return False
    labels = [_flat(c.text) for c in sorted(below, key=lambda c: c.col) if _flat(c.text)]
    return bool(labels) and not _LABEL_START.match(labels[0])


def join(name: str, parts: Sequence[Part]) -> Table:
    """The parts of one table, page after page, as one logical grid.

    Header rows the later parts repeat (the same texts as the first part's
    first rows) are dropped; a row broken across the page break is made whole
    again; each row remembers its page for the messages.
    """
    xs = _snap([v for part in parts for box in part.boxes for v in (box[0], box[2])])
    cells: list[Cell] = []
    places: dict[int, str] = {}
    offset = 0
    first_rows: list[tuple[str, ...]] = []
    for n, part in enumerate(parts):
        own, height, texts = _rows(part, xs)
        skip = 0
        if n == 0:
            first_rows = texts
        else:
            while skip < min(len(texts), len(first_rows)) and texts[skip] == first_rows[skip]:
                skip += 1
            if skip == len(texts):
                continue
        own = [c for c in own if c.row + c.rows > skip]
        for cell in own:
            start = max(cell.row, skip)
            cell.rows, cell.row = cell.row + cell.rows - start, start - skip + offset
        above = [c for c in cells if c.row <= offset - 1 < c.row + c.rows]
        below = [c for c in own if c.row == offset]
        if n > 0 and _split_row(above, below):
            for cell in below:
                upper = next((c for c in above if c.col <= cell.col < c.col + c.cols), None)
                if upper is None:
                    cell.row -= 1
                    continue
                upper.text = f"{upper.text}\n{cell.text}".strip("\n")
                upper.rows += cell.rows - 1
                own.remove(cell)
            for cell in own:
                if cell not in below:
                    cell.row -= 1
            offset -= 1  # the part's first row is now the row before it
        cells += own
        for r in range(height - skip):
            places.setdefault(offset + r, f"第 {part.page} 页")
        offset += height - skip
    return Table.from_cells(name, cells, places)
