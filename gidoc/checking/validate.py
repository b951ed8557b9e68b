"""Plain data → a validated :class:`~gidoc.models.Report`, with every problem at once.

Pydantic's errors are turned into :class:`~gidoc.errors.Problem` records that
name the field by JSON path and by its Chinese label (the model field titles),
say what was found and what is allowed.  The cross-checks run once the data
has the right shape; warnings never block.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from gidoc.checking import rules as checks
from gidoc.errors import Problem, ReportValidationError, printable
from gidoc.format.models import FEE_PLACES, MAX_NUMBER, MAX_SECTIONS, MAX_TEXT, Report


@dataclass
class Checked:
    """The outcome of checking one data file: the report if it is valid, and every finding."""

    source: str
    report: Report | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The findings that block rendering."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The findings that are printed but do not block."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when the data is valid (warnings allowed)."""
        return self.report is not None and not self.errors


def check(
    data: Mapping[str, Any],
    source: str = "<data>",
    locations: Mapping[str, str] | None = None,
) -> Checked:
    """Validate report data and run every cross-check and review; never raises for bad data.

    ``locations`` maps JSON paths to where the values sit in the source (e.g.
    ``表三!F9``); each problem found at such a path carries that location.
    """
    report: Report | None = None
    try:
        valid = Report.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(error) for error in exc.errors()]
    else:
        report = valid
        problems = checks.cross_check(valid) + checks.review(valid)
    if locations:
        problems = [
            dataclasses.replace(p, cell=locations[p.path]) if p.path in locations else p
            for p in problems
        ]
    return Checked(source, report, problems)


def validate(data: Mapping[str, Any], source: str = "<data>") -> Report:
    """Return the valid report, or raise ReportValidationError listing every problem."""
    checked = check(data, source)
    if checked.report is None or checked.errors:
        raise ReportValidationError(
            source, checked.problems, cross_checked=checked.report is not None
        )
    return checked.report


# -- pydantic errors → problems ----------------------------------------------------
def _problem(error: ErrorDetails) -> Problem:
    loc = tuple(error["loc"])
    path = _json_path(loc)
    if error["type"] == "extra_forbidden":
        parent_model, parent_labels = describe_path(loc[:-1])
        return Problem(
            path,
            " / ".join(parent_labels),
            _unknown_key_message(str(loc[-1]), parent_model),
        )
    _, names = describe_path(loc)
    return Problem(path, " / ".join(names), _message(error))


def _json_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation such as ``X``, ``X | None`` or ``list[X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def describe_path(loc: Sequence[int | str]) -> tuple[type[BaseModel] | None, list[str]]:
    """Follow a data path through the models; return the model reached and the labels met.

    ``("applications", "new_received", "other")`` gives the ApplicantCounts field's
    model (None for a leaf) and ``[三、收到和处理…, 一、本年新收…, 其他]``.
    """
    model: type[BaseModel] | None = Report
    names: list[str] = []
    for part in loc:
        if model is None:
            break
        if isinstance(part, int):
            names.append(f"第 {part + 1} 项")
            continue
        info = model.model_fields.get(part)
        if info is None:
            break
        if info.title:
            names.append(info.title)
        model = _model_of(info.annotation)
    return model, names


def _unknown_key_message(key: str, model: type[BaseModel] | None) -> str:
    if model is None:
        return f"未知字段「{key}」"
    allowed = list(model.model_fields)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = ""
    if close:
        title = model.model_fields[close[0]].title
        hint = f"是否应为「{close[0]}」（{title}）？" if title else f"是否应为「{close[0]}」？"
    return f"未知字段「{key}」，可能拼写有误；{hint}此处允许的字段：{'、'.join(allowed)}"


#: Numbers longer than this are shown by their number of digits, not digit by digit.
_SHOWN_DIGITS = 20


def _digit_count(value: int | Decimal) -> int:
    """How many digits the whole part of ``value`` has (an int too long for str() included)."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = exponent if isinstance(exponent, int) else 0
        return max(len(value.as_tuple().digits) + places, 1)
    try:
        return len(str(abs(value)))
    except ValueError:  # over Python's 4300-digit limit for int → str
        return int(abs(value).bit_length() * 0.30103) + 1


def _number(value: Any) -> str:
    """A number as the message shows it: digit by digit, or by its length when very long."""
    if _long_number(value):
        return f"一个 {_digit_count(value)} 位的数"
    return str(value)


def _long_number(value: Any) -> bool:
    """Whether ``value`` is a number too long to show digit by digit."""
    number = isinstance(value, int | Decimal) and not isinstance(value, bool)
    return number and _digit_count(value) > _SHOWN_DIGITS


def _integral_decimal(value: Any) -> bool:
    """Whether ``value`` is a Decimal written without a point: an integer too long for int()."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return False
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= 0


def _found(value: Any) -> str:
    if _long_number(value):
        return _number(value)
    # An Excel cell formatted as a date, or a YAML date where a count belongs.
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return f"日期 {value.date().isoformat()}"
        return f"日期时间 {value.isoformat(sep=' ', timespec='minutes')}"
    if isinstance(value, datetime.date):
        return f"日期 {value.isoformat()}"
    if isinstance(value, datetime.time):
        return f"时间 {value.isoformat(timespec='minutes')}"
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:20] + "…"
        return f'文本 "{printable(shown)}"'
    if isinstance(value, Decimal | float):
        return f"小数 {value}"
    if isinstance(value, int):
        return f"整数 {value}"
    if isinstance(value, list):
        return "一个列表"
    if isinstance(value, dict):
        return "一个对象"
    if value is None:
        return "空值 null"
    return f"{value!r}"


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "缺少此必填项"
    if kind == "int_type" and _integral_decimal(value):
        return (
            f"数字过大（共 {_digit_count(value)} 位），不能大于 {MAX_NUMBER}；请检查是否多打了数字"
        )
    if kind == "int_type":
        return f"应为不带引号、不带小数点的整数，实际为{_found(value)}"
    if kind == "greater_than_equal":
        limit = ctx.get("ge")
        shown = _number(value)
        return f"不能小于 {limit}，实际为 {shown}" if limit else f"不能为负数，实际为 {shown}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}，实际为 {_number(value)}；请检查是否多打了数字"
    if kind == "decimal_max_places":
        shown = str(value)
        if len(shown) > _SHOWN_DIGITS and isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            places = -exponent if isinstance(exponent, int) else 0
            shown = f"{shown[:_SHOWN_DIGITS]}…（{places} 位小数）"
        return f"最多 {FEE_PLACES} 位小数（万元精确到分），实际为 {shown}"
    if kind in ("decimal_type", "decimal_parsing", "finite_number"):
        return f"应为不带引号的数字，实际为{_found(value)}"
    if kind == "string_unicode":
        return (
            f"字段名或文字中有无法识别的字符（单独的 UTF-16 代理码位），请删除它：{_found(value)}"
        )
    if kind == "string_too_long":
        length = ctx.get("length", len(value) if isinstance(value, str) else "?")
        return (
            f"文字过长：{length} 个字符，最多 {ctx.get('max_length', MAX_TEXT)} 个字符"
            "（一份年报全文通常不到 2 万字）；请检查是否粘贴了整个文件"
        )
    if kind == "too_long" and isinstance(value, list):
        return (
            f"最多 {ctx.get('max_length', MAX_SECTIONS)} 项（编号到（九十九）），实际为 {len(value)} 项；"
            "请合并内容相近的分项"
        )
    if kind in ("string_type", "str_type"):
        return f"应为文字（用引号括起），实际为{_found(value)}"
    if kind == "model_type" or kind == "dict_type":
        return f"应为一个对象（{{ … }}），实际为{_found(value)}"
    if kind == "list_type":
        return f"应为一个列表（[ … ]），实际为{_found(value)}"
    if kind == "literal_error":
        return f"只能为 {ctx.get('expected')}，实际为 {value!r}"
    if kind.startswith("date"):
        return f"应为日期，写作 YYYY-MM-DD，如 2026-01-20，实际为{_found(value)}"
    if kind == "decimal_max_digits" or kind == "decimal_whole_digits":
        return f"数字过大，不能超过 {MAX_NUMBER}"
    return str(error["msg"])
