"""The review workbook (a golden copy, read back with openpyxl) and the review page in a browser."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from conftest import GOLDEN, ROOT
from conftest import unit_report as unit
from gidoc.format import labels as L
from gidoc.review import Review, ReviewItem, review_data, write_review

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
GOLDEN_WORKBOOK = GOLDEN / "review-workbook.txt"


def the_review() -> Review:
    """A batch with something of every kind: errors, warnings, unreadable, missing, unexpected."""
    last = unit("甲局", 2024)
    last["active_disclosure"] = {"administrative_licensing": 12}
    this = unit("甲局")
    this["active_disclosure"] = {
        "administrative_licensing": 100,
        "administrative_fees": 1.25,
    }
    this["improvements"] = last["improvements"]
    copied = unit("乙局")
    copied["problems"] = this["problems"]
    empty = unit("丙局")
    empty["other_matters"] = "无"
    batch = [
        ReviewItem("各单位/甲局.json", this),
        ReviewItem("各单位/乙局.docx", copied),
        ReviewItem("各单位/丙局.xlsx", empty, locations={"other_matters": "文字!B12"}),
        ReviewItem("各单位/丁局.html", None, ["各单位/丁局.html：文件不存在"]),
    ]
    previous = [ReviewItem("2024/甲局.json", last)]
    return review_data(batch, previous=previous, roster=["甲局", "丙局", "戊局"])


def dump(path: Path) -> str:
    """Every sheet as text: its filter and frozen panes, then each row, cells joined by " | "."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    lines = []
    for sheet in workbook.worksheets:
        lines.append(f"# {sheet.title} filter={sheet.auto_filter.ref} freeze={sheet.freeze_panes}")
        for row in sheet.iter_rows():
            values = ["" if c.value is None else str(c.value) for c in row]
            lines.append(" | ".join(values).rstrip())
    return "\n".join(lines) + "\n"


def test_golden_workbook(tmp_path: Path, update_golden: bool) -> None:
    path = write_review(the_review(), tmp_path / "审核结果.xlsx")
    text = dump(path)
    if update_golden:
        GOLDEN_WORKBOOK.write_text(text, "utf-8")
    assert text == GOLDEN_WORKBOOK.read_text("utf-8")


def test_workbook_marks_status_and_keeps_the_fee(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_review(the_review(), tmp_path / "审核结果.xlsx")
    sheet = load_workbook(path)["汇总"]
    header = [c.value for c in sheet[1]]
    status, fee = header.index("状态") + 1, header.index("收费（万元）") + 1
    fills = {
        sheet.cell(r, status).value: sheet.cell(r, status).fill.fgColor.rgb for r in range(2, 7)
    }
    assert fills == {
        "有警告": "00FFEB9C",
        "有错误": "00FFC7CE",
        "无法读取": "00FFC7CE",
        "未报送": "00D9D9D9",
    }
    assert sheet.cell(2, fee).value == 1.25
    problems = load_workbook(path)["问题"]
    places = [problems.cell(r, 5).value for r in range(2, problems.max_row + 1)]
    assert f"文字!B12 {L.SECTION_6}" in places  # the cell in the Excel form, then the field


def test_page_has_the_same_rows(tmp_path: Path) -> None:
    review = the_review()
    path = write_review(review, tmp_path / "审核结果.html")
    page = lxml_html.document_fromstring(path.read_text("utf-8"))
    assert page.get("lang") == "zh-CN"
    assert page.xpath("//script | //link | //img | //iframe") == []
    summary, problems = page.findall(".//table")
    rows = [[td.text_content() for td in tr.findall("td")] for tr in summary.find("tbody")]
    assert [row[3] for row in rows] == ["有警告", "有警告", "有错误", "无法读取", "未报送"]
    assert rows[4][1] == "戊局"
    assert rows[0][11] == "1.25"
    problem_count = sum(len(r.findings) for r in review.reports)
    assert len(problems.find("tbody")) == problem_count
    link = summary.find(".//a").get("href")
    assert page.get_element_by_id(link[1:]).findall("td")[0].text_content() == "各单位/甲局.json"


def test_page_escapes_what_a_report_says(tmp_path: Path) -> None:
    data = unit("<b>甲局</b>")
    data["other_matters"] = ""
    review = review_data([ReviewItem("<x>.json", data)])
    text = write_review(review, tmp_path / "r.html").read_text("utf-8")
    assert "<b>甲局" not in text
    assert "&lt;b&gt;甲局&lt;/b&gt;" in text


CHROMIUM = shutil.which("chromium")
browser_only = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (scripts/setup-debian.sh --test installs it)",
)


@browser_only
def test_page_in_the_browser_has_no_wcag_violation(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    path = write_review(the_review(), tmp_path / "审核结果.html")
    assert CHROMIUM is not None
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.as_uri())
        page.add_script_tag(path=str(AXE))
        result: Any = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        violations = [
            (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
        ]
        assert violations == []
        assert page.locator("h1").inner_text() == f"{L.TITLE_SUFFIX}审核结果"
        # The file name links to the report's problems.
        page.get_by_role("link", name="各单位/甲局.json").click()
        assert page.evaluate("location.hash") == "#r0"
        browser.close()
