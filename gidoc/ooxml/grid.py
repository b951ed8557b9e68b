"""Word tables as logical grids, and the visible text of paragraphs.

A table's rows are resolved into a grid in which ``grid[r][c]`` is the cell
covering row r, column c: horizontal spans (``gridSpan``, the legacy
``hMerge``), vertical merges (``vMerge``) and cells skipped at the start of a
row (``gridBefore``).  Word and WPS wrap rows, cells and paragraphs in content
controls (``w:sdt``) and custom XML; every walker here looks through them, so
the grid and the text are what a person sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from gidoc.ooxml.parts import w

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
P, TBL, TR, TC, T = w("p"), w("tbl"), w("tr"), w("tc"), w("t")
_SDT, _SDT_CONTENT, _CUSTOM_XML = w("sdt"), w("sdtContent"), w("customXml")
VAL = w("val")
#: Subtrees whose text is not the paragraph's own: text boxes, and the fallback
#: copy of alternate content (the same text box again, for old readers).
#: Tracked deletions and moves keep their old text in w:delText / w:moveFrom.
_SKIP = {
    w("txbxContent"),
    f"{{{_MC}}}Fallback",
    w("delText"),
    w("moveFrom"),
    w("instrText"),
}
_TAB, _BREAKS, _NO_BREAK_HYPHEN = w("tab"), (w("br"), w("cr")), w("noBreakHyphen")


def to_int(text: str | None) -> int | None:
    """An attribute's integer value, or None when it is missing or not a number."""
    try:
        return int(text or "")
    except ValueError:
        return None


def text(element: etree._Element) -> str:
    """The visible text of a paragraph: runs, tabs and breaks; no text boxes, no deleted text."""
    out: list[str] = []

    def walk(node: etree._Element) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == T:
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


def blocks(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of the body in order, looking into content controls."""
    for child in container:
        if child.tag in (P, TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from blocks(content)
        elif child.tag == _CUSTOM_XML:
            yield from blocks(child)


def children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """The children of ``parent`` with ``tag``, looking through content controls
    (``w:sdt``) and custom XML wrappers, which Word and WPS put around rows,
    cells and paragraphs."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from children(inner, tag)


def own_text(tbl: etree._Element) -> str:
    """The text of a table without the text of tables nested in it."""
    parts = []
    for t in tbl.iter(T):
        if next(t.iterancestors(TBL), None) is tbl:
            parts.append(t.text or "")
    return "".join(parts)


def box_text(body: etree._Element) -> str:
    """The text held in text boxes and frames (``w:txbxContent``), which :func:`text` skips."""
    return "".join(t.text or "" for box in body.iter(w("txbxContent")) for t in box.iter(T))


@dataclass
class Cell:
    """A logical cell: top-left grid position, spans, text (paragraphs joined by ``\\n``)."""

    row: int
    col: int
    rows: int
    cols: int
    text: str


def _cell_text(tc: etree._Element) -> str:
    return "\n".join(text(p) for p in children(tc, P))


def _prop(element: etree._Element | None, tag: str) -> etree._Element | None:
    return None if element is None else element.find(w(tag))


class Table:
    """One Word table as a logical grid: ``grid[r][c]`` is the cell covering row r, column c."""

    def __init__(self, name: str, tbl: etree._Element) -> None:
        self.name = name
        #: Where each grid row was printed, for readers of laid-out pages (``第 3 页``).
        self.places: dict[int, str] = {}
        self.cells: list[Cell] = []
        rows: list[dict[int, Cell]] = []
        open_v: dict[int, Cell] = {}
        for r, tr in enumerate(children(tbl, TR)):
            row: dict[int, Cell] = {}
            before = _prop(tr.find(w("trPr")), "gridBefore")
            c = (to_int(before.get(VAL)) or 0) if before is not None else 0
            last: Cell | None = None
            for tc in children(tr, TC):
                tcpr = tc.find(w("tcPr"))
                span_el = _prop(tcpr, "gridSpan")
                span = max(to_int(span_el.get(VAL)) or 1, 1) if span_el is not None else 1
                vmerge_el = _prop(tcpr, "vMerge")
                vmerge = (vmerge_el.get(VAL) or "continue") if vmerge_el is not None else None
                hmerge_el = _prop(tcpr, "hMerge")
                hmerge = (hmerge_el.get(VAL) or "continue") if hmerge_el is not None else None
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

    @classmethod
    def from_cells(cls, name: str, cells: list[Cell], places: dict[int, str]) -> Table:
        """A table built from logical cells (a PDF's ruled table); ``places`` names each row's page."""
        table = cls.__new__(cls)
        table.name = name
        table.places = places
        table.cells = cells
        height = max((cell.row + cell.rows for cell in cells), default=0)
        table.grid = [{} for _ in range(height)]
        for cell in cells:
            for r in range(cell.row, cell.row + cell.rows):
                for c in range(cell.col, cell.col + cell.cols):
                    table.grid[r][c] = cell
        table.width = max((cell.col + cell.cols for cell in cells), default=0)
        return table

    def at(self, r: int, c: int) -> Cell | None:
        """The cell covering row r, column c, or None outside the grid or in a gap."""
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

    def find(self, match: Callable[[str], bool], rows: range | None = None) -> list[Cell]:
        """The cells whose text ``match`` accepts, top to bottom, left to right."""
        return [
            cell for cell in self.cells if (rows is None or cell.row in rows) and match(cell.text)
        ]

    def where(self, r: int, c: int) -> str:
        """A location as a person counts it: ``表三 第 8 行第 4 列`` (``（第 3 页）`` in a PDF)."""
        place = self.places.get(r)
        return f"{self.name} 第 {r + 1} 行第 {c + 1} 列" + (f"（{place}）" if place else "")
