"""Check a page template an office adapted (``gidoc template check x.html``).

The same questions as for a Word template, asked of HTML: does it compile,
does it use only names the data provides (with the closest valid name), and
does a trial render with a distinct number in every cell put each number in
its official cell?  A page the portal publishes must also stay self-contained
and accessible, so loading anything from outside, scripts and a missing
``lang`` or ``<title>`` are reported too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from jinja2 import meta
from lxml import etree
from lxml import html as lxml_html

from gidoc.checking.validate import validate
from gidoc.errors import GidocError, Problem
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.output.context import build_context
from gidoc.output.docx import environment
from gidoc.output.html import HtmlTemplate, page_names
from gidoc.template.check import TemplateReport
from gidoc.template.variables import example_data

#: Attributes through which a page would load something from outside.
_LOADING = ("src", "href", "srcset", "data", "poster", "action", "formaction")


def _error(where: str, message: str) -> Problem:
    return Problem("", "", message, "error", where)


def _warning(where: str, message: str) -> Problem:
    return Problem("", "", message, "warning", where)


def _names(template: HtmlTemplate, context: Mapping[str, Any]) -> Iterator[Problem]:
    tree = environment().parse(template.source)
    known = [*context, *page_names()]
    for name in sorted(meta.find_undeclared_variables(tree)):
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"；是否应为 {close[0]}？" if close else ""
            yield _error(
                "模板", f"数据中没有名为 {name} 的变量{hint}（gidoc template vars 列出全部变量）"
            )


def _grid(table: Any) -> dict[tuple[int, int], Any]:
    taken: dict[tuple[int, int], Any] = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            for dr in range(_span(cell.get("rowspan"))):
                for dc in range(_span(cell.get("colspan"))):
                    taken[(r + dr, c + dc)] = cell
            c += _span(cell.get("colspan"))
    return taken


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1


def _numbers(page: Any, context: Mapping[str, Any]) -> Iterator[Problem]:
    for number, official in enumerate(T.TABLES, start=2):
        found = page.xpath(f"//table[@id='t{number}']")
        if not found:
            yield _warning(official.name, f"没有找到{official.name}（id 为 t{number} 的表格）")
            continue
        grid = _grid(found[0])
        for cell in official.value_cells():
            want = paths.get(context, cell.path)
            got = grid.get((cell.row, cell.col))
            text = None if got is None else "".join(got.text_content().split())
            if text != want:
                shown = "（没有这个单元格）" if got is None else f"「{text}」"
                yield _error(
                    f"{official.name} 第 {cell.row + 1} 行第 {cell.col + 1} 列",
                    f"试填后应为 {want}（{cell.path}），实际为{shown}",
                )


def _page(page: Any) -> Iterator[Problem]:
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script":
            yield _warning("网页", "含有 <script>：政府网站的页面不需要脚本，请删除")
        for attribute in _LOADING:
            value = (element.get(attribute) or "").strip()
            if value and not value.startswith("#"):
                yield _warning(
                    "网页",
                    f'<{element.tag} {attribute}="{value[:40]}"> 会从外部加载内容；页面应自成一体',
                )
    style = " ".join(page.xpath("//style/text()"))
    if "url(" in style or "@import" in style:
        yield _warning("网页", "样式中有 url( 或 @import，会从外部加载内容；页面应自成一体")
    if page.tag == "html" and not page.get("lang"):
        yield _warning("网页", '<html> 没有 lang="zh-CN"：读屏软件会用错误的语言朗读')
    if page.tag == "html" and not page.xpath("//head/title"):
        yield _warning("网页", "没有 <title>")


def check_html_template(path: str | Path, data: Mapping[str, Any] | None = None) -> TemplateReport:
    """Every problem of a page template, errors first; no problem means it is ready to use.

    ``data`` (report data, validated here) fills the trial render; by default the
    bundled example with a distinct number in every cell.
    """
    context = build_context(validate(data if data is not None else example_data()))
    try:
        template = HtmlTemplate(path)
    except GidocError as exc:
        return TemplateReport(str(path), [_error("模板", str(exc))])
    problems = list(_names(template, context))
    if not problems:
        try:
            text = template.render(context)
        except GidocError as exc:
            problems.append(_error("试填", f"试填失败：{exc}"))
        else:
            try:
                page = lxml_html.document_fromstring(text or "<p></p>")
            except (etree.ParserError, ValueError) as exc:
                problems.append(_error("试填", f"试填结果不是网页：{exc}"))
            else:
                problems += [*_numbers(page, context), *_page(page)]
    return TemplateReport(str(path), sorted(problems, key=lambda p: p.severity != "error"))
