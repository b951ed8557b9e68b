"""A source's bytes: from a path, a stream or bytes, with the one ladder of open errors.

Every reader takes bytes and a display name, so that a report can come from an
upload or a mail attachment as well as from a file; a path is a convenience
turned into bytes here, with one clear Chinese line when it cannot be read.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import BinaryIO, TypeAlias

from gidoc.errors import GidocError, InputError, os_reason

#: Extensions read as JSON or YAML, mapped to the format's name.
FORMATS = {".json": "JSON", ".yaml": "YAML", ".yml": "YAML"}
#: Excel forms, read by :mod:`gidoc.sources.excel`.
EXCEL_FORMATS = (".xlsx", ".xlsm")
#: A finished report, read back by :mod:`gidoc.sources.docx`.
REPORT_FORMAT = ".docx"
#: A report published as a web page, read by :mod:`gidoc.sources.html`.
PAGE_FORMATS = (".html", ".htm")
#: A report published as a PDF, read by :mod:`gidoc.sources.pdf`.
PDF_FORMAT = ".pdf"
#: Word 97-2003 and WPS documents, converted to .docx by LibreOffice before reading.
LEGACY_FORMATS = (".doc", ".wps")

#: What a reader accepts: the bytes, a binary stream, or a path to read them from.
Source: TypeAlias = bytes | BinaryIO | str | Path


def read_bytes(
    path: str | Path,
    what: str = "数据文件",
    *,
    label: str | None = None,
    error: type[GidocError] = InputError,
) -> bytes:
    """The bytes of the file at ``path``, or ``error`` with one line saying why not.

    ``what`` names the kind of file in the message for a folder (``这是一个文件夹，
    不是 Excel 表格``); ``label`` is how the message names the file (``模板 x.docx``),
    by default the path itself.
    """
    path = Path(path)
    label = str(path) if label is None else label
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise error(f"{label}：文件不存在") from None
    except IsADirectoryError:
        raise error(f"{label}：这是一个文件夹，不是{what}") from None
    except PermissionError:
        raise error(f"{label}：没有读取权限") from None
    except OSError as exc:
        raise error(f"{label}：无法读取（{os_reason(exc)}）") from None


def source_bytes(source: Source, name: str | None, what: str) -> tuple[bytes, str]:
    """The bytes of ``source`` and the name messages use for it.

    A path is read (and names itself unless ``name`` is given); bytes and streams
    are named ``name``, or ``<{what}>`` without one.
    """
    if isinstance(source, str | PurePath):
        shown = str(source) if name is None else name
        if Path(source).is_dir():
            raise InputError(f"{shown}：这是一个文件夹，不是{what}")
        return read_bytes(source, what, label=shown), shown
    shown = f"<{what}>" if name is None else name
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), shown
    try:
        return source.read(), shown
    except OSError as exc:
        raise InputError(f"{shown}：无法读取（{os_reason(exc)}）") from None


def suffix(name: str) -> str:
    """The lower-case extension of a display name (``.docx``), or "" without one."""
    return PurePath(name).suffix.lower()
