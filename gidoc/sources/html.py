"""Read a report published as a web page (.html/.htm): gidoc's own page or a portal's.

A page is turned into the body of a Word document — headings as heading
paragraphs, paragraphs, tables with their rowspan/colspan as Word merges —
and read by the .docx reader, so that both kinds of report are read by one
set of rules (table labels, the six headings, the 落款) and problems are
named in the same words (``表三 第 8 行第 4 列``).

The report is found inside the page: gidoc's ``<article class="report">``,
the containers portals' CMSs use (``.TRS_Editor``, ``#zoom``,
``.xxgk_content``…), or else the element that holds the six headings.  The
declared encoding is honoured (many sites still serve GBK).  Nothing the
page links to is fetched.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from gidoc.errors import InputError
from gidoc.format import labels as L

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: Largest page read: a report page is well under a megabyte.
MAX_PAGE_BYTES = 20 * 1024 * 1024
#: Containers portals' CMSs put an article in, most specific first.
CONTAINERS = (
    "//article[contains(concat(' ', normalize-space(@class), ' '), ' report ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//*[@id='zoom']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' xxgk_content ')]",
    "//*[@id='UCAP-CONTENT']",
    "//article",
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = {"p", "div", "li", "section", "article", "blockquote", "center", *_HEADINGS}
#: What sites wrap around an article and a reader skips: navigation, scripts, forms.
_SKIP = {"script", "style", "noscript", "nav", "header", "footer", "form", "button", "select"}
_RIGHT = re.compile(r"text-align\s*:\s*right", re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def decode(data: bytes, name: str) -> str:
    """The page's text in its declared encoding (meta charset), else UTF-8, else GB18030."""
    if len(data) > MAX_PAGE_BYTES:
        raise InputError(f"{name}：网页有 {len(data)} 字节，远超一份年度报告的正常大小")
    declared = _CHARSET.search(data[:4096])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        if encoding in ("gb2312", "gbk"):
            encoding = "gb18030"  # a superset: GB2312 pages often hold GBK characters
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError):
            continue
    raise InputError(f"{name}：无法识别网页的文字编码")


def _container(root: Any) -> Any:
    for query in CONTAINERS:
        found = root.xpath(query)
        if found:
            return found[0]
    # The element holding the most of the six headings, deepest first.
    best, count = root, 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        text = element.text_content()
        hits = sum(1 for heading in L.SECTIONS if heading in text)
        if hits >= count and hits >= 3:
            best, count = element, hits
    return best


def _text(element: Any) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            return
        if node.tag == "br":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return "".join(parts).replace("\xa0", " ")


def _paragraph(text: str, *, style: str | None = None, right: bool = False) -> etree._Element:
    p = etree.Element(_w("p"))
    if style or right:
        ppr = etree.SubElement(p, _w("pPr"))
        if style:
            etree.SubElement(ppr, _w("pStyle")).set(_w("val"), style)
        if right:
            etree.SubElement(ppr, _w("jc")).set(_w("val"), "right")
    lines = text.split("\n")
    run = etree.SubElement(p, _w("r"))
    for index, line in enumerate(lines):
        if index:
            etree.SubElement(run, _w("br"))
        t = etree.SubElement(run, _w("t"))
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return p


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 200)
    except ValueError:
        return 1


def _table(table: Any) -> etree._Element:
    """An HTML table as a Word table: rowspan → vMerge, colspan → gridSpan."""
    rows = [tr for tr in table.iter("tr") if _own(tr, table)]
    taken: dict[tuple[int, int], tuple[str, int]] = {}  # (row, col) → (vMerge, span)
    cells: dict[tuple[int, int], Any] = {}
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += taken[(r, c)][1]
            down, across = _span(cell.get("rowspan")), _span(cell.get("colspan"))
            cells[(r, c)] = cell
            taken[(r, c)] = ("restart" if down > 1 else "", across)
            for dr in range(1, down):
                taken[(r + dr, c)] = ("continue", across)
            c += across
    tbl = etree.Element(_w("tbl"))
    for r in range(len(rows)):
        tr = etree.SubElement(tbl, _w("tr"))
        for (row, col), (merge, across) in sorted(taken.items()):
            if row != r:
                continue
            tc = etree.SubElement(tr, _w("tc"))
            tcpr = etree.SubElement(tc, _w("tcPr"))
            if across > 1:
                etree.SubElement(tcpr, _w("gridSpan")).set(_w("val"), str(across))
            if merge:
                vmerge = etree.SubElement(tcpr, _w("vMerge"))
                if merge == "restart":
                    vmerge.set(_w("val"), "restart")
            source = cells.get((row, col))
            tc.append(_paragraph("" if source is None else _text(source).strip()))
    return tbl


def _own(tr: Any, table: Any) -> bool:
    """A row of ``table`` itself, not of a table nested in one of its cells."""
    return next(tr.iterancestors("table"), None) is table


#: How LibreOffice's HTML export marks a page's running header and footer (page numbers).
_RUNNING = {"header", "footer"}


def _blocks(container: Any, body: etree._Element) -> None:
    for element in container:
        if not isinstance(element.tag, str) or element.tag in _SKIP:
            continue
        if element.get("title") in _RUNNING:
            continue
        if element.tag == "table":
            body.append(_table(element))
            body.append(_paragraph(""))
        elif element.tag in _HEADINGS:
            level = "Title" if element.tag == "h1" else f"Heading{min(int(element.tag[1]) - 1, 9)}"
            body.append(_paragraph(_text(element).strip(), style=level))
        elif element.tag in _BLOCKS and (
            element.find(".//table") is not None
            or any(child.tag in _BLOCKS for child in element.iter() if child is not element)
        ):
            _blocks(element, body)
        elif element.tag in _BLOCKS or element.tag == "caption":
            text = _text(element).strip()
            if text:
                css = f"{element.get('style', '')} {element.get('align', '')}"
                right = (
                    bool(_RIGHT.search(css))
                    or "right" in css.split()
                    or (element.get("class", "") in ("signature", "date"))
                )
                body.append(_paragraph(text, right=right))


def to_docx(data: bytes, name: str) -> bytes:
    """The report found in a web page, as a minimal Word document for the .docx reader."""
    text = decode(data, name)
    try:
        root = lxml_html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{name}：不是可以读取的网页（{exc}）") from None
    container = _container(root)
    document = etree.Element(_w("document"), nsmap={"w": _W})
    body = etree.SubElement(document, _w("body"))
    titles = root.xpath("//h1")
    outside = not any(t is container or container in t.iterancestors() for t in titles)
    if titles and outside and not container.xpath(".//h1"):
        body.append(_paragraph(_text(titles[0]).strip(), style="Title"))
    _blocks(container, body)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", etree.tostring(document, xml_declaration=True))
    return out.getvalue()
