"""The reviewer's pages: through the test client (who may open them, CSRF, what they show and do),
then in Chromium against a live ``gidoc serve`` (the whole review of a year, downloads read back,
axe-core).
"""

from __future__ import annotations

import copy
import io
import re
import subprocess
import zipfile
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from browser import ROOT, Live, axe, console_errors
from gidoc.format import labels as L
from gidoc.web import region
from gidoc.web.pages.review import NOTICES
from webtest import AGENCY, OTHER_AGENCY, Service, body, file_report, sample_data

THIRD = "卫滨区统计局"


@dataclass
class Office:
    """Browser-like clients (session cookie + CSRF token) of each role, and Bearer clients."""

    service: Service
    clerk: TestClient
    other: TestClient
    third: TestClient
    reviewer: TestClient
    reviewer_csrf: str
    admin: TestClient
    admin_csrf: str
    clerk_page: TestClient


@pytest.fixture
def office(service: Service) -> Office:
    """张三 (AGENCY), 李四 (OTHER_AGENCY), 孙五 (THIRD) as API clients; 王审核, 赵管理 and 张三 logged in."""
    clerk = service.client(service.add_user("张三", "clerk", AGENCY))
    other = service.client(service.add_user("李四", "clerk", OTHER_AGENCY, password=None))
    third = service.client(service.add_user("孙五", "clerk", THIRD, password=None))
    service.add_user("王审核", "reviewer")
    service.add_user("赵管理", "admin")
    reviewer, reviewer_csrf = service.browser("王审核")
    admin, admin_csrf = service.browser("赵管理")
    clerk_page, _ = service.browser("张三")
    return Office(
        service, clerk, other, third, reviewer, reviewer_csrf, admin, admin_csrf, clerk_page
    )


def text(html: str) -> str:
    """A page's visible text, tags dropped and spaces squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def rows(html: str) -> list[str]:
    """The unit names of the dashboard's rows, top to bottom."""
    table = html.split('id="units"', 1)[1].split("</table>", 1)[0]
    tbody = table.split("<tbody>", 1)[1]
    return [text(name) for name in re.findall(r'<th scope="row">(.*?)</th>', tbody, re.S)]


def submitted(client: TestClient, data: dict[str, Any] | None = None) -> int:
    """File a report and submit it; its id."""
    report_id = file_report(client, data)
    answer = client.post(f"/api/reports/{report_id}/submit", json={"version": 1})
    assert answer.status_code == 200, answer.text
    return report_id


def of(agency: str, received: int = 0) -> dict[str, Any]:
    """The sample report for another agency; ``received`` applications by 自然人, all granted."""
    data = copy.deepcopy(sample_data())
    data["agency"] = agency
    data["applications"]["new_received"]["natural_person"] = received
    data["applications"]["results"]["granted"]["natural_person"] = received
    return data


def broken(agency: str) -> dict[str, Any]:
    """A report with one error: a negative count in 新收 / 自然人."""
    data = of(agency)
    data["applications"]["new_received"]["natural_person"] = -1
    return data


def approved(office: Office, client: TestClient, data: dict[str, Any]) -> int:
    report_id = submitted(client, data)
    answer = office.reviewer.post(
        f"/review/reports/{report_id}/approve",
        data={"csrf_token": office.reviewer_csrf, "version": "1"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return report_id


def roster(office: Office, year: int, *names: str) -> None:
    for name in names:
        answer = office.admin.post(
            "/admin/units",
            data={"csrf_token": office.admin_csrf, "year": str(year), "name": name, "listed": "1"},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text


# -- who may open the pages -------------------------------------------------------------------
REVIEW_GETS = ("/review?year=2025", "/review/reports/{id}", "/review/workbook?year=2025")


@pytest.mark.parametrize("path", REVIEW_GETS)
def test_clerks_and_admins_are_refused_the_reviewers_pages(office: Office, path: str) -> None:
    report_id = file_report(office.clerk)
    for client in (office.clerk_page, office.admin):
        answer = client.get(path.format(id=report_id))
        assert answer.status_code == 403
        assert "当前账号的角色无权进行此操作" in text(answer.text)
        assert answer.headers["content-type"].startswith("text/html")


def test_a_clerk_cannot_decide_even_with_a_token(office: Office) -> None:
    report_id = submitted(office.clerk)
    answer = office.clerk.post(f"/review/reports/{report_id}/approve", data={"version": "1"})
    assert answer.status_code == 403
    assert office.clerk.get(f"/api/reports/{report_id}").json()["status"] == "submitted"


def test_without_login_the_dashboard_leads_to_the_login_page(service: Service) -> None:
    answer = service.client().get("/review?year=2025", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Freview%3Fyear%3D2025"


@pytest.mark.parametrize("action", ["approve", "return", "comment"])
def test_posts_without_the_csrf_token_are_refused(office: Office, action: str) -> None:
    report_id = submitted(office.clerk)
    form = {"version": "1", "note": "表三第一行有误", "body": "请核对"}
    answer = office.reviewer.post(f"/review/reports/{report_id}/{action}", data=form)
    assert answer.status_code == 403
    assert "CSRF" in text(answer.text)
    wrong = office.reviewer.post(
        f"/review/reports/{report_id}/{action}", data={**form, "csrf_token": "forged"}
    )
    assert wrong.status_code == 403
    assert office.clerk.get(f"/api/reports/{report_id}").json()["status"] == "submitted"
    assert office.clerk.get(f"/api/reports/{report_id}/comments").json()["comments"][1:] == []


def test_aggregate_without_the_csrf_token_files_nothing(office: Office) -> None:
    first = approved(office, office.clerk, sample_data())
    answer = office.reviewer.post(
        "/review/aggregate", data={"year": "2025", "agency": "某某区人民政府", "report": first}
    )
    assert answer.status_code == 403
    page = office.reviewer.get("/review?year=2025").text
    assert "某某区人民政府" not in rows(page)


# -- the dashboard ----------------------------------------------------------------------------
def test_dashboard_lists_every_unit_with_the_review_apis_counts(office: Office) -> None:
    roster(office, 2025, AGENCY, OTHER_AGENCY, "未报送的局")
    good = submitted(office.clerk)
    bad = file_report(office.other, broken(OTHER_AGENCY))
    page = office.reviewer.get("/review?year=2025")
    assert page.status_code == 200
    html = page.text
    assert rows(html) == [AGENCY, OTHER_AGENCY, "未报送的局"]  # submitted, draft, missing
    review = {e["id"]: e for e in office.reviewer.get("/api/review?year=2025").json()["reports"]}
    for report_id, status in ((good, "已提交"), (bad, "草稿")):
        row = re.search(
            rf'<tr class="row-\w+">(?:(?!</tr>).)*?/review/reports/{report_id}"', html, re.S
        )
        assert row is not None
        cells = text(row.group(0))
        entry = review[report_id]
        assert status in cells
        assert f" {len(entry['errors'])} {len(entry['warnings'])} " in cells
    assert "有错误" in text(html)
    assert "未报送" in text(html)


def test_filters_and_sorting_are_query_parameters(office: Office) -> None:
    submitted(office.clerk)
    file_report(office.other, broken(OTHER_AGENCY))
    file_report(office.third, of(THIRD))
    get = office.reviewer.get
    assert rows(get("/review?year=2025&status=submitted").text) == [AGENCY]
    assert rows(get("/review?year=2025&verdict=errors").text) == [OTHER_AGENCY]
    assert rows(get("/review?year=2025&q=教育").text) == [OTHER_AGENCY]
    by_name = sorted([AGENCY, OTHER_AGENCY, THIRD])
    assert rows(get("/review?year=2025&sort=agency").text) == by_name
    assert rows(get("/review?year=2025&sort=-agency").text) == by_name[::-1]
    assert rows(get("/review?year=2025&sort=-errors").text)[0] == OTHER_AGENCY
    assert rows(get("/review?year=2025&sort=nonsense&status=bogus").text)[0] == AGENCY


def test_sort_headers_are_buttons_with_aria_sort(office: Office) -> None:
    submitted(office.clerk)
    html = office.reviewer.get("/review?year=2025&sort=errors").text
    heads = re.findall(r'<th scope="col" aria-sort="(\w+)">\s*<button type="submit" '
                       r'form="filters" name="sort" value="(-?\w+)"', html)  # fmt: skip
    assert ("ascending", "-errors") in heads
    assert ("none", "agency") in heads
    assert len(heads) == 6
    html = office.reviewer.get("/review?year=2025&sort=-errors").text
    assert 'aria-sort="descending">' in html
    # The filter form keeps the sort, and a sort button's value comes after it.
    assert '<input type="hidden" name="sort" value="-errors">' in html


def test_the_dashboard_defaults_to_last_year(office: Office) -> None:
    from gidoc.web.pages.review import default_year

    html = office.reviewer.get("/review").text
    assert f"<h1>{default_year()} 年度报告审核</h1>" in html


# -- a report, read-only ------------------------------------------------------------------------
def test_a_problem_is_marked_in_its_cell_and_linked_from_the_list(office: Office) -> None:
    report_id = file_report(office.other, broken(OTHER_AGENCY))
    html = office.reviewer.get(f"/review/reports/{report_id}").text
    cell = re.search(r'<td id="(c\d+)"[^>]*class="shown has-error">-1\s*<span class="cell-problem '
                     r'error-item">错误：不能为负数，实际为 -1</span>', html)  # fmt: skip
    assert cell is not None, html
    assert f'<a href="#{cell.group(1)}">{L.SECTION_3} / {L.T3_NEW}' in html
    assert "只读" in text(html)
    assert "<input" not in html.split('class="readonly"', 1)[1].split("</section>", 1)[0]
    # Not submitted: no decision forms.
    assert 'action="/review/reports/' + str(report_id) + '/approve"' not in html


def test_a_text_problem_sits_next_to_its_text(office: Office) -> None:
    data = of(OTHER_AGENCY)
    data["problems"] = ""
    report_id = file_report(office.other, data)
    html = office.reviewer.get(f"/review/reports/{report_id}").text
    field = re.search(r'<div class="field has-problem" id="(f\d+)">\s*<h4>'
                      + re.escape(L.PROBLEMS) + r"</h4>(.*?)</div>", html, re.S)  # fmt: skip
    assert field is not None, html
    assert "错误：" in text(field.group(2))
    assert f'href="#{field.group(1)}"' in html


def test_an_unknown_report_is_a_404_page(office: Office) -> None:
    answer = office.reviewer.get("/review/reports/999")
    assert answer.status_code == 404
    assert "报告不存在" in text(answer.text)


# -- deciding -----------------------------------------------------------------------------------
def test_return_with_a_note_then_approve_after_the_fix(office: Office) -> None:
    report_id = submitted(office.clerk)
    csrf = office.reviewer_csrf
    empty = office.reviewer.post(
        f"/review/reports/{report_id}/return", data={"csrf_token": csrf, "version": "1"}
    )
    assert empty.status_code == 422
    assert "退回报告时请写明需要修改的内容" in text(empty.text)
    done = office.reviewer.post(
        f"/review/reports/{report_id}/return",
        data={"csrf_token": csrf, "version": "1", "note": "请补充<b>依申请公开</b>的说明"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/review/reports/{report_id}?done=returned"
    page = office.reviewer.get(done.headers["location"]).text
    assert "报告已退回" in text(page)
    assert "请补充&lt;b&gt;依申请公开&lt;/b&gt;的说明" in page
    notes = office.clerk.get(f"/api/reports/{report_id}/comments").json()["comments"]
    assert (notes[-1]["kind"], notes[-1]["body"]) == ("return", "请补充<b>依申请公开</b>的说明")
    # The clerk fixes (saves version 2) and submits again; the reviewer approves version 2.
    saved = office.clerk.put(
        f"/api/reports/{report_id}", content=body(sample_data()), headers={"If-Match": '"1"'}
    )
    assert saved.status_code == 200
    office.clerk.post(f"/api/reports/{report_id}/submit", json={"version": 2})
    stale = office.reviewer.post(
        f"/review/reports/{report_id}/approve", data={"csrf_token": csrf, "version": "1"}
    )
    assert stale.status_code == 409
    assert "新的版本（第 2 版）" in text(stale.text)
    office.reviewer.post(
        f"/review/reports/{report_id}/approve", data={"csrf_token": csrf, "version": "2"}
    )
    assert office.clerk.get(f"/api/reports/{report_id}").json()["status"] == "approved"


def test_a_comment_is_shown_to_both(office: Office) -> None:
    report_id = file_report(office.clerk)
    answer = office.reviewer.post(
        f"/review/reports/{report_id}/comment",
        data={"csrf_token": office.reviewer_csrf, "body": "表二的数字请再核对"},
    )
    assert answer.status_code == 200
    assert "评论已发表" in text(answer.text)
    assert "表二的数字请再核对" in text(answer.text)
    blank = office.reviewer.post(
        f"/review/reports/{report_id}/comment",
        data={"csrf_token": office.reviewer_csrf, "body": "  "},
    )
    assert blank.status_code == 422
    assert "评论内容不能为空" in text(blank.text)
    notes = office.clerk.get(f"/api/reports/{report_id}/comments").json()["comments"]
    assert [n["body"] for n in notes] == ["表二的数字请再核对"]


# -- aggregating --------------------------------------------------------------------------------
def test_two_approved_units_sum_into_a_new_report(office: Office) -> None:
    first = approved(office, office.clerk, of(AGENCY, 3))
    second = approved(office, office.other, of(OTHER_AGENCY, 4))
    answer = office.reviewer.post(
        "/review/aggregate",
        data={
            "csrf_token": office.reviewer_csrf,
            "year": "2025",
            "agency": "新乡市牧野区人民政府",
            "report": [str(first), str(second)],
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    new_id = int(answer.headers["location"].split("/")[3].split("?")[0])
    made = office.reviewer.get(f"/api/reports/{new_id}").json()
    assert (made["agency"], made["year"], made["status"]) == ("新乡市牧野区人民政府", 2025, "draft")
    assert made["data"]["applications"]["new_received"]["natural_person"] == 7
    assert {u["agency"] for u in made["data"]["aggregated_from"]} == {AGENCY, OTHER_AGENCY}
    page = office.reviewer.get(answer.headers["location"]).text
    assert "已汇总为新报告" in text(page)
    again = office.reviewer.post(
        "/review/aggregate",
        data={
            "csrf_token": office.reviewer_csrf,
            "year": "2025",
            "agency": "新乡市牧野区人民政府",
            "report": [str(first), str(second)],
        },
    )
    assert again.status_code == 409
    assert "已经存在" in text(again.text)


def test_only_approved_reports_are_summed(office: Office) -> None:
    first = approved(office, office.clerk, sample_data())
    waiting = submitted(office.other, of(OTHER_AGENCY))
    answer = office.reviewer.post(
        "/review/aggregate",
        data={
            "csrf_token": office.reviewer_csrf,
            "year": "2025",
            "agency": "某某区人民政府",
            "report": [str(first), str(waiting)],
        },
    )
    assert answer.status_code == 422
    assert f"「{OTHER_AGENCY}」2025 年的报告尚未审核通过" in text(answer.text)
    # The dashboard again, the name kept in its field.
    assert 'name="agency" value="某某区人民政府"' in answer.text
    none = office.reviewer.post(
        "/review/aggregate",
        data={"csrf_token": office.reviewer_csrf, "year": "2025", "agency": "某某区人民政府"},
    )
    assert none.status_code == 422
    assert "请至少选择一份要汇总的报告" in text(none.text)


# -- downloads ----------------------------------------------------------------------------------
def test_the_workbook_is_the_reviews(office: Office) -> None:
    roster(office, 2025, AGENCY, "未报送的局")
    submitted(office.clerk)
    file_report(office.other, broken(OTHER_AGENCY))
    answer = office.reviewer.get("/review/workbook?year=2025")
    assert answer.status_code == 200
    assert "filename*=UTF-8''2025" in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    summary = list(book["汇总"].iter_rows(min_row=2, values_only=True))
    by_unit = {row[1]: row for row in summary}
    assert by_unit[AGENCY][0] == f"{AGENCY}2025年报告"
    assert by_unit[OTHER_AGENCY][3] == "有错误"
    assert by_unit["未报送的局"][3] == "未报送"
    problems = list(book["问题"].iter_rows(min_row=2, values_only=True))
    assert any(row[1] == OTHER_AGENCY and row[5] == "不能为负数，实际为 -1" for row in problems)


def test_the_pdf_zip_names_the_reports_it_could_not_make(office: Office) -> None:
    # Only reports with errors: no LibreOffice needed, the zip lists them and why.
    file_report(office.other, broken(OTHER_AGENCY))
    answer = office.reviewer.get("/review/pdfs?year=2025")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert archive.namelist() == [region.SKIPPED_NAME]
    listed = archive.read(region.SKIPPED_NAME).decode("utf-8")
    assert f"{OTHER_AGENCY}：有 1 处错误（不能为负数，实际为 -1）" in listed
    empty = office.reviewer.get("/review/pdfs?year=2019")
    assert empty.status_code == 404
    assert "2019 年度还没有任何报告" in text(empty.text)


# -- in Chromium --------------------------------------------------------------------------------
#: The year the browser test files its reports for (the live service is shared with other tests).
LIVE_YEAR = 2010  # no other browser test files a report for this year (the server is shared)


def _live_report(live: Live, key: str, agency: str) -> int:
    data = {**of(agency, 2), "year": LIVE_YEAR}
    status, answer = live.api(key, "POST", "/api/reports", data)
    assert status == 201, answer
    report_id = int(answer["id"])
    status, answer = live.api(key, "POST", f"/api/reports/{report_id}/submit", {"version": 1})
    assert status == 200, answer
    return report_id


def _shown_rows(page: Any) -> list[str]:
    return [name.strip() for name in page.locator("#units tbody th[scope=row]").all_inner_texts()]


def test_the_reviewer_reviews_a_year_in_chromium(live: Live, open_page: Any) -> None:
    for name in (AGENCY, OTHER_AGENCY, "卫滨区统计局"):
        status, _ = live.api("admin", "POST", "/api/admin/agencies", {"name": name, "years": [LIVE_YEAR]})  # fmt: skip
        assert status == 201
    first = _live_report(live, "clerk", AGENCY)
    second = _live_report(live, "clerk2", OTHER_AGENCY)
    page = open_page("reviewer")
    page.goto(live.url(f"/review?year={LIVE_YEAR}"))
    assert page.get_by_role("heading", level=1).inner_text() == f"{LIVE_YEAR} 年度报告审核"
    assert _shown_rows(page) == [AGENCY, OTHER_AGENCY, "卫滨区统计局"]
    row = page.locator("#units tbody tr", has_text=AGENCY)
    assert "已提交审核" in row.inner_text()
    assert "有警告" in row.inner_text()  # the two units' texts are the same: copied_text
    assert axe(page) == []

    # Filter: the select applies itself (dashboard.js); the name filter by its button.
    with page.expect_navigation():
        page.get_by_label("状态").select_option("missing")
    assert _shown_rows(page) == ["卫滨区统计局"]
    with page.expect_navigation():
        page.get_by_label("状态").select_option("")
    page.get_by_label("单位名称包含").fill("教育")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    assert _shown_rows(page) == [OTHER_AGENCY]
    page.get_by_label("单位名称包含").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    # Sort by unit name, then the other way round; aria-sort says which.
    header = page.locator("#units thead th", has_text="单位").first
    with page.expect_navigation():
        header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    names = sorted([AGENCY, OTHER_AGENCY, "卫滨区统计局"])
    assert _shown_rows(page) == names
    with page.expect_navigation():
        page.locator("#units thead th", has_text="单位").first.get_by_role("button").click()
    assert page.locator("#units thead th", has_text="单位").first.get_attribute("aria-sort") == (
        "descending"
    )
    assert _shown_rows(page) == names[::-1]

    # Open the report: read-only, the copied text marked beside 五（一）.
    with page.expect_navigation():
        page.locator("#units tbody tr", has_text=AGENCY).get_by_role("link").click()
    assert page.url == live.url(f"/review/reports/{first}")
    marked = page.locator(".readonly .field.has-problem", has_text=L.PROBLEMS)
    assert "警告：与 红旗区教育局" in marked.inner_text()
    assert page.locator(".readonly input, .readonly textarea").count() == 0
    assert axe(page) == []

    page.get_by_label("退回说明（写明需要修改的内容，填报人会看到）").fill(
        "请按本单位实际撰写第五部分"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="退回修改").click()
    assert "报告已退回" in page.get_by_role("status").inner_text()
    assert "请按本单位实际撰写第五部分" in page.locator(".comment.return").inner_text()
    # The clerk sees the note, fixes the text and submits again (through the API).
    status, notes = live.api("clerk", "GET", f"/api/reports/{first}/comments")
    assert notes["comments"][-1]["body"] == "请按本单位实际撰写第五部分"
    fixed = {**of(AGENCY, 2), "year": LIVE_YEAR, "problems": "一是本局工业数据公开不够及时。"}
    status, _ = live.api("clerk", "PUT", f"/api/reports/{first}", fixed, {"If-Match": '"1"'})
    assert status == 200
    status, _ = live.api("clerk", "POST", f"/api/reports/{first}/submit", {"version": 2})
    assert status == 200
    for report_id in (first, second):
        page.goto(live.url(f"/review/reports/{report_id}"))
        with page.expect_navigation():
            page.get_by_role("button", name="审核通过").click()
        assert page.get_by_role("status").inner_text() == NOTICES["approved"]
        if report_id == first:
            # The dashboard as the README shows it: approved, waiting, not reported.
            page.goto(live.url(f"/review?year={LIVE_YEAR}"))
            page.screenshot(path=str(ROOT / "docs" / "web-dashboard.png"), full_page=True)

    # Aggregate the two approved units into the district's report, and open it.
    page.goto(live.url(f"/review?year={LIVE_YEAR}"))
    page.get_by_label(f"选择{AGENCY}汇总").check()
    page.get_by_label(f"选择{OTHER_AGENCY}汇总").check()
    page.get_by_label("汇总后报告的机关名称").fill("新乡市牧野区人民政府")
    with page.expect_navigation():
        page.get_by_role("button", name="汇总选中的单位").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"新乡市牧野区人民政府 {LIVE_YEAR} 年度报告（只读）"
    )
    cell = page.locator("#t3 td[headers]").first  # 一、本年新收 / 自然人: 2 + 2
    assert cell.inner_text().split()[0] == "4"

    # The review workbook and every PDF.
    page.goto(live.url(f"/review?year={LIVE_YEAR}"))
    with page.expect_download() as caught:
        page.get_by_role("link", name="下载审核结果（Excel）").click()
    book = load_workbook(io.BytesIO(caught.value.path().read_bytes()))
    units = {row[1]: row[3] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert units[AGENCY] == "有警告"  # 一 and 六 are still the same as the other unit's
    assert units["卫滨区统计局"] == "未报送"
    assert units["新乡市牧野区人民政府"] == "有错误"  # its texts are still to be written
    with page.expect_download(timeout=300_000) as caught:
        page.get_by_role("link", name="下载全部报告 PDF（zip）").click()
    archive = zipfile.ZipFile(caught.value.path())
    pdfs = sorted(archive.namelist())
    # Every report without errors of gidoc check, the new draft too (its texts are blank).
    units = [AGENCY, OTHER_AGENCY, "新乡市牧野区人民政府"]
    assert pdfs == sorted(f"{unit}{LIVE_YEAR}.pdf" for unit in units)
    for name in pdfs:
        shown = subprocess.run(
            ["pdftotext", "-", "-"], input=archive.read(name), capture_output=True, check=True
        ).stdout.decode("utf-8")
        assert name.removesuffix(f"{LIVE_YEAR}.pdf") in shown.replace(" ", "")
    assert console_errors(page) == []
