"""The errors gidoc raises on purpose, and the Problem record.

Every message a user reads is worded here or in the module that found the
problem, in Chinese, naming the file or field.  Nothing in this module knows
about click: :mod:`gidoc.cli` maps each error to its exit code.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

_SEVERITY_TEXT = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True)
class Problem:
    """One finding about a report's data.

    ``path`` is the JSON path of the field (``applications.new_received.other``),
    ``label`` its name as the report prints it (``一、本年新收政府信息公开申请数量 / 其他``),
    ``message`` says what is wrong and what is allowed, ``cell`` where the
    value sits in a source that is not JSON/YAML (``表三!F9`` in an Excel form,
    ``表三 第 5 行第 4 列`` in a .docx).  Errors block rendering; warnings are
    printed and never block.
    """

    path: str
    label: str
    message: str
    severity: Severity = "error"
    cell: str = ""

    def __str__(self) -> str:
        field = f"{self.path}（{self.label}）" if self.label else self.path
        where = " ".join(part for part in (self.cell, field) if part)
        if not where:
            return f"{_SEVERITY_TEXT[self.severity]}：{self.message}"
        return f"{_SEVERITY_TEXT[self.severity]} {where}：{self.message}"

    def as_dict(self) -> dict[str, str]:
        """The problem as plain JSON-ready data."""
        return {
            "severity": self.severity,
            "path": self.path,
            "label": self.label,
            "message": self.message,
            "cell": self.cell,
        }


_OS_REASONS = {
    errno.ENOENT: "路径不存在",
    errno.EEXIST: "已存在同名文件",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "只读的磁盘或文件夹",
    errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.ENAMETOOLONG: "路径太长",
}


def os_reason(exc: OSError) -> str:
    """Why an operating-system call failed, in Chinese when the reason is a common one."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def printable(text: str) -> str:
    """``text`` with what a terminal cannot print (a lone surrogate such as ``\\ud800``) escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


#: Said when field errors kept the cross-checks from running.
CROSS_CHECKS_PENDING = "以上错误改正后，gidoc 才会核对各表的合计与勾稽关系"


class GidocError(Exception):
    """Base class for every error gidoc raises on purpose; its text is for the user."""

    #: Process exit code when this error ends a command.
    exit_code: int = 1


class InputError(GidocError):
    """A data file cannot be read or parsed (missing, a folder, not UTF-8, bad JSON/YAML).

    The message is the finished Chinese text; the optional fields say the same
    in parts for a program (a web service shows them beside the upload):
    ``source`` the file or upload name, ``location`` where in it (a JSON path,
    ``表三!D4``, ``第 3 行第 5 列``), ``label`` the field's Chinese name,
    ``reason`` what is wrong.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        location: str = "",
        label: str = "",
        reason: str = "",
    ) -> None:
        super().__init__(message)
        self.source = source
        self.location = location
        self.label = label
        self.reason = reason

    def as_dict(self) -> dict[str, str]:
        """The error as plain JSON-ready data: its parts and its whole message."""
        return {
            "source": self.source,
            "location": self.location,
            "label": self.label,
            "reason": self.reason,
            "message": str(self),
        }


class ReportValidationError(GidocError):
    """The data breaks the format or the official cross-checks; holds every problem."""

    def __init__(
        self,
        source: str,
        problems: Sequence[Problem],
        *,
        cross_checked: bool = True,
        consequence: str = "未生成报告",
    ) -> None:
        self.source = source
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"{source}：数据有 {len(errors)} 处错误，{consequence}"]
        lines += [f"  {p}" for p in self.problems]
        if not cross_checked:
            lines.append(f"  （{CROSS_CHECKS_PENDING}）")
        super().__init__("\n".join(lines))


class TemplateError(GidocError):
    """The Word template is unreadable, or fails to render with the report's data."""


class OutputError(GidocError):
    """The output file or folder cannot be written."""


class InvalidInputs(GidocError):
    """One or more data files cannot be rendered; holds each file's error, all reported at once."""

    def __init__(self, errors: Sequence[GidocError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


class AggregationRefused(GidocError):
    """Reports that cannot be summed into one; ``reasons`` are (source, why), all of them at once.

    Nothing is written when this is raised.
    """

    def __init__(self, reasons: Sequence[tuple[str, str]]) -> None:
        self.reasons = list(reasons)
        lines = [f"不能汇总，有 {len(self.reasons)} 处问题，未写出任何文件："]
        for source, reason in self.reasons:
            body = reason.replace("\n", "\n    ")
            lines.append(f"  {source}：{body}")
        super().__init__("\n".join(lines))

    def as_dict(self) -> dict[str, object]:
        """The refusal as plain JSON-ready data: each source and its reason, and the whole text."""
        return {
            "reasons": [{"source": source, "reason": reason} for source, reason in self.reasons],
            "message": str(self),
        }
