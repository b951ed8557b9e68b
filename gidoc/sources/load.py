"""Read a data source into plain Python data: JSON or YAML here, other kinds by their readers.

Numbers with a fraction are read as :class:`decimal.Decimal` from their text, so
a fee written ``24252.311082`` keeps exactly those digits.  Duplicate keys are
rejected: the second one would silently win otherwise.  An integer too long for
Python to convert (over 4,300 digits) is read as a Decimal too, so that the
check names its field and says it is too large instead of failing here; data
nested deeper than any report (``[[[[…`` 100,000 times) is one clear line.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePath
from typing import Any

from gidoc.errors import InputError, printable
from gidoc.sources.files import (
    EXCEL_FORMATS,
    FORMATS,
    LEGACY_FORMATS,
    PAGE_FORMATS,
    PDF_FORMAT,
    REPORT_FORMAT,
    Source,
    source_bytes,
)
from gidoc.sources.loaded import Loaded

#: Every kind of finished report gidoc reads back: Word, web pages, PDF, .doc/.wps.
REPORT_FORMATS = (REPORT_FORMAT, *PAGE_FORMATS, PDF_FORMAT, *LEGACY_FORMATS)

__all__ = [
    "EXCEL_FORMATS",
    "FORMATS",
    "LEGACY_FORMATS",
    "PAGE_FORMATS",
    "PDF_FORMAT",
    "REPORT_FORMAT",
    "REPORT_FORMATS",
    "Loaded",
    "load",
    "load_bytes",
    "load_located",
]


def load_located(source: Source, name: str | None = None, format: str | None = None) -> Loaded:
    """Read any supported source: JSON and YAML here, Excel forms by :mod:`gidoc.sources.excel`,
    finished reports (.docx) by :mod:`gidoc.sources.docx`, web pages (.html) through
    :mod:`gidoc.sources.html`, PDFs by :mod:`gidoc.sources.pdf`, .doc and .wps
    converted by LibreOffice (:mod:`gidoc.sources.legacy`).

    ``source`` is a path, or the bytes or a binary stream of a file; ``name`` is
    how messages name it (by default the path), and its extension decides the
    format unless ``format`` (an extension such as ``".yaml"``) is given.
    Problems found later in an Excel form or a report name the cell (``表三!F9``).
    Raises :class:`InputError` with one clear line for a missing file, a folder,
    an unknown extension, text that is not UTF-8, or a JSON/YAML syntax error
    (with line and column).
    """
    if isinstance(source, str | Path):
        shown = str(source) if name is None else name
        if Path(source).is_dir():
            raise InputError(f"{shown}：这是一个文件夹，不是数据文件")
        given = Path(source).suffix
    else:
        shown = "<数据文件>" if name is None else name
        given = PurePath(shown).suffix
    if format is not None:
        given = format if format.startswith(".") else f".{format}"
    kind = given.lower()
    if kind in EXCEL_FORMATS:
        # Deferred: openpyxl and lxml are a cost only those files should pay.
        from gidoc.sources import excel

        return excel.read_form(source, shown)
    if kind == REPORT_FORMAT:
        from gidoc.sources import docx

        return docx.read_report(source, shown)
    if kind in PAGE_FORMATS:
        from gidoc.sources import docx, html

        raw, shown = source_bytes(source, shown, "网页")
        return docx.read_report(html.to_docx(raw, shown), shown)
    if kind == PDF_FORMAT:
        from gidoc.sources import pdf

        raw, shown = source_bytes(source, shown, "PDF 文件")
        return pdf.read_pdf(raw, shown)
    if kind in LEGACY_FORMATS:
        from gidoc.sources import docx, legacy

        raw, shown = source_bytes(source, shown, "Word 文档")
        return docx.read_report(legacy.to_docx(raw, shown, kind), shown)
    if kind not in FORMATS:
        allowed = "、".join([*FORMATS, *EXCEL_FORMATS, *REPORT_FORMATS])
        raise InputError(f"{shown}：不支持的文件类型「{given}」，数据文件应为 {allowed}")
    raw, shown = source_bytes(source, shown, "数据文件")
    text = _decode(shown, raw)
    data = _parse_json(shown, text) if FORMATS[kind] == "JSON" else _parse_yaml(shown, text)
    if not isinstance(data, dict):
        raise InputError(f"{shown}：最外层应为一个对象（{{ … }}），即报告的各个字段")
    return Loaded(data)


def load_bytes(data: bytes, name: str) -> Loaded:
    """Read a source given as bytes; the extension of ``name`` decides its format."""
    return load_located(data, name)


def load(source: Source, name: str | None = None) -> dict[str, Any]:
    """Read a report data file (JSON, YAML, an Excel form or a report .docx) and return its data."""
    return load_located(source, name).data


def _decode(name: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}：第 {line} 行不是 UTF-8 编码的文字；请在编辑器中以 UTF-8 编码另存此文件"
        ) from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


#: PyYAML's reasons that clerks meet most, said in Chinese (matched by their start).
_YAML_REASONS = {
    "mapping values are not allowed": "此处不能有冒号；文字里含英文冒号时请给整段文字加引号",
    "could not find expected ':'": "缺少冒号，或缩进不一致",
    "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请改用空格",
    "found character that cannot start any token": "此处有不能出现的字符（常见的是 Tab 缩进，请改用空格）",
    "expected <block end>, but found": "缩进不一致",
    "did not find expected key": "缩进不一致",
    "found undefined alias": "文字不能以 * 开头，除非加引号",
    "expected ',' or ']'": "方括号 [ ] 没有闭合",
    "did not find expected ',' or ']'": "方括号 [ ] 没有闭合",
    "expected ',' or '}'": "花括号 { } 没有闭合",
    "did not find expected ',' or '}'": "花括号 { } 没有闭合",
    "found unexpected end of stream": "引号没有闭合",
}


def _yaml_reason(reason: str) -> str:
    for start, chinese in _YAML_REASONS.items():
        if reason.startswith(start):
            return chinese
    return reason or "无法解析"


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


#: Digits an integer may have before it is read as a Decimal (Python's default limit is 4300).
_INT_DIGITS = 4000
#: Said when data nests deeper than Python's parsers can follow; a report nests four levels.
_TOO_DEEP = "数据嵌套的层数过多（数百层以上的 [ ] 或 { }），不像一份报告数据；文件可能已损坏"


def _parse_int(text: str) -> int | Decimal:
    """An integer from its JSON or YAML text; a Decimal when it has too many digits for int()."""
    if len(text) > _INT_DIGITS:
        return Decimal(text)
    return int(text)


def _parse_json(name: str, text: str) -> Any:
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_int=_parse_int,
            object_pairs_hook=_unique_keys,
            parse_constant=_reject_constant,
        )
    except RecursionError:
        raise InputError(f"{name}：{_TOO_DEEP}", source=name, reason=_TOO_DEEP) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name}：第 {exc.lineno} 行第 {exc.colno} 列 JSON 语法错误（{_json_reason(exc.msg)}）"
        ) from None
    except _DuplicateKey as exc:
        raise InputError(f"{name}：字段「{printable(exc.key)}」在同一处出现了两次") from None
    except ValueError as exc:
        raise InputError(f"{name}：{exc}") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"不允许的数值 {name}；请填写普通数字")


_JSON_REASONS = {
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting value": "此处应有一个值",
    "Expecting property name enclosed in double quotes": "字段名应使用英文双引号，或多了一个逗号",
    "Unterminated string starting at": "引号没有闭合",
    "Extra data": "数据结束后还有多余内容",
    "Invalid control character at": "文字中有换行等控制字符，请写作 \\n",
}


def _json_reason(msg: str) -> str:
    return _JSON_REASONS.get(msg, msg)


@functools.cache
def _yaml_loader() -> Any:
    """A SafeLoader that reads decimals exactly and refuses duplicate keys.

    Built on first use: importing PyYAML is a cost only YAML files should pay.
    """
    import yaml

    # libyaml's parser (when PyYAML has it) reads a report ~10x faster; same safe constructors.
    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
    Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return Loader


def _construct_float(loader: Any, node: Any) -> Decimal:
    import yaml

    text = loader.construct_scalar(node).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(
            None, None, f"不允许的数值 {text}；请填写普通数字", node.start_mark
        ) from None
    if not value.is_finite():
        raise yaml.constructor.ConstructorError(
            None, None, f"不允许的数值 {text}；请填写普通数字", node.start_mark
        )
    return value


def _construct_int(loader: Any, node: Any) -> int | Decimal:
    import yaml

    text = loader.construct_scalar(node).replace("_", "")
    digits = text.lstrip("+-")
    if len(digits) > _INT_DIGITS and digits.isdigit():
        return Decimal(text)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


def _construct_mapping(loader: Any, node: Any) -> dict[Any, Any]:
    import yaml

    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"字段「{printable(str(key))}」在同一处出现了两次", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _parse_yaml(name: str, text: str) -> Any:
    import yaml

    loader = _yaml_loader()
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise InputError(f"{name}：{_TOO_DEEP}", source=name, reason=_TOO_DEEP) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列 " if mark else ""
        reason = _yaml_reason(exc.problem or exc.context or "")
        raise InputError(f"{name}：{where}YAML 格式错误（{reason}）") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{name}：YAML 语法错误（{exc}）") from None
