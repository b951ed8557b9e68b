"""A fingerprint of what gidoc wrote, kept in the document, to know an edited report again.

The documented workflow is render → edit in Word → convert; rendering again
must not silently replace the edits.  Every report gidoc writes carries, in a
custom document property (``docProps/custom.xml``, which Word and WPS keep
when saving), a SHA-256 of all its other parts.  A document whose parts still
hash to its fingerprint is exactly what gidoc wrote and may be replaced; one
saved by Word since (any save rewrites the parts) or one without a
fingerprint is someone's work, and is replaced only when asked.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from collections.abc import Mapping
from enum import Enum

from lxml import etree

from gidoc.ooxml.container import OLE_MAGIC, PackageProblem, check_entries, safe_parser

CUSTOM_NAME = "docProps/custom.xml"
#: The custom property's name, as Word's 文件 → 属性 → 自定义 shows it.
PROPERTY = "gidoc-fingerprint"
RT_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
#: The format id every user-defined property carries (FMTID_UserDefinedProperties).
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
#: A document larger than this unpacked is not one gidoc wrote; it is not even read.
_MAX_UNPACKED = 256 * 1024 * 1024


class Origin(Enum):
    """What an existing file is, for the question whether render may replace it."""

    UNCHANGED = "unchanged"  # written by gidoc and not changed since
    EDITED = "edited"  # written by gidoc, changed since (saved in Word, say)
    FOREIGN = "foreign"  # not written by gidoc (or not a Word document at all)


def digest(parts: Mapping[str, bytes]) -> str:
    """The fingerprint of a package's ``parts`` (name → bytes), the custom properties aside."""
    sha = hashlib.sha256()
    for name in sorted(parts):
        if name == CUSTOM_NAME:
            continue
        data = parts[name]
        sha.update(name.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big"))
        sha.update(data)
    return "sha256:" + sha.hexdigest()


def custom_properties(fingerprint: str) -> bytes:
    """``docProps/custom.xml`` holding only gidoc's fingerprint."""
    root = etree.Element(f"{{{_CUSTOM}}}Properties", nsmap={None: _CUSTOM, "vt": _VT})
    prop = etree.SubElement(root, f"{{{_CUSTOM}}}property", fmtid=_FMTID, pid="2", name=PROPERTY)
    etree.SubElement(prop, f"{{{_VT}}}lpwstr").text = fingerprint
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def with_fingerprint(parts: Mapping[str, bytes]) -> dict[str, bytes]:
    """``parts`` with the custom properties part that fingerprints the others.

    The package must already relate and type ``docProps/custom.xml``
    (:func:`gidoc.ooxml.properties.prepare` sees to that), since the
    relationships and content types are fingerprinted too.
    """
    return {**parts, CUSTOM_NAME: custom_properties(digest(parts))}


def origin(data: bytes) -> Origin:
    """Whether the file ``data`` is a document gidoc wrote, unchanged, edited, or not gidoc's."""
    if data.startswith(OLE_MAGIC):
        return Origin.FOREIGN
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_entries(archive)
            if sum(info.file_size for info in archive.infolist()) > _MAX_UNPACKED:
                return Origin.FOREIGN
            parts = {info.filename: archive.read(info) for info in archive.infolist()}
    except (PackageProblem, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        return Origin.FOREIGN
    kept = _kept_fingerprint(parts.get(CUSTOM_NAME))
    if kept is None:
        return Origin.FOREIGN
    return Origin.UNCHANGED if kept == digest(parts) else Origin.EDITED


def _kept_fingerprint(custom: bytes | None) -> str | None:
    if custom is None:
        return None
    try:
        root = etree.fromstring(custom, safe_parser())
    except etree.XMLSyntaxError:
        return None
    for prop in root.iter(f"{{{_CUSTOM}}}property"):
        if prop.get("name") == PROPERTY:
            value = prop.findtext(f"{{{_VT}}}lpwstr")
            return value.strip() if value else None
    return None
