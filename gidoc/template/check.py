"""Check a Word template an office edited, and say where each mistake is.

Offices restyle the report in Word or WPS; they are not programmers.  This
module reads the template as they see it — body paragraphs with their
opening words, table cells by row and column, headers and footers — and
reports: tags that are broken or not closed in their paragraph, text that
docxtpl would drop beside a ``{%p %}`` tag, Jinja syntax errors, names the
data does not provide (with the closest valid name), changes to the official
tables, and the result of a trial render in which every number must land in
its official cell.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2 import nodes
from lxml import etree

from gidoc.checking.validate import validate
from gidoc.errors import GidocError, InputError, Problem, TemplateError
from gidoc.format import tables as T
from gidoc.ooxml import order
from gidoc.ooxml.grid import Cell, Table
from gidoc.ooxml.parts import Parts, R
from gidoc.output.context import build_context
from gidoc.output.docx import ReportTemplate, environment
from gidoc.resources import DEFAULT_TEMPLATE, default_template_bytes
from gidoc.template.variables import example_data

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
#: A value cell of an official table: one ``{{ name }}`` tag and nothing else.
_VALUE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
_DOCXTPL_PREFIX = re.compile(r"^(\{[{%#])(p|tr|tc|r)\s")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_OPENERS = {"for": "endfor", "if": "endif", "with": "endwith", "filter": "endfilter"}
_UNSUPPORTED = ("include", "import", "from", "extends", "macro", "call", "block", "raw")


@dataclass
class _Paragraph:
    where: str
    text: str
    element: Any = None


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(_w("t")))


def _opening(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 16 else text[:16] + "…"


# -- reading the template as a person sees it -----------------------------------------
def _part_names(parts: Parts, main: str) -> dict[str, str]:
    """Body, header and footer parts → how Word names them (正文, 页眉（奇数页）…)."""
    names = {main: "正文"}
    try:
        document = parts.xml(main)
    except InputError:
        return names
    if document is None:
        return names
    targets = {rel.id: rel.target for rel in parts.relationships(main)}
    kinds = {"default": "奇数页", "even": "偶数页", "first": "首页"}
    for tag, noun in (("headerReference", "页眉"), ("footerReference", "页脚")):
        for ref in document.iter(_w(tag)):
            target = targets.get(ref.get(f"{{{R}}}id", ""))
            if target:
                names[target] = f"{noun}（{kinds.get(ref.get(_w('type')), '')}）"
    return names


def _cell_locations(root: Any) -> dict[Any, str]:
    """Each table cell element → ``表 N 第 R 行第 C 列`` (logical columns, counting merges)."""
    where: dict[Any, str] = {}
    for number, table in enumerate(root.iter(_w("tbl")), start=1):
        for r, row in enumerate(table.findall(_w("tr")), start=1):
            col = 0
            before = row.find(f"{_w('trPr')}/{_w('gridBefore')}")
            if before is not None:
                col += int(before.get(_w("val"), "0"))
            for cell in row.findall(_w("tc")):
                where[cell] = f"表 {number} 第 {r} 行第 {col + 1} 列"
                span = cell.find(f"{_w('tcPr')}/{_w('gridSpan')}")
                col += int(span.get(_w("val"), "1")) if span is not None else 1
    return where


def _paragraphs(parts: Parts) -> Iterator[_Paragraph]:
    """Every paragraph of the body, headers and footers, with a location a person can find."""
    main = parts.target("", "officeDocument", "word/document.xml")
    names = _part_names(parts, main)
    for part in [main] + sorted(n for n in names if n != main):
        try:
            root = parts.xml(part)
        except InputError:
            continue  # a damaged header is for the trial render to report, not this listing
        if root is None:
            continue
        cells = _cell_locations(root)
        count = 0
        for paragraph in root.iter(_w("p")):
            cell = next((a for a in paragraph.iterancestors(_w("tc"))), None)
            text = _text(paragraph)
            if cell is not None:
                where = cells.get(cell, "表格")
            else:
                count += 1
                where = f"第 {count} 段"
            prefix = names[part]
            if part == main and cell is not None:
                prefix = ""  # 表 2 第 6 行第 4 列 needs no 正文 before it
            label = f"「{_opening(text)}」" if text.strip() else ""
            yield _Paragraph(f"{prefix}{where}{label}", text, paragraph)


# -- tags, syntax, names --------------------------------------------------------------
class _Scope:
    """Names a template may use at a point: the context, plus loop and set variables."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.frames: list[dict[str, Any]] = [dict(context), {"loop": {}}]

    def lookup(self, name: str) -> tuple[bool, Any]:
        for frame in reversed(self.frames):
            if name in frame:
                return True, frame[name]
        return False, None

    def names(self) -> list[str]:
        return [name for frame in self.frames for name in frame]


def _chains(node: nodes.Node) -> Iterator[tuple[nodes.Node, list[str]]]:
    """Dotted name chains used in an expression: ``a.b.c`` → ["a", "b", "c"]."""
    if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
        parts: list[str] = []
        current: nodes.Node = node
        while True:
            if isinstance(current, nodes.Getattr):
                parts.append(current.attr)
                current = current.node
            elif isinstance(current, nodes.Getitem) and isinstance(current.arg, nodes.Const):
                parts.append(str(current.arg.value))
                current = current.node
            else:
                break
        if isinstance(current, nodes.Name):
            yield node, [current.name, *reversed(parts)]
            return
        yield from _chains(current)
        return
    for child in node.iter_child_nodes():
        yield from _chains(child)


def _resolve(scope: _Scope, chain: list[str]) -> str | None:
    """None when the chain resolves in the scope, else the message saying what is unknown."""
    found, value = scope.lookup(chain[0])
    if not found:
        close = difflib.get_close_matches(chain[0], scope.names(), n=1, cutoff=0.6)
        hint = f"；是否应为 {close[0]}？" if close else ""
        return f"数据中没有名为 {chain[0]} 的变量{hint}（gidoc template vars 列出全部变量）"
    for index, part in enumerate(chain[1:], start=1):
        if not isinstance(value, Mapping):
            return None  # a method or attribute of a text; the sandbox decides at render time
        if part not in value:
            where = ".".join(chain[:index])
            close = difflib.get_close_matches(part, list(value), n=1, cutoff=0.6)
            hint = f"；是否应为 {where}.{close[0]}？" if close else ""
            return f"{where} 中没有 {part}{hint}（gidoc template vars 列出全部变量）"
        value = value[part]
    return None


def _targets(node: nodes.Node) -> list[str]:
    """The names a for/set/with target binds (``x`` or ``a, b``)."""
    if isinstance(node, nodes.Name):
        return [node.name]
    return [name.name for name in node.find_all(nodes.Name)]


def _first(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return value[0] if value else ""
    return ""


class _Checker:
    def __init__(self, context: Mapping[str, Any]) -> None:
        self.env = environment()
        # range(), namespace(), dict() … are the sandbox's own (bounded): not data, yet known.
        self.scope = _Scope({**dict.fromkeys(self.env.globals, ""), **context})
        self.stack: list[tuple[str, str]] = []
        self.problems: list[Problem] = []

    def error(self, where: str, message: str) -> None:
        self.problems.append(Problem("", "", message, "error", where))

    def paragraph(self, paragraph: _Paragraph) -> None:
        text = paragraph.text
        for opening, closing in (("{{", "}}"), ("{%", "%}"), ("{#", "#}")):
            if text.count(opening) != text.count(closing):
                self.error(
                    paragraph.where,
                    f"{opening} 与 {closing} 不成对：标记必须在同一段内写完"
                    "（不要在标记中间按回车，也不要只删去一半）",
                )
                return
        tags = _TAG.findall(text)
        for tag in tags:
            prefix = _DOCXTPL_PREFIX.match(tag)
            if prefix and prefix.group(2) in ("p", "tr", "tc"):
                rest = _TAG.sub("", text).strip()
                if rest:
                    self.error(
                        paragraph.where,
                        f"与 {tag} 同在一段（一行、一格）的文字「{_opening(rest)}」会被丢弃；"
                        "请把它移到另一段",
                    )
            self.tag(paragraph.where, tag.translate(_QUOTES))

    def tag(self, where: str, tag: str) -> None:
        plain = _DOCXTPL_PREFIX.sub(r"\1", tag)
        if plain.startswith("{#"):
            return
        if plain.startswith("{{"):
            self.expression(where, tag, plain[2:-2])
        else:
            self.statement(where, tag, plain[2:-2].strip())

    def compile(self, where: str, tag: str, source: str) -> nodes.Template | None:
        try:
            tree = self.env.parse(source)
            self.env.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            self.error(where, f"{tag} 语法错误：{exc.message}")
            return None
        except jinja2.TemplateError as exc:
            self.error(where, f"{tag} 无法使用：{exc}")
            return None
        return tree

    def names_in(self, where: str, tag: str, node: nodes.Node) -> None:
        attributes = [node] if isinstance(node, nodes.Getattr) else []
        for attribute in attributes + list(node.find_all(nodes.Getattr)):
            if attribute.attr.startswith("_"):
                self.error(
                    where, f"{tag}：模板不能访问以下划线开头的内部属性（{attribute.attr}），已拒绝"
                )
                return
        for _, chain in _chains(node):
            message = _resolve(self.scope, chain)
            if message:
                self.error(where, f"{tag}：{message}")

    def expression(self, where: str, tag: str, inner: str) -> None:
        tree = self.compile(where, tag, "{{" + inner + "}}")
        if tree is not None:
            self.names_in(where, tag, tree)

    def statement(self, where: str, tag: str, inner: str) -> None:
        keyword = inner.split(maxsplit=1)[0] if inner.split() else ""
        if keyword in _UNSUPPORTED:
            self.error(where, f"{tag}：gidoc 模板不支持 {keyword}")
            return
        if keyword in _OPENERS:
            tree = self.compile(where, tag, "{% " + inner + " %}{% " + _OPENERS[keyword] + " %}")
            self.stack.append((keyword, where))
            frame: dict[str, Any] = {}
            if tree is not None:
                self.opened(where, tag, tree.body[0], frame)
            self.scope.frames.append(frame)
        elif keyword in ("elif", "else"):
            if not self.stack or (keyword == "elif" and self.stack[-1][0] != "if"):
                self.error(where, f"{tag} 前面没有对应的 {{% if %}}")
                return
            if keyword == "elif":
                tree = self.compile(where, tag, "{% if " + inner[4:] + " %}{% endif %}")
                if tree is not None:
                    self.names_in(where, tag, cast(nodes.If, tree.body[0]).test)
        elif keyword.startswith("end"):
            opener = keyword[3:]
            if not self.stack:
                self.error(where, f"多出的 {tag}：前面没有对应的 {{% {opener} %}}")
                return
            kind, opened_at = self.stack.pop()
            self.scope.frames.pop()
            if kind != opener:
                self.error(where, f"{tag} 与 {opened_at} 的 {{% {kind} %}} 不配对")
        elif keyword == "set":
            tree = self.compile(where, tag, "{% " + inner + " %}")
            if tree is not None:
                # A lone {% set %} compiles to an Assign; a block set would not compile here.
                node = cast(nodes.Assign, tree.body[0])
                self.names_in(where, tag, node.node)
                for name in _targets(node.target):
                    self.scope.frames[-1][name] = ""
        else:
            self.compile(where, tag, "{% " + inner + " %}")

    def opened(self, where: str, tag: str, node: nodes.Node, frame: dict[str, Any]) -> None:
        if isinstance(node, nodes.For):
            self.names_in(where, tag, node.iter)
            value: Any = None
            chains = list(_chains(node.iter))
            if len(chains) == 1 and chains[0][0] is node.iter:
                found, value = self.scope.lookup(chains[0][1][0])
                for part in chains[0][1][1:]:
                    value = value.get(part) if isinstance(value, Mapping) else None
            names = _targets(node.target)
            for name in names:
                frame[name] = _first(value) if len(names) == 1 else ""
            frame["loop"] = {}
        elif isinstance(node, nodes.If):
            self.names_in(where, tag, node.test)
        elif isinstance(node, nodes.With):
            for target, value in zip(node.targets, node.values, strict=False):
                self.names_in(where, tag, value)
                for name in _targets(target):
                    frame[name] = ""

    def finish(self) -> None:
        for kind, where in self.stack:
            self.error(where, f"{{% {kind} %}} 没有对应的 {{% {_OPENERS[kind]} %}}")


# -- the official tables ----------------------------------------------------------------
def _official_tables(document: bytes, name: str) -> dict[str, list[Cell]]:
    """The cells of each official table in ``document``, by table name (表二…)."""
    _, body = Parts.open(document, name).main_document()
    found: dict[str, list[Cell]] = {}
    for table in body.iter(_w("tbl")):
        text = re.sub(r"\s+", "", _text(table))
        for official in T.TABLES:
            if official.marker in text and official.name not in found:
                found[official.name] = Table(official.name, table).cells
                break
    return found


def _compare_tables(
    official: dict[str, list[Cell]], edited: dict[str, list[Cell]]
) -> tuple[list[Problem], set[str]]:
    """Warnings for each change to an official table, and the tables whose layout changed.

    A changed value tag (``{{ … }}``) is left to the trial render, which says which
    number the cell should hold; it is warned about here only in a table whose
    layout changed, where that render cannot check it.
    """
    problems: list[Problem] = []
    reshaped: set[str] = set()
    for name, cells in official.items():
        if name not in edited:
            problems.append(Problem("", "", f"没有找到{name}（官方表格不能删除）", "warning", name))
            reshaped.add(name)
            continue
        labels: list[Problem] = []  # changed text
        tags: list[Problem] = []  # changed value tags
        before = len(problems)  # the warnings after this change the layout
        mine = {(c.row, c.col): c for c in edited[name]}
        rows = max(c.row + c.rows for c in cells)
        their_rows = max((c.row + c.rows for c in edited[name]), default=0)
        if rows != their_rows:
            problems.append(
                Problem("", "", f"行数从 {rows} 行改为 {their_rows} 行", "warning", name)
            )
        for cell in cells:
            where = f"{name} 第 {cell.row + 1} 行第 {cell.col + 1} 列"
            other = mine.get((cell.row, cell.col))
            if other is None:
                problems.append(
                    Problem(
                        "", "", f"「{_opening(cell.text)}」所在的单元格不见了", "warning", where
                    )
                )
                continue
            if (other.rows, other.cols) != (cell.rows, cell.cols):
                problems.append(
                    Problem(
                        "",
                        "",
                        f"「{_opening(cell.text)}」的合并范围从 {cell.rows} 行×{cell.cols} 列"
                        f"改为 {other.rows} 行×{other.cols} 列",
                        "warning",
                        where,
                    )
                )
            if _squeeze(other.text) != _squeeze(cell.text):
                value = _VALUE.fullmatch(cell.text) is not None
                shown = (lambda text: text) if value else _opening
                (tags if value else labels).append(
                    Problem(
                        "",
                        "",
                        f"文字从「{shown(cell.text)}」改为「{shown(other.text)}」",
                        "warning",
                        where,
                    )
                )
        if len(problems) > before:
            reshaped.add(name)
            problems += tags
        problems += labels
    return problems, reshaped


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _numbers_in_cells(
    official: dict[str, list[Cell]], rendered: dict[str, list[Cell]], context: Mapping[str, Any]
) -> list[Problem]:
    """Each value cell of the official layout holds its number after a trial render."""
    problems = []
    for name, cells in official.items():
        if name not in rendered:
            continue
        mine = {(c.row, c.col): c for c in rendered[name]}
        for cell in cells:
            match = _VALUE.fullmatch(cell.text)
            if not match:
                continue
            want: Any = context
            for part in match.group(1).split("."):
                want = want[part]
            got = mine.get((cell.row, cell.col))
            if got is None or _squeeze(got.text) != str(want):
                shown = "（没有这个单元格）" if got is None else f"「{_opening(got.text)}」"
                problems.append(
                    Problem(
                        "",
                        "",
                        f"试填后应为 {want}（{match.group(1)}），实际为{shown}",
                        "error",
                        f"{name} 第 {cell.row + 1} 行第 {cell.col + 1} 列",
                    )
                )
    return problems


# -- what Word itself may object to ---------------------------------------------------
#: Word's compatibilityMode values and the version each stands for.
_WORD_VERSIONS = {11: "Word 2003", 12: "Word 2007", 14: "Word 2010", 15: "Word 2013 及以后"}
_REPAIR = (
    "不符合 Word 文件格式（ECMA-376）规定的顺序，Word 可能提示“无法读取的内容”并修复，"
    "网页版 Word 可能只读打开；在 Word 中打开后另存一次即可改正"
)
#: Properties whose children have a schema order, checked under paragraphs and tables.
_PARAGRAPH_PROPERTIES = ("pPr", "rPr", "pBdr")
_TABLE_PROPERTIES = ("tblPr", "trPr", "tcPr", "tblBorders", "tcBorders", "tblCellMar", "tcMar")


def _misplaced_under(element: Any, names: tuple[str, ...], skip: str | None = None) -> list[str]:
    """``parent/child`` for each child out of schema order under ``element``.

    With ``skip``, descendants inside a ``skip`` element (a table's paragraphs)
    are left to their own check.
    """
    found: list[str] = []
    for parent in element.iter(*(_w(name) for name in names)):
        if skip is not None and any(True for _ in parent.iterancestors(_w(skip))):
            continue
        for child in order.misplaced(parent):
            found.append(f"{etree.QName(parent).localname}/{child}")
    return found


def _xml(parts: Parts, name: str) -> etree._Element | None:
    """A part's root, or None when it is missing or damaged (the trial render reports that)."""
    try:
        return parts.xml(name)
    except InputError:
        return None


def _compatibility(parts: Parts) -> list[Problem]:
    """A warning when the template is in an older Word's compatibility mode."""
    settings = _xml(parts, "word/settings.xml")
    if settings is None:
        return []
    mode = 12  # no compatibilityMode setting: Word treats the file as Word 2007's
    for setting in settings.iter(_w("compatSetting")):
        if setting.get(_w("name")) == "compatibilityMode":
            try:
                mode = int(setting.get(_w("val"), "12"))
            except ValueError:
                mode = 12
    if mode >= 15:
        return []
    version = _WORD_VERSIONS.get(mode, f"compatibilityMode {mode}")
    return [
        Problem(
            "",
            "",
            f"模板处于 {version} 兼容模式，Word 2013 及以后版本打开时标题栏显示「兼容模式」，"
            "排版按旧版规则；请在 Word 中“文件 → 信息 → 转换”后保存",
            "warning",
            "文档设置",
        )
    ]


def _element_order(parts: Parts) -> list[Problem]:
    """Warnings for properties whose children are out of schema order, by paragraph or table."""
    problems: list[Problem] = []

    def warn(where: str, found: list[str]) -> None:
        if found:
            shown = "、".join(dict.fromkeys(found))
            problems.append(Problem("", "", f"{shown} {_REPAIR}", "warning", where))

    for paragraph in _paragraphs(parts):
        warn(paragraph.where, _misplaced_under(paragraph.element, _PARAGRAPH_PROPERTIES))
    document = _xml(parts, "word/document.xml")
    if document is not None:
        for number, table in enumerate(document.iter(_w("tbl")), start=1):
            warn(f"表 {number}", _misplaced_under(table, _TABLE_PROPERTIES, skip="p"))
        warn("节设置（页面）", _misplaced_under(document, ("sectPr",)))
    styles = _xml(parts, "word/styles.xml")
    if styles is None:
        return problems
    for style in styles.iter(_w("style")):
        name = style.find(_w("name"))
        label = name.get(_w("val"), "") if name is not None else style.get(_w("styleId"), "")
        names = ("style", *_PARAGRAPH_PROPERTIES, *_TABLE_PROPERTIES)
        warn(f"样式「{label}」", _misplaced_under(style, names))
    return problems


# -- the whole check ----------------------------------------------------------------
@dataclass(frozen=True)
class TemplateReport:
    """Every problem of one template, errors first; no problems means it is ready to use."""

    source: str
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """The problems that keep the template from rendering a correct report."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Changes worth a look that do not block (a reshaped official table, changed labels)."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def exit_code(self) -> int:
        """0 when the template has no error (warnings allowed), else 1."""
        return 1 if self.errors else 0

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data: ``{"file", "ok", "errors", "warnings"}``."""
        return {
            "file": self.source,
            "ok": not self.errors,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }

    def lines(self) -> Iterator[str]:
        """The report as text: a verdict line, then each problem indented below it."""
        if not self.problems:
            yield f"{self.source}：通过"
            return
        yield f"{self.source}：{len(self.errors)} 个错误，{len(self.warnings)} 个警告"
        for problem in self.problems:
            yield f"  {problem}"

    def __str__(self) -> str:
        return "\n".join(self.lines())


def check_template(path: str | Path, data: Mapping[str, Any] | None = None) -> TemplateReport:
    """Check a template: syntax, variables, the official tables, and a trial render.

    ``data`` (report data, validated here) is used for the names and the trial
    render; by default a bundled example with a distinct number in every cell.
    Raises :class:`~gidoc.errors.ReportValidationError` if ``data`` is invalid, and
    :class:`~gidoc.errors.TemplateError` if ``path`` is not a readable Word document.
    """
    context = build_context(validate(data if data is not None else example_data()))
    template = ReportTemplate(path, allow_external=True)
    shown = f"模板 {template.name}"
    try:
        parts = Parts.open(template.source_bytes, shown)
        checker = _Checker(context)
        for paragraph in _paragraphs(parts):
            checker.paragraph(paragraph)
        checker.finish()
        word = _compatibility(parts) + _element_order(parts)
        problems = checker.problems + word
        # Rendering refuses these; here each place is named so that it can be removed in Word.
        problems += [
            Problem(
                "",
                "",
                f"{ref.what}：生成 PDF 时会访问网络或读取本机文件，gidoc 拒绝使用这样的模板；"
                "请在 Word 中删除（图片请用“插入图片”嵌入）",
                "error",
                ref.where,
            )
            for ref in template.external
        ]
        official = _official_tables(default_template_bytes(), DEFAULT_TEMPLATE)
        edited = _official_tables(template.source_bytes, shown)
    except InputError as exc:
        # ReportTemplate has opened the zip already; what remains is a damaged part.
        raise TemplateError(str(exc)) from None
    changes, reshaped = _compare_tables(official, edited)
    problems += changes
    if not any(p.severity == "error" for p in problems):
        try:
            rendered = template.render(context)
        except GidocError as exc:
            problems.append(Problem("", "", f"试填失败：{exc}", "error", "试填"))
        else:
            same = {k: v for k, v in official.items() if k not in reshaped}
            filled = _official_tables(rendered, f"{shown}（试填结果）")
            problems += _numbers_in_cells(same, filled, context)
    return TemplateReport(str(path), sorted(problems, key=lambda p: p.severity != "error"))
