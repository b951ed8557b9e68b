"""Template context → a web page of the report, for the portal's 政府信息公开专栏.

The page comes from a Jinja template shipped as package data
(``gidoc/templates/report.html``) that an office may adapt like the Word
template; it runs in the same sandbox.  The three tables are built here from
:mod:`gidoc.format.tables`, so their merges are the official ones: every
header cell is a ``th`` with an ``id``, every number a ``td`` whose
``headers`` name its row and column headers, so that a screen reader says
「一、本年新收政府信息公开申请数量 自然人：12」.

A *fragment* is the report's content alone, every element carrying inline
styles, for pasting into a CMS editor that drops ``<style>`` and classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from gidoc.errors import TemplateError, os_reason
from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.output.docx import environment
from gidoc.resources import DEFAULT_HTML_TEMPLATE, default_html_template

#: Largest page template read: a page template is a few kilobytes.
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024

#: Inline styles of a fragment, by the class each element has on the page.
#: Fonts are named by role, official name first, then what Windows, macOS and Linux have.
_BODY_FONT = "'仿宋_GB2312', '仿宋', FangSong, STFangsong, 'FandolFang', serif"
_TABLE_FONT = "'宋体', SimSun, 'Songti SC', 'Noto Serif CJK SC', serif"
INLINE_STYLES: dict[str, str] = {
    "report": f"font-family: {_BODY_FONT}; font-size: 16pt; line-height: 1.8; color: #000;",
    "title": "font-family: '方正小标宋简体', '华文中宋', STZhongsong, '宋体', SimSun, serif;"
    " font-size: 22pt; font-weight: normal; text-align: center; margin: 0 0 1em;",
    "h2": "font-family: '黑体', SimHei, 'Heiti SC', 'Noto Sans CJK SC', sans-serif;"
    " font-size: 16pt; font-weight: normal; margin: 0.5em 0 0;",
    "h3": "font-family: '楷体_GB2312', '楷体', KaiTi, STKaiti, 'FandolKai', serif;"
    " font-size: 16pt; font-weight: normal; margin: 0;",
    "p": "text-indent: 2em; margin: 0; text-align: justify;",
    "signature": "text-align: right; margin: 2em 4em 0 0; text-indent: 0;",
    "date": "text-align: right; margin: 0 4em 0 0; text-indent: 0;",
    "scroll": "overflow-x: auto; max-width: 100%;",
    "table": f"border-collapse: collapse; margin: 0.5em auto; font-family: {_TABLE_FONT};"
    " font-size: 10pt; line-height: 1.4; color: #000;",
    "caption": "font-size: 10pt; padding: 0.2em;",
    "cell": "border: 1px solid #000; padding: 0.2em 0.3em; text-align: center;"
    " vertical-align: middle; font-weight: normal;",
    "left": "border: 1px solid #000; padding: 0.2em 0.3em; text-align: left;"
    " vertical-align: middle; font-weight: normal;",
    "aside": "font-family: '楷体_GB2312', '楷体', KaiTi, serif;",
    "note": "border: 1px solid #000; padding: 0.2em 0.3em; text-align: center;"
    " font-family: '楷体_GB2312', '楷体', KaiTi, serif;",
}


@dataclass(frozen=True)
class HtmlCell:
    """One cell of a table as the page writes it."""

    tag: str
    text: str
    rowspan: int
    colspan: int
    id: str
    scope: str
    headers: str
    css: str
    note: str = ""
    #: A number's data path and whether gidoc derives it (a total): what a form needs.
    path: str = ""
    derived: bool = False


def _ids(official: T.OfficialTable) -> dict[T.GridCell, str]:
    number = T.TABLES.index(official) + 2
    return {
        cell: f"t{number}-r{cell.row + 1}c{cell.col + 1}"
        for cell in official.cells
        if not cell.is_value and cell.role != "note"
    }


def _column_headers(official: T.OfficialTable, cell: T.GridCell) -> list[T.GridCell]:
    """Header cells above ``cell`` covering its column, top first; within table 二's group."""
    found: list[T.GridCell] = []
    for row in range(cell.row - 1, -1, -1):
        above = official.cell_at(row, cell.col)
        if above is None or above.row != row:
            continue
        if above.role == "header" and above not in found:
            found.append(above)
        elif above.role == "group":
            found.append(above)
            break
    return list(reversed(found))


def _row_headers(official: T.OfficialTable, cell: T.GridCell) -> list[T.GridCell]:
    """Label cells left of ``cell`` in its row, outermost first."""
    found: list[T.GridCell] = []
    for col in range(cell.col):
        left = official.cell_at(cell.row, col)
        if left is not None and left.role == "label" and left not in found:
            found.append(left)
    return found


def _scope(official: T.OfficialTable, cell: T.GridCell) -> str:
    if cell.role == "label":
        return "rowgroup" if cell.rows > 1 else "row"
    if cell.role == "group":
        return "colgroup"
    return "colgroup" if cell.cols > 1 else "col"


def table_view(official: T.OfficialTable, context: Mapping[str, Any]) -> dict[str, Any]:
    """One official table as the page template iterates it: caption, ``head`` rows, ``body`` rows.

    Each row is a list of :class:`HtmlCell`; positions covered by a merge are left out,
    as HTML's rowspan/colspan want.
    """
    ids = _ids(official)
    rows: list[list[HtmlCell]] = [[] for _ in range(official.height)]
    for cell in official.cells:
        if cell.is_value:
            value = paths.get(context, cell.path)
            headers = [*_row_headers(official, cell), *_column_headers(official, cell)]
            rows[cell.row].append(
                HtmlCell(
                    "td",
                    "" if value is paths.MISSING else str(value),
                    cell.rows,
                    cell.cols,
                    "",
                    "",
                    " ".join(ids[h] for h in headers),
                    "cell",
                    path=cell.path,
                    derived=cell.derived,
                )
            )
            continue
        text = cell.text[: len(cell.text) - len(cell.note)] if cell.note else cell.text
        if cell.role == "note":
            rows[cell.row].append(HtmlCell("td", text, cell.rows, cell.cols, "", "", "", "note"))
            continue
        css = "left" if cell.align == "left" else "cell"
        rows[cell.row].append(
            HtmlCell(
                "th",
                text,
                cell.rows,
                cell.cols,
                ids[cell],
                _scope(official, cell),
                "",
                css,
                cell.note,
            )
        )
    number = T.TABLES.index(official) + 2
    return {
        "id": f"t{number}",
        "name": official.name,
        "caption": f"{official.name} {official.section.split('、', 1)[1]}",
        "head": rows[: official.header_rows],
        "body": rows[official.header_rows :],
    }


def page_names() -> tuple[str, ...]:
    """The names a page template has beside the Word template's context."""
    return ("tables", "labels", "fragment", "s")


def _styles(fragment: bool) -> dict[str, Markup]:
    """`` style="…"`` attributes for a fragment; empty on a page, whose <style> does it."""
    if not fragment:
        return {key: Markup("") for key in INLINE_STYLES}
    return {key: Markup(' style="{}"').format(css) for key, css in INLINE_STYLES.items()}


def _read_template(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TemplateError(f"模板 {path}：文件不存在") from None
    except IsADirectoryError:
        raise TemplateError(f"模板 {path}：这是一个文件夹，不是网页模板") from None
    except OSError as exc:
        raise TemplateError(f"模板 {path}：无法读取（{os_reason(exc)}）") from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"模板 {path}：{len(data)} 字节，远超网页模板的正常大小")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TemplateError(f"模板 {path}：第 {line} 行不是 UTF-8 编码的文字") from None


class HtmlTemplate:
    """A page template, compiled once, rendered any number of times."""

    def __init__(self, path: str | Path | None = None) -> None:
        """Load ``path``, or the default page template when None; TemplateError if unusable."""
        if path is None:
            self.name = DEFAULT_HTML_TEMPLATE
            self.source = default_html_template()
        else:
            self.name = str(path)
            self.source = _read_template(Path(path))
        try:
            self._template = environment().from_string(self.source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"模板 {self.name} 第 {exc.lineno} 行有语法错误：{exc.message}"
            ) from None

    def render(self, context: Mapping[str, Any], *, fragment: bool = False) -> str:
        """The page (or, with ``fragment``, only the report's content) for ``context``."""
        values = {
            **context,
            "tables": [table_view(official, context) for official in T.TABLES],
            "labels": {
                "sections": L.SECTIONS,
                "problems": L.PROBLEMS,
                "improvements": L.IMPROVEMENTS,
            },
            "fragment": fragment,
            "s": _styles(fragment),
        }
        try:
            return self._template.render(values)
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"模板 {self.name} 使用了数据中没有的变量：{exc.message}") from None
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateError(
                f"模板 {self.name} 试图访问程序内部的属性，已拒绝（{exc}）"
            ) from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"模板 {self.name} 无法填写：{exc}") from None
