"""Uploaded files: the name cleaned, the content sniffed against the extension, then read.

An upload is untrusted: its name may carry a path, its extension may lie (a
PDF named .docx, an executable named .json).  The content must look like the
kind its extension names before one of gidoc's hardened readers sees it, and
messages name the file by its bare name only.
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from gidoc.errors import InputError
from gidoc.ooxml.container import OLE_MAGIC
from gidoc.sources.load import load_located
from gidoc.sources.loaded import Loaded

_ZIP = b"PK\x03\x04"
#: What each accepted extension's content starts with (after leading white space for text).
ACCEPTED = (".xlsx", ".xlsm", ".docx", ".pdf", ".html", ".htm", ".json", ".yaml", ".yml")
_MAX_NAME = 120


class UploadRefused(Exception):
    """An upload that is not what its name says, or of a kind gidoc does not read."""


def clean_name(name: str | None) -> str:
    """The upload's bare file name (no folders, no control characters), at most 120 characters."""
    bare = PureWindowsPath(PurePosixPath(name or "").name).name
    bare = "".join(ch for ch in bare if ch.isprintable()).strip()
    return bare[-_MAX_NAME:] if bare else "上传的文件"


def _suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def sniff(name: str, raw: bytes) -> str | None:
    """Why ``raw`` is not the kind of file ``name``'s extension says (a Chinese line), or None."""
    kind = _suffix(name)
    if kind not in ACCEPTED:
        allowed = "、".join(ACCEPTED)
        if raw.startswith(OLE_MAGIC):
            return f"{name}：这是旧版 Word/Excel 文件，请在 Word/WPS 中另存为 .docx 或 .xlsx 后上传"
        return f"{name}：不支持的文件类型「{kind or '无扩展名'}」，可以上传 {allowed}"
    if not raw:
        return f"{name}：文件是空的"
    if kind in (".xlsx", ".xlsm", ".docx"):
        if raw.startswith(OLE_MAGIC):
            return f"{name}：文件是加密的或旧版格式，请在 Word/WPS 中取消密码并另存为 {kind} 后上传"
        if not raw.startswith(_ZIP):
            return f"{name}：文件内容不是 {kind} 格式（扩展名与内容不符）"
        return None
    if kind == ".pdf":
        return (
            None
            if raw.lstrip()[:5] == b"%PDF-"
            else f"{name}：文件内容不是 PDF（扩展名与内容不符）"
        )
    # Text: web pages, JSON and YAML.
    if b"\x00" in raw[:4096] or raw.startswith((_ZIP, OLE_MAGIC, b"%PDF-")):
        return f"{name}：文件内容不是文字（扩展名 {kind} 与内容不符）"
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if kind == ".json" and head not in (b"{", b""):
        return f"{name}：文件内容不是 JSON 对象（应以 {{ 开头）"
    return None


def read_upload(name: str, raw: bytes) -> Loaded:
    """The report data in an uploaded file; UploadRefused (wrong kind) or InputError (unreadable)."""
    shown = clean_name(name)
    problem = sniff(shown, raw)
    if problem is not None:
        raise UploadRefused(problem)
    try:
        return load_located(raw, shown)
    except InputError:
        raise
    except (ValueError, OSError) as exc:
        # The readers say every expected problem as InputError; anything else is still the file's fault.
        raise InputError(f"{shown}：无法读取（{type(exc).__name__}）") from None
