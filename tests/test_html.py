"""The web page of the report: its structure read back, then the page as Chromium shows it.

The structural tests read the HTML with lxml: the official merges cell for
cell, every number under its headers, nothing loaded from outside.  The
browser tests drive Debian's chromium with playwright (no browser download)
and run axe-core inside the page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from conftest import ROOT, SAMPLES
from gidoc import build_context, load, render_files, validate
from gidoc.errors import TemplateError
from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.output.html import HtmlTemplate

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in a fresh folder, as an office works in its own folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _context(name: str = "fingerprint-2025.yaml") -> dict[str, Any]:
    return build_context(validate(load(SAMPLES / name)))


def _grid(table: Any) -> dict[tuple[int, int], Any]:
    """A table's cells by grid position, rowspan/colspan resolved as a browser lays them out."""
    taken: dict[tuple[int, int], Any] = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rows, cols = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            for dr in range(rows):
                for dc in range(cols):
                    taken[(r + dr, c + dc)] = cell
            c += cols
    return taken


@pytest.fixture(scope="module")
def page() -> Any:
    return lxml_html.document_fromstring(HtmlTemplate().render(_context()))


def test_page_outline(page: Any) -> None:
    context = _context()
    assert page.get("lang") == "zh-CN"
    assert page.findtext(".//title") == context["title"]
    assert [h.text_content() for h in page.iter("h1")] == [context["title"]]
    assert [h.text_content() for h in page.iter("h2")] == list(L.SECTIONS)
    h3 = [h.text_content() for h in page.iter("h3")]
    numbered = [s["number"] + s["heading"] for s in context["overview"]["sections"]]
    assert h3 == [*numbered, L.PROBLEMS, L.IMPROVEMENTS]
    assert page.find(".//main") is not None
    signature = page.find_class("signature")[0].text_content()
    assert signature == context["signature"]["issuer"]


def test_page_loads_nothing_from_outside(page: Any) -> None:
    assert not page.xpath("//script | //link | //img | //iframe | //object | //embed")
    assert not page.xpath("//@src | //@href")
    assert "url(" not in "".join(page.xpath("//style/text()"))


@pytest.mark.parametrize("official", T.TABLES, ids=lambda t: t.name)
def test_tables_have_the_official_merges_and_numbers(page: Any, official: T.OfficialTable) -> None:
    context = _context()
    number = T.TABLES.index(official) + 2
    table = page.get_element_by_id(f"t{number}")
    assert table.find("caption").text_content().startswith(official.name)
    grid = _grid(table)
    assert max(r for r, _ in grid) + 1 == official.height
    assert max(c for _, c in grid) + 1 == official.width
    for cell in official.cells:
        got = grid[(cell.row, cell.col)]
        assert (int(got.get("rowspan", 1)), int(got.get("colspan", 1))) == (cell.rows, cell.cols)
        if cell.is_value:
            assert got.tag == "td"
            assert got.text_content() == paths.get(context, cell.path), cell.path
        else:
            assert got.text_content() == cell.text


def test_header_rows_are_in_thead(page: Any) -> None:
    for official, number in zip(T.TABLES, (2, 3, 4), strict=True):
        table = page.get_element_by_id(f"t{number}")
        head = table.find("thead")
        rows = 0 if head is None else len(head.findall("tr"))
        assert rows == official.header_rows


def _announced(page: Any, td: Any) -> str:
    return "，".join(page.get_element_by_id(i).text_content() for i in td.get("headers").split())


def test_every_number_is_announced_with_its_row_and_column(page: Any) -> None:
    t3 = page.get_element_by_id("t3")
    grid = _grid(t3)
    first = grid[(3, 3)]
    assert _announced(page, first) == f"{L.T3_NEW}，{L.T3_APPLICANTS}，自然人"
    secret = grid[(7, 5)]
    withheld, items = L.RESULT_GROUPS["withheld"]
    assert _announced(page, secret) == (
        f"{L.T3_RESULTS}，{withheld}，{items['state_secret']}，"
        f"{L.T3_APPLICANTS}，{L.T3_LEGAL_PERSONS}，{L.APPLICANT_COLUMNS['research_institution']}"
    )
    t4 = _grid(page.get_element_by_id("t4"))
    assert _announced(page, t4[(3, 11)]) == f"{L.T4_LITIGATION}，{L.T4_AFTER}，结果纠正"
    t2 = _grid(page.get_element_by_id("t2"))
    assert _announced(page, t2[(13, 1)]) == f"{L.T2_FEES}，{L.T2_GROUP_8}，{L.T2_FEES_AMOUNT}"
    for td in page.iter("td"):
        if td.get("class") != "note":
            assert td.get("headers"), td.text_content()


def test_fragment_is_content_only_with_inline_styles() -> None:
    text = HtmlTemplate().render(_context(), fragment=True)
    assert not text.lstrip().startswith("<!DOCTYPE")
    root = lxml_html.fragment_fromstring(text)
    assert root.tag == "article"
    assert not root.xpath("//style | //script | //main")
    assert "text-align: center" in root.xpath("//h1/@style")[0]
    assert all("border: 1px solid #000" in td.get("style") for td in root.iter("td"))


def test_render_writes_the_page_by_extension(sample_json: Path) -> None:
    target = sample_json.with_name("报告.html")
    [rendered] = render_files([sample_json], target)
    assert rendered.outputs == [target]
    assert not sample_json.with_suffix(".docx").exists()
    assert "<!DOCTYPE html>" in target.read_text(encoding="utf-8")


def test_render_html_beside_the_docx(sample_json: Path) -> None:
    [rendered] = render_files([sample_json], html=True)
    assert rendered.outputs == [sample_json.with_suffix(".docx"), sample_json.with_suffix(".html")]


def test_an_office_page_template_is_used_and_sandboxed(sample_json: Path) -> None:
    own = sample_json.with_name("本单位.html")
    own.write_text("<p>{{ agency }}</p>{{ tables[1].caption }}", encoding="utf-8")
    [rendered] = render_files([sample_json], sample_json.with_name("x.html"), template=own)
    assert rendered.html is not None
    assert rendered.html.read_text(encoding="utf-8").startswith("<p>牧野区工业和信息化局</p>表三")
    own.write_text("{{ agency.__class__ }}", encoding="utf-8")
    with pytest.raises(TemplateError, match="内部"):
        render_files([sample_json], sample_json.with_name("y.html"), template=own)
    own.write_text("{% for x in %}", encoding="utf-8")
    with pytest.raises(TemplateError, match="第 1 行有语法错误"):
        render_files([sample_json], sample_json.with_name("z.html"), template=own)
    assert not sample_json.with_name("y.html").exists()


def test_texts_are_escaped() -> None:
    context = _context()
    context["overview"]["summary"] = ['<script>alert(1)</script>"><img src=x onerror=alert(2)>']
    text = HtmlTemplate().render(context)
    assert "<script>" not in text
    assert "<img" not in text
    assert "&lt;script&gt;" in text


# -- in a real browser ----------------------------------------------------------------
CHROMIUM = shutil.which("chromium")
browser_only = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (scripts/setup-debian.sh --test installs it)",
)


@pytest.fixture(scope="module")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None, "chromium must be installed for the browser tests"
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("page")
    target = folder / "muye.html"
    render_files([SAMPLES / "muye-2025.json"], target)
    return target


@browser_only
def test_axe_finds_no_wcag_violation(browser: Any, page_file: Path) -> None:
    page = browser.new_page()
    page.goto(page_file.as_uri())
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []
    assert len(result["passes"]) > 20
    page.close()


@browser_only
def test_cells_sit_under_their_headers_in_the_browser(browser: Any, page_file: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(page_file.as_uri())
    boxes = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#t3 th[id], #t3 td')]
            .map((c, i) => [c.id || 'td' + i, c.getBoundingClientRect().toJSON()]))"""
    )
    headers = page.evaluate(
        "() => [...document.querySelectorAll('#t3 td[headers]')]"
        ".map(td => [td.getBoundingClientRect().toJSON(), td.getAttribute('headers').split(' ')])"
    )
    assert len(headers) == sum(1 for _ in T.TABLE_3.value_cells())
    for box, ids in headers:
        centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for header_id in ids:
            h = boxes[header_id]
            inside_columns = h["x"] <= centre_x <= h["x"] + h["width"]
            inside_rows = h["y"] <= centre_y <= h["y"] + h["height"]
            assert inside_columns or inside_rows, header_id
    page.close()


@browser_only
def test_narrow_screen_scrolls_the_table_not_the_page(browser: Any, page_file: Path) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(page_file.as_uri())
    sizes = page.evaluate(
        """() => { const box = document.querySelector('#t3').parentElement;
            return {page: document.documentElement.scrollWidth, view: window.innerWidth,
                    inner: box.scrollWidth, outer: box.clientWidth}; }"""
    )
    assert sizes["page"] <= sizes["view"]
    assert sizes["inner"] > sizes["outer"]
    page.close()


@browser_only
def test_print_preview_is_a4(browser: Any, page_file: Path, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(page_file.as_uri())
    pdf = tmp_path / "print.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    size = next(line for line in info.stdout.splitlines() if line.startswith("Page size"))
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split("x"))
    assert (round(width), round(height)) == (595, 842)
    pages = int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages")).split()[1]
    )
    assert pages >= 3


# -- template check of a page template ----------------------------------------------
def test_template_check_passes_the_exported_page_template(in_tmp: Path) -> None:
    from click.testing import CliRunner

    from gidoc.cli import cli

    runner = CliRunner()
    exported = runner.invoke(cli, ["template", "export", "--html"])
    assert exported.exit_code == 0, exported.output
    assert exported.output.strip() == "gidoc-template.html"
    result = runner.invoke(cli, ["template", "check", "gidoc-template.html"])
    assert result.exit_code == 0, result.output
    assert result.output == "gidoc-template.html：通过\n"


def test_template_check_names_a_number_out_of_its_cell(in_tmp: Path) -> None:
    from click.testing import CliRunner

    from gidoc.cli import cli
    from gidoc.resources import default_html_template

    broken = default_html_template().replace("{{ c.text }}", "{{ c.text[:2] }}")
    Path("t.html").write_text(broken.replace('<html lang="zh-CN">', "<html>"), "utf-8")
    result = CliRunner().invoke(cli, ["template", "check", "t.html"])
    assert result.exit_code == 1
    assert (
        "错误 表二 第 4 行第 2 列：试填后应为 108（active_disclosure.normative_documents.issued），实际为「10」"
        in result.output
    )
    assert '警告 网页：<html> 没有 lang="zh-CN"' in result.output


def test_template_check_suggests_the_name_meant(in_tmp: Path) -> None:
    from click.testing import CliRunner

    from gidoc.cli import cli

    Path("t.html").write_text("<p>{{ agencey }}</p>", "utf-8")
    result = CliRunner().invoke(cli, ["template", "check", "t.html"])
    assert result.exit_code == 1
    assert "数据中没有名为 agencey 的变量；是否应为 agency？" in result.output


# -- read back -------------------------------------------------------------------------
def _read_page(text: str, tmp_path: Path, encoding: str = "utf-8") -> Any:
    from gidoc.sources.load import load_located

    page = tmp_path / "page.html"
    page.write_bytes(text.encode(encoding))
    return load_located(page)


@pytest.mark.parametrize("sample", ["muye-2025.json", "fingerprint-2025.yaml"])
@pytest.mark.parametrize("fragment", [False, True], ids=["page", "fragment"])
def test_the_page_reads_back_to_the_data_it_came_from(
    sample: str, fragment: bool, tmp_path: Path
) -> None:
    report = validate(load(SAMPLES / sample))
    text = HtmlTemplate().render(build_context(report), fragment=fragment)
    loaded = _read_page(text, tmp_path)
    assert loaded.warnings == []
    assert build_context(validate(loaded.data)) == build_context(report)


def test_a_portal_page_in_gbk_is_read_inside_its_cms_container(tmp_path: Path) -> None:
    report = validate(load(SAMPLES / "muye-2025.json"))
    article = HtmlTemplate().render(build_context(report), fragment=True)
    portal = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>年报</title></head><body><div class='breadcrumb'>首页 &gt; 政府信息公开</div>"
        "<div class='tools'>字号：大 中 小 无障碍</div>"
        f"<div class='TRS_Editor'>{article}</div><div class='share'>分享到：</div></body></html>"
    )
    loaded = _read_page(portal, tmp_path, encoding="gb18030")
    assert build_context(validate(loaded.data)) == build_context(report)


def test_gidoc_check_and_extract_read_a_page(sample_json: Path) -> None:
    from click.testing import CliRunner

    from gidoc.cli import cli

    [rendered] = render_files([sample_json], sample_json.with_name("报告.html"))
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", str(rendered.html)])
    assert checked.exit_code == 0, checked.output
    out = sample_json.with_name("data.json")
    extracted = runner.invoke(cli, ["extract", str(rendered.html), "-o", str(out)])
    assert extracted.exit_code == 0, extracted.output
    assert build_context(validate(load(out))) == build_context(validate(load(sample_json)))


def test_a_page_without_the_tables_names_what_is_missing(tmp_path: Path) -> None:
    from gidoc.errors import InputError
    from gidoc.sources.load import load_located

    page = tmp_path / "x.html"
    page.write_text(
        f"<html><body><h1>某局2025年{L.TITLE_SUFFIX}</h1><h2>{L.SECTION_1}</h2>"
        "<p>正文</p></body></html>",
        "utf-8",
    )
    with pytest.raises(InputError, match="x.html：未找到表二"):
        load_located(page)
