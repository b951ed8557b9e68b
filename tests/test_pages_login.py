"""Logging in and out in Chromium: messages in Chinese, the role's home, CSRF, expiry, axe-core."""

from __future__ import annotations

from typing import Any

from browser import ACCOUNTS, Live, axe, console_errors, log_in


def test_wrong_password_is_said_in_chinese_and_the_name_kept(live: Live, open_page: Any) -> None:
    page = open_page()
    page.goto(live.url("/"))
    assert page.url == live.url("/login")
    page.get_by_label("用户名").fill(ACCOUNTS["clerk2"].name)
    page.get_by_label("密码").fill("not the password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确"
    assert page.get_by_label("用户名").input_value() == ACCOUNTS["clerk2"].name
    assert page.get_by_label("用户名").get_attribute("aria-describedby") == "login-error"
    assert axe(page) == []
    assert console_errors(page) == []


def test_too_many_wrong_passwords_lock_the_account_for_a_while(live: Live, open_page: Any) -> None:
    page = open_page()
    page.goto(live.url("/login"))
    for _ in range(6):
        page.get_by_label("用户名").fill("不存在的账号")
        page.get_by_label("密码").fill("wrong")
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == "登录失败次数过多，请 15 分钟后再试"


def test_login_page_passes_axe(live: Live, open_page: Any) -> None:
    page = open_page()
    page.goto(live.url("/login"))
    assert page.title() == "登录 - gidoc 政府信息公开年报"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert axe(page) == []


def test_each_role_lands_on_its_home_and_logs_out(live: Live, open_page: Any) -> None:
    for key, home in (("clerk", "/reports"), ("reviewer", "/review"), ("admin", "/admin")):
        page = open_page(key)
        assert page.url.startswith(live.url(home)), (key, page.url)
        account = page.locator("header .account")
        assert ACCOUNTS[key].name in account.inner_text()
        with page.expect_navigation():
            page.get_by_role("button", name="退出").click()
        assert page.get_by_role("status").inner_text() == "您已退出登录。"
        page.goto(live.url("/reports"))  # any page needing an account
        assert page.url.startswith(live.url("/login"))


def test_logout_without_the_csrf_token_is_refused(live: Live, open_page: Any) -> None:
    page = open_page("clerk2")
    # A form another site could post: the session cookie goes along, the token does not.
    page.evaluate(
        "() => { const f = document.createElement('form'); f.method = 'post';"
        " f.action = '/logout'; document.body.append(f); f.submit(); }"
    )
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text().startswith("请求缺少有效的 CSRF 令牌")
    page.goto(live.url("/"))
    assert not page.url.startswith(live.url("/login"))


def test_an_expired_session_leads_back_to_login_and_then_to_the_page(
    live: Live, open_page: Any
) -> None:
    page = open_page("clerk2")
    live.expire_sessions("clerk2")
    page.goto(live.url("/reports"))
    assert page.url == live.url("/login?next=%2Freports")
    log_in_again = page.get_by_label("用户名")
    log_in_again.fill(ACCOUNTS["clerk2"].name)
    page.get_by_label("密码").fill("correct horse battery")
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    assert page.url == live.url("/reports")


def test_next_never_leads_off_the_site(live: Live, open_page: Any) -> None:
    page = open_page()
    page.goto(live.url("/login?next=//evil.example/x"))
    assert page.locator("input[name=next]").input_value() == ""
    log_in(page, live, "clerk2")
    assert page.url.startswith(live.url("/"))
