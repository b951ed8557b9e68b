"""The parts of a .docx read from bytes: safely, within limits, with one kind of error.

A .docx is a zip of XML parts tied together by relationships.  :meth:`Parts.open`
takes the file's bytes and the name to show in messages; every failure — not
a zip, a damaged entry, malformed XML, a part or package far larger than any
report — raises :class:`~gidoc.errors.InputError` with one Chinese line naming
the file.  XML is parsed with entity resolution and network access off: a
document from outside must not make gidoc read local files or the network.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lxml import etree

from gidoc.errors import InputError
from gidoc.ooxml.container import PackageProblem, check_entries, ole_reason, parse_part

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

#: The largest XML part read; a real report's document.xml is well below 10 MB.
MAX_PART = 256 * 1024 * 1024
#: What a whole package may unpack to; a zip bomb is refused before anything is unpacked.
MAX_UNPACKED = 1024 * 1024 * 1024
MAX_ENTRIES = 10000

_OLD_FORMAT_HINT = "；旧版 .doc/.wps 文件请先在 Word 或 WPS 中“另存为” .docx"
_OLD_SUFFIXES = (".doc", ".wps", ".wpt", ".dot")
#: What a damaged zip entry or XML part raises, across zipfile, zlib and lxml.
_DAMAGED = (
    etree.XMLSyntaxError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    OSError,
    ValueError,
)


def parser() -> etree.XMLParser:
    """The XML parser for parts from outside: no entities, no network, no huge trees."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def w(tag: str) -> str:
    """``tag`` in the WordprocessingML namespace (``w:p`` → ``{…/main}p``)."""
    return f"{{{W}}}{tag}"


@dataclass
class Relationship:
    """One relationship of a part: its id, type (the last segment) and the part it points to."""

    id: str
    kind: str
    target: str


@dataclass
class Parts:
    """An opened .docx: its zip entries, read and parsed on demand."""

    name: str
    _archive: zipfile.ZipFile = field(repr=False)

    @classmethod
    def open(cls, data: bytes, name: str) -> Parts:
        """The package in ``data``; ``name`` is how messages name the file.

        Raises :class:`InputError` for bytes that are not a zip (with a hint
        for the old .doc/.wps formats, or the opening password of a Word file
        saved encrypted), entries no Word program writes (a zip password, an
        unknown compression, names climbing out of the package) or a package
        far larger than a report.
        """
        reason = ole_reason(data)
        if reason is not None:
            raise InputError(f"{name}：{reason}", source=name, reason=reason)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            hint = _OLD_FORMAT_HINT if PurePosixPath(name).suffix.lower() in _OLD_SUFFIXES else ""
            raise InputError(f"{name}：不是 .docx 格式的 Word 文档{hint}") from None
        try:
            check_entries(archive)
        except PackageProblem as exc:
            raise InputError(f"{name}：{exc}", source=name, reason=str(exc)) from None
        entries = archive.infolist()
        total = sum(info.file_size for info in entries)
        if len(entries) > MAX_ENTRIES or total > MAX_UNPACKED:
            raise InputError(
                f"{name}：解压后有 {len(entries)} 个文件、{total // (1024 * 1024)} MB，"
                "远超 Word 文档的正常大小，可能已损坏"
            )
        return cls(name, archive)

    def names(self) -> list[str]:
        """The names of all parts, in zip order."""
        return self._archive.namelist()

    def xml(self, part: str) -> etree._Element | None:
        """The root element of ``part``, or None if the package has no such part."""
        try:
            info = self._archive.getinfo(part)
        except KeyError:
            return None
        if info.file_size > MAX_PART:
            raise InputError(
                f"{self.name}：文档中的 {part} 过大（{info.file_size} 字节），不像一份年度报告"
            )
        try:
            data = self._archive.read(info)
        except _DAMAGED as exc:
            raise InputError(f"{self.name}：文档已损坏，{part} 无法读取（{exc}）") from None
        try:
            return parse_part(part, data)
        except PackageProblem as exc:  # malformed XML, or a DTD (XXE, billion laughs)
            raise InputError(f"{self.name}：文档已损坏，{exc}", source=self.name) from None

    def relationships(self, source: str) -> list[Relationship]:
        """The internal relationships of ``source`` ("" for the package), targets resolved."""
        path = PurePosixPath(source)
        rels = self.xml(str(path.parent / "_rels" / f"{path.name}.rels"))
        if rels is None:
            return []
        out = []
        for rel in rels.iter(f"{{{_REL}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            out.append(
                Relationship(rel.get("Id", ""), kind, _resolve(path.parent, rel.get("Target", "")))
            )
        return out

    def target(self, source: str, kind: str, default: str) -> str:
        """The part a relationship of ``source`` of type ``…/kind`` points to, else ``default``."""
        for rel in self.relationships(source):
            if rel.kind == kind:
                return rel.target
        return default

    def main_document(self) -> tuple[str, etree._Element]:
        """The main document part's name and its ``w:body``; an InputError if there is none."""
        main = self.target("", "officeDocument", "word/document.xml")
        document = self.xml(main)
        body = document.find(w("body")) if document is not None else None
        if body is None:
            raise InputError(f"{self.name}：不是 Word 文档（缺少正文部分 {main}）")
        return main, body

    def core_properties(self) -> dict[str, str]:
        """The core properties (``creator``, ``description``, …) by local name, stripped."""
        core = self.xml("docProps/core.xml")
        if core is None:
            return {}
        return {
            etree.QName(element).localname: (element.text or "").strip()
            for element in core
            if isinstance(element.tag, str)
        }


def _resolve(folder: PurePosixPath, target: str) -> str:
    """A relationship target as a part name: absolute as is, relative from ``folder``."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for part in (folder / target).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)
