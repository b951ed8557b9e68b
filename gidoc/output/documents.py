"""Documents from other hands, checked before LibreOffice opens them for ``gidoc convert``.

LibreOffice converts almost anything (a text file named .docx becomes a blank
PDF, exit 0) and follows every link a document holds.  So a document is
accepted only if it is the kind of file its extension says, and only if it
loads nothing from outside: no linked image, OLE object, attached template,
sub-document or frame, and no INCLUDEPICTURE/INCLUDETEXT/LINK/DDE field.
Each refusal names the file and the place.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from gidoc.errors import os_reason
from gidoc.ooxml.container import OLE_MAGIC, PackageProblem, check_entries, ole_reason
from gidoc.ooxml.external import describe, external_references

_REFUSED = "生成 PDF 时会访问网络或读取本机文件，已拒绝转换；请在 Word 中删除这些链接和域后再转换"
#: Field codes and RTF control words that load content, as they appear in .doc and .rtf bytes.
_LOADING_WORDS = ("INCLUDEPICTURE", "INCLUDETEXT", "DDEAUTO", " LINK ", " DDE ")
_RTF_LINKS = re.compile(
    rb"\\objautlink|\\objlink|\\field\s*\{[^{}]*\\fldinst\s*\{?[^{}]*(INCLUDE|LINK|DDE)"
)
_ODF_LINK = re.compile(rb'xlink:href="(?!#|\./|Pictures/|Object)[^"]*"')


def document_problem(path: Path) -> str | None:
    """Why ``path`` must not go to LibreOffice, as ``文件：原因``; None when it may."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"{path}：无法读取（{os_reason(exc)}）"
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_problem(path, data)
    if suffix in (".doc", ".wps"):
        if not data.startswith(OLE_MAGIC):
            return f"{path}：不是 Word 文档（文件内容不是 {suffix} 格式）"
        if "EncryptedPackage".encode("utf-16-le") in data:
            return f"{path}：{ole_reason(data)}"
        if _has_loading_words(data):
            return f"{path}：含有读取外部内容的域（INCLUDEPICTURE、INCLUDETEXT、LINK 或 DDE），{_REFUSED}"
        return None
    if suffix == ".rtf":
        if not data.lstrip().startswith(b"{\\rtf"):
            return f"{path}：不是 RTF 文档（文件内容不以 {{\\rtf 开头）"
        if _RTF_LINKS.search(data):
            return f"{path}：含有链接的对象或读取外部内容的域，{_REFUSED}"
        return None
    if suffix == ".odt":
        return _odt_problem(path, data)
    return None


def _has_loading_words(data: bytes) -> bool:
    for word in _LOADING_WORDS:
        if word.encode("ascii") in data or word.encode("utf-16-le") in data:
            return True
    return False


def _docx_problem(path: Path, data: bytes) -> str | None:
    reason = ole_reason(data)
    if reason is not None:
        return f"{path}：{reason}"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                return f"{path}：不是 Word 文档（缺少正文部分 word/document.xml）"
            check_entries(archive)
            found = external_references(archive)
    except PackageProblem as exc:
        return f"{path}：{exc}"
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, KeyError):
        return f"{path}：不是 .docx 格式的 Word 文档（文件已损坏，或只是改了扩展名）"
    if found:
        return f"{path} 引用了外部资源：{describe(found)}；{_REFUSED}"
    return None


def _odt_problem(path: Path, data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_entries(archive)
            if archive.read("mimetype").strip() != b"application/vnd.oasis.opendocument.text":
                return f"{path}：不是 OpenDocument 文本文档（.odt）"
            parts = [archive.read(name) for name in ("content.xml", "styles.xml")]
    except PackageProblem as exc:
        return f"{path}：{exc}"
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, KeyError):
        return f"{path}：不是 .odt 格式的文档（文件已损坏，或只是改了扩展名）"
    for xml in parts:
        for match in _ODF_LINK.finditer(xml):
            start = xml.rfind(b"<", 0, match.start())
            element = xml[start : xml.find(b" ", start)].decode("utf-8", "replace")
            if element.startswith("<text:a"):
                continue  # a plain hyperlink
            target = match.group(0)[len('xlink:href="') : -1].decode("utf-8", "replace")
            return f"{path}：{element[1:]} 链接到 {target}，{_REFUSED}"
    return None
