"""The admin's pages through the test client: who may open them, CSRF, units, the roster, accounts."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

import pytest
from openpyxl import Workbook

from browser import Live, axe, console_errors
from gidoc.web.db import store
from gidoc.web.db.engine import reading
from gidoc.web.pages.admin import NOTICES
from webtest import AGENCY, PASSWORD, Service, file_report


def text(html: str) -> str:
    """A page's visible text, tags dropped and spaces squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


class Admin:
    """The admin's browser session and the posts its forms make."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.client, self.csrf = service.browser("赵管理")

    def post(self, path: str, **form: str) -> Any:
        return self.client.post(
            path, data={"csrf_token": self.csrf, **form}, follow_redirects=False
        )

    def roster(self, year: int) -> list[str]:
        with reading(self.service.app.state.engine) as conn:
            return [a.name for a in store.roster_for(conn, year)]

    def unit_id(self, name: str) -> int:
        with reading(self.service.app.state.engine) as conn:
            found = store.agency_by_name(conn, name)
        assert found is not None
        return found.id


@pytest.fixture
def admin(service: Service) -> Admin:
    service.add_user("赵管理", "admin")
    return Admin(service)


def logs_in(service: Service, name: str, password: str) -> int:
    answer = service.client().post("/api/login", json={"name": name, "password": password})
    return answer.status_code


# -- who may open the pages -------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/admin", "/admin/accounts", "/admin?year=2025"])
def test_clerks_and_reviewers_are_refused(service: Service, path: str) -> None:
    service.add_user("张三", "clerk", AGENCY)
    service.add_user("王审核", "reviewer")
    for name in ("张三", "王审核"):
        client, _ = service.browser(name)
        answer = client.get(path)
        assert answer.status_code == 403
        assert "当前账号的角色无权进行此操作" in text(answer.text)


def test_a_reviewer_cannot_add_an_account(service: Service) -> None:
    service.add_user("王审核", "reviewer")
    client, csrf = service.browser("王审核")
    answer = client.post(
        "/admin/accounts",
        data={"csrf_token": csrf, "name": "偷偷", "role": "admin", "password": "x" * 10,
              "again": "x" * 10},
    )  # fmt: skip
    assert answer.status_code == 403
    assert logs_in(service, "偷偷", "x" * 10) == 401


def test_without_login_the_admin_page_leads_to_the_login_page(service: Service) -> None:
    answer = service.client().get("/admin/accounts", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fadmin%2Faccounts"


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/admin/units", {"year": "2025", "name": "某局", "listed": "1"}),
        ("/admin/accounts", {"name": "某人", "role": "reviewer", "password": "p" * 9, "again": "p" * 9}),
    ],
)  # fmt: skip
def test_posts_without_the_csrf_token_change_nothing(
    admin: Admin, path: str, form: dict[str, str]
) -> None:
    answer = admin.client.post(path, data=form)
    assert answer.status_code == 403
    assert "CSRF" in text(answer.text)
    assert admin.roster(2025) == []
    assert logs_in(admin.service, "某人", "p" * 9) == 401


# -- units and the roster ---------------------------------------------------------------------
def test_add_rename_list_and_remove_a_unit(admin: Admin) -> None:
    added = admin.post("/admin/units", year="2025", name=" 红旗区统计局 ", listed="1")
    assert added.status_code == 303
    assert added.headers["location"] == "/admin?year=2025&done=unit-added"
    page = admin.client.get(added.headers["location"]).text
    assert "单位已添加" in text(page)
    assert '<th scope="row">红旗区统计局</th>' in page
    assert admin.roster(2025) == ["红旗区统计局"]
    unit = admin.unit_id("红旗区统计局")
    twice = admin.post("/admin/units", year="2025", name="红旗区统计局")
    assert twice.status_code == 409
    assert "单位「红旗区统计局」已存在" in text(twice.text)
    renamed = admin.post(f"/admin/units/{unit}/rename", year="2025", name="红旗区统计中心")
    assert renamed.status_code == 303
    assert admin.roster(2025) == ["红旗区统计中心"]
    off = admin.post(f"/admin/units/{unit}/roster", year="2025", listed="0")
    assert off.status_code == 303
    assert admin.roster(2025) == []
    removed = admin.post(f"/admin/units/{unit}/remove", year="2025")
    assert removed.status_code == 303
    with reading(admin.service.app.state.engine) as conn:
        assert store.agency(conn, unit) is None


def test_a_unit_with_reports_or_accounts_is_not_removed(admin: Admin) -> None:
    clerk = admin.service.client(admin.service.add_user("张三", "clerk", AGENCY, password=None))
    file_report(clerk)
    unit = admin.unit_id(AGENCY)
    page = admin.client.get("/admin?year=2025").text
    assert "有报告或账号，不能删除" in text(page)
    answer = admin.post(f"/admin/units/{unit}/remove", year="2025")
    assert answer.status_code == 409
    assert f"单位「{AGENCY}」有 1 份报告、1 个账号，不能删除" in text(answer.text)
    taken = admin.post("/admin/units", year="2025", name="另一个局")
    assert taken.status_code == 303
    clash = admin.post(f"/admin/units/{unit}/rename", year="2025", name="另一个局")
    assert clash.status_code == 409
    assert "已有名为「另一个局」的单位" in text(clash.text)


def test_an_existing_unit_is_put_on_the_roster(admin: Admin) -> None:
    admin.service.add_user("张三", "clerk", AGENCY, password=None)
    answer = admin.post("/admin/units", year="2026", name=AGENCY, listed="1")
    assert answer.headers["location"] == "/admin?year=2026&done=unit-listed"
    assert admin.roster(2026) == [AGENCY]


def test_import_a_roster_from_csv_and_from_excel(admin: Admin) -> None:
    csv = "序号,单位名称\n1,卫滨区统计局\n2,红旗区教育局\n".encode("gb18030")
    answer = admin.client.post(
        "/admin/units/import",
        data={"csrf_token": admin.csrf, "year": "2025"},
        files={"file": ("名单.csv", csv, "text/csv")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert admin.roster(2025) == ["卫滨区统计局", "红旗区教育局"]
    book = Workbook()
    book.active.append(["单位名称"])
    book.active.append(["牧野区工业和信息化局"])
    raw = io.BytesIO()
    book.save(raw)
    answer = admin.client.post(
        "/admin/units/import",
        data={"csrf_token": admin.csrf, "year": "2026"},
        files={"file": ("名单.xlsx", raw.getvalue(), "application/octet-stream")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert admin.roster(2026) == ["牧野区工业和信息化局"]


def test_a_broken_roster_file_is_named_and_nothing_is_added(admin: Admin) -> None:
    answer = admin.client.post(
        "/admin/units/import",
        data={"csrf_token": admin.csrf, "year": "2025"},
        files={"file": ("名单.xlsx", b"PK\x03\x04 not really", "application/octet-stream")},
    )
    assert answer.status_code == 422
    assert "名单.xlsx：不是有效的 Excel 工作簿（.xlsx）" in text(answer.text)
    assert admin.roster(2025) == []
    odd = admin.client.post(
        "/admin/units/import",
        data={"csrf_token": admin.csrf, "year": "2025"},
        files={"file": ("名单.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert odd.status_code == 422
    assert "名单应为 .csv 或 .xlsx 文件" in text(odd.text)


# -- accounts -----------------------------------------------------------------------------------
def _account(admin: Admin, **form: str) -> Any:
    return admin.post("/admin/accounts", **{"again": form.get("password", ""), **form})


def test_an_added_clerk_logs_in_and_belongs_to_the_unit(admin: Admin) -> None:
    admin.post("/admin/units", year="2025", name=AGENCY, listed="1")
    answer = _account(admin, name="新填报", role="clerk", agency=AGENCY, password=PASSWORD)
    assert answer.status_code == 303
    page = admin.client.get("/admin/accounts?done=account-added").text
    assert "账号已添加" in text(page)
    assert f"新填报 填报人 {AGENCY} 正常" in text(page)
    client = admin.service.client()
    login = client.post("/api/login", json={"name": "新填报", "password": PASSWORD})
    assert login.status_code == 200
    assert (login.json()["role"], login.json()["agency"]) == ("clerk", AGENCY)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "甲", "role": "clerk", "password": PASSWORD}, "填报人账号须选择所属单位"),
        ({"name": "乙", "role": "reviewer", "agency": AGENCY, "password": PASSWORD},
         "审核人账号不属于某个单位"),
        ({"name": "丙", "role": "reviewer", "password": "short"}, "密码至少 8 个字符"),
        ({"name": "丁", "role": "reviewer", "password": PASSWORD, "again": "other one"},
         "两次输入的密码不一致"),
        ({"name": "戊", "role": "clerk", "agency": "没有的局", "password": PASSWORD},
         "没有单位「没有的局」"),
        ({"name": "赵管理", "role": "admin", "password": PASSWORD}, "账号「赵管理」已存在"),
        ({"name": " ", "role": "admin", "password": PASSWORD}, "请填写账号名称"),
    ],
)  # fmt: skip
def test_a_wrong_account_form_says_why_and_keeps_what_was_typed(
    admin: Admin, form: dict[str, str], message: str
) -> None:
    admin.service.add_user("张三", "clerk", AGENCY, password=None)
    answer = _account(admin, **form)
    assert answer.status_code in (409, 422)
    html = answer.text
    assert message in text(html)
    assert f'name="name" value="{form["name"]}"' in html
    if form["name"].strip() and form["name"] != "赵管理":
        assert logs_in(admin.service, form["name"], PASSWORD) == 401


def test_disable_enable_and_reset_a_password(admin: Admin) -> None:
    admin.service.add_user("王审核", "reviewer")
    with reading(admin.service.app.state.engine) as conn:
        found = store.user_by_name(conn, "王审核")
    assert found is not None
    reviewer, _ = admin.service.browser("王审核")
    assert admin.post(f"/admin/accounts/{found.id}/disable", disabled="1").status_code == 303
    # Its session ended at once, and it cannot log in again.
    assert reviewer.get("/review", follow_redirects=False).status_code == 303
    assert logs_in(admin.service, "王审核", PASSWORD) == 401
    assert "已停用" in text(admin.client.get("/admin/accounts").text)
    admin.post(f"/admin/accounts/{found.id}/disable", disabled="0")
    assert logs_in(admin.service, "王审核", PASSWORD) == 200
    reset = admin.post(
        f"/admin/accounts/{found.id}/password",
        password="新的密码已经够长了",
        again="新的密码已经够长了",
    )
    assert reset.headers["location"] == "/admin/accounts?done=password"
    assert logs_in(admin.service, "王审核", PASSWORD) == 401
    assert logs_in(admin.service, "王审核", "新的密码已经够长了") == 200


def test_the_admin_cannot_disable_itself(admin: Admin) -> None:
    with reading(admin.service.app.state.engine) as conn:
        me = store.user_by_name(conn, "赵管理")
    assert me is not None
    answer = admin.post(f"/admin/accounts/{me.id}/disable", disabled="1")
    assert answer.status_code == 422
    assert "不能停用自己正在使用的账号" in text(answer.text)
    assert logs_in(admin.service, "赵管理", PASSWORD) == 200


def test_names_typed_by_the_admin_are_escaped(admin: Admin) -> None:
    admin.post("/admin/units", year="2025", name="<script>alert(1)</script>局", listed="1")
    page = admin.client.get("/admin?year=2025").text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局" in page


# -- in Chromium --------------------------------------------------------------------------------
def test_the_admin_adds_a_unit_and_an_account_that_logs_in(live: Live, open_page: Any) -> None:
    page = open_page("admin")
    assert page.url.startswith(live.url("/admin"))
    page.get_by_label("单位名称（报告机关名称）").fill("凤泉区审计局")
    with page.expect_navigation():
        page.get_by_role("button", name="添加单位").click()
    assert page.get_by_role("status").inner_text() == "单位已添加。"
    row = page.locator("table.units tbody tr", has_text="凤泉区审计局")
    assert "在名单中" in row.inner_text()
    assert axe(page) == []

    with page.expect_navigation():
        page.get_by_role("link", name="账号").click()
    page.get_by_label("账号名称（登录用）").fill("钱审计")
    page.get_by_label("角色").select_option("clerk")
    page.get_by_label("所属单位（填报人必选）").select_option("凤泉区审计局")
    page.get_by_label("密码（至少 8 个字符）").fill(PASSWORD)
    page.get_by_label("再输入一次密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="添加账号").click()
    assert page.get_by_role("status").inner_text() == NOTICES["account-added"]
    assert "钱审计 填报人 凤泉区审计局 正常" in " ".join(
        page.locator("table.accounts tbody tr", has_text="钱审计").inner_text().split()
    )
    assert axe(page) == []
    assert console_errors(page) == []

    newcomer = open_page()
    newcomer.goto(live.url("/login"))
    newcomer.get_by_label("用户名").fill("钱审计")
    newcomer.get_by_label("密码").fill(PASSWORD)
    with newcomer.expect_navigation():
        newcomer.get_by_role("button", name="登录").click()
    assert newcomer.url.startswith(live.url("/reports"))
    assert "钱审计（填报人，凤泉区审计局）" in newcomer.locator("header .account").inner_text()
