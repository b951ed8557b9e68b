"""The zip container of a Word package, checked before anything in it is trusted.

Word documents and templates travel between offices and, through the web
service, come from anyone.  What a zip may hold that no Word file does is
refused here with one line: an opening password (Word then saves an OLE
compound file, not a zip), entries encrypted with a zip password or packed
with a compression zipfile cannot read, entry names that climb out of the
package (``/etc/x``, ``../x``), and DTDs in XML parts (XXE, billion laughs).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable

from lxml import etree

#: First bytes of an OLE compound file: an old .doc, or a .docx saved with an opening password.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Compression methods :mod:`zipfile` reads (stored, deflate, bzip2, lzma).
_READABLE = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_DRIVE = re.compile(r"^[A-Za-z]:")


class PackageProblem(ValueError):
    """What is wrong with a package, worded for the user (without the file name)."""


def encrypted_package(data: bytes) -> bool:
    """Whether ``data`` is a password-protected Word document: an OLE file holding the package."""
    # An encrypted OOXML package keeps its content in a stream named EncryptedPackage
    # (names are UTF-16 in the directory), next to EncryptionInfo.
    return data.startswith(OLE_MAGIC) and (
        "EncryptedPackage".encode("utf-16-le") in data or b"EncryptionInfo" in data
    )


#: What a password-protected document is told, after its name.
PASSWORD_REASON = "设置了打开密码（已加密）；请在 Word/WPS 中取消打开密码并另存后再试"


def ole_reason(data: bytes) -> str | None:
    """Why an OLE compound file is not a readable .docx, or None when ``data`` is not one."""
    if not data.startswith(OLE_MAGIC):
        return None
    if encrypted_package(data):
        return PASSWORD_REASON
    return "是旧版 .doc/.wps 格式；请先在 Word 或 WPS 中“另存为” .docx"


def unsafe_name(name: str) -> bool:
    """Whether a zip entry name could point outside the package when unpacked."""
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return True
    return any(part == ".." for part in re.split(r"[\\/]", name))


def check_entries(archive: zipfile.ZipFile) -> None:
    """Raise :class:`PackageProblem` for an entry no Word program writes and zipfile cannot read.

    Checked before reading, so that no entry fails later with RuntimeError
    (encrypted) or NotImplementedError (compression) in the middle of work.
    """
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise PackageProblem(
                f"压缩包中的 {info.filename} 设置了解压密码（已加密）；"
                "请用未加密的原始文件，或在 Word/WPS 中重新另存为 .docx"
            )
        if info.compress_type not in _READABLE:
            raise PackageProblem(
                f"压缩包中的 {info.filename} 使用了不支持的压缩方式（编号 {info.compress_type}）；"
                "请在 Word/WPS 中重新另存为 .docx"
            )
        if unsafe_name(info.filename):
            raise PackageProblem(
                f"压缩包中有指向包外的文件名「{info.filename}」（绝对路径或 ..），"
                "Word 不会这样保存，可能是恶意文件"
            )


def safe_parser() -> etree.XMLParser:
    """An XML parser that never loads a DTD, resolves an entity or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
    )


def parse_part(name: str, data: bytes) -> etree._Element:
    """A package part parsed safely; :class:`PackageProblem` if it is not plain, well-formed XML.

    Word never writes a DTD, so one (an XXE or billion-laughs attempt, or a damaged
    file) is refused rather than parsed around.
    """
    dtd = f"{name} 含有 DTD（<!DOCTYPE>），Word 文档不会有，可能是恶意文件"
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        if b"<!DOCTYPE" in data:  # libxml2 stops a billion laughs itself, in English
            raise PackageProblem(dtd) from None
        raise PackageProblem(f"{name} 不是合法的 XML（第 {exc.lineno} 行：{exc.msg}）") from None
    if root.getroottree().docinfo.doctype:
        raise PackageProblem(dtd)
    return root


def read_entries(archive: zipfile.ZipFile) -> Iterable[tuple[zipfile.ZipInfo, bytes]]:
    """Every entry with its bytes, after :func:`check_entries`; damage → :class:`PackageProblem`."""
    check_entries(archive)
    for info in archive.infolist():
        try:
            data = archive.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
            raise PackageProblem(f"压缩包中的 {info.filename} 已损坏，无法解压（{exc}）") from None
        yield info, data
