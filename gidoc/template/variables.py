"""What a Word template can use: every variable, its Chinese meaning and an example.

The list is generated from the models and the template context, so it cannot
drift from what rendering provides: ``gidoc template vars`` prints it and
``docs/template-guide.md`` carries it.  :func:`example_data` is a complete
report with a distinct number in every cell, for examples and trial renders.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gidoc.checking.validate import describe_path, validate
from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.output.context import build_context

#: Meanings of the context names that are not data fields.
_EXTRA = {
    "title": "标题（未填写 title 时为“{报告机关}{年度}年政府信息公开工作年度报告”）",
    "preamble": "前言，逐段",
    "overview.summary": f"{L.SECTION_1} 综述，逐段",
    "overview.sections": f"{L.SECTION_1} 的分项（一）（二）…，逐项",
    "section.number": "分项序号，如（一）",
    "section.heading": "分项小标题，如 主动公开",
    "section.body": "分项正文，逐段",
    "problems": f"{L.PROBLEMS}，逐段",
    "improvements": f"{L.IMPROVEMENTS}，逐段",
    "other_matters": f"{L.SECTION_6}，逐段",
    "signature": "落款；数据未填写落款机关和日期时为空",
    "signature.issuer": "落款机关（未填写时为报告机关）",
    "signature.date": "成文日期，如 2026年1月20日（未填写时为空）",
}
#: The loop variable the default template uses for each list of paragraphs or items.
_LOOPS = {
    "preamble": "para",
    "overview.summary": "para",
    "overview.sections": "section",
    "section.body": "para",
    "problems": "para",
    "improvements": "para",
    "other_matters": "para",
}


@dataclass(frozen=True)
class Variable:
    """One name a template can use: ``name`` as written in ``{{ }}``, its meaning, an example."""

    name: str
    meaning: str
    example: str
    is_list: bool = False
    written: str = ""

    @property
    def usage(self) -> str:
        """How to write it in a template."""
        if self.written:
            return self.written
        if self.is_list:
            var = _LOOPS.get(self.name, "item")
            return f"{{%p for {var} in {self.name} %}} … {{%p endfor %}}"
        return f"{{{{ {self.name} }}}}"


def example_data() -> dict[str, Any]:
    """A complete, consistent report whose every table cell holds a distinct number."""
    counter = iter(range(101, 100000, 7))

    def row() -> dict[str, int]:
        return {key: next(counter) for key in L.APPLICANT_COLUMNS}

    results: dict[str, Any] = {}
    for path in T.RESULT_ROWS:
        paths.put(results, path, row())
    forward = row()
    done = dict.fromkeys(L.APPLICANT_COLUMNS, 0)
    for path in T.RESULT_ROWS:
        for key in done:
            done[key] += paths.get(results, path)[key]
    old = {key: index + 1 for index, key in enumerate(L.APPLICANT_COLUMNS)}
    new = {key: done[key] + forward[key] - old[key] for key in L.APPLICANT_COLUMNS}
    return {
        "agency": "示例市示例局",
        "year": 2025,
        "preamble": "本报告依据《中华人民共和国政府信息公开条例》编制。",
        "overview": {
            "summary": "2025年，我局认真贯彻落实《条例》。",
            "sections": [
                {"heading": topic, "body": f"{topic}工作情况。"} for topic in L.OVERVIEW_TOPICS
            ],
        },
        "active_disclosure": {
            "rules": {"issued": 3, "repealed": 5, "in_force": 91},
            "normative_documents": {"issued": 108, "repealed": 199, "in_force": 1043},
            "administrative_licensing": 447228,
            "administrative_penalty": 32069,
            "administrative_coercion": 2825,
            "administrative_fees": Decimal("24252.311082"),
        },
        "applications": {
            "new_received": new,
            "carried_over": old,
            "results": results,
            "carried_forward": forward,
        },
        "review_and_litigation": {
            "reconsideration": {"upheld": 30, "corrected": 19, "other": 34, "pending": 38},
            "litigation_direct": {"upheld": 52, "corrected": 4, "other": 14, "pending": 42},
            "litigation_after_reconsideration": {
                "upheld": 39,
                "corrected": 26,
                "other": 48,
                "pending": 54,
            },
        },
        "problems": "一是……。二是……。",
        "improvements": "一是……。二是……。",
        "other_matters": "本年度未收取信息处理费。",
        "issuer": "示例市示例局",
        "date": datetime.date(2026, 1, 20),
    }


def example_context() -> dict[str, Any]:
    """The template context of :func:`example_data`."""
    return build_context(validate(example_data()))


def _meaning(name: str) -> str:
    if name in _EXTRA:
        return _EXTRA[name]
    parts = name.split(".")
    if parts[-1] == "total" and parts[-2:] != ["results", "total"]:
        _, names = describe_path(parts[:-1])
        row = " / ".join(names)
        return f"{row} / {L.TOTAL}（由 gidoc 计算）" if names else L.TOTAL
    _, names = describe_path(parts)
    return " / ".join(names)


def _walk(prefix: str, value: Any) -> Iterator[Variable]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(f"{prefix}.{key}" if prefix else key, item)
    elif isinstance(value, list):
        first = value[0] if value else ""
        example = first if isinstance(first, str) else ""
        yield Variable(prefix, _meaning(prefix), example, is_list=True)
        if value and isinstance(first, dict):
            loop = _LOOPS.get(prefix, "item")
            yield from _walk(loop, first)
    else:
        yield Variable(prefix, _meaning(prefix), str(value))


def template_variables() -> list[Variable]:
    """Every variable the template context provides, in context order."""
    context = example_context()
    out = list(_walk("", {k: v for k, v in context.items() if k != "signature"}))
    out.append(
        Variable(
            "signature",
            _EXTRA["signature"],
            "",
            written="{%p if signature %} … {%p endif %}",
        )
    )
    out += list(_walk("signature", context["signature"]))
    return out


def variables_text() -> str:
    """The variable list as plain text, one variable a line (``gidoc template vars``)."""
    lines = []
    for var in template_variables():
        example = f"　例：{var.example}" if var.example else ""
        lines.append(f"{var.usage}\t{var.meaning}{example}")
    return "\n".join(lines) + "\n"


_GUIDE = """\
# 模板修改指南

gidoc 用一个 Word 模板生成报告。办公室可以把模板改成本单位的样式——红头、字体、落款、
盖章位置、增加说明段落——不需要写程序。本指南说明怎么改、哪些标记可以用、哪些地方不能动。

## 一、修改流程

1. 导出内置模板：`gidoc template export`（得到 `gidoc-template.docx`；已存在时加 `--force` 才会覆盖）。
2. 用 Word 或 WPS 打开修改，保存为 .docx（不要存成 .doc 或 .wps）。
3. 检查：`gidoc template check gidoc-template.docx`（可加 `--data 本单位数据.json` 用自己的数据试填）。
   每个问题都写明位置：正文第几段（附开头几个字）、第几个表格第几行第几列、页眉或页脚。
   没有错误时退出码为 0。
4. 使用：`gidoc render data.json --template gidoc-template.docx`；
   或者在工作文件夹放一个 `gidoc.toml`，写一行 `template = "gidoc-template.docx"`，
   以后 `gidoc render` 自动使用（也可写在 `pyproject.toml` 的 `[tool.gidoc]` 下）。

## 二、可以改什么

- **样式**：字体、字号、行距、缩进、颜色都在 Word 的样式里（标题、正文、标题 1、标题 2、表格文字、
  表格文字小、表格注释、落款、成文日期、页脚）。改样式即可改全文，不要逐段手工设置格式。
- **页面**：页边距、页眉页脚、页码格式。
- **增加内容**：红头（机关名称和红线）、说明段落、落款前的盖章空位等。新增的文字里可以使用下表的
  变量，例如“本报告由{{ agency }}编制”。
- **表格外观**：框线、底纹、列宽、字体。

## 三、不能改什么

- **三张统计表的结构**：行、列、合并单元格和表内文字必须与国办公开办函〔2021〕30号格式一致。
  `gidoc template check` 会指出被改动的行、列、合并和文字（以警告列出）。
- **数字单元格里的标记**：如 `{{ applications.new_received.natural_person }}`，每个标记对应官方表格中
  固定的一格；`gidoc template check` 会试填一份每格数字都不同的数据，逐格核对。
- **段落循环**：形如 `{%p for para in problems %}` 和 `{%p endfor %}` 的段落要各自独占一段，
  同一段里不能有其他文字（其他文字会被丢弃）。

## 四、标记怎么写

- `{{ 变量 }}`：填入一个值，例如 `{{ agency }}`、`{{ year }}`。标记必须写在同一段内，中间不要按回车。
  Word 自动把引号改成中文引号、拼写检查把标记拆开，gidoc 都能处理。
- `{%p for para in problems %}` … `{{ para }}` … `{%p endfor %}`：正文按段落重复，每段使用中间那一段的样式。
  五、六部分和各分项的正文都是“逐段”的列表，须这样写。
- `{%p if signature %}` … `{%p endif %}`：条件段落，例如数据里有落款时才输出落款。
- 可以用 Jinja 的过滤器，如 `{{ agency|replace("局", "局办公室") }}`。
- 不能使用 include、import、extends、macro；不能访问以下划线开头的属性（出于安全原因会被拒绝）。

## 五、全部变量

下表由程序从数据模型生成（与 `gidoc template vars` 的输出相同）；示例值来自一份每格数字都不同的示例数据。
表格中的数字已是文字（不带千分位），总计由 gidoc 计算。

| 写法 | 含义 | 示例 |
|---|---|---|
"""


def guide_markdown() -> str:
    """``docs/template-guide.md``: how to edit a template, and every variable (generated)."""
    rows = []
    for var in template_variables():
        usage = var.usage.replace("|", "\\\\|")
        rows.append(f"| `{usage}` | {var.meaning} | {var.example} |")
    return _GUIDE + "\n".join(rows) + "\n"
