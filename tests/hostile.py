"""Builders of hostile Word packages for the hardening tests (issue 10).

Each takes the bytes of a valid .docx (the default template, or a rendered
report) and returns a copy with one thing added or broken, the way a file
from other hands might arrive.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from xml.sax.saxutils import escape, quoteattr

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
IMAGE = f"{R}/image"
SECTION_END = "<w:sectPr"


def rewrite(
    docx: bytes,
    change: Mapping[str, Callable[[bytes], bytes] | bytes | None],
    *,
    compress: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A copy of ``docx`` with parts changed (a function of the old bytes), added or (None) removed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", compress) as target:
        names = source.namelist()
        for name in names:
            how = change.get(name, lambda data: data)
            if how is None:
                continue
            data = source.read(name)
            target.writestr(name, how(data) if callable(how) else how)
        for name, how in change.items():
            if name not in names and isinstance(how, bytes):
                target.writestr(name, how)
    return out.getvalue()


def _before_last_section(paragraph: str) -> Callable[[bytes], bytes]:
    def insert(data: bytes) -> bytes:
        xml = data.decode("utf-8")
        at = xml.rindex(SECTION_END)
        return (xml[:at] + paragraph + xml[at:]).encode("utf-8")

    return insert


def _add_relationship(rid: str, kind: str, target: str, external: bool) -> Callable[[bytes], bytes]:
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"{mode}/>'

    def add(data: bytes) -> bytes:
        return data.replace(b"</Relationships>", rel.encode("utf-8") + b"</Relationships>")

    return add


def _picture(rid: str, attribute: str) -> str:
    return (
        "<w:p><w:r><w:t>外链图片</w:t></w:r><w:r><w:drawing>"
        '<wp:inline distT="0" distB="0" distL="0" distR="0">'
        '<wp:extent cx="914400" cy="914400"/><wp:docPr id="901" name="Picture 901"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="901" name="p.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:{attribute}="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
        "</pic:blipFill>"
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )


def linked_image(docx: bytes, url: str) -> bytes:
    """An image linked (``r:link``, ``TargetMode="External"``) to ``url``, at the end of the body."""
    return rewrite(
        docx,
        {
            "word/document.xml": _before_last_section(_picture("rIdExt1", "link")),
            "word/_rels/document.xml.rels": _add_relationship("rIdExt1", IMAGE, url, True),
        },
    )


def field(docx: bytes, instruction: str, *, simple: bool = False) -> bytes:
    """A field with ``instruction`` (INCLUDEPICTURE "…", INCLUDETEXT "…") at the end of the body."""
    if simple:
        paragraph = (
            f"<w:p><w:fldSimple w:instr={quoteattr(instruction)}><w:r><w:t>旧结果</w:t></w:r>"
            "</w:fldSimple></w:p>"
        )
    else:
        # Split over two runs, as Word does when the instruction was typed in pieces.
        half = len(instruction) // 2
        paragraph = (
            '<w:p><w:r><w:t>含域的段落</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {escape(instruction[:half])}</w:instrText></w:r>'
            f'<w:r><w:instrText xml:space="preserve">{escape(instruction[half:])} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>旧结果</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        )
    return rewrite(docx, {"word/document.xml": _before_last_section(paragraph)})


def attached_template(docx: bytes, url: str) -> bytes:
    """``settings.xml`` attaching an external template (Word fetches it to refresh styles)."""

    def settings(data: bytes) -> bytes:
        xml = data.decode("utf-8")
        at = xml.index(">", xml.index("<w:settings")) + 1
        return (xml[:at] + '<w:attachedTemplate r:id="rIdTpl"/>' + xml[at:]).encode("utf-8")

    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdTpl" Type="{R}/attachedTemplate" Target="{url}" '
        'TargetMode="External"/></Relationships>'
    )
    return rewrite(
        docx, {"word/settings.xml": settings, "word/_rels/settings.xml.rels": rels.encode()}
    )


def hyperlink(docx: bytes, url: str) -> bytes:
    """A plain external hyperlink: allowed, as nothing fetches it."""
    paragraph = (
        '<w:p><w:hyperlink r:id="rIdLink1"><w:r><w:t>政府网站</w:t></w:r></w:hyperlink></w:p>'
    )
    return rewrite(
        docx,
        {
            "word/document.xml": _before_last_section(paragraph),
            "word/_rels/document.xml.rels": _add_relationship(
                "rIdLink1", f"{R}/hyperlink", url, True
            ),
        },
    )


def body_paragraph(docx: bytes, text: str) -> bytes:
    """A plain paragraph with ``text`` (a Jinja tag, say) at the end of the body."""
    paragraph = f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    return rewrite(docx, {"word/document.xml": _before_last_section(paragraph)})


def _patched_headers(docx: bytes, patch: Callable[[bytearray, int, bool], None]) -> bytes:
    """A stored (uncompressed) copy of ``docx`` with ``patch`` applied to every zip header.

    ``patch(data, start, central)`` gets the offset of a local (``central`` False)
    or central-directory header; zipfile cannot write what these tests need.
    """
    stored = rewrite(docx, {}, compress=zipfile.ZIP_STORED)
    data = bytearray(stored)
    for signature, central in ((b"PK\x03\x04", False), (b"PK\x01\x02", True)):
        start = data.find(signature)
        while start != -1:
            patch(data, start, central)
            start = data.find(signature, start + 4)
    return bytes(data)


def zip_encrypted(docx: bytes) -> bytes:
    """``docx`` with every entry marked as encrypted with a zip password (flag bit 0)."""

    def mark(data: bytearray, start: int, central: bool) -> None:
        data[start + (8 if central else 6)] |= 0x1

    return _patched_headers(docx, mark)


def compressed_with(docx: bytes, method: int) -> bytes:
    """``docx`` with every entry claiming compression ``method`` (9 = Deflate64, unsupported)."""

    def claim(data: bytearray, start: int, central: bool) -> None:
        at = start + (10 if central else 8)
        data[at : at + 2] = method.to_bytes(2, "little")

    return _patched_headers(docx, claim)


def password_protected(docx: bytes) -> bytes:
    """What Word saves for a .docx with an opening password: an OLE file with EncryptedPackage.

    Only the parts a reader looks at are real: the OLE signature and the stream names.
    """
    del docx  # the package is inside, encrypted; its bytes do not matter here
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    return header + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
