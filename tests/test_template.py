"""Template customisation as an office lives it: export, vars, check, gidoc.toml, safety.

Offices restyle the template in Word or WPS.  These tests edit the shipped
template the way those programs store an edit (runs, spell-check marks,
bookmarks, curly quotes), break it the way people break it, and assert what a
user reads: the location of each mistake and its Chinese message, the exit
code, and that a hostile or damaged template is refused without a traceback.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import test_render
from click.testing import CliRunner, Result
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

import gidoc.output.docx
from conftest import ROOT, SAMPLES
from docxdump import dump, find, logical_cells
from gidoc import ReportTemplate, build_context, load, render_files, validate
from gidoc.cli import cli
from gidoc.errors import Problem
from gidoc.output.docx import document_texts
from gidoc.resources import default_template_bytes
from gidoc.template.check import check_template
from gidoc.template.variables import (
    example_context,
    guide_markdown,
    template_variables,
    variables_text,
)

SHIPPED = ROOT / "templates" / "report.docx"
CUSTOM = SAMPLES / "templates" / "office-custom.docx"
BUILD_CUSTOM = SAMPLES / "templates" / "build_custom.py"
FINGERPRINT = SAMPLES / "fingerprint-2025.yaml"
MUYE = SAMPLES / "muye-2025.json"
MUYE_AGENCY = "牧野区工业和信息化局"
GUIDE = ROOT / "docs" / "template-guide.md"
REGENERATE_GUIDE = (
    "python -c \"from gidoc.template.variables import guide_markdown; open('docs/template-guide.md','w',"
    "encoding='utf-8').write(guide_markdown())\""
)
NOT_DOCX = "不是 Word 文档（.docx）；旧版 .doc 文件请先在 Word 中另存为 .docx"
#: The hint every unknown-name message ends with.
VARS_HINT = "（gidoc template vars 列出全部变量）"


# -- helpers ------------------------------------------------------------------------
def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def clean_failure(result: Result) -> str:
    """Exit 1, no traceback, one message line on stderr and nothing on stdout; return it."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def shipped() -> DocumentObject:
    """The shipped template, opened for editing as Word would."""
    return Document(io.BytesIO(default_template_bytes()))


def save(doc: DocumentObject, folder: Path, name: str = "edited.docx") -> Path:
    path = folder / name
    doc.save(str(path))
    return path


def element(tag: str, **attrs: str) -> Any:
    """A bare WordprocessingML element, e.g. ``element("w:proofErr", type="spellStart")``."""
    made = OxmlElement(tag)
    for key, value in attrs.items():
        made.set(qn(f"w:{key}"), value)
    return made


Item = str | tuple[str, bool] | Any


def set_runs(paragraph: Paragraph, *items: Item) -> None:
    """Replace a paragraph's runs: text, (text, bold) or an element between runs."""
    for run_ in list(paragraph.runs):
        run_._r.getparent().remove(run_._r)
    for item in items:
        if isinstance(item, str):
            paragraph.add_run(item)
        elif isinstance(item, tuple):
            text, bold = item
            paragraph.add_run(text).bold = bold
        else:
            paragraph._p.append(item)


def paragraph_reading(doc: DocumentObject, text: str, index: int = 0) -> Paragraph:
    """The ``index``-th body paragraph whose text is exactly ``text``."""
    return [p for p in doc.paragraphs if p.text == text][index]


def number_of(doc: DocumentObject, paragraph: Paragraph) -> int:
    """The paragraph's number as gidoc reports it (正文第 N 段: body paragraphs, from 1)."""
    return [p._p for p in doc.paragraphs].index(paragraph._p) + 1


def table_cell(doc: DocumentObject, table: int, text: str) -> Any:
    """The ``w:tc`` of the one logical cell of table ``table`` (0-based) reading ``text``."""
    return find(logical_cells(doc.tables[table]), text).tc


def set_cell_text(tc: Any, text: str) -> None:
    texts = list(tc.iter(qn("w:t")))
    texts[0].text = text
    for extra in texts[1:]:
        extra.text = ""


def seen(problems: list[Problem]) -> list[tuple[str, str, str]]:
    return [(p.severity, p.cell, p.message) for p in problems]


def first_paragraph(docx: bytes | Path) -> str:
    source = io.BytesIO(docx) if isinstance(docx, bytes) else str(docx)
    return Document(source).paragraphs[0].text


@pytest.fixture(scope="module")
def muye_context() -> dict[str, Any]:
    return build_context(validate(load(MUYE)))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in a fresh folder, as an office works in its own folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- 1. export ----------------------------------------------------------------------
def test_export_writes_the_shipped_template_and_refuses_to_overwrite(in_tmp: Path) -> None:
    result = run("template", "export")
    assert result.exit_code == 0, result.output
    assert result.stdout == "gidoc-template.docx\n"
    written = in_tmp / "gidoc-template.docx"
    assert written.read_bytes() == default_template_bytes() == SHIPPED.read_bytes()

    written.write_bytes(b"the office's own edits")
    message = clean_failure(run("template", "export"))
    assert message == "gidoc-template.docx 已存在；确认要覆盖时请加 --force"
    assert written.read_bytes() == b"the office's own edits"

    result = run("template", "export", "--force")
    assert result.exit_code == 0, result.output
    assert written.read_bytes() == SHIPPED.read_bytes()
    assert sorted(p.name for p in in_tmp.iterdir()) == ["gidoc-template.docx"]


def test_export_to_a_path_or_into_a_folder(in_tmp: Path) -> None:
    result = run("template", "export", "本单位模板.docx")
    assert result.exit_code == 0, result.output
    assert result.stdout == "本单位模板.docx\n"
    assert (in_tmp / "本单位模板.docx").read_bytes() == SHIPPED.read_bytes()

    (in_tmp / "模板").mkdir()
    result = run("template", "export", "模板")
    assert result.exit_code == 0, result.output
    assert result.stdout == str(Path("模板") / "gidoc-template.docx") + "\n"
    assert (in_tmp / "模板" / "gidoc-template.docx").read_bytes() == SHIPPED.read_bytes()
    message = clean_failure(run("template", "export", "模板"))
    assert message == f"{Path('模板') / 'gidoc-template.docx'} 已存在；确认要覆盖时请加 --force"


# -- 2. vars ------------------------------------------------------------------------
def test_vars_lists_names_meanings_and_examples() -> None:
    result = run("template", "vars")
    assert result.exit_code == 0, result.output
    assert result.stdout == variables_text()
    lines = result.stdout.splitlines()
    assert "{{ agency }}\t报告机关名称　例：示例市示例局" in lines
    usage = "{{ applications.results.withheld.state_secret.natural_person }}"
    (line,) = [line for line in lines if line.startswith(usage + "\t")]
    meaning, example = line[len(usage) + 1 :].split("　例：")
    assert "1.属于国家秘密" in meaning
    assert meaning.endswith("自然人")
    want = example_context()["applications"]["results"]["withheld"]["state_secret"]
    assert example == want["natural_person"]
    assert example.isdigit()
    assert "{%p for para in problems %} … {%p endfor %}\t" in result.stdout


def test_every_name_in_the_shipped_template_is_listed() -> None:
    listed = {var.name for var in template_variables()}
    used: set[str] = set()
    for text in document_texts(default_template_bytes()):
        used |= set(re.findall(r"\{\{\s*([\w.]+)\s*\}\}", text))
        used |= set(re.findall(r"\{%p?\s+for\s+\w+\s+in\s+([\w.]+)\s*%\}", text))
        used |= set(re.findall(r"\{%p?\s+if\s+([\w.]+)\s*%\}", text))
    used.discard("para")  # the loop variable of every paragraph loop: each paragraph's text
    assert len(used) > 200
    assert {"title", "section.number", "section.heading", "section.body"} <= used
    assert sorted(used - listed) == []


def test_template_guide_is_generated() -> None:
    assert GUIDE.read_text(encoding="utf-8") == guide_markdown(), (
        f"docs/template-guide.md is out of date; regenerate it with\n  {REGENERATE_GUIDE}"
    )


# -- 3. the shipped and the sample template pass ------------------------------------
@pytest.mark.parametrize("path", [SHIPPED, CUSTOM], ids=["shipped", "office-custom"])
def test_shipped_and_sample_templates_pass(path: Path) -> None:
    assert check_template(path).problems == []
    result = run("template", "check", path)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}：通过\n"


def test_sample_template_passes_with_real_data() -> None:
    result = run("template", "check", CUSTOM, "--data", FINGERPRINT)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{CUSTOM}：通过\n"


def test_sample_template_matches_its_builder(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_custom", BUILD_CUSTOM)
    assert spec is not None
    assert spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    built = builder.build(tmp_path / "office-custom.docx")
    assert dump(built) == dump(CUSTOM), (
        "samples/templates/office-custom.docx is out of date; run "
        "python samples/templates/build_custom.py"
    )


# -- 4. what Word and WPS do to tags: each must work --------------------------------
WORD_EDITS: dict[str, tuple[tuple[Item, ...], str]] = {
    "runs with different formatting": (
        (("{{ ag", True), ("en", False), ("cy }}", True)),
        MUYE_AGENCY,
    ),
    "braces split from the name": ((("{", True), ("{ agency }", False), ("}", True)), MUYE_AGENCY),
    "spell-check marks": (
        (
            "{{ age",
            element("w:proofErr", type="spellStart"),
            "ncy",
            element("w:proofErr", type="spellEnd"),
            " }}",
        ),
        MUYE_AGENCY,
    ),
    "bookmark inside the tag": (
        (
            "{{ ag",
            element("w:bookmarkStart", id="7", name="_GoBack"),
            "en",
            element("w:bookmarkEnd", id="7"),
            "cy }}",
        ),
        MUYE_AGENCY,
    ),
    "curly double quotes": (("{{ agency|replace(“局”, “厅”) }}",), "牧野区工业和信息化厅"),
    "curly single quotes": (("{{ agency|replace(‘局’, ‘厅’) }}",), "牧野区工业和信息化厅"),
    "statement split across runs": (
        ("{%", (" if agency %}", True), "{{ agen", "cy }}{% endif %", "}"),
        MUYE_AGENCY,
    ),
}


@pytest.mark.parametrize("case", WORD_EDITS)
def test_tags_as_word_and_wps_store_them_work(
    case: str, tmp_path: Path, muye_context: dict[str, Any]
) -> None:
    items, want = WORD_EDITS[case]
    doc = shipped()
    set_runs(doc.paragraphs[0], *items)
    path = save(doc, tmp_path)
    assert check_template(path).problems == []
    assert first_paragraph(ReportTemplate(path).render(muye_context)) == want


def test_paragraph_loop_split_by_spell_check_works(
    tmp_path: Path, muye_context: dict[str, Any]
) -> None:
    doc = shipped()
    loop = paragraph_reading(doc, "{%p for para in problems %}")
    set_runs(
        loop,
        "{%p for para in pro",
        element("w:proofErr", type="spellStart"),
        ("blems", True),
        element("w:proofErr", type="spellEnd"),
        " %}",
    )
    path = save(doc, tmp_path)
    assert check_template(path).problems == []
    texts = [
        p.text for p in Document(io.BytesIO(ReportTemplate(path).render(muye_context))).paragraphs
    ]
    for para in muye_context["problems"]:
        assert para in texts


# -- 5. broken templates: where, and what is wrong -----------------------------------
Edit = Callable[[DocumentObject], list[tuple[str, str]]]
UNPAIRED = "{{ 与 }} 不成对：标记必须在同一段内写完（不要在标记中间按回车，也不要只删去一半）"


def _unclosed(doc: DocumentObject) -> list[tuple[str, str]]:
    set_runs(doc.paragraphs[0], "{{ title ")
    return [("正文第 1 段「{{ title」", UNPAIRED)]


def _across_paragraphs(doc: DocumentObject) -> list[tuple[str, str]]:
    set_runs(doc.paragraphs[0], "{{ ti")
    doc.paragraphs[1].insert_paragraph_before("tle }}")
    return [("正文第 1 段「{{ ti」", UNPAIRED), ("正文第 2 段「tle }}」", UNPAIRED)]


def _unknown_name(doc: DocumentObject) -> list[tuple[str, str]]:
    set_runs(doc.paragraphs[0], "{{ agencey }}")
    return [
        (
            "正文第 1 段「{{ agencey }}」",
            f"{{{{ agencey }}}}：数据中没有名为 agencey 的变量；是否应为 agency？{VARS_HINT}",
        )
    ]


def _unknown_nested(doc: DocumentObject) -> list[tuple[str, str]]:
    set_runs(doc.paragraphs[0], "{{ applications.new_recieved.other }}")
    return [
        (
            "正文第 1 段「{{ applications.…」",
            "{{ applications.new_recieved.other }}：applications 中没有 new_recieved；"
            f"是否应为 applications.new_received？{VARS_HINT}",
        )
    ]


def _text_beside_loop(doc: DocumentObject) -> list[tuple[str, str]]:
    loop = paragraph_reading(doc, "{%p for para in problems %}")
    loop.runs[0].text = "说明：" + loop.runs[0].text
    return [
        (
            f"正文第 {number_of(doc, loop)} 段「说明：{{%p for para …」",
            "与 {%p for para in problems %} 同在一段（一行、一格）的文字「说明：」会被丢弃；"
            "请把它移到另一段",
        )
    ]


def _missing_endfor(doc: DocumentObject) -> list[tuple[str, str]]:
    loop = paragraph_reading(doc, "{%p for para in other_matters %}")
    last_endfor = [p for p in doc.paragraphs if p.text == "{%p endfor %}"][-1]
    last_endfor._p.getparent().remove(last_endfor._p)
    return [
        (
            f"正文第 {number_of(doc, loop)} 段「{{%p for para in …」",
            "{% for %} 没有对应的 {% endfor %}",
        )
    ]


def _extra_endif(doc: DocumentObject) -> list[tuple[str, str]]:
    extra = doc.add_paragraph("{%p endif %}")
    return [
        (
            f"正文第 {number_of(doc, extra)} 段「{{%p endif %}}」",
            "多出的 {%p endif %}：前面没有对应的 {% if %}",
        )
    ]


def _syntax_error(doc: DocumentObject) -> list[tuple[str, str]]:
    set_runs(doc.paragraphs[0], "{{ agency | }}")
    return [
        (
            "正文第 1 段「{{ agency | }}」",
            "{{ agency | }} 语法错误：expected token 'name', got 'end of print statement'",
        )
    ]


def _odd_footer(doc: DocumentObject) -> list[tuple[str, str]]:
    doc.sections[0].footer.paragraphs[0].add_run("{{ agencyy }}")
    return [
        (
            "页脚（奇数页）第 1 段「— 1 —{{ agencyy …」",
            f"{{{{ agencyy }}}}：数据中没有名为 agencyy 的变量；是否应为 agency？{VARS_HINT}",
        )
    ]


def _even_footer(doc: DocumentObject) -> list[tuple[str, str]]:
    doc.sections[0].even_page_footer.paragraphs[0].add_run("{{ yaer }}")
    return [
        (
            "页脚（偶数页）第 1 段「— 1 —{{ yaer }}」",
            f"{{{{ yaer }}}}：数据中没有名为 yaer 的变量；是否应为 year？{VARS_HINT}",
        )
    ]


def _table_typo(doc: DocumentObject) -> list[tuple[str, str]]:
    tag = "{{ applications.results.granted.natural_person }}"
    set_cell_text(table_cell(doc, 1, tag), tag.replace("person", "persn"))
    return [
        (
            # table 三 is the document's 2nd table; row 6 is 予以公开, column 4 自然人
            "表 2 第 6 行第 4 列「{{ applications.…」",
            "{{ applications.results.granted.natural_persn }}：applications.results.granted "
            "中没有 natural_persn；是否应为 applications.results.granted.natural_person？"
            + VARS_HINT,
        )
    ]


BROKEN: dict[str, Edit] = {
    "unclosed tag": _unclosed,
    "tag across two paragraphs": _across_paragraphs,
    "unknown variable": _unknown_name,
    "unknown nested variable": _unknown_nested,
    "text beside a paragraph loop": _text_beside_loop,
    "missing endfor": _missing_endfor,
    "extra endif": _extra_endif,
    "syntax error": _syntax_error,
    "odd-page footer": _odd_footer,
    "even-page footer": _even_footer,
    "table cell typo": _table_typo,
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_template_is_reported_where_the_mistake_is(case: str, in_tmp: Path) -> None:
    doc = shipped()
    expected = BROKEN[case](doc)
    path = save(doc, in_tmp)
    assert seen(check_template(path).problems) == [
        ("error", cell, message) for cell, message in expected
    ]
    result = run("template", "check", path.name)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout.splitlines() == [
        f"edited.docx：{len(expected)} 个错误，0 个警告",
        *(f"  错误 {cell}：{message}" for cell, message in expected),
    ]


# -- 5b. the official tables ---------------------------------------------------------
def _delete_table_4(doc: DocumentObject) -> list[tuple[str, str]]:
    table = doc.tables[2]._tbl
    table.getparent().remove(table)
    return [("表四", "没有找到表四（官方表格不能删除）")]


def _unmerge_results(doc: DocumentObject) -> list[tuple[str, str]]:
    # 三、本年度办理结果 spans rows 6–27 of column 1; its last row stops continuing it.
    last = doc.tables[1]._tbl.tr_lst[26].tc_lst[0]
    last.tcPr.remove(last.tcPr.find(qn("w:vMerge")))
    return [("表三 第 6 行第 1 列", "「三、本年度办理结果」的合并范围从 22 行×1 列改为 21 行×1 列")]


def _widen_note(doc: DocumentObject) -> list[tuple[str, str]]:
    # 四、结转下年度继续办理 spans 3 columns; make it 2 and give the row an extra cell.
    row = doc.tables[1]._tbl.tr_lst[27]
    label = row.tc_lst[0]
    label.tcPr.find(qn("w:gridSpan")).set(qn("w:val"), "2")
    label.addnext(OxmlElement("w:tc"))
    label.getnext().append(OxmlElement("w:p"))
    return [
        ("表三 第 28 行第 1 列", "「四、结转下年度继续办理」的合并范围从 1 行×3 列改为 1 行×2 列")
    ]


def _relabel(doc: DocumentObject) -> list[tuple[str, str]]:
    set_cell_text(table_cell(doc, 1, "自然人"), "个人")
    return [("表三 第 2 行第 4 列", "文字从「自然人」改为「个人」")]


CHANGED_TABLES: dict[str, Edit] = {
    "table 四 deleted": _delete_table_4,
    "merge changed": _unmerge_results,
    "column span changed": _widen_note,
    "label changed": _relabel,
}


@pytest.mark.parametrize("case", CHANGED_TABLES)
def test_changed_official_table_is_a_warning(case: str, in_tmp: Path) -> None:
    doc = shipped()
    expected = CHANGED_TABLES[case](doc)
    path = save(doc, in_tmp)
    assert seen(check_template(path).problems) == [
        ("warning", cell, message) for cell, message in expected
    ]
    result = run("template", "check", path.name)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"edited.docx：0 个错误，{len(expected)} 个警告",
        *(f"  警告 {cell}：{message}" for cell, message in expected),
    ]


def test_swapped_value_tags_fail_the_trial_render(in_tmp: Path) -> None:
    doc = shipped()
    people = "{{ applications.new_received.natural_person }}"
    firms = "{{ applications.new_received.commercial_enterprise }}"
    first, second = table_cell(doc, 1, people), table_cell(doc, 1, firms)
    set_cell_text(first, firms)
    set_cell_text(second, people)
    path = save(doc, in_tmp)
    new = example_context()["applications"]["new_received"]
    people_n, firms_n = new["natural_person"], new["commercial_enterprise"]
    assert people_n != firms_n
    expected = [
        (
            "表三 第 4 行第 4 列",
            f"试填后应为 {people_n}（applications.new_received.natural_person），实际为「{firms_n}」",
        ),
        (
            "表三 第 4 行第 5 列",
            f"试填后应为 {firms_n}（applications.new_received.commercial_enterprise），"
            f"实际为「{people_n}」",
        ),
    ]
    assert seen(check_template(path).problems) == [
        ("error", cell, message) for cell, message in expected
    ]
    result = run("template", "check", path.name)
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0] == "edited.docx：2 个错误，0 个警告"


def test_swapped_tags_with_a_relabel_are_still_caught(in_tmp: Path) -> None:
    """A changed label does not stop the trial render from checking that table's numbers."""
    doc = shipped()
    set_cell_text(table_cell(doc, 1, "自然人"), "个人")
    total = "{{ review_and_litigation.reconsideration.total }}"
    upheld = "{{ review_and_litigation.reconsideration.upheld }}"
    first, second = table_cell(doc, 2, total), table_cell(doc, 2, upheld)
    set_cell_text(first, upheld)
    set_cell_text(second, total)
    problems = check_template(save(doc, in_tmp)).problems
    assert [(p.severity, p.cell) for p in problems] == [
        ("error", "表四 第 4 行第 1 列"),
        ("error", "表四 第 4 行第 5 列"),
        ("warning", "表三 第 2 行第 4 列"),
    ]
    assert problems[0].message.startswith("试填后应为 ")


def test_swapped_tags_in_a_reshaped_table_are_named_in_full(in_tmp: Path) -> None:
    """Where the layout changed, the trial render cannot check that table: the tags are warned."""
    doc = shipped()
    (merge,) = _unmerge_results(doc)
    people = "{{ applications.new_received.natural_person }}"
    other = "{{ applications.new_received.other }}"
    first, second = table_cell(doc, 1, people), table_cell(doc, 1, other)
    set_cell_text(first, other)
    set_cell_text(second, people)
    assert seen(check_template(save(doc, in_tmp)).problems) == [
        ("warning", *merge),
        ("warning", "表三 第 4 行第 4 列", f"文字从「{people}」改为「{other}」"),
        ("warning", "表三 第 4 行第 9 列", f"文字从「{other}」改为「{people}」"),
    ]


# -- 6. safety ----------------------------------------------------------------------
HOSTILE = {
    "{{ ''.__class__.__mro__ }}": ("__mro__", "access to attribute '__class__' of 'str'"),
    "{{ cycler.__init__.__globals__ }}": ("__globals__", "access to attribute '__init__'"),
    "{{ self._TemplateReference__context }}": (
        "_TemplateReference__context",
        "access to attribute '_TemplateReference__context'",
    ),
}


@pytest.mark.parametrize("tag", HOSTILE)
def test_hostile_tag_is_refused_by_check_and_render(tag: str, in_tmp: Path) -> None:
    attribute, sandbox = HOSTILE[tag]
    doc = shipped()
    set_runs(doc.paragraphs[0], tag)
    path = save(doc, in_tmp)
    assert seen(check_template(path).problems) == [
        (
            "error",
            f"正文第 1 段「{tag[:16]}…」",
            f"{tag}：模板不能访问以下划线开头的内部属性（{attribute}），已拒绝",
        )
    ]
    result = run("template", "check", path.name)
    assert result.exit_code == 1, result.output
    assert "已拒绝" in result.stdout
    assert "Traceback" not in result.output

    shutil.copyfile(MUYE, in_tmp / "data.json")
    message = clean_failure(run("render", "data.json", "--template", path.name))
    assert message.startswith("模板 edited.docx 试图访问程序内部的属性，已拒绝（")
    assert sandbox in message
    assert not (in_tmp / "data.docx").exists()


def _text_file(folder: Path) -> Path:
    path = folder / "text.docx"
    path.write_text("这不是 Word 文档，只是改了扩展名。\n", encoding="utf-8")
    return path


def _truncated(folder: Path) -> Path:
    path = folder / "truncated.docx"
    whole = SHIPPED.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _bomb(folder: Path) -> Path:
    path = folder / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body/></w:document>",
        )
        archive.writestr("word/media/zeros.bin", bytes(2_000_000))
    assert path.stat().st_size < 100_000
    return path


def _many_entries(folder: Path) -> Path:
    path = folder / "many.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(30):
            archive.writestr(f"word/media/{number}.bin", b"")
    return path


DAMAGED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "text file named .docx": (_text_file, f"模板 text.docx：{NOT_DOCX}"),
    "truncated .docx": (_truncated, f"模板 truncated.docx：{NOT_DOCX}"),
    "zip bomb": (
        _bomb,
        "模板 bomb.docx：解压后有 2 个文件、1 MB，远超 Word 文档的正常大小，可能已损坏或不是正常的模板",
    ),
    "too many entries": (
        _many_entries,
        "模板 many.docx：解压后有 31 个文件、0 MB，远超 Word 文档的正常大小，可能已损坏或不是正常的模板",
    ),
}


@pytest.mark.parametrize("case", DAMAGED)
def test_damaged_template_gives_one_clear_line(
    case: str, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gidoc.output.docx, "MAX_UNPACKED_BYTES", 1_000_000)
    monkeypatch.setattr(gidoc.output.docx, "MAX_ENTRIES", 20)
    make, want = DAMAGED[case]
    path = make(in_tmp)
    shutil.copyfile(MUYE, in_tmp / "data.json")
    started = time.monotonic()
    assert clean_failure(run("render", "data.json", "--template", path.name)) == want
    assert not (in_tmp / "data.docx").exists()
    assert clean_failure(run("template", "check", path.name)) == want
    assert time.monotonic() - started < 20


def test_missing_template_gives_one_clear_line(in_tmp: Path) -> None:
    shutil.copyfile(MUYE, in_tmp / "data.json")
    want = "模板 无此模板.docx：文件不存在"
    assert clean_failure(run("render", "data.json", "--template", "无此模板.docx")) == want
    assert clean_failure(run("template", "check", "无此模板.docx")) == want


# -- 7. gidoc.toml and [tool.gidoc] ---------------------------------------------------
@pytest.fixture
def office(in_tmp: Path) -> Path:
    """An office's folder: its data and its restyled template t.docx."""
    shutil.copyfile(MUYE, in_tmp / "data.json")
    shutil.copyfile(CUSTOM, in_tmp / "t.docx")
    return in_tmp


def _renders_with_the_office_template(folder: Path) -> None:
    result = run("render", "data.json")
    assert result.exit_code == 0, result.output
    assert result.stdout == "data.docx\n"
    paragraphs = Document(str(folder / "data.docx")).paragraphs
    assert paragraphs[0].text == MUYE_AGENCY  # the red band above the title
    assert paragraphs[1].text == f"{MUYE_AGENCY}2025年政府信息公开工作年度报告"


def test_gidoc_toml_names_the_template(office: Path) -> None:
    (office / "gidoc.toml").write_text('template = "t.docx"\n', encoding="utf-8")
    _renders_with_the_office_template(office)


def test_gidoc_toml_template_in_a_subfolder(office: Path) -> None:
    (office / "模板").mkdir()
    shutil.move(office / "t.docx", office / "模板" / "本单位.docx")
    (office / "gidoc.toml").write_text('template = "模板/本单位.docx"\n', encoding="utf-8")
    _renders_with_the_office_template(office)


def test_pyproject_tool_gidoc_names_the_template(office: Path) -> None:
    (office / "pyproject.toml").write_text(
        '[project]\nname = "report"\n\n[tool.gidoc]\ntemplate = "t.docx"\n', encoding="utf-8"
    )
    _renders_with_the_office_template(office)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('templat = "t.docx"\n', "：不认识的设置 templat；可用的设置：template"),
        ('template = "nope.docx"\n', "：template 指定的模板 {folder}/nope.docx 不存在"),
        ('template = "t.docx\n', "：格式错误（"),
        ("template = 3\n", "：template 应为模板文件的路径（文字）"),
    ],
    ids=["unknown key", "missing template", "broken TOML", "not a path"],
)
def test_bad_gidoc_toml_gives_one_line_naming_it(office: Path, text: str, message: str) -> None:
    config = office / "gidoc.toml"
    config.write_text(text, encoding="utf-8")
    line = clean_failure(run("render", "data.json"))
    assert line.startswith(f"{config}{message.format(folder=office)}"), line
    assert not (office / "data.docx").exists()


def test_unknown_key_in_tool_gidoc_names_pyproject(office: Path) -> None:
    config = office / "pyproject.toml"
    config.write_text('[tool.gidoc]\ntemplte = "t.docx"\n', encoding="utf-8")
    line = clean_failure(run("render", "data.json"))
    assert line == f"{config}：不认识的设置 templte；可用的设置：template"


def test_render_files_from_python_uses_gidoc_toml(office: Path) -> None:
    """The Python API picks the office's template as gidoc render does."""
    (office / "gidoc.toml").write_text('template = "t.docx"\n', encoding="utf-8")
    (written,) = render_files([office / "data.json"])
    assert written.docx == office / "data.docx"
    paragraphs = Document(str(office / "data.docx")).paragraphs
    assert paragraphs[0].text == MUYE_AGENCY  # the red band above the title
    assert paragraphs[1].text == f"{MUYE_AGENCY}2025年政府信息公开工作年度报告"


def test_template_option_wins_over_gidoc_toml(office: Path) -> None:
    (office / "gidoc.toml").write_text('template = "t.docx"\n', encoding="utf-8")
    shutil.copyfile(SHIPPED, office / "plain.docx")
    result = run("render", "data.json", "--template", "plain.docx")
    assert result.exit_code == 0, result.output
    assert first_paragraph(office / "data.docx") == f"{MUYE_AGENCY}2025年政府信息公开工作年度报告"


# -- 8. the customised sample puts every number in its official cell -------------------
@pytest.fixture(scope="module")
def custom_rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("custom") / "fingerprint-2025.docx"
    render_files([FINGERPRINT], out, template=CUSTOM)
    return FINGERPRINT, load(FINGERPRINT), out


@pytest.mark.parametrize(
    "check",
    [
        test_render.test_three_tables_in_order,
        test_render.test_table_2_merges_and_numbers,
        test_render.test_table_3_header_merges,
        test_render.test_table_3_stub_merges,
        test_render.test_table_3_numbers_in_their_cells,
        test_render.test_table_4_merges_and_numbers,
        test_render.test_no_template_tags_left,
    ],
    ids=lambda check: check.__name__.removeprefix("test_"),
)
def test_custom_template_keeps_the_official_tables(
    check: Callable[[tuple], None], custom_rendered: tuple[Path, dict[str, Any], Path]
) -> None:
    check(custom_rendered)


def test_custom_template_keeps_its_additions(
    custom_rendered: tuple[Path, dict[str, Any], Path],
) -> None:
    _, data, out = custom_rendered
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert texts[0] == data["agency"]
    assert (
        f"本报告电子版可在{data['agency']}门户网站“政府信息公开”专栏查阅，"
        f"统计期限为{data['year']}年1月1日至12月31日。"
    ) in texts


@pytest.mark.skipif(
    not test_render.CHECK_LAYOUT.exists(), reason="../shared/tools/check_layout.py not present"
)
def test_check_layout_accepts_the_custom_template(
    custom_rendered: tuple[Path, dict[str, Any], Path], tmp_path: Path
) -> None:
    _, data, out = custom_rendered
    as_json = tmp_path / "fingerprint-2025.json"
    as_json.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(test_render.CHECK_LAYOUT), str(out), str(as_json)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 layout problems" in result.stdout


def test_template_report_carries_exit_code_and_json(in_tmp: Path) -> None:
    doc = shipped()
    expected = _unknown_name(doc)
    path = save(doc, in_tmp)
    report = check_template(path)
    assert report.exit_code == 1
    assert report.warnings == []
    as_json = report.as_json()
    assert as_json["file"] == str(path)
    assert as_json["ok"] is False
    assert [(e["severity"], e["cell"], e["message"]) for e in as_json["errors"]] == [
        ("error", cell, message) for cell, message in expected
    ]
    assert as_json["warnings"] == []
    assert list(report.lines())[0] == f"{path}：{len(expected)} 个错误，0 个警告"
    result = run("template", "check", path.name, "--format", "json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout) == {**as_json, "file": path.name}


def test_a_ready_template_reports_exit_0(in_tmp: Path) -> None:
    path = save(shipped(), in_tmp)
    report = check_template(path)
    assert report.exit_code == 0
    assert report.as_json() == {"file": str(path), "ok": True, "errors": [], "warnings": []}
    assert str(report) == f"{path}：通过"
    result = run("template", "check", path.name, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True
