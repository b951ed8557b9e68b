"""The reviewer's pages through the test client: who may open them, CSRF, and what they show and do.

The browser half (Chromium, axe-core, downloads read back) is in
tests/test_pages_review_browser.py.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from gidoc.format import labels as L
from gidoc.web import region
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
