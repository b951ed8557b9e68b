"""The rendered .docx, read back: tables with their merges and numbers, styles, page setup.

Golden files in tests/golden hold a text dump of each rendered sample
(paragraphs with styles, tables with spans); ``pytest --update-golden``
rewrites them after a deliberate change, to be reviewed as a diff.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from conftest import GOLDEN, ROOT, SAMPLES
from docxdump import dump, dump_document, find, logical_cells, right_of
from gidoc import ReportTemplate, build_context, load, render_files, validate
from gidoc.format import labels as L
from gidoc.output.docx import document_texts

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".json", ".yaml"))
CHECK_LAYOUT = ROOT.parent / "shared" / "tools" / "check_layout.py"
T3_COLUMNS = [*L.APPLICANT_COLUMNS, "total"]


def render(data: dict[str, Any]) -> Any:
    """Render data with the default template and open the result with python-docx."""
    docx = ReportTemplate().render(build_context(validate(data)))
    return Document(io.BytesIO(docx))


@pytest.fixture(scope="module", params=SAMPLE_FILES, ids=lambda p: p.name)
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    source: Path = request.param
    out = tmp_path_factory.mktemp("out") / (source.stem + ".docx")
    render_files([source], out)
    return source, load(source), out


def tables(out: Path) -> list:
    return Document(str(out)).tables


# -- golden dumps -------------------------------------------------------------------
def test_golden_dump(rendered: tuple, update_golden: bool) -> None:
    source, _, out = rendered
    actual = dump(out)
    golden = GOLDEN / f"{source.stem}.txt"
    if update_golden or not golden.exists():
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        if not update_golden:
            pytest.fail(f"golden file {golden.name} was missing and has been written; review it")
        return
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), "expected", "actual"
            )
        )
        pytest.fail(f"rendered {source.name} differs from {golden.name}:\n{diff}")


# -- the official tables ------------------------------------------------------------
def test_three_tables_in_order(rendered: tuple) -> None:
    _, _, out = rendered
    t2, t3, t4 = tables(out)
    assert len(t2._tbl.tblGrid.gridCol_lst) == 4
    assert len(t3._tbl.tblGrid.gridCol_lst) == 10
    assert len(t4._tbl.tblGrid.gridCol_lst) == 15


def test_table_2_merges_and_numbers(rendered: tuple) -> None:
    _, data, out = rendered
    cells = logical_cells(tables(out)[0])
    ad = data.get("active_disclosure", {})
    for group in (L.T2_GROUP_1, L.T2_GROUP_5, L.T2_GROUP_6, L.T2_GROUP_8):
        cell = find(cells, group)
        assert (cell.cols, cell.col) == (4, 0)
    headers = [c.text for c in cells if c.row == 1]
    assert headers == [L.T2_ITEM, L.T2_ISSUED, L.T2_REPEALED, L.T2_IN_FORCE]
    assert sum(c.text == L.T2_DECISIONS and c.cols == 3 for c in cells) == 2
    assert find(cells, L.T2_FEES_AMOUNT).cols == 3
    for key, label in (("rules", L.T2_RULES), ("normative_documents", L.T2_NORMATIVE)):
        row = ad.get(key, {})
        want = [str(row.get(k, 0)) for k in L.DOCUMENT_COLUMNS]
        assert right_of(cells, find(cells, label), 3) == want, label
    for key, label in (
        ("administrative_licensing", L.T2_LICENSING),
        ("administrative_penalty", L.T2_PENALTY),
        ("administrative_coercion", L.T2_COERCION),
        ("administrative_fees", L.T2_FEES),
    ):
        value = find(cells, label)
        (number,) = right_of(cells, value, 1)
        assert number == str(ad.get(key, 0)), label
        assert [c.cols for c in cells if c.row == value.row] == [1, 3]


def _t3_rows(data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(label, the seven numbers as text) for each table 三 row, computed independently."""
    apps = data.get("applications", {})
    results = apps.get("results", {})

    def row(counts: dict[str, int]) -> list[str]:
        six = [int(counts.get(k, 0)) for k in L.APPLICANT_COLUMNS]
        return [str(v) for v in [*six, sum(six)]]

    rows = [(L.T3_NEW, row(apps.get("new_received", {})))]
    rows.append((L.T3_CARRIED_OVER, row(apps.get("carried_over", {}))))
    result_rows = [(L.T3_GRANTED, results.get("granted", {}))]
    result_rows.append((L.T3_PARTIAL, results.get("partially_granted", {})))
    for group, (_, items) in L.RESULT_GROUPS.items():
        for key, label in items.items():
            result_rows.append((label, results.get(group, {}).get(key, {})))
    total = [0] * 7
    for label, counts in result_rows:
        values = row(counts)
        rows.append((label, values))
        total = [a + int(b) for a, b in zip(total, values, strict=False)]
    rows.append((L.T3_RESULTS_TOTAL, [str(v) for v in total]))
    rows.append((L.T3_CARRIED_FORWARD, row(apps.get("carried_forward", {}))))
    return rows


def test_table_3_header_merges(rendered: tuple) -> None:
    _, _, out = rendered
    cells = logical_cells(tables(out)[1])
    note = cells[0]
    assert (note.text, note.row, note.col, note.rows, note.cols) == (L.T3_NOTE, 0, 0, 3, 3)
    assert (find(cells, L.T3_APPLICANTS).cols, find(cells, L.T3_APPLICANTS).col) == (7, 3)
    natural = find(cells, "自然人")
    assert (natural.rows, natural.cols, natural.col) == (2, 1, 3)
    legal = find(cells, L.T3_LEGAL_PERSONS)
    assert (legal.row, legal.col, legal.cols) == (1, 4, 5)
    total = find(cells, L.TOTAL)
    assert (total.row, total.col, total.rows) == (1, 9, 2)
    assert [c.text for c in cells if c.row == 2] == [
        L.APPLICANT_COLUMNS[k] for k in L.LEGAL_PERSON_KEYS
    ]


def test_table_3_stub_merges(rendered: tuple) -> None:
    _, _, out = rendered
    cells = logical_cells(tables(out)[1])
    for label in (L.T3_NEW, L.T3_CARRIED_OVER, L.T3_CARRIED_FORWARD):
        cell = find(cells, label)
        assert (cell.col, cell.cols, cell.rows) == (0, 3, 1), label
    results = find(cells, L.T3_RESULTS)
    assert (results.row, results.col, results.rows, results.cols) == (5, 0, 22, 1)
    for label in (L.T3_GRANTED, L.T3_PARTIAL, L.T3_RESULTS_TOTAL):
        cell = find(cells, label)
        assert (cell.col, cell.cols, cell.rows) == (1, 2, 1), label
    assert find(cells, L.T3_RESULTS_TOTAL).row == results.row + results.rows - 1
    row = 7
    for name, items in L.RESULT_GROUPS.values():
        group = find(cells, name)
        assert (group.row, group.col, group.rows) == (row, 1, len(items)), name
        for offset, label in enumerate(items.values()):
            item = find(cells, label)
            assert (item.row, item.col, item.cols) == (row + offset, 2, 1), label
        row += len(items)
    assert len({c.row for c in cells}) == 28  # 3 header rows + 25, no subtotal rows


def test_table_3_numbers_in_their_cells(rendered: tuple) -> None:
    _, data, out = rendered
    cells = logical_cells(tables(out)[1])
    for label, want in _t3_rows(data):
        assert right_of(cells, find(cells, label), 7) == want, label


def test_table_4_merges_and_numbers(rendered: tuple) -> None:
    _, data, out = rendered
    cells = logical_cells(tables(out)[2])
    assert [(c.text, c.cols) for c in cells if c.row == 0] == [
        (L.T4_RECONSIDERATION, 5),
        (L.T4_LITIGATION, 10),
    ]
    headers = [*L.CASE_COLUMNS.values(), L.TOTAL]
    row1 = [c for c in cells if c.row == 1]
    assert [(c.text, c.rows) for c in row1[:5]] == [(h, 2) for h in headers]
    assert [(c.text, c.cols) for c in row1[5:]] == [(L.T4_DIRECT, 5), (L.T4_AFTER, 5)]
    assert [c.text for c in cells if c.row == 2] == headers * 2
    rl = data.get("review_and_litigation", {})
    want = []
    for group in L.CASE_GROUPS:
        values = [int(rl.get(group, {}).get(k, 0)) for k in L.CASE_COLUMNS]
        want += [str(v) for v in [*values, sum(values)]]
    assert [c.text for c in cells if c.row == 3] == want


def test_tables_fit_the_text_width_and_are_ruled(rendered: tuple) -> None:
    _, _, out = rendered
    for table in tables(out):
        widths = [col.w for col in table._tbl.tblGrid.gridCol_lst]
        assert all(w > 0 for w in widths)
        assert sum(w.twips for w in widths) <= Mm(156).twips
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        sides = {child.tag.split("}")[1]: child.get(qn("w:val")) for child in borders}
        assert sides == dict.fromkeys(
            ("top", "left", "bottom", "right", "insideH", "insideV"), "single"
        )
        assert table._tbl.tblPr.find(qn("w:jc")).get(qn("w:val")) == "center"
        for tr in table._tbl.tr_lst:
            assert tr.trPr.find(qn("w:cantSplit")) is not None


def test_table_headers_repeat(rendered: tuple) -> None:
    _, _, out = rendered
    _, t3, t4 = tables(out)
    for table in (t3, t4):
        flags = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in table._tbl.tr_lst]
        assert flags[:3] == [True] * 3
        assert not any(flags[3:])


# -- text and typesetting -------------------------------------------------------------
def _body(out: Path) -> list:
    return list(Document(str(out)).paragraphs)


def test_heading_order(rendered: tuple) -> None:
    _, data, out = rendered
    paragraphs = _body(out)
    assert [p.text for p in paragraphs if p.style.name == "Heading 1"] == list(L.SECTIONS)
    sections = data["overview"].get("sections", [])
    expected_2 = [
        f"{L.sub_heading_number(i)}{s['heading']}" for i, s in enumerate(sections, start=1)
    ]
    assert [p.text for p in paragraphs if p.style.name == "Heading 2"] == [
        *expected_2,
        L.PROBLEMS,
        L.IMPROVEMENTS,
    ]
    assert paragraphs[0].style.name == "Title"
    title = data.get("title") or f"{data['agency']}{data['year']}年政府信息公开工作年度报告"
    assert paragraphs[0].text == title


def test_texts_are_body_paragraphs(rendered: tuple) -> None:
    _, data, out = rendered
    body = [p.text for p in _body(out) if p.style.name == "Normal"]
    for key in ("problems", "improvements", "other_matters"):
        for line in data[key].splitlines():
            if line.strip():
                assert line.strip() in body, key


def test_no_template_tags_left(rendered: tuple) -> None:
    _, _, out = rendered
    for text in document_texts(out.read_bytes()):
        assert "{{" not in text
        assert "{%" not in text


def test_styles_and_east_asian_fonts(rendered: tuple) -> None:
    _, _, out = rendered
    styles = Document(str(out)).styles

    def east_asia(name: str) -> str:
        fonts = styles[name].element.rPr.find(qn("w:rFonts"))
        return fonts.get(qn("w:eastAsia"))

    expected = {
        "Title": ("方正小标宋简体", 22),
        "Normal": ("仿宋_GB2312", 16),
        "Heading 1": ("黑体", 16),
        "Heading 2": ("楷体_GB2312", 16),
        "表格文字": ("宋体", 10),
        "表格文字小": ("宋体", 9),
        "表格注释": ("楷体_GB2312", 9),
        "Footer": ("宋体", 14),
    }
    for name, (font, size) in expected.items():
        assert east_asia(name) == font, name
        assert styles[name].font.size == Pt(size), name
        assert not styles[name].font.bold, name
    assert styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    normal = styles["Normal"].paragraph_format
    assert normal.first_line_indent == Pt(32)
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert Pt(28) <= normal.line_spacing <= Pt(29)


def test_table_text_styles(rendered: tuple) -> None:
    _, _, out = rendered
    t2, t3, t4 = tables(out)

    def styles_in(table: Any) -> set[str]:
        return {style for cell in logical_cells(table) for style in _styles(cell.tc)}

    assert styles_in(t2) == {"表格文字"}
    assert styles_in(t3) == {"表格文字小", "表格注释"}
    assert styles_in(t4) == {"表格文字小"}
    note = logical_cells(t3)[0]
    assert _styles(note.tc) == ["表格注释"]


def _styles(tc: Any) -> list[str]:
    """The paragraph style ids of a cell (the ids equal the names for these styles)."""
    return [p.pPr.pStyle.val for p in tc.iter(qn("w:p"))]


def test_page_setup_and_page_numbers(rendered: tuple) -> None:
    _, _, out = rendered
    doc = Document(str(out))
    (section,) = doc.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.left_margin, section.right_margin, section.bottom_margin)
    assert [round(m.mm, 1) for m in margins] == [37, 28, 26, 35]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        (paragraph,) = footer.paragraphs
        xml = paragraph._p.xml
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert paragraph.text.startswith("— ")
        assert paragraph.text.endswith(" —")
        own = paragraph.alignment
        assert (own if own is not None else paragraph.style.paragraph_format.alignment) == align
        assert 'w:fldCharType="begin"' in xml


def test_signature(rendered: tuple) -> None:
    _, data, out = rendered
    paragraphs = _body(out)
    signature = [p for p in paragraphs if p.style.name in ("落款", "成文日期")]
    if "issuer" not in data and "date" not in data:
        assert signature == []
        return
    issuer = data.get("issuer", data["agency"])
    assert signature[0].text == issuer
    assert paragraphs[-len(signature)].text == issuer  # the 落款 ends the report
    if "date" in data:
        d = data["date"]
        d = d if not isinstance(d, str) else __import__("datetime").date.fromisoformat(d)
        assert signature[1].text == f"{d.year}年{d.month}月{d.day}日"
    for p in signature:
        assert p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT


# -- the independent checker ----------------------------------------------------------
@pytest.mark.skipif(not CHECK_LAYOUT.exists(), reason="../shared/tools/check_layout.py not present")
def test_check_layout_finds_no_problem(rendered: tuple, tmp_path: Path) -> None:
    source, data, out = rendered
    as_json = tmp_path / (source.stem + ".json")
    as_json.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(CHECK_LAYOUT), str(out), str(as_json)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 layout problems" in result.stdout


# -- escaping, long texts, many paragraphs --------------------------------------------
def minimal(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agency": "测试局",
        "year": 2025,
        "overview": {"summary": "综述。"},
        "problems": "问题。",
        "improvements": "改进。",
        "other_matters": "未收取信息处理费。",
    }
    data.update(changes)
    return data


def test_markup_characters_render_as_written() -> None:
    text = 'Smith & Co <b>粗体</b> "引号" ‘单引’ 5 > 3 {{ not_a_tag }} {% raw %}'
    doc = render(minimal(agency="A&B<局>", problems=text))
    texts = [p.text for p in doc.paragraphs]
    assert text in texts
    assert texts[0] == "A&B<局>2025年政府信息公开工作年度报告"
    # nothing after the escaped text was lost: the tables and the last section are there
    assert len(doc.tables) == 3
    assert L.SECTION_6 in texts


def test_many_and_long_paragraphs() -> None:
    paragraphs = [f"第{i}段：" + "很长的文字" * 60 for i in range(300)]
    doc = render(minimal(other_matters="\n\n".join(paragraphs)))
    body = [p.text for p in doc.paragraphs if p.style.name == "Normal"]
    for paragraph in paragraphs:
        assert paragraph in body
    start = body.index(paragraphs[0])
    assert body[start : start + 300] == paragraphs


def test_text_lines_become_paragraphs_without_breaks() -> None:
    doc = render(minimal(problems="　　第一段。\n第二段。\r\n\n  第三段。  "))
    texts = [p.text for p in doc.paragraphs]
    i = texts.index("第一段。")
    assert texts[i : i + 3] == ["第一段。", "第二段。", "第三段。"]
    assert not any(p._p.xpath(".//w:br") for p in doc.paragraphs[i : i + 3])


def test_fee_rendered_exactly_as_written() -> None:
    for fee in ("0", "1.25", "96171.6", "24252.311082", "1.50", "100"):
        data = minimal(active_disclosure={"administrative_fees": Decimal(fee)})
        cells = logical_cells(render(data).tables[0])
        assert right_of(cells, find(cells, L.T2_FEES), 1) == [fee]
    cells = logical_cells(
        render(minimal(active_disclosure={"administrative_fees": Decimal("1E+2")})).tables[0]
    )
    assert right_of(cells, find(cells, L.T2_FEES), 1) == ["100"]


def test_numbering_of_overview_sections() -> None:
    sections = [{"heading": f"第{i}项", "body": "正文"} for i in range(1, 13)]
    doc = render(minimal(overview={"summary": "", "sections": sections}))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert headings[:12] == [
        f"（{n}）第{i}项"
        for i, n in enumerate(
            ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"], start=1
        )
    ]


# -- the template file matches the script that builds it ------------------------------
def test_committed_template_matches_its_builder(tmp_path: Path) -> None:
    builder = ROOT / "templates" / "build_template.py"
    built = tmp_path / "report.docx"
    subprocess.run([sys.executable, str(builder), str(built)], check=True, capture_output=True)
    committed = ROOT / "templates" / "report.docx"
    assert dump(built) == dump(committed)
    assert dump_document(Document(str(built))).count("{{") > 200


def test_bytecode_cache_hit_renders_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2

    import gidoc.output.docx

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setattr(
        gidoc.output.docx, "_bytecode_cache", lambda: jinja2.FileSystemBytecodeCache(str(cache))
    )
    context = build_context(validate(load(SAMPLES / "muye-2025.json")))
    cold = ReportTemplate().render(context)
    assert list(cache.iterdir()), "the first render should fill the cache"
    warm_template = ReportTemplate()
    warm = warm_template.render(context)
    assert warm_template._docxtpl_instance is None, "a cache hit needs no docxtpl preparation"
    assert list(document_texts(cold)) == list(document_texts(warm))


def _edited_template(tmp_path: Path, text: str) -> Path:
    """The default template with its title paragraph replaced by ``text``."""
    doc = Document(str(ROOT / "templates" / "report.docx"))
    doc.paragraphs[0].runs[0].text = text
    path = tmp_path / "edited.docx"
    doc.save(str(path))
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ title ", "第 1 段「{{ title 」中的 {{ 与 }} 不成对"),
        ("{{ titel }}", "使用了数据中没有的变量 titel（gidoc template vars 列出全部变量）"),
        ("{{ ''.__class__.__mro__ }}", "试图访问程序内部的属性，已拒绝"),
        ("{% if %}", "有语法错误"),
    ],
)
def test_broken_or_hostile_template_is_refused(tmp_path: Path, text: str, message: str) -> None:
    from gidoc.errors import TemplateError

    template = ReportTemplate(_edited_template(tmp_path, text))
    with pytest.raises(TemplateError, match=re.escape(message)):
        template.render(build_context(validate(minimal())))


def test_text_that_looks_like_docxtpl_escapes_is_printed_as_written() -> None:
    """Hypothesis found "%_}" printed as "%}": docxtpl's unescaping reached the data."""
    from gidoc.sources.docx import read_report

    data = load(SAMPLES / "muye-2025.json")
    data["other_matters"] = "%_} {_{ }_} {_% and {{ x }} %}"
    document = ReportTemplate().render(build_context(validate(data)))
    assert read_report(document, "x.docx").data["other_matters"] == data["other_matters"]
