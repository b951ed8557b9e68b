"""The three official tables of a report .docx read into data, each number with its cell.

The tables are found by a label only each of them holds (:mod:`gidoc.format.tables`),
rows by their label text, columns by their header texts, all compared after
:func:`~gidoc.sources.docx.compare.norm`; merged cells are resolved by
:class:`~gidoc.ooxml.grid.Table` first.  Nothing is found by position, so a
table retyped by hand with other widths or merges reads the same.
"""

from __future__ import annotations

import copy
import difflib
import re
import unicodedata
from decimal import Decimal
from typing import Any

from lxml import etree

from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.ooxml.grid import TBL, TR, Cell, P, Table, blocks, box_text, children, own_text, text
from gidoc.ooxml.grid import T as T_TEXT
from gidoc.sources.docx.compare import SPACE, norm, one_line, same
from gidoc.sources.docx.findings import Findings


def _find(table: Table, *labels: str, rows: range | None = None) -> list[Cell]:
    """The cells of ``table`` that read as one of ``labels``, top to bottom, left to right."""
    return table.find(lambda text: same(text, *labels), rows)


#: Each table by the key the readers use.
TABLES = {"t2": T.TABLE_2, "t3": T.TABLE_3, "t4": T.TABLE_4}


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
        found = _find(table, *labels)
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
            raise reader.fail(f"{table.name}缺少「{label}」行")
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
#: How alike a row label must be to an official one to be read as it (a typo, a dropped word).
SIMILAR = 0.6
_OTHER = "results.other."


def _similarity(text: str, label: str) -> float:
    return difflib.SequenceMatcher(None, norm(text), norm(label), autojunk=False).ratio()


def _match_rows(
    reader: Reader, table: Table, candidates: list[tuple[int, list[Cell]]]
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
                alike = _similarity(cells[-1].text, label)
                if alike > score:
                    best, score = r, alike
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


def _other_as_one_row(
    reader: Reader, table: Table, candidates: list[tuple[int, list[Cell]]], found: dict[str, int]
) -> int | None:
    """The row of （六）其他处理 printed whole, without its three items (the 2019 layout)."""
    if any(path.startswith(_OTHER) for path in found):
        return None
    group = L.RESULT_GROUPS["other"][0]
    for r, cells in candidates:
        if cells and same(cells[-1].text, group):
            reader.warn(
                f"applications.{_OTHER}other",
                f"{group} {L.RESULT_GROUPS['other'][1]['other']}",
                f"{table.name}的「{group}」是一行、没有下分的三项（2019 年格式），"
                f"其数字按「{L.RESULT_GROUPS['other'][1]['other']}」读取，另两项按 0 读取",
                table.where(r, cells[-1].col),
            )
            return r
    return None


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
    rows = _match_rows(reader, table, candidates)
    whole_other = _other_as_one_row(reader, table, candidates, rows)
    out: dict[str, Any] = {}
    for data_row in T.TABLE_3_ROWS:
        path, label = data_row.path, data_row.label
        r = rows.get(path)
        if whole_other is not None and path.startswith(_OTHER):
            r = whole_other if path == f"{_OTHER}other" else None
            if r is None:
                paths.put(out, path, dict.fromkeys(L.APPLICANT_COLUMNS, 0))
                continue
        if r is None:
            if path == "results.total":
                continue
            raise reader.fail(f"{table.name}缺少「{label}」行")
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


def official_key(text: str) -> str | None:
    """Which official table (t2/t3/t4) a table's text is, by the marker label only it holds."""
    flat = norm(text)
    for key, official in TABLES.items():
        if norm(official.marker) in flat:
            return key
    return None


def require_tables(reader: Reader, found: dict[str, Table], boxes: str = "") -> None:
    """Fail naming the first official table missing from ``found``.

    ``boxes`` is the text of the document's text boxes: a table drawn as text
    boxes (LibreOffice's PDF import does that) is refused in so many words
    rather than misread.
    """
    for key, official in TABLES.items():
        if key in found:
            continue
        if norm(official.marker) in norm(boxes):
            raise reader.fail(
                f"{official.name}（{official.section[2:]}）是用文本框拼成的，不是表格"
                "（常见于用 LibreOffice 或转换工具从 PDF 转成的文档），无法可靠读取；"
                "请改为读取原来的 PDF 或 Word 文件"
            )
        raise reader.fail(
            f"未找到{official.name}（{official.section[2:]}）：文档中没有含「{official.marker}」的表格"
        )


def find_tables(reader: Reader, body: etree._Element) -> dict[str, Table]:
    """The three official tables of ``body`` by key (t2/t3/t4), each found by its marker label.

    A table split in two or more at a page break — the parts separated only by
    empty paragraphs, a part without the marker, with or without the header
    rows repeated — is read as one.
    """
    found: dict[str, Table] = {}
    parts: dict[str, list[etree._Element]] = {}
    current: list[etree._Element] | None = None
    for block in blocks(body):
        if block.tag == P:
            if text(block).strip():
                current = None
            continue
        key = official_key(own_text(block))
        if key is not None and key not in parts:
            current = parts[key] = [block]
        elif key is None and current is not None:
            current.append(block)
        else:
            current = None
    for key, tbls in parts.items():
        found[key] = Table(TABLES[key].name, tbls[0] if len(tbls) == 1 else _joined(tbls))
    for tbl in body.iter(TBL):  # a table nested in a layout table's cell
        key = official_key(own_text(tbl))
        if key is not None and key not in found:
            found[key] = Table(TABLES[key].name, tbl)
    if len(found) < len(TABLES):
        require_tables(reader, found, box_text(body))
    return found


def _row_text(tr: etree._Element) -> str:
    return norm("".join(t.text or "" for t in tr.iter(T_TEXT)))


def _joined(tbls: list[etree._Element]) -> etree._Element:
    """Parts of one table as one ``w:tbl``; header rows a later part repeats are dropped."""
    joined = copy.deepcopy(tbls[0])
    first = [_row_text(tr) for tr in children(tbls[0], TR)]
    for tbl in tbls[1:]:
        rows = list(children(tbl, TR))
        skip = 0
        while skip < min(len(rows), len(first)) and _row_text(rows[skip]) == first[skip]:
            skip += 1
        for tr in rows[skip:]:
            joined.append(copy.deepcopy(tr))
    return joined
