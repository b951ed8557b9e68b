"""Read a .docx back as text a reviewer can diff: paragraphs with styles, tables with spans.

Works on the ``w:tc`` level (python-docx's ``row.cells`` repeats merged cells
and hides the merge).  Used by the golden tests and the structural asserts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

MM = 36000  # EMU per millimetre


@dataclass
class Cell:
    """A logical table cell: top-left grid position, spans, text (paragraphs joined by ⏎)."""

    row: int
    col: int
    rows: int
    cols: int
    text: str
    tc: object


def cell_text(tc: object) -> str:
    paragraphs = tc.iter(qn("w:p"))  # type: ignore[attr-defined]
    return "⏎".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs)


def logical_cells(table: Table) -> list[Cell]:
    """Every logical cell of a table; vMerge continuations folded into the cell above."""
    cells: list[Cell] = []
    open_cells: dict[int, Cell] = {}
    for r, tr in enumerate(table._tbl.tr_lst):
        for tc in tr.tc_lst:
            col, span = tc.grid_offset, tc.grid_span
            if tc.vMerge == "continue" and col in open_cells:
                open_cells[col].rows += 1
                continue
            cell = Cell(r, col, 1, span, cell_text(tc), tc)
            cells.append(cell)
            if tc.vMerge == "restart":
                open_cells[col] = cell
            else:
                open_cells.pop(col, None)
    return cells


def find(cells: list[Cell], text: str) -> Cell:
    """The one cell whose text is exactly ``text``."""
    found = [c for c in cells if c.text == text]
    assert len(found) == 1, f"{len(found)} cells read {text!r}"
    return found[0]


def right_of(cells: list[Cell], label: Cell, count: int) -> list[str]:
    """The texts of the ``count`` cells to the right of a label cell, on its first row."""
    out = []
    col = label.col + label.cols
    while len(out) < count:
        nxt = [c for c in cells if c.row <= label.row < c.row + c.rows and c.col == col]
        assert nxt, f"no cell at row {label.row} column {col}"
        out.append(nxt[0].text)
        col += nxt[0].cols
    return out


def dump_table(index: int, table: Table) -> list[str]:
    grid = [col.w.twips for col in table._tbl.tblGrid.gridCol_lst]
    lines = [f"T{index} rows={len(table._tbl.tr_lst)} grid={len(grid)} twips={grid}"]
    for r, tr in enumerate(table._tbl.tr_lst):
        parts = []
        for tc in tr.tc_lst:
            part = f"@{tc.grid_offset}"
            if tc.grid_span > 1:
                part += f"+{tc.grid_span}"
            if tc.vMerge == "restart":
                part += " v+"
            elif tc.vMerge == "continue":
                part += " v."
            text = cell_text(tc)
            if tc.vMerge != "continue" or text:
                part += f' "{text}"'
            parts.append(part)
        lines.append(f"r{r} | " + " | ".join(parts))
    return lines


def dump_document(doc: DocumentObject) -> str:
    """The body of a document as lines: ``P <style> | <text>`` and table dumps."""
    lines: list[str] = []
    tables = 0
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(f"P {block.style.name} | {block.text}")
        else:
            tables += 1
            lines += dump_table(tables, block)
    return "\n".join(lines) + "\n"


def dump(path: Path) -> str:
    """Dump a .docx file's body."""
    return dump_document(Document(str(path)))
