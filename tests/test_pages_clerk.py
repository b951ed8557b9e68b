"""A clerk's pages in Chromium: from last year's report to a submitted one, as a clerk does it.

Every test uses a year of its own: the live service is shared by the session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from browser import OTHER_AGENCY, Live, axe, console_errors, file_report, sample
from gidoc.sources.docx import read_report

NEW = "applications.new_received"
GRANTED = "applications.results.granted"


def cell(page: Any, path: str) -> Any:
    """The input (or total) of a table cell, by its data path."""
    return page.locator(f'[data-path="{path}"]')


def td(page: Any, path: str) -> Any:
    """The table cell holding the number at ``path`` (or the 勾稽 cell of a column)."""
    return page.locator(f'td:has(> [data-path="{path}"]), td[data-path="{path}"]')


def type_into(page: Any, path: str, value: str) -> None:
    """Type a value into a cell as a clerk does: click, replace what is there."""
    field = cell(page, path)
    field.click()
    field.press("Control+a")
    field.type(value)


def status_of(answer: Any) -> int:
    """The HTTP status of a navigation's answer."""
    assert answer is not None
    return int(answer.status)


def last_year(year: int, carried: int = 2) -> dict[str, Any]:
    """Last year's report: ``carried`` applications of natural persons carried into next year."""
    data = sample(year)
    apps = data.setdefault("applications", {})
    apps["new_received"] = {"natural_person": carried}
    apps["carried_forward"] = {"natural_person": carried}
    return data


def test_a_clerk_starts_from_last_year_fills_in_saves_downloads_and_submits(
    live: Live, open_page: Any, tmp_path: Path
) -> None:
    file_report(live, "clerk", last_year(2023))
    page = open_page("clerk")
    assert page.url == live.url("/reports")
    assert "2023 年报告" in page.locator("#reports").inner_text()
    page.get_by_label("报告年度").select_option("2024")
    page.get_by_label("沿用上年报告").check()
    with page.expect_navigation():
        page.get_by_role("button", name="新建", exact=True).click()
    assert "2024年政府信息公开工作年度报告" in page.locator("h1").inner_text()
    # Carried over from 2023: 上年结转 = last year's 结转下年度, and the table balances.
    assert cell(page, "applications.carried_over.natural_person").input_value() == "2"
    balance = td(page, "applications.*.natural_person")
    assert "balanced" in (balance.get_attribute("class") or "")

    type_into(page, f"{NEW}.natural_person", "5")
    assert "unbalanced" in (balance.get_attribute("class") or "")
    assert balance.locator(".balance-text").inner_text() == "不等 7 ≠ 2"
    assert cell(page, f"{NEW}.total").inner_text() == "5"
    problem = balance.locator(".cell-problem")
    problem.wait_for()
    assert "勾稽关系不成立" in problem.inner_text()
    assert page.locator("#error-list").inner_text().count("勾稽关系不成立") == 2  # 自然人, 总计

    type_into(page, f"{GRANTED}.natural_person", "5")
    assert "balanced" in (balance.get_attribute("class") or "").split()
    assert balance.locator(".balance-text").inner_text() == "相等 7 = 7"
    problem.wait_for(state="detached")
    assert cell(page, "applications.results.total.natural_person").inner_text() == "5"

    # A number the format does not accept: the check's message beside that cell, then gone.
    type_into(page, f"{NEW}.other", "-1")
    other = td(page, f"{NEW}.other").locator(".cell-problem")
    other.wait_for()
    assert cell(page, f"{NEW}.other").get_attribute("aria-invalid") == "true"
    type_into(page, f"{NEW}.other", "0")
    other.wait_for(state="detached")

    for name, text in (
        ("（一）存在的主要问题", "个别栏目更新不够及时。"),
        ("（二）改进情况", "建立更新提醒制度，按月检查。"),
        ("六、其他需要报告的事项", "本年度未收取信息处理费。"),
    ):
        page.get_by_label(name, exact=True).fill(text)
    page.get_by_label("综述").fill("2024 年，我局收到政府信息公开申请 5 件，均予以公开。")
    page.get_by_role("button", name="保存").click()
    page.locator("#state", has_text="已保存为第 2 版").wait_for()
    page.locator("#check-summary", has_text="没有错误").wait_for()

    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Word 文档（.docx）").click()
    target = tmp_path / "report.docx"
    info.value.save_as(target)
    data = read_report(target).data
    t3 = data["applications"]
    assert t3["new_received"]["natural_person"] == 5
    assert t3["carried_over"]["natural_person"] == 2
    assert t3["results"]["granted"]["natural_person"] == 5
    assert t3["carried_forward"]["natural_person"] == 2
    assert t3["new_received"]["other"] == 0

    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()
    assert page.locator("#report-status").inner_text() == "已提交审核"
    assert page.get_by_role("button", name="保存").count() == 0
    assert cell(page, f"{NEW}.natural_person").get_attribute("readonly") is not None
    assert console_errors(page) == []
    report_id = page.locator("#report").get_attribute("data-id")

    # Another unit's clerk typing the address gets the not-found page, nothing of the report.
    other_clerk = open_page("clerk2")
    answer = other_clerk.goto(live.url(f"/reports/{report_id}"))
    assert status_of(answer) == 404
    assert other_clerk.get_by_role("alert").inner_text() == "报告不存在，或当前账号无权查看"
    for path in ("versions", "preview"):
        answer = other_clerk.goto(live.url(f"/reports/{report_id}/{path}"))
        assert status_of(answer) == 404
    answer = other_clerk.goto(live.url(f"/api/reports/{report_id}/docx"))
    assert status_of(answer) == 404
    other_clerk.goto(live.url("/reports"))
    assert "2024 年报告" not in other_clerk.locator("main").inner_text()


def test_hostile_texts_are_shown_as_text(live: Live, open_page: Any) -> None:
    script = "<script>alert('x')</script>"
    image = '"><img src=x onerror=alert(1)>'
    data = sample(2024, OTHER_AGENCY)
    data["problems"] = script
    data["overview"]["sections"][0]["heading"] = image
    data["overview"]["summary"] = image + script
    report_id = file_report(live, "clerk2", data)
    live.api("clerk2", "POST", f"/api/reports/{report_id}/comments", {"body": image})
    page = open_page("clerk2")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live.url(f"/reports/{report_id}"))
    page.locator("#check-summary").wait_for()
    assert page.get_by_label("（一）存在的主要问题", exact=True).input_value() == script
    assert page.locator("#sec-1-heading").input_value() == image
    assert image in page.locator("#sections legend").first.inner_text()
    assert image in page.locator("#comments").inner_text()
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    page.goto(live.url(f"/reports/{report_id}/versions"))
    assert dialogs == []


def test_a_form_post_without_the_csrf_token_is_refused(live: Live, open_page: Any) -> None:
    page = open_page("clerk2")
    page.goto(live.url("/reports"))
    page.locator("form.new-report input[name=csrf_token]").first.evaluate("e => e.remove()")
    page.get_by_label("报告年度").select_option("2026")
    page.get_by_label("空白报告").check()
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="新建", exact=True).click()
    answer = nav.value
    assert status_of(answer) == 403
    assert page.get_by_role("alert").inner_text().startswith("请求缺少有效的 CSRF 令牌")
    page.goto(live.url("/reports"))
    assert "2026 年报告" not in page.locator("main").inner_text()


def test_two_pages_saving_the_same_version_the_second_is_told_and_reloads(
    live: Live, open_page: Any
) -> None:
    report_id = file_report(live, "clerk2", sample(2023, OTHER_AGENCY))
    first, second = open_page("clerk2"), open_page("clerk2")
    for page in (first, second):
        page.goto(live.url(f"/reports/{report_id}"))
    type_into(first, f"{NEW}.natural_person", "3")
    first.get_by_role("button", name="保存").click()
    first.locator("#state", has_text="已保存为").wait_for()
    type_into(second, f"{NEW}.natural_person", "9")
    second.get_by_role("button", name="保存").click()
    conflict = second.locator("#conflict")
    conflict.wait_for()
    assert conflict.inner_text().startswith("他人已修改")
    assert second.locator("#reload").evaluate("e => e === document.activeElement")
    with second.expect_navigation():
        second.get_by_role("button", name="重新载入最新版本（放弃本页的修改）").click()
    assert cell(second, f"{NEW}.natural_person").input_value() == "3"
    assert second.locator("#draft-notice").is_hidden()


def test_spreadsheet_keys_move_between_cells(live: Live, open_page: Any) -> None:
    report_id = file_report(live, "clerk2", sample(2022, OTHER_AGENCY))
    page = open_page("clerk2")
    page.goto(live.url(f"/reports/{report_id}"))
    cell(page, f"{NEW}.natural_person").click()

    def focused() -> str:
        return str(page.evaluate("() => document.activeElement.dataset.path"))

    page.keyboard.press("Enter")
    assert focused() == "applications.carried_over.natural_person"
    page.keyboard.press("ArrowRight")
    assert focused() == "applications.carried_over.commercial_enterprise"
    page.keyboard.press("ArrowUp")
    assert focused() == f"{NEW}.commercial_enterprise"
    page.keyboard.press("Tab")
    assert focused() == f"{NEW}.research_institution"
    page.keyboard.press("ArrowLeft")
    assert focused() == f"{NEW}.commercial_enterprise"
    page.keyboard.press("Shift+Enter")
    assert focused() == f"{NEW}.commercial_enterprise"  # the first row: nowhere to go up
    page.keyboard.type("4")
    assert cell(page, f"{NEW}.total").inner_text() == "4"
    # From the last value row of 表三 down past the total row's outputs to nothing.
    cell(page, "applications.carried_forward.natural_person").click()
    page.keyboard.press("ArrowUp")
    assert focused() == "applications.results.other.other.natural_person"


def test_nothing_is_lost_when_the_network_drops(live: Live, open_page: Any) -> None:
    report_id = file_report(live, "clerk2", sample(2021, OTHER_AGENCY))
    page = open_page("clerk2")
    page.goto(live.url(f"/reports/{report_id}"))
    page.locator("#check-summary").wait_for()
    page.context.set_offline(True)
    type_into(page, f"{NEW}.natural_person", "6")
    page.get_by_label("综述").fill("断网时写的综述。")
    page.locator("#state.offline").wait_for()
    assert "网络已断开" in page.locator("#state").inner_text()
    page.get_by_role("button", name="保存").click()
    assert "网络已断开" in page.locator("#state").inner_text()
    page.context.set_offline(False)
    page.reload()
    notice = page.locator("#draft-notice")
    notice.wait_for()
    assert "已恢复本机浏览器中尚未保存的修改" in notice.inner_text()
    assert cell(page, f"{NEW}.natural_person").input_value() == "6"
    assert page.get_by_label("综述").input_value() == "断网时写的综述。"
    page.get_by_role("button", name="保存").click()
    page.locator("#state", has_text="已保存为").wait_for()
    page.reload()
    assert page.locator("#draft-notice").is_hidden()
    assert cell(page, f"{NEW}.natural_person").input_value() == "6"


def test_sub_sections_of_one_are_added_and_removed(live: Live, open_page: Any) -> None:
    report_id = file_report(live, "clerk2", sample(2020, OTHER_AGENCY))
    page = open_page("clerk2")
    page.goto(live.url(f"/reports/{report_id}"))
    sections = page.locator("#sections [data-section]")
    assert sections.count() == 5
    page.get_by_role("button", name="添加小节").click()
    assert sections.count() == 6
    assert page.evaluate("() => document.activeElement.id") == "sec-6-heading"
    page.keyboard.type("数据开放")
    page.locator("#sec-6-body").fill("开放数据集 3 个。")
    assert sections.nth(5).locator("legend").inner_text() == "（六）数据开放"
    sections.nth(1).get_by_role("button", name="删除这一小节").click()
    assert sections.count() == 5
    assert sections.nth(4).locator("legend").inner_text() == "（五）数据开放"
    page.get_by_role("button", name="保存").click()
    page.locator("#state", has_text="已保存为").wait_for()
    status, answer = live.api("clerk2", "GET", f"/api/reports/{report_id}")
    headings = [s["heading"] for s in answer["data"]["overview"]["sections"]]
    assert headings == ["主动公开", "政府信息管理", "政府信息公开平台建设", "监督保障", "数据开放"]
    assert answer["data"]["overview"]["sections"][4]["body"] == "开放数据集 3 个。"


def test_versions_say_what_changed_and_an_old_one_is_restored(live: Live, open_page: Any) -> None:
    data = sample(2019, OTHER_AGENCY)
    report_id = file_report(live, "clerk2", data)
    changed = json.loads(json.dumps(data))
    changed["applications"] = {
        "new_received": {"natural_person": 4},
        "results": {"granted": {"natural_person": 4}},
    }
    changed["problems"] = "改过的问题。"
    status, _ = live.api(
        "clerk2", "PUT", f"/api/reports/{report_id}", changed, headers={"If-Match": '"1"'}
    )
    assert status == 200
    page = open_page("clerk2")
    page.goto(live.url(f"/reports/{report_id}/versions"))
    rows = page.locator("#versions tbody tr")
    assert rows.count() == 2
    latest = rows.nth(0).inner_text()
    assert "第 2 版（当前）" in latest
    assert (
        "三、收到和处理政府信息公开申请情况 / 一、本年新收政府信息公开申请数量 / 自然人：0 → 4"
        in latest
    )
    assert "（一）存在的主要问题" in latest
    assert axe(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="恢复第 1 版").click()
    assert page.get_by_role("status").inner_text() == "已将第 1 版恢复为最新的第 3 版。"
    assert "由第 1 版恢复" in rows.nth(0).inner_text()
    _, answer = live.api("clerk2", "GET", f"/api/reports/{report_id}")
    assert answer["version"] == 3
    assert answer["data"]["problems"] == data["problems"]


def test_a_report_is_started_from_an_uploaded_file(
    live: Live, open_page: Any, tmp_path: Path
) -> None:
    upload = tmp_path / "上年报告.json"
    upload.write_text(json.dumps(sample(2022), ensure_ascii=False), encoding="utf-8")
    page = open_page("clerk")
    page.get_by_label("报告文件").set_input_files(upload)
    with page.expect_navigation():
        page.get_by_role("button", name="上传并新建").click()
    assert "2022年政府信息公开工作年度报告" in page.locator("h1").inner_text()
    broken = tmp_path / "坏文件.docx"
    broken.write_bytes(b"not a word document")
    page.goto(live.url("/reports"))
    page.get_by_label("报告文件").set_input_files(broken)
    with page.expect_navigation():
        page.get_by_role("button", name="上传并新建").click()
    assert "坏文件.docx" in page.get_by_role("alert").inner_text()


def test_pages_pass_axe(live: Live, open_page: Any) -> None:
    report_id = file_report(live, "clerk2", sample(2018, OTHER_AGENCY))
    page = open_page("clerk2")
    assert axe(page) == []  # my reports
    page.goto(live.url(f"/reports/{report_id}"))
    page.locator("#check-summary").wait_for()
    type_into(page, f"{NEW}.natural_person", "5")  # problems beside cells, the 勾稽 row red
    td(page, "applications.*.natural_person").locator(".cell-problem").wait_for()
    assert axe(page) == []
    assert console_errors(page) == []
