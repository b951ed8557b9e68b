"""A blank report to fill in, and report data written out as YAML or JSON for people.

:func:`skeleton` makes the complete data of a new report: every key of the
format present, every count 0, every text empty, the five official
sub-sections of 一、总体情况 named; from last year's report it carries over what
follows from it.  :func:`to_yaml` writes data with the official Chinese label of
every field in a comment, so a clerk can fill the file in without the spec;
:func:`to_json` writes plain pretty JSON.  Both load back (:func:`gidoc.load`)
into the same data.
"""

from __future__ import annotations

import datetime
import functools
import json
import types
import typing
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from gidoc.checking.validate import check
from gidoc.format import labels as L
from gidoc.format import schema
from gidoc.format.models import (
    ActiveDisclosure,
    ApplicantCounts,
    ApplicantTotals,
    Report,
    Results,
    is_paragraphs,
)

#: The result groups of table 三 with numbered items (their models hold the items).
_RESULT_GROUP_MODELS = {Results.model_fields[group].annotation: group for group in L.RESULT_GROUPS}
#: Table 二 fields → the 第二十条 item heading the group they sit in.
_T2_GROUPS = {
    "rules": L.T2_GROUP_1,
    "normative_documents": L.T2_GROUP_1,
    "administrative_licensing": L.T2_GROUP_5,
    "administrative_penalty": L.T2_GROUP_6,
    "administrative_coercion": L.T2_GROUP_6,
    "administrative_fees": L.T2_GROUP_8,
}
#: Table 二 fields that are one number → the header of that number's column.
_T2_COLUMNS = {
    "administrative_licensing": L.T2_DECISIONS,
    "administrative_penalty": L.T2_DECISIONS,
    "administrative_coercion": L.T2_DECISIONS,
    "administrative_fees": L.T2_FEES_AMOUNT,
}

#: Said at the top of a YAML file; everything below it is data with label comments.
_YAML_HELP = (
    "每项上方或右侧的注释是它在报告中的名称；只改冒号后面的值，不要改英文字段名。",
    "件数填不带引号的整数；各“总计”由 gidoc 推算，不必填写；null 表示不填。",
    '大段文字：把 "" 换成 |- ，从下一行起比字段名多缩进两个空格书写，每行印成一段。',
)


# -- the skeleton ------------------------------------------------------------------
def skeleton(agency: str | None, year: int, previous: Report | None = None) -> dict[str, Any]:
    """The complete data of a blank report for ``agency`` and ``year``.

    Every key of the format is present: counts 0, texts ``""``, ``title``,
    ``issuer`` and ``date`` null, ``overview.sections`` the five official
    headings with empty bodies; no totals (gidoc derives them).

    With ``previous`` (last year's validated report) the agency defaults to its
    agency, ``applications.carried_over`` is its ``carried_forward`` per column,
    and 规章 / 行政规范性文件 ``in_force`` start from its ``in_force``.
    ``applications.carried_forward`` starts equal to ``carried_over`` as well
    (nothing handled yet), so that the blank report already balances
    (一 + 二 = 三 + 四) and ``gidoc check`` reports only what is left to fill in.

    Raises ValueError (message in Chinese) when there is no agency, or when the
    agency or year is not valid report data.
    """
    if agency is None:
        if previous is None:
            raise ValueError("请给出报告机关名称（没有上年度报告可供沿用）")
        agency = previous.agency
    data: dict[str, Any] = {
        "agency": agency,
        "year": year,
        "overview": {"sections": [{"heading": heading} for heading in L.OVERVIEW_TOPICS]},
        "problems": "",
        "improvements": "",
        "other_matters": "",
    }
    if previous is not None:
        carried = previous.applications.carried_forward.columns()
        data["applications"] = {"carried_over": dict(carried), "carried_forward": dict(carried)}
        last = previous.active_disclosure
        data["active_disclosure"] = {
            "rules": {"in_force": last.rules.in_force},
            "normative_documents": {"in_force": last.normative_documents.in_force},
        }
    # Through the model: every default filled in, and a bad agency or year said in Chinese.
    checked = check(data, "报告骨架")
    if checked.report is None or checked.errors:
        raise ValueError("；".join(str(problem) for problem in checked.errors))
    return _as_data(checked.report.model_dump())


def _as_data(value: Any) -> Any:
    """A model dump as a data file holds it: no totals, whole numbers as int."""
    if isinstance(value, dict):
        # Unset totals are left out: gidoc derives them, and a clerk should not fill them in.
        return {
            key: _as_data(item)
            for key, item in value.items()
            if not (key == "total" and item is None)
        }
    if isinstance(value, list):
        return [_as_data(item) for item in value]
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


# -- YAML ----------------------------------------------------------------------------
def to_yaml(data: Mapping[str, Any], *, schema_url: str | None = None) -> str:
    """Report data as YAML, with the official Chinese label of every field in a comment.

    A comment line above each field names it (``# （三）不予公开 1.属于国家秘密``);
    the numbers of a table row have their column's label on their right
    (``natural_person: 0  # 自然人``).  Texts are literal blocks (``|-``), an
    empty text is ``""``.  Fields come in the order of the format; keys the
    format does not know are kept, without a comment.  ``gidoc.load`` reads the
    result back into ``data``.

    ``schema_url`` (a path or URL of the JSON Schema from
    :func:`gidoc.schema.json_schema`) adds the line that lets the YAML extension
    of VS Code complete and check the file.
    """
    lines = []
    if schema_url is not None:
        lines.append(f"# yaml-language-server: $schema={schema_url}")
    lines.append(f"# {schema.TITLE}")
    lines += [f"# {line}" for line in _YAML_HELP]
    lines.append("")  # the help ends here; every comment below is a label
    lines += _mapping(Report, data, 0)
    return "\n".join(lines) + "\n"


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``X``, ``X | None`` or ``list[X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _is_row(model: type[BaseModel]) -> bool:
    """A table row or a sub-section: every field a single value, labelled on its right."""
    return all(_model_in(field.annotation) is None for field in model.model_fields.values())


def _ordered(model: type[BaseModel], data: Mapping[str, Any]) -> list[Any]:
    """The keys of ``data`` in the format's order; unknown keys last, as given."""
    known = [key for key in model.model_fields if key in data]
    return known + [key for key in data if key not in model.model_fields]


def _above(model: type[BaseModel], key: str, field: FieldInfo) -> str:
    """The label written on the line above a field."""
    title = field.title or key
    if model is ActiveDisclosure and key in _T2_GROUPS:
        parts = [_T2_GROUPS[key], title]
        if key in _T2_COLUMNS:
            parts.append(_T2_COLUMNS[key])
        return " / ".join(parts)
    if model in _RESULT_GROUP_MODELS:
        # Numbered items repeat their group: 「1.属于国家秘密」 alone is ambiguous far below it.
        return f"{L.RESULT_GROUPS[_RESULT_GROUP_MODELS[model]][0]} {title}"
    return title


def _beside(model: type[BaseModel], key: str, field: FieldInfo) -> str:
    """The label written on the right of a value in a row."""
    if model in (ApplicantCounts, ApplicantTotals) and key in L.LEGAL_PERSON_KEYS:
        return f"{L.T3_LEGAL_PERSONS} / {L.APPLICANT_COLUMNS[key]}"
    return field.title or key


def _mapping(model: type[BaseModel], data: Mapping[str, Any], indent: int) -> list[str]:
    """The fields of ``data`` (an instance of ``model``), each with its label above it."""
    pad = " " * indent
    lines: list[str] = []
    for key in _ordered(model, data):
        value = data[key]
        field = model.model_fields.get(key)
        if field is None:
            lines += _entry(key, value, indent)
            continue
        lines.append(f"{pad}# {_above(model, key, field)}")
        sub = _model_in(field.annotation)
        if sub is not None and isinstance(value, Mapping) and value:
            lines.append(f"{pad}{_key(key)}:")
            if _is_row(sub):
                lines += _row(sub, value, indent + 2)
            else:
                lines += _mapping(sub, value, indent + 2)
        elif sub is not None and isinstance(value, list) and value:
            lines.append(f"{pad}{_key(key)}:")
            for item in value:
                if isinstance(item, Mapping) and item and _is_row(sub):
                    lines += _row(sub, item, indent + 4, bullet=True)
                else:
                    lines += _entry(None, item, indent + 2)
        else:
            lines += _entry(key, value, indent, paragraphs=is_paragraphs(field))
    return lines


def _row(
    model: type[BaseModel], data: Mapping[str, Any], indent: int, *, bullet: bool = False
) -> list[str]:
    """A row's values one per line, each labelled on its right, the labels aligned.

    With ``bullet`` the row is a list item: its first line starts with ``- ``.
    """
    entries = []
    for key in _ordered(model, data):
        field = model.model_fields.get(key)
        entry = _entry(
            key, data[key], indent, paragraphs=field is not None and is_paragraphs(field)
        )
        entries.append((entry, _beside(model, key, field) if field else ""))
    width = max(_width(entry[0]) for entry, _ in entries) + 2
    lines = []
    for entry, label in entries:
        if label:
            entry[0] += " " * (width - _width(entry[0])) + f"# {label}"
        lines += entry
    if bullet:
        lines[0] = lines[0][: indent - 2] + "- " + lines[0][indent:]
    return lines


def _width(line: str) -> int:
    """Columns a line takes in an editor: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


class _Block(str):
    """A text to be written as a literal block."""


#: Characters a literal block cannot keep: YAML reads them as line breaks (or not at all).
_NOT_IN_BLOCK = frozenset("\r\x85\u2028\u2029")
_LINE_BREAKS = _NOT_IN_BLOCK | {"\n"}


def _entry(key: Any, value: Any, indent: int, *, paragraphs: bool = False) -> list[str]:
    """``key: value`` (or ``- value`` when key is None) as YAML lines at ``indent``."""
    if paragraphs and isinstance(value, str) and value and not _NOT_IN_BLOCK & set(value):
        value = _Block(value)
    lines = _yaml_dump([value] if key is None else {key: value}).split("\n")[:-1]
    if lines[-1] == "...":
        # PyYAML ends the document after a block that keeps its final line breaks; in the
        # middle of a file the next (less indented) line ends the block just as well.
        lines.pop()
    # PyYAML writes at column 0; shift every line that has content.
    return [" " * indent + line if line else line for line in lines]


def _key(key: str) -> str:
    return _yaml_dump({key: None}).rsplit(":", 1)[0]


def _yaml_dump(value: Any) -> str:
    import yaml  # PyYAML is imported only when YAML is written, as in gidoc.loader

    return yaml.dump(
        value,
        Dumper=_dumper(),
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=2**31 - 1,  # never fold a long line of text
    )


@functools.cache
def _dumper() -> Any:
    """A SafeDumper that writes decimals as written, texts as blocks, empty texts as ``""``."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def block(dumper: Any, value: str) -> Any:
        # PyYAML falls back to double quotes where a block cannot hold the text exactly.
        return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|")

    def text(dumper: Any, value: str) -> Any:
        if not value or _LINE_BREAKS & set(value):
            # Empty as "", and line breaks escaped so that the value stays on its line (a
            # label comment may follow it); raw, YAML would also fold them into spaces.
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
        return dumper.represent_str(value)

    def decimal(dumper: Any, value: Decimal) -> Any:
        if not value.is_finite():
            raise ValueError(f"不允许的数值 {value}")
        written = format(value, "f")
        # Written without a point, the number reads back as an int of the same value.
        kind = "float" if "." in written else "int"
        return dumper.represent_scalar(f"tag:yaml.org,2002:{kind}", written)

    Dumper.add_representer(_Block, block)
    Dumper.add_representer(str, text)
    Dumper.add_representer(Decimal, decimal)
    return Dumper


# -- JSON ----------------------------------------------------------------------------
def to_json(data: Mapping[str, Any]) -> str:
    """Report data as pretty JSON: 2-space indent, Chinese as is, decimals as written.

    Decimals are written digit for digit (``24252.311082``, never a binary float
    artefact); dates as ``"YYYY-MM-DD"`` strings, which the format accepts.
    """
    return _json(data, 0) + "\n"


def _json(value: Any, depth: int) -> str:
    pad = "  " * (depth + 1)
    end = "  " * depth
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON 的字段名应为文字，实际为 {key!r}")
            items.append(f"{pad}{_json(key, 0)}: {_json(item, depth + 1)}")
        return "{\n" + ",\n".join(items) + f"\n{end}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{pad}{_json(item, depth + 1)}" for item in value) + f"\n{end}]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"不允许的数值 {value}")
        return format(value, "f")
    if isinstance(value, datetime.date):
        return _json(value.isoformat(), 0)
    # str, int, float, bool and None as the json module writes them.
    return json.dumps(value, ensure_ascii=False, allow_nan=False)
