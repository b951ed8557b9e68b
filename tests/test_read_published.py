"""Reading reports as agencies publish them: PDF, LibreOffice's and portals' HTML, .doc, variants.

The material is made here, once per session: gidoc's own report for the
fingerprint sample, and copies of it that carry one published variant each
(a mistyped row label, （六）其他处理 as one row, table 三 split at a page
break with and without its header rows, blanks/dashes/无/full-width digits/
units in cells, a title with 二〇二五年, 五 without its sub-headings, a
running header, a wrong printed 总计).  One LibreOffice run turns every .docx
into a PDF (laid out as WPS and Word lay out theirs: ruled tables, page
numbers, tables running over pages), one into HTML, one into .doc.  Each file
must read to exactly the data of its .docx (which itself must read to the
sample's numbers), with the warnings that name the place.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from lxml import etree
from test_extract import hand_typed

from conftest import SAMPLES
from gidoc import ReportTemplate, build_context, load, validate
from gidoc.checking.validate import check
from gidoc.cli import cli
from gidoc.errors import InputError
from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.output import pdf
from gidoc.output.html import HtmlTemplate
from gidoc.sources.load import Loaded, load_located

pytestmark = pytest.mark.skipif(
    pdf.find_soffice() is None, reason="needs LibreOffice (soffice on PATH, or $GIDOC_SOFFICE)"
)

FINGERPRINT = SAMPLES / "fingerprint-2025.yaml"
TYPO = "2.其他法律行政止公开"
CHINESE_TITLE = "示例市数据管理局二〇二五年政府信息公开工作年度报告"
RUNNING_HEADER = "示例市数据管理局政府信息公开工作年度报告（公开版）"


# -- building the variants -------------------------------------------------------------
def _t3(doc: Any) -> Any:
    return doc.tables[1]


def _set(cell: Any, text: str) -> None:
    """Replace a cell's text, keeping its first run's formatting."""
    paragraph = cell.paragraphs[0]
    runs = paragraph.runs
    if runs:
        runs[0].text = text
        for run in runs[1:]:
            run.text = ""
    else:
        paragraph.add_run(text)


def typo(doc: Any) -> None:
    _set(_t3(doc).rows[8].cells[2], TYPO)


def other_2019(doc: Any) -> None:
    """（六）其他处理 as one row of numbers (its three items added up), as the 2019 format has it."""
    table = _t3(doc)
    rows = [table.rows[r] for r in (23, 24, 25)]
    sums = [sum(int(row.cells[c].text.replace(",", "")) for row in rows) for c in range(3, 10)]
    first = rows[0]._tr
    cells = first.findall(qn("w:tc"))
    group, item = cells[1], cells[2]
    first.remove(item)
    tcpr = group.find(qn("w:tcPr"))
    for merge in tcpr.findall(qn("w:vMerge")):
        tcpr.remove(merge)
    span = etree.SubElement(tcpr, qn("w:gridSpan"))
    span.set(qn("w:val"), "2")
    tcpr.insert(1, span)
    for row in rows[1:]:
        row._tr.getparent().remove(row._tr)
    for c, value in zip(range(3, 10), sums, strict=True):
        _set(table.rows[23].cells[c], str(value))


def _split_t3(doc: Any, *, repeat_header: bool) -> None:
    """Table 三 split in two after row 15 with a page break between, as a clerk's Word does."""
    tbl = _t3(doc)._tbl
    rows = tbl.findall(qn("w:tr"))
    second = copy.deepcopy(tbl)
    for tr in second.findall(qn("w:tr")):
        second.remove(tr)
    if repeat_header:
        for tr in rows[:3]:
            second.append(copy.deepcopy(tr))
    for tr in rows[15:]:
        second.append(tr)  # moved: the first part keeps rows 1-15
    # The first row of the second part restarts the vertical merges it continues.
    for tc in second.findall(qn("w:tr"))[3 if repeat_header else 0].findall(qn("w:tc")):
        for merge in tc.iter(qn("w:vMerge")):
            merge.set(qn("w:val"), "restart")
    brk = etree.fromstring(
        f'<w:p xmlns:w="{tbl.nsmap["w"]}"><w:r><w:br w:type="page"/></w:r></w:p>'
    )
    tbl.addnext(brk)
    brk.addnext(second)


def split_with_header(doc: Any) -> None:
    _split_t3(doc, repeat_header=True)


def split_without_header(doc: Any) -> None:
    _split_t3(doc, repeat_header=False)


#: Cells changed to what published tables hold for a number: (row, column) of table 三 → text.
ODD_CELLS = {
    (3, 3): "１２３４５",
    (4, 3): "2,123件",
    (5, 4): "—",
    (6, 5): "/",
    (7, 6): "无",
    (8, 7): "",
}


def odd_cells(doc: Any) -> None:
    table = _t3(doc)
    for (r, c), text in ODD_CELLS.items():
        _set(table.rows[r].cells[c], text)


def chinese_title(doc: Any) -> None:
    _set_paragraph(doc.paragraphs[0], CHINESE_TITLE)


def _set_paragraph(paragraph: Any, text: str) -> None:
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def no_subheadings_5(doc: Any) -> None:
    for paragraph in doc.paragraphs:
        if paragraph.text in (L.PROBLEMS, L.IMPROVEMENTS):
            paragraph._p.getparent().remove(paragraph._p)


def running_header(doc: Any) -> None:
    header = doc.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = RUNNING_HEADER


def wrong_total(doc: Any) -> None:
    """The printed 行政复议 总计 one more than its four columns."""
    cell = doc.tables[2].rows[3].cells[4]
    _set(cell, str(int(cell.text) + 1))


VARIANTS: dict[str, Callable[[Any], None]] = {
    "typo": typo,
    "other-2019": other_2019,
    "split-header": split_with_header,
    "split-bare": split_without_header,
    "odd-cells": odd_cells,
    "chinese-title": chinese_title,
    "no-subheadings-5": no_subheadings_5,
    "running-header": running_header,
    "wrong-total": wrong_total,
}


def _soffice(folder: Path, target: str, names: list[str], *options: str) -> None:
    """One LibreOffice run over ``names`` in ``folder``, with a private profile."""
    soffice = pdf.find_soffice()
    assert soffice is not None
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            *options,
            "--convert-to",
            target,
            "--outdir",
            str(folder),
            *names,
        ],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=240,
    )


@pytest.fixture(scope="session")
def material(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The baseline report and each variant as .docx and .pdf; two as .html and .doc."""
    folder = tmp_path_factory.mktemp("published")
    report = validate(load(FINGERPRINT))
    base = folder / "base.docx"
    base.write_bytes(ReportTemplate().render(build_context(report)))
    docs = [base]
    for name, change in VARIANTS.items():
        doc = Document(str(base))
        change(doc)
        docs.append(folder / f"{name}.docx")
        doc.save(str(docs[-1]))
    # Typed by hand in Word: Table Grid, no gidoc styles, half-width brackets, dashes and blanks.
    docs.append(hand_typed(folder / "hand-typed.docx"))
    pdf.convert(docs, [d.with_suffix(".pdf") for d in docs])
    html = folder / "html"
    html.mkdir()
    for name in ("base", "typo", "split-header"):
        shutil.copy(folder / f"{name}.docx", html)
    _soffice(html, "html", ["base.docx", "typo.docx", "split-header.docx"])
    _soffice(folder, "doc", ["other-2019.docx"])
    return folder


def _read(path: Path) -> Loaded:
    return load_located(path)


def _sample_data() -> dict[str, Any]:
    return validate(load(FINGERPRINT)).model_dump(exclude_none=True)


def _numbers(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: data[key] for key in ("active_disclosure", "applications", "review_and_litigation")
    }


def _without_totals(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_totals(v) for k, v in value.items() if k != "total"}
    return value


#: LibreOffice's PDF export leaves out a comma that hangs past the right margin at a line's
#: end (it is not drawn either): the only characters a PDF of gidoc's may lack.
_HANGING = re.compile("[，、]")


def _texts(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k not in _numbers(data)}
    return out


def _same_texts(got: Any, want: Any) -> bool:
    if isinstance(got, dict) and isinstance(want, dict):
        return got.keys() == want.keys() and all(_same_texts(got[k], want[k]) for k in got)
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(
            _same_texts(a, b) for a, b in zip(got, want, strict=True)
        )
    if isinstance(got, str) and isinstance(want, str):
        return _HANGING.sub("", got) == _HANGING.sub("", want) and len(want) - len(got) <= 3
    return bool(got == want)


# -- the baseline: gidoc's own report, in each format ------------------------------------------
def test_the_docx_reads_to_the_sample(material: Path) -> None:
    loaded = _read(material / "base.docx")
    assert loaded.warnings == []
    assert _without_totals(_numbers(loaded.data)) == _without_totals(_numbers(_sample_data()))
    assert check(loaded.data).errors == []


@pytest.mark.parametrize("kind", ["pdf", "html"])
def test_gidocs_own_pdf_and_libreoffices_html_read_exactly(material: Path, kind: str) -> None:
    word = _read(material / "base.docx")
    path = material / ("base.pdf" if kind == "pdf" else "html/base.html")
    loaded = _read(path)
    assert loaded.warnings == []
    assert _numbers(loaded.data) == _numbers(word.data)  # every number and printed total
    if kind == "html":
        assert loaded.data == word.data
    else:
        assert _same_texts(_texts(loaded.data), _texts(word.data))
        for key in ("agency", "year", "issuer", "date"):
            assert loaded.data[key] == word.data[key]


def test_a_pdf_number_is_named_by_table_row_column_and_page(material: Path) -> None:
    where = _read(material / "base.pdf").locations
    assert where["applications.new_received.natural_person"] == "表三 第 4 行第 4 列（第 3 页）"
    # table 三 runs over onto page 4, its header rows repeated there and not counted twice
    assert where["applications.carried_forward.natural_person"] == "表三 第 28 行第 4 列（第 4 页）"
    assert where["review_and_litigation.reconsideration.total"].endswith("（第 4 页）")


# -- the variants, each in Word and PDF ------------------------------------------------------
def _both(material: Path, name: str) -> tuple[Loaded, Loaded]:
    return _read(material / f"{name}.docx"), _read(material / f"{name}.pdf")


def _assert_same(word: Loaded, printed: Loaded) -> None:
    assert _numbers(printed.data) == _numbers(word.data)
    assert _same_texts(_texts(printed.data), _texts(word.data))
    assert [(w.path, w.message) for w in printed.warnings] == [
        (w.path, w.message) for w in word.warnings
    ]


def test_a_mistyped_row_label_is_read_by_its_place_and_quoted(material: Path) -> None:
    word, printed = _both(material, "typo")
    base = _read(material / "base.docx")
    assert _numbers(word.data) == _numbers(base.data)
    _assert_same(word, printed)
    (warning,) = word.warnings
    assert warning.path == "applications.results.withheld.prohibited_by_law"
    assert f"「{TYPO}」" in warning.message
    assert "2.其他法律行政法规禁止公开" in warning.message
    assert warning.cell == "表三 第 9 行第 3 列"
    assert printed.warnings[0].cell == "表三 第 9 行第 3 列（第 3 页）"


def test_other_handling_as_one_row_keeps_the_numbers_under_3_other(material: Path) -> None:
    word, printed = _both(material, "other-2019")
    _assert_same(word, printed)
    base = _numbers(_read(material / "base.docx").data)["applications"]["results"]["other"]
    other = word.data["applications"]["results"]["other"]
    for key in L.APPLICANT_COLUMNS:
        assert other["other"][key] == sum(base[item][key] for item in base)
        assert other["correction_overdue"][key] == 0
        assert other["fee_overdue"][key] == 0
    (warning,) = word.warnings
    assert "（六）其他处理" in warning.message
    assert "2019" in warning.message
    assert warning.cell == "表三 第 24 行第 2 列"
    assert check(word.data).errors == []  # the totals still add up


@pytest.mark.parametrize("name", ["split-header", "split-bare"])
def test_a_table_split_at_a_page_break_reads_as_one(material: Path, name: str) -> None:
    word, printed = _both(material, name)
    base = _read(material / "base.docx")
    assert word.warnings == []
    assert _numbers(word.data) == _numbers(base.data)
    _assert_same(word, printed)


def test_blanks_dashes_wu_full_width_digits_and_units(material: Path) -> None:
    word, printed = _both(material, "odd-cells")
    _assert_same(word, printed)
    apps = word.data["applications"]
    assert apps["new_received"]["natural_person"] == 12345
    assert apps["carried_over"]["natural_person"] == 2123
    assert apps["results"]["granted"]["commercial_enterprise"] == 0
    assert apps["results"]["partially_granted"]["research_institution"] == 0
    assert apps["results"]["withheld"]["state_secret"]["social_welfare_organization"] == 0
    assert apps["results"]["withheld"]["prohibited_by_law"]["legal_service_agency"] == 0
    messages = {w.cell: w.message for w in word.warnings}
    assert "「2,123件」" in messages["表三 第 5 行第 4 列"]
    assert "「—」" in messages["表三 第 6 行第 5 列"]
    assert "「/」" in messages["表三 第 7 行第 6 列"]
    assert "「无」" in messages["表三 第 8 行第 7 列"]
    assert "空白" in messages["表三 第 9 行第 8 列"]
    # the printed totals of those rows no longer add up: published inconsistencies, as errors
    errors = {e.path for e in check(word.data, "x", word.locations).errors}
    assert "applications.new_received.total" in errors
    assert "applications.results.granted.total" in errors


def test_the_year_in_chinese_numerals_and_a_wrapping_title(material: Path) -> None:
    word, printed = _both(material, "chinese-title")
    for loaded in (word, printed):
        assert loaded.data["agency"] == "示例市数据管理局"
        assert loaded.data["year"] == 2025
        assert loaded.data["title"] == CHINESE_TITLE
    _assert_same(word, printed)


def test_section_5_without_its_sub_headings(material: Path) -> None:
    word, printed = _both(material, "no-subheadings-5")
    base = _read(material / "base.docx").data
    assert word.data["problems"] == base["problems"] + "\n" + base["improvements"]
    assert word.data["improvements"] == ""
    (warning,) = word.warnings
    assert "没有「（一）存在的主要问题」「（二）改进情况」两个小标题" in warning.message
    _assert_same(word, printed)


def test_running_headers_and_page_numbers_stay_out_of_the_text(material: Path) -> None:
    printed = _read(material / "running-header.pdf")
    assert printed.warnings == []
    flat = repr(printed.data)
    assert RUNNING_HEADER not in flat
    assert "— 2 —" not in flat
    word = _read(material / "base.docx")
    assert _same_texts(_texts(printed.data), _texts(word.data))


def test_a_report_typed_by_hand_reads_the_same_from_its_pdf(material: Path) -> None:
    word, printed = _both(material, "hand-typed")
    assert printed.data == word.data
    assert [(w.path, w.message) for w in printed.warnings] == [
        (w.path, w.message) for w in word.warnings
    ]
    cells = {w.path: w.cell for w in printed.warnings}
    assert re.fullmatch(
        r"表三 第 4 行第 5 列（第 \d 页）", cells["applications.new_received.commercial_enterprise"]
    )
    errors = [e.path for e in check(printed.data).errors]
    assert errors == ["review_and_litigation.reconsideration.total"]


def test_a_wrong_printed_total_is_an_error_naming_both_sides(material: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(material / "wrong-total.pdf")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{material / 'wrong-total.pdf'}：1 个错误，0 个警告"
    assert re.fullmatch(
        r"  错误 表四 第 4 行第 5 列（第 4 页） review_and_litigation\.reconsideration\.total"
        r"（行政复议 / 总计）：填写的总计 (\d+) 与各项之和不符：结果维持 \d+ \+ 结果纠正 \d+ \+ "
        r"其他结果 \d+ \+ 尚未审结 \d+ = \d+",
        lines[1],
    )


def test_last_years_published_pdf_starts_this_years_file_despite_its_wrong_total(
    material: Path, tmp_path: Path
) -> None:
    """The clerk copying last year's figures: a printed total that did not add up is no obstacle."""
    out = tmp_path / "2026.yaml"
    result = CliRunner().invoke(
        cli, ["init", "--from", str(material / "wrong-total.pdf"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    last = _read(material / "wrong-total.pdf").data["applications"]["carried_forward"]
    carried = load(out)["applications"]["carried_over"]
    assert {k: carried[k] for k in L.APPLICANT_COLUMNS} == {k: last[k] for k in L.APPLICANT_COLUMNS}
    assert load(out)["year"] == 2026


# -- web pages and .doc ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["typo", "split-header"])
def test_libreoffices_html_export_of_a_variant(material: Path, name: str) -> None:
    word = _read(material / f"{name}.docx")
    page = _read(material / "html" / f"{name}.html")
    assert page.data == word.data
    assert [w.message for w in page.warnings] == [w.message for w in word.warnings]


def test_a_cms_page_in_gbk_with_inline_styles_nested_containers_and_a_split_table() -> None:
    report = validate(load(FINGERPRINT))
    article = HtmlTemplate().render(build_context(report), fragment=True)
    article = article.replace(L.RESULT_GROUPS["withheld"][1]["prohibited_by_law"], TYPO)
    # table 三 split after its 一、 row, the header rows repeated, as pasted from Word
    match = re.search(r"<table(?:(?!<table).)*?本年新收.*?</table>", article, re.S)
    assert match is not None
    table = match[0]
    rows = re.findall(r"<tr.*?</tr>", table, re.S)
    head = table[: table.index(rows[0])]
    split = head + "".join(rows[:4]) + "</table><p>&nbsp;</p>" + head + "".join(rows[:3] + rows[4:])
    article = article.replace(
        table, split + "</table>" if not split.endswith("</table>") else split
    )
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        "<style>.x{}</style></head><body><div class='top'><a href='/'>首页</a> &gt; 政府信息公开</div>"
        "<div class='main'><div class='article'><div id='zoom' style='font-size:16px'>"
        f"<div style='line-height:2'>{article}</div></div></div></div>"
        "<div class='footer'>主办：示例市人民政府办公室 网站标识码：1234</div></body></html>"
    )
    loaded = load_located(page.encode("gb18030"), "年报.htm")
    assert _numbers(loaded.data) == _numbers(
        load_located(ReportTemplate().render(build_context(report)), "r.docx").data
    )
    (warning,) = loaded.warnings
    assert f"「{TYPO}」" in warning.message
    assert "主办" not in repr(loaded.data)


def test_a_doc_file_is_converted_and_read(material: Path) -> None:
    word = _read(material / "other-2019.docx")
    old = _read(material / "other-2019.doc")
    assert _numbers(old.data) == _numbers(word.data)
    assert [w.message for w in old.warnings] == [w.message for w in word.warnings]


# -- what is refused -----------------------------------------------------------------------
def test_a_table_drawn_as_text_boxes_is_refused(material: Path, tmp_path: Path) -> None:
    doc = Document(str(material / "base.docx"))
    table = _t3(doc)._tbl
    w = table.nsmap["w"]
    box = etree.fromstring(
        f'<w:p xmlns:w="{w}" xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:pict><v:shape>'
        f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{L.T3_NEW}</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
    )
    table.addnext(box)
    table.getparent().remove(table)
    doc.save(str(tmp_path / "boxes.docx"))
    with pytest.raises(
        InputError, match=r"boxes\.docx：表三（收到和处理政府信息公开申请情况）是用文本框拼成的"
    ):
        _read(tmp_path / "boxes.docx")


def test_a_pdf_imported_into_libreoffice_and_saved_as_docx_is_refused(
    material: Path, tmp_path: Path
) -> None:
    """LibreOffice's PDF import draws every line as a text box: refused, not misread."""
    shutil.copy(material / "base.pdf", tmp_path / "imported.pdf")
    _soffice(tmp_path, "docx", ["imported.pdf"], "--infilter=writer_pdf_import")
    with pytest.raises(InputError) as caught:
        _read(tmp_path / "imported.docx")
    assert str(caught.value) == (
        f"{tmp_path / 'imported.docx'}：表二（主动公开政府信息情况）是用文本框拼成的，不是表格"
        "（常见于用 LibreOffice 或转换工具从 PDF 转成的文档），无法可靠读取；请改为读取原来的 PDF 或 Word 文件"
    )


def _pdf(body: bytes) -> bytes:
    """A one-page PDF whose page draws ``body`` (no text: a scan's page is an image)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>stream\n%s\nendstream" % (len(body), body),
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_a_scan_without_text_is_refused_clearly() -> None:
    with pytest.raises(InputError) as caught:
        load_located(_pdf(b"0 0 m 100 100 l S"), "扫描件.pdf")
    assert str(caught.value) == (
        "扫描件.pdf：PDF 中没有可读取的文字（可能是扫描件或图片）；gidoc 不做文字识别（OCR），"
        "请使用可以复制文字的 PDF，或原始的 Word/WPS 文件"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 not a pdf", "x.pdf：不是 PDF 文件（文件开头没有 %PDF- 标记）"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 50, "x.pdf：不是可以读取的 PDF 文件"),
    ],
)
def test_a_file_that_is_not_a_readable_pdf(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_located(data, "x.pdf")
    assert str(caught.value).startswith(message)


def test_a_pdf_with_an_open_password_is_refused(material: Path, tmp_path: Path) -> None:
    target = (
        'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"secret"}}'
    )
    shutil.copy(material / "base.docx", tmp_path / "locked.docx")
    _soffice(tmp_path, target, ["locked.docx"])
    with pytest.raises(InputError, match=r"locked\.pdf：PDF 设有打开密码，无法读取"):
        _read(tmp_path / "locked.pdf")


def test_reading_leaves_no_temporary_files_and_stays_quiet(
    material: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    _read(material / "base.pdf")
    assert time.monotonic() - started < 5
    captured = capfd.readouterr()
    assert captured.out == captured.err == ""


def test_extract_writes_the_published_numbers(material: Path, tmp_path: Path) -> None:
    out = tmp_path / "data.json"
    result = CliRunner().invoke(cli, ["extract", str(material / "typo.pdf"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = load(out)
    base = _read(material / "base.docx").data
    assert paths.get(data, "applications.results.withheld.prohibited_by_law") == paths.get(
        base, "applications.results.withheld.prohibited_by_law"
    )
    assert TYPO in result.output
