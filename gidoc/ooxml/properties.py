"""Post-processing of a rendered package: its own metadata, no foreign thumbnail, full font table.

Word, Explorer, WPS and web portals show ``docProps/core.xml`` (title,
author, dates) and ``docProps/app.xml`` (the application); a template made by
python-docx or copied from another document carries someone else's.  So the
metadata is written here for every report, whatever template it came from,
rather than left to tags a template may have lost.

What depends only on the template (dropping a thumbnail that pictures
another document, completing the font table) is worked out once per
template by :func:`prepare`; :func:`document_properties` gives the two parts
that change with each report.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from lxml import etree

from gidoc.format import labels as L
from gidoc.ooxml import fingerprint, fonts
from gidoc.ooxml.order import W

#: dc:subject and dc:description of every report; ``gidoc extract`` reads the
#: description back to trust dc:creator as the agency.
SUBJECT = L.DOCUMENT_SUBJECT
APPLICATION = "gidoc"
LANGUAGE = "zh-CN"

CORE_NAME = "docProps/core.xml"
APP_NAME = "docProps/app.xml"

_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_RT_APP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
_RT_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
_RT_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_RT_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
_CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _w3cdtf(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def core_properties(title: str, agency: str, now: datetime) -> bytes:
    """``docProps/core.xml`` of one report: its title, the agency, render time in UTC."""
    nsmap = {"cp": _CP, "dc": _DC, "dcterms": _DCTERMS, "xsi": _XSI}
    root = etree.Element(f"{{{_CP}}}coreProperties", nsmap=nsmap)
    stamp = _w3cdtf(now)
    # The order Word writes them in; the schema (an xsd:all) allows any.
    for tag, text in (
        (f"{{{_DC}}}title", title),
        (f"{{{_DC}}}subject", SUBJECT),
        (f"{{{_DC}}}creator", agency),
        (f"{{{_DC}}}description", SUBJECT),
        (f"{{{_CP}}}lastModifiedBy", APPLICATION),
        (f"{{{_CP}}}revision", "1"),
        (f"{{{_DCTERMS}}}created", stamp),
        (f"{{{_DCTERMS}}}modified", stamp),
        (f"{{{_DC}}}language", LANGUAGE),
    ):
        element = etree.SubElement(root, tag)
        element.text = text
        if tag.startswith(f"{{{_DCTERMS}}}"):
            element.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
    return _xml(root)


def app_properties(agency: str) -> bytes:
    """``docProps/app.xml``: gidoc as the application, and no page or word counts.

    Counts would be stale the moment the text is filled in; Word recomputes
    them on saving, and a reader that trusts them would show the template's.
    """
    root = etree.Element(f"{{{_EP}}}Properties", nsmap={None: _EP, "vt": _VT})
    # CT_Properties is a sequence: Application before DocSecurity … before HyperlinksChanged.
    for tag, text in (
        ("Application", APPLICATION),
        ("DocSecurity", "0"),
        ("ScaleCrop", "false"),
        ("Company", agency),
        ("LinksUpToDate", "false"),
        ("SharedDoc", "false"),
        ("HyperlinksChanged", "false"),
    ):
        if text:  # an empty Company says nothing
            etree.SubElement(root, f"{{{_EP}}}{tag}").text = text
    return _xml(root)


def document_properties(
    context: Mapping[str, Any], now: datetime | None = None
) -> dict[str, bytes]:
    """The core and app parts of the report ``context`` describes, keyed by part name."""
    moment = now or datetime.now(timezone.utc)
    title, agency = str(context.get("title", "")), str(context.get("agency", ""))
    return {CORE_NAME: core_properties(title, agency, moment), APP_NAME: app_properties(agency)}


# -- what depends only on the template -------------------------------------------------
@dataclass
class Prepared:
    """A template's parts after the template-level fixes.

    ``parts`` maps each part name to its bytes, in the template's order,
    ``changed`` names those this module rewrote.
    """

    parts: dict[str, bytes]
    changed: set[str] = field(default_factory=set)
    #: Fonts added to the font table (for ``gidoc template check`` to mention).
    fonts_added: list[str] = field(default_factory=list)


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _target(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _document_part(parts: Mapping[str, bytes]) -> str:
    rels = etree.fromstring(parts["_rels/.rels"])
    for rel in rels:
        if rel.get("Type") == _RT_OFFICE + "officeDocument":
            return _target("", rel.get("Target", ""))
    return "word/document.xml"


def _drop_related(prepared: Prepared, source: str, rel_type: str) -> None:
    """Remove the parts ``source`` relates to by ``rel_type``, their relationships and types."""
    parts = prepared.parts
    rels_name = _rels_name(source) if source else "_rels/.rels"
    if rels_name not in parts or "[Content_Types].xml" not in parts:
        return
    rels = etree.fromstring(parts[rels_name])
    found = [rel for rel in rels if rel.get("Type") == rel_type]
    if not found:
        return
    types = etree.fromstring(parts["[Content_Types].xml"])
    for rel in found:
        name = _target(source, rel.get("Target", ""))
        rels.remove(rel)
        parts.pop(name, None)
        parts.pop(_rels_name(name), None)
        for override in types.findall(f"{{{_CT}}}Override"):
            if override.get("PartName", "").lstrip("/") == name:
                types.remove(override)
        extension = posixpath.splitext(name)[1].lstrip(".").lower()
        if not any(p.lower().endswith("." + extension) for p in parts):
            for default in types.findall(f"{{{_CT}}}Default"):
                if default.get("Extension", "").lower() == extension:
                    types.remove(default)
    parts[rels_name] = _xml(rels)
    parts["[Content_Types].xml"] = _xml(types)
    prepared.changed |= {rels_name, "[Content_Types].xml"}


def _drop_foreign_parts(prepared: Prepared, main: str) -> None:
    """Drop the package thumbnail and Word 2010's second copy of the styles.

    A thumbnail shows the template (python-docx's default pictures another
    document altogether), never the report, yet Explorer and WPS show it as
    the file's preview.  stylesWithEffects is written only by Word 2010;
    once the styles are edited elsewhere it disagrees with styles.xml, which
    Word may report as unreadable content, and Word 2013+ does not need it.
    """
    _drop_related(prepared, "", _RT_THUMBNAIL)
    _drop_related(prepared, main, _RT_STYLES_WITH_EFFECTS)


def _ensure_property_parts(prepared: Prepared) -> None:
    """Give a package without core, app or custom properties the relationship and content type."""
    parts = prepared.parts
    if "_rels/.rels" not in parts or "[Content_Types].xml" not in parts:
        return
    rels = etree.fromstring(parts["_rels/.rels"])
    types = etree.fromstring(parts["[Content_Types].xml"])
    changed = False
    for name, rel_type, content_type in (
        (CORE_NAME, _RT_CORE, _CT_CORE),
        (APP_NAME, _RT_APP, _CT_APP),
        # gidoc's fingerprint; a template's own custom properties describe the template.
        (fingerprint.CUSTOM_NAME, fingerprint.RT_CUSTOM, fingerprint.CT_CUSTOM),
    ):
        found = [rel for rel in rels if rel.get("Type") == rel_type]
        if any(_target("", rel.get("Target", "")) == name for rel in found):
            continue
        for rel in found:  # a property part elsewhere: ours replaces it
            parts.pop(_target("", rel.get("Target", "")), None)
            rels.remove(rel)
        ids = {rel.get("Id") for rel in rels}
        number = 1
        while f"rId{number}" in ids:
            number += 1
        etree.SubElement(
            rels, f"{{{_PR}}}Relationship", Id=f"rId{number}", Type=rel_type, Target=name
        )
        for override in types.findall(f"{{{_CT}}}Override"):
            if override.get("PartName", "").lstrip("/") == name:
                types.remove(override)
        etree.SubElement(types, f"{{{_CT}}}Override", PartName=f"/{name}", ContentType=content_type)
        changed = True
    if changed:
        parts["_rels/.rels"] = _xml(rels)
        parts["[Content_Types].xml"] = _xml(types)
        prepared.changed |= {"_rels/.rels", "[Content_Types].xml"}


def _word_part(parts: Mapping[str, bytes], main: str, rel_type: str) -> str | None:
    rels_name = _rels_name(main)
    if rels_name not in parts:
        return None
    for rel in etree.fromstring(parts[rels_name]):
        if rel.get("Type") == _RT_OFFICE + rel_type and rel.get("TargetMode") != "External":
            return _target(main, rel.get("Target", ""))
    return None


def _no_preview_picture(prepared: Prepared, settings: str | None) -> None:
    """Drop ``w:savePreviewPicture``: Word would save a new thumbnail of the template's look."""
    if settings is None or settings not in prepared.parts:
        return
    root = etree.fromstring(prepared.parts[settings])
    flags = root.findall(f"{{{W}}}savePreviewPicture")
    if flags:
        for flag in flags:
            root.remove(flag)
        prepared.parts[settings] = _xml(root)
        prepared.changed.add(settings)


def _complete_fonts(prepared: Prepared, main: str, text_parts: Iterable[str]) -> None:
    """List in the font table every face the styles and the text use."""
    parts = prepared.parts
    table_name = _word_part(parts, main, "fontTable")
    styles_name = _word_part(parts, main, "styles")
    if table_name is None or table_name not in parts:
        return  # no font table to complete; adding the part is Word's business
    roots = []
    for name in (styles_name, _word_part(parts, main, "numbering"), *text_parts):
        if name and name in parts:
            try:
                roots.append(etree.fromstring(parts[name]))
            except etree.XMLSyntaxError:
                continue
    table = etree.fromstring(parts[table_name])
    added = fonts.complete(table, fonts.used_fonts(roots))
    if added:
        parts[table_name] = _xml(table)
        prepared.changed.add(table_name)
        prepared.fonts_added = added


def prepare(parts: Mapping[str, bytes], text_parts: Iterable[str] = ()) -> Prepared:
    """The template-level fixes to a template's ``parts`` (name → bytes); the input is kept.

    ``text_parts`` are the body, header and footer parts whose runs may name
    fonts.  A part that is not well-formed XML is left as it is: rendering
    reports it.
    """
    prepared = Prepared(dict(parts))
    try:
        main = _document_part(prepared.parts) if "_rels/.rels" in parts else "word/document.xml"
        _drop_foreign_parts(prepared, main)
        _ensure_property_parts(prepared)
        _no_preview_picture(prepared, _word_part(prepared.parts, main, "settings"))
        _complete_fonts(prepared, main, text_parts)
    except etree.XMLSyntaxError:
        return Prepared(dict(parts))
    return prepared
