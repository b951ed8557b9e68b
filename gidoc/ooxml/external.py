"""What in a Word package would make a reader fetch a URL or read a local file.

LibreOffice follows a linked image (``r:link`` with ``TargetMode="External"``)
when it converts to PDF: an http target is requested from the network, a
``file:///`` target is read from disk and embedded in the published PDF.  The
same holds for linked OLE objects, an attached template, sub-documents,
frames, an ``altChunk`` (imported HTML that may link images), and fields that
load content (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE…).  gidoc refuses such
documents and templates, naming each place; plain hyperlinks are kept, as no
reader fetches them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from lxml import etree

from gidoc.ooxml.container import PackageProblem, parse_part

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
#: Relationship types whose external target no reader loads by itself.
_HARMLESS = ("/hyperlink",)
#: Relationship types that pull in content even when the target is inside the package.
_IMPORTED = {"/aFChunk": "嵌入的外部格式内容（altChunk，可能链接网络图片）"}
#: Field instructions whose result is loaded from elsewhere.
_LOADING_FIELDS = {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "LINK", "DDE", "DDEAUTO", "IMPORT"}
_KINDS = {
    "/image": "外部链接的图片",
    "/oleObject": "外部链接的 OLE 对象",
    "/attachedTemplate": "附加的外部模板",
    "/subDocument": "外部子文档",
    "/frame": "外部框架",
    "/package": "外部链接的嵌入文档",
}
_PART_NAMES = {
    "document": "正文",
    "header": "页眉",
    "footer": "页脚",
    "footnotes": "脚注",
    "endnotes": "尾注",
    "comments": "批注",
    "settings": "文档设置",
    "webSettings": "网页设置",
}


@dataclass(frozen=True)
class ExternalReference:
    """One place that would load something from outside: ``where`` a person finds it, ``what`` it is."""

    part: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}：{self.what}"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _part_label(part: str) -> str:
    stem = PurePosixPath(part).stem.rstrip("0123456789")
    return _PART_NAMES.get(stem, part)


def _source_of(rels_name: str) -> str:
    """``word/_rels/document.xml.rels`` → ``word/document.xml``; the package's own → ``""``."""
    path = PurePosixPath(rels_name)
    name = path.name[: -len(".rels")]
    if not name:
        return ""
    folder = path.parent.parent
    return name if str(folder) == "." else f"{folder}/{name}"


def _shorten(target: str) -> str:
    return target if len(target) <= 80 else target[:77] + "…"


class _Places:
    """Names each paragraph of a part as ``正文第 3 段「开头的字」`` or ``表 2 第 4 行第 1 列``."""

    def __init__(self, part: str, root: Any) -> None:
        self.label = _part_label(part)
        self.names: dict[Any, str] = {}
        count = 0
        for number, table in enumerate(root.iter(_w("tbl")), start=1):
            for r, row in enumerate(table.iterchildren(_w("tr")), start=1):
                for c, cell in enumerate(row.iterchildren(_w("tc")), start=1):
                    for paragraph in cell.iter(_w("p")):
                        self.names.setdefault(paragraph, f"表 {number} 第 {r} 行第 {c} 列")
        for paragraph in root.iter(_w("p")):
            if paragraph in self.names:
                continue
            count += 1
            text = "".join(t.text or "" for t in paragraph.iter(_w("t"))).strip()
            opening = f"「{text[:16]}{'…' if len(text) > 16 else ''}」" if text else ""
            self.names[paragraph] = f"第 {count} 段{opening}"

    def of(self, element: Any) -> str:
        paragraph = element if element.tag == _w("p") else None
        if paragraph is None:
            paragraph = next(element.iterancestors(_w("p")), None)
        if paragraph is None:
            return self.label
        where = self.names.get(paragraph, "")
        if self.label == "正文" and where.startswith("表"):
            return where
        return f"{self.label}{where}"


def _field_references(part: str, root: Any, places: _Places) -> Iterator[ExternalReference]:
    """Fields whose instruction loads content: complex fields and ``w:fldSimple``."""
    for simple in root.iter(_w("fldSimple")):
        instruction = simple.get(_w("instr"), "")
        word = instruction.split()[0].upper() if instruction.split() else ""
        if word in _LOADING_FIELDS:
            yield ExternalReference(
                part, places.of(simple), f"域 {_shorten(instruction.strip())} 会读取外部内容"
            )
    # Complex fields: begin … instrText… separate … end, possibly nested, possibly
    # with the instruction split over several runs; read in document order.
    stack: list[tuple[Any, list[str]]] = []
    for element in root.iter(_w("fldChar"), _w("instrText")):
        if element.tag == _w("instrText"):
            if stack:
                stack[-1][1].append(element.text or "")
            continue
        kind = element.get(_w("fldCharType"))
        if kind == "begin":
            stack.append((element, []))
        elif kind in ("separate", "end") and stack:
            begin, pieces = stack[-1]
            instruction = "".join(pieces).strip()
            word = instruction.split()[0].upper() if instruction else ""
            if word in _LOADING_FIELDS:
                yield ExternalReference(
                    part, places.of(begin), f"域 {_shorten(instruction)} 会读取外部内容"
                )
                pieces.clear()  # report once, at separate, not again at end
            if kind == "end":
                stack.pop()


def _linked_attributes(part: str, root: Any, places: _Places) -> Iterator[ExternalReference]:
    """VML ``o:href``/``src`` and SVG ``href`` attributes that name a file or a URL."""
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag.startswith(f"{{{_W}}}"):
            continue
        for name, value in element.attrib.items():
            local = etree.QName(name).localname
            if local not in ("href", "src"):
                continue
            value = value.strip()
            if not value or value.startswith(("#", "data:")):
                continue
            if "://" in value or value.startswith(("/", "\\", "file:")) or value[1:3] == ":\\":
                yield ExternalReference(part, places.of(element), f"链接到 {_shorten(value)}")


def external_references(archive: zipfile.ZipFile) -> list[ExternalReference]:
    """Every place in the package that would load something from outside it.

    Raises :class:`~gidoc.ooxml.container.PackageProblem` for a part that is
    not plain XML (checked by the caller's own reading otherwise).
    """
    names = set(archive.namelist())
    found: list[ExternalReference] = []
    roots: dict[str, Any] = {}
    places: dict[str, _Places] = {}

    def root_of(part: str) -> Any:
        if part not in roots:
            roots[part] = (
                parse_part(part, archive.read(part))
                if part in names and part.endswith(".xml")
                else None
            )
            if roots[part] is not None:
                places[part] = _Places(part, roots[part])
        return roots[part]

    def users_of(part: str) -> dict[str, list[Any]]:
        """Relationship id → the elements of ``part`` that use it (r:id, r:link, r:embed…)."""
        if part not in users:
            index: dict[str, list[Any]] = {}
            root = root_of(part)
            for element in root.iter() if root is not None else ():
                if not isinstance(element.tag, str):
                    continue
                for name, value in element.attrib.items():
                    if name.startswith(f"{{{_R}}}"):
                        index.setdefault(value, []).append(element)
            users[part] = index
        return users[part]

    users: dict[str, dict[str, list[Any]]] = {}
    for rels_name in sorted(n for n in names if n.endswith(".rels")):
        rels = parse_part(rels_name, archive.read(rels_name))
        source = _source_of(rels_name)
        for rel in rels.iter(f"{{{_REL}}}Relationship"):
            kind = rel.get("Type", "")
            suffix = kind[kind.rfind("/") :]
            target = rel.get("Target", "")
            external = rel.get("TargetMode") == "External"
            if suffix in _IMPORTED:
                what = _IMPORTED[suffix]
            elif external and not kind.endswith(_HARMLESS):
                what = f"{_KINDS.get(suffix, '外部链接的内容')} {_shorten(target)}"
            else:
                continue
            elements = users_of(source).get(rel.get("Id", ""), []) if source else []
            if elements:
                for element in elements:
                    found.append(ExternalReference(source, places[source].of(element), what))
            else:
                found.append(ExternalReference(source, _part_label(source or "package"), what))
    for part in sorted(names):
        if part.startswith("word/") and part.endswith(".xml"):
            root = root_of(part)
            if root is not None:
                found += _field_references(part, root, places[part])
                found += _linked_attributes(part, root, places[part])
        elif part.lower().endswith(".svg"):
            try:
                svg = parse_part(part, archive.read(part))
            except PackageProblem:
                continue  # a damaged picture: LibreOffice shows nothing, loads nothing
            for ref in _linked_attributes(part, svg, _Places(part, svg)):
                found.append(ExternalReference(part, f"图片 {part}", ref.what))
    return list(dict.fromkeys(found))


def describe(references: list[ExternalReference], limit: int = 5) -> str:
    """The references on one line, the first ``limit`` named and the rest counted."""
    shown = "；".join(str(ref) for ref in references[:limit])
    more = f"；另有 {len(references) - limit} 处" if len(references) > limit else ""
    return shown + more
