"""The three official tables found in a document, each by the marker label only it holds.

A table split in two or more at a page break is joined again; a table drawn
as text boxes (LibreOffice's PDF import) is refused in so many words.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from gidoc.format import tables as T
from gidoc.ooxml.grid import TBL, TR, P, Table, blocks, box_text, children, own_text, text
from gidoc.ooxml.grid import T as T_TEXT
from gidoc.sources.docx.compare import norm
from gidoc.sources.docx.findings import Findings

#: Each table by the key the readers use.
TABLES = {"t2": T.TABLE_2, "t3": T.TABLE_3, "t4": T.TABLE_4}
#: The line a clerk types above the rest of a table on the next page: 续表, （续表）, 表三（续）.
_CONTINUED = re.compile(r"[(]?(?:表[二三四])?[(]?续(?:表|上表)?[)]?")


def continued(line: str) -> bool:
    """Whether ``line`` only says that a table goes on (续表), which does not end the table."""
    return bool(_CONTINUED.fullmatch(norm(line)))


def official_key(text: str) -> str | None:
    """Which official table (t2/t3/t4) a table's text is, by the marker label only it holds."""
    flat = norm(text)
    for key, official in TABLES.items():
        if norm(official.marker) in flat:
            return key
    return None


def require_tables(reader: Findings, found: dict[str, Table], boxes: str = "") -> None:
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


def find_tables(reader: Findings, body: etree._Element) -> dict[str, Table]:
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
            if text(block).strip() and not continued(text(block)):
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
