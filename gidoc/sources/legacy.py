"""Word 97-2003 (.doc) and WPS (.wps) reports, converted to .docx by LibreOffice and read as one.

The conversion runs under the same walls as gidoc's PDF output
(:func:`gidoc.output.pdf.to_docx`): a private LibreOffice profile, no network,
a time limit, nothing left behind.
"""

from __future__ import annotations

from gidoc.errors import InputError
from gidoc.output.pdf import ConversionError
from gidoc.output.pdf import to_docx as convert

#: Largest .doc/.wps read: an annual report is well under a few megabytes.
MAX_BYTES = 50 * 1024 * 1024
#: How the old formats start: the OLE2 compound file (.doc, .wps), or a .docx under another name.
_SIGNATURES = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04", b"{\\rtf")


def to_docx(data: bytes, name: str, suffix: str) -> bytes:
    """The document as .docx bytes, or :class:`InputError` naming ``name`` and why not."""
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}：文件有 {len(data)} 字节，远超一份年度报告的正常大小")
    if not data.startswith(_SIGNATURES):
        raise InputError(f"{name}：不是 Word 或 WPS 文档（文件内容与扩展名 {suffix} 不符）")
    if data.startswith(b"PK\x03\x04"):
        return data  # a .docx saved under the old extension: read it as it is
    try:
        return convert(data, suffix)
    except ConversionError as exc:
        raise InputError(f"{name}：{exc}") from None
