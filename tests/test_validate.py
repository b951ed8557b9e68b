"""gidoc.validate: every rule of the data format, as the Chinese Problem a user reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from gidoc.checking.validate import Checked, check, validate
from gidoc.errors import Problem, ReportValidationError
from gidoc.format import labels as L

Data = dict[str, Any]

STATE_SECRET = "applications.results.withheld.state_secret.natural_person"
FEES = "active_disclosure.administrative_fees"


def only_error(checked: Checked) -> Problem:
    """The single error of a check, with no English left over from pydantic."""
    assert len(checked.errors) == 1, checked.errors
    (problem,) = checked.errors
    assert "Input should" not in problem.message
    return problem


def at(checked: Checked, path: str, severity: str = "error") -> list[Problem]:
    return [p for p in checked.problems if p.path == path and p.severity == severity]


def test_minimal_data_is_valid(minimal_data: Data) -> None:
    checked = check(minimal_data)
    assert checked.ok
    assert checked.errors == []
    report = validate(minimal_data)
    assert report.agency == "牧野区工业和信息化局"
    assert report.applications.new_received.derived_total == 0
    assert report.display_title == "牧野区工业和信息化局2025年政府信息公开工作年度报告"


# -- counts ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "said"),
    [
        pytest.param("3", '文本 "3"', id="string"),
        pytest.param(Decimal("3.0"), "小数 3.0", id="json-decimal"),
        pytest.param(3.0, "小数 3.0", id="float"),
        pytest.param(True, "布尔值 true", id="bool"),
        pytest.param(None, "空值 null", id="null"),
        pytest.param(-1, "不能为负数", id="negative"),
        pytest.param(10**12 + 1, "不能大于 1000000000000", id="too-big"),
    ],
)
def test_bad_count_names_path_and_label(minimal_data: Data, value: Any, said: str) -> None:
    minimal_data["applications"] = {
        "results": {"withheld": {"state_secret": {"natural_person": value}}}
    }
    checked = check(minimal_data)
    problem = only_error(checked)
    assert problem.path == STATE_SECRET
    assert "1.属于国家秘密" in problem.label
    assert "（三）不予公开" in problem.label
    assert problem.label.endswith("自然人")
    assert said in problem.message
    assert checked.report is None


@pytest.mark.parametrize(
    ("where", "path", "label_parts"),
    [
        (
            {"active_disclosure": {"rules": {"issued": "2"}}},
            "active_disclosure.rules.issued",
            ["规章", "本年制发件数"],
        ),
        (
            {"active_disclosure": {"administrative_penalty": 1.0}},
            "active_disclosure.administrative_penalty",
            ["行政处罚"],
        ),
        (
            {"review_and_litigation": {"litigation_direct": {"pending": "1"}}},
            "review_and_litigation.litigation_direct.pending",
            ["未经复议直接起诉", "尚未审结"],
        ),
        (
            {"applications": {"carried_forward": {"legal_service_agency": "1"}}},
            "applications.carried_forward.legal_service_agency",
            ["四、结转下年度继续办理", "法律服务机构"],
        ),
    ],
)
def test_bad_count_in_every_table_is_named(
    minimal_data: Data, where: Data, path: str, label_parts: list[str]
) -> None:
    problem = only_error(check({**minimal_data, **where}))
    assert problem.path == path
    for part in label_parts:
        assert part in problem.label


def test_largest_count_is_accepted(minimal_data: Data) -> None:
    big = 10**12
    minimal_data["applications"] = {
        "new_received": {"natural_person": big},
        "results": {"withheld": {"state_secret": {"natural_person": big}}},
    }
    report = validate(minimal_data)
    assert report.applications.results.withheld.state_secret.natural_person == big


# -- the fee -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fee", "said"),
    [
        pytest.param(Decimal("1.1234567"), "最多 6 位小数", id="7-places"),
        pytest.param("1.5", '文本 "1.5"', id="string"),
        pytest.param(Decimal("-0.01"), "不能为负数", id="negative"),
        pytest.param(-1, "不能为负数", id="negative-int"),
        pytest.param(True, "布尔值 true", id="bool"),
    ],
)
def test_bad_fee_is_rejected(minimal_data: Data, fee: Any, said: str) -> None:
    minimal_data["active_disclosure"] = {"administrative_fees": fee}
    problem = only_error(check(minimal_data))
    assert problem.path == FEES
    assert "行政事业性收费" in problem.label
    assert said in problem.message


@pytest.mark.parametrize(
    ("fee", "kept"),
    [
        (Decimal("24252.311082"), "24252.311082"),
        (Decimal("1.50"), "1.50"),
        (0, "0"),
        (96171.6, "96171.6"),  # a float from Python keeps its written digits
        (0.1, "0.1"),
    ],
)
def test_good_fee_is_kept_exactly(minimal_data: Data, fee: Any, kept: str) -> None:
    minimal_data["active_disclosure"] = {"administrative_fees": fee}
    report = validate(minimal_data)
    assert str(report.active_disclosure.administrative_fees) == kept


# -- keys ------------------------------------------------------------------------------
def test_unknown_key_suggests_the_closest_name(minimal_data: Data) -> None:
    minimal_data["applications"] = {"new_received": {"natural_persn": 1}}
    problem = only_error(check(minimal_data))
    assert problem.path == "applications.new_received.natural_persn"
    assert "一、本年新收政府信息公开申请数量" in problem.label
    assert "未知字段「natural_persn」" in problem.message
    assert "是否应为「natural_person」（自然人）" in problem.message


def test_unknown_top_level_key_suggests_the_closest_name(minimal_data: Data) -> None:
    minimal_data["agncy"] = "某局"
    problem = only_error(check(minimal_data))
    assert problem.path == "agncy"
    assert "「agency」" in problem.message


def test_missing_required_fields_are_named(minimal_data: Data) -> None:
    del minimal_data["agency"]
    del minimal_data["problems"]
    checked = check(minimal_data)
    by_path = {p.path: p for p in checked.errors}
    assert set(by_path) == {"agency", "problems"}
    assert by_path["agency"].label == "报告机关名称"
    assert "（一）存在的主要问题" in by_path["problems"].label
    for problem in by_path.values():
        assert "缺少此必填项" in problem.message


# -- text ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("char", "code"),
    [("\u000b", "U+000B"), ("\u0001", "U+0001"), ("\ufffe", "U+FFFE"), ("\ud800", "U+D800")],
)
@pytest.mark.parametrize("field", ["problems", "overview.sections[0].body"])
def test_xml_forbidden_character_is_rejected(
    minimal_data: Data, field: str, char: str, code: str
) -> None:
    text = f"第一段{char}第二段"
    if field == "problems":
        minimal_data["problems"] = text
    else:
        minimal_data["overview"] = {"sections": [{"heading": "主动公开", "body": text}]}
    problem = only_error(check(minimal_data))
    assert problem.path == field
    assert code in problem.message
    assert "第 4 个字符" in problem.message


def test_lone_surrogate_in_a_count_is_shown_printably(minimal_data: Data) -> None:
    minimal_data["applications"] = {"new_received": {"other": "\ud800"}}
    problem = only_error(check(minimal_data))
    assert problem.path == "applications.new_received.other"
    problem.message.encode("utf-8")  # printable: no lone surrogate in the message


def test_lone_surrogate_in_a_key_gets_a_chinese_message(minimal_data: Data) -> None:
    minimal_data["applications"] = {"new_received": {"\ud800": 1}}
    problem = only_error(check(minimal_data))
    assert problem.path == "applications.new_received"
    assert "无法识别的字符" in problem.message
    problem.message.encode("utf-8")


def test_tab_and_newlines_are_allowed_in_text(minimal_data: Data) -> None:
    minimal_data["problems"] = "第一段\r\n\n第二段\t续"
    assert check(minimal_data).errors == []


@pytest.mark.parametrize(
    ("heading", "number"), [("（一）主动公开", "（一）"), ("二、依申请公开", "二、")]
)
def test_numbered_section_heading_is_rejected(
    minimal_data: Data, heading: str, number: str
) -> None:
    minimal_data["overview"] = {"sections": [{"heading": heading, "body": "正文"}]}
    problem = only_error(check(minimal_data))
    assert problem.path == "overview.sections[0].heading"
    assert "小标题" in problem.label
    assert f"「{number}」" in problem.message


def test_newline_in_agency_is_rejected(minimal_data: Data) -> None:
    minimal_data["agency"] = "牧野区\n工业和信息化局"
    problem = only_error(check(minimal_data))
    assert problem.path == "agency"
    assert problem.label == "报告机关名称"
    assert "不能换行" in problem.message


@pytest.mark.parametrize(("year", "said"), [(2007, "2008"), (2101, "2100")])
def test_year_out_of_range_is_rejected(minimal_data: Data, year: int, said: str) -> None:
    minimal_data["year"] = year
    problem = only_error(check(minimal_data))
    assert problem.path == "year"
    assert problem.label == "报告年度"
    assert said in problem.message
    assert str(year) in problem.message


@pytest.mark.parametrize("year", [2008, 2100])
def test_year_limits_are_accepted(minimal_data: Data, year: int) -> None:
    minimal_data["year"] = year
    assert check(minimal_data).errors == []


def test_bad_date_is_rejected(minimal_data: Data) -> None:
    minimal_data["date"] = "2026-13-01"
    problem = only_error(check(minimal_data))
    assert problem.path == "date"
    assert problem.label == "落款日期"
    assert "YYYY-MM-DD" in problem.message
    assert "2026-13-01" in problem.message


def test_good_date_is_accepted(minimal_data: Data) -> None:
    minimal_data["date"] = "2026-01-20"
    assert str(validate(minimal_data).date) == "2026-01-20"


def test_all_problems_are_reported_at_once(minimal_data: Data) -> None:
    del minimal_data["agency"]
    minimal_data["year"] = "2025"
    minimal_data["active_disclosure"] = {"administrative_fees": Decimal("1.1234567")}
    minimal_data["applications"] = {"new_received": {"natural_person": -1}}
    minimal_data["review_and_litigation"] = {"reconsideration": {"uphld": 1}}
    checked = check(minimal_data)
    assert {p.path for p in checked.errors} == {
        "agency",
        "year",
        FEES,
        "applications.new_received.natural_person",
        "review_and_litigation.reconsideration.uphld",
    }
    assert len(checked.errors) == 5


# -- cross-checks (勾稽关系) --------------------------------------------------------------
COLUMNS = [*L.APPLICANT_COLUMNS.items(), ("total", "总计")]


@pytest.mark.parametrize(("column", "name"), COLUMNS, ids=[key for key, _ in COLUMNS])
def test_broken_balance_names_column_and_both_sides(
    minimal_data: Data, column: str, name: str
) -> None:
    key = "natural_person" if column == "total" else column
    minimal_data["applications"] = {
        "new_received": {key: 5},
        "carried_over": {key: 2},
        "results": {"granted": {key: 3}},
        "carried_forward": {key: 1},
    }
    checked = check(minimal_data)
    (problem,) = at(checked, f"applications.*.{column}")
    assert f"{name}列" in problem.label
    assert "三、收到和处理政府信息公开申请情况" in problem.label
    for part in (
        "一、本年新收 5",
        "二、上年结转 2",
        "= 7",
        "（七）总计 3",
        "四、结转下年度继续办理 1",
        "= 4",
    ):
        assert part in problem.message
    # exactly the broken column and the total column, nothing else
    assert {p.path for p in checked.errors} == {f"applications.*.{key}", "applications.*.total"}


def test_balanced_table_has_no_error(minimal_data: Data) -> None:
    minimal_data["applications"] = {
        "new_received": {"natural_person": 5, "other": 1},
        "carried_over": {"natural_person": 2},
        "results": {
            "granted": {"natural_person": 3},
            "not_processed": {"duplicate": {"other": 1}},
        },
        "carried_forward": {"natural_person": 4},
    }
    assert check(minimal_data).errors == []


@pytest.mark.parametrize(
    "row",
    [
        "new_received",
        "carried_over",
        "results.granted",
        "results.not_processed.duplicate",
        "carried_forward",
    ],
)
def test_given_row_total_that_disagrees(minimal_data: Data, row: str) -> None:
    *parents, last = row.split(".")
    table: Data = {}
    node = table
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = {"natural_person": 2, "other": 3, "total": 4}
    minimal_data["applications"] = table
    (problem,) = at(check(minimal_data), f"applications.{row}.total")
    assert problem.label.endswith("/ 总计")
    assert "填写的总计 4" in problem.message
    assert "自然人 2" in problem.message
    assert "其他 3" in problem.message
    assert "= 5" in problem.message


def test_given_results_total_that_disagrees(minimal_data: Data) -> None:
    minimal_data["applications"] = {
        "new_received": {"natural_person": 3},
        "results": {
            "granted": {"natural_person": 2},
            "withheld": {"state_secret": {"natural_person": 1}},
            "total": {"natural_person": 4, "total": 3},
        },
    }
    checked = check(minimal_data)
    (problem,) = checked.errors
    assert problem.path == "applications.results.total.natural_person"
    assert "（七）总计" in problem.label
    assert "自然人" in problem.label
    assert "填写的总计 4" in problem.message
    assert "21 项办理结果之和 3" in problem.message


def test_given_results_grand_total_that_disagrees(minimal_data: Data) -> None:
    minimal_data["applications"] = {
        "new_received": {"natural_person": 3},
        "results": {"granted": {"natural_person": 3}, "total": {"total": 30}},
    }
    (problem,) = check(minimal_data).errors
    assert problem.path == "applications.results.total.total"
    assert "填写的总计 30" in problem.message
    assert "之和 3" in problem.message


CASE_GROUPS = [
    ("reconsideration", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_reconsideration", "复议后起诉"),
]


@pytest.mark.parametrize(("group", "name"), CASE_GROUPS, ids=[g for g, _ in CASE_GROUPS])
def test_table_4_total_that_disagrees(minimal_data: Data, group: str, name: str) -> None:
    minimal_data["review_and_litigation"] = {
        group: {"upheld": 1, "corrected": 2, "pending": 1, "total": 5}
    }
    (problem,) = check(minimal_data).errors
    assert problem.path == f"review_and_litigation.{group}.total"
    assert name in problem.label
    assert "填写的总计 5" in problem.message
    assert "结果维持 1 + 结果纠正 2 + 其他结果 0 + 尚未审结 1 = 4" in problem.message


def test_totals_that_agree_give_no_error(minimal_data: Data) -> None:
    minimal_data["applications"] = {
        "new_received": {"natural_person": 3, "other": 1, "total": 4},
        "carried_over": {"natural_person": 1, "total": 1},
        "results": {
            "granted": {"natural_person": 2, "total": 2},
            "unable_to_provide": {"not_held": {"other": 1, "total": 1}},
            "total": {"natural_person": 2, "other": 1, "commercial_enterprise": 0, "total": 3},
        },
        "carried_forward": {"natural_person": 2, "total": 2},
    }
    minimal_data["review_and_litigation"] = {
        group: {"upheld": 1, "other": 2, "total": 3} for group, _ in CASE_GROUPS
    }
    assert check(minimal_data).errors == []


# -- warnings -------------------------------------------------------------------------
def with_applications(data: Data, new_received: int) -> Data:
    data["applications"] = {
        "new_received": {"natural_person": new_received},
        "results": {"granted": {"natural_person": new_received}},
    }
    return data


def test_number_in_text_that_disagrees_with_table_is_a_warning(minimal_data: Data) -> None:
    data = with_applications(minimal_data, 95)
    data["overview"] = {"summary": "全年共收到政府信息公开申请17件，均按时答复。"}
    checked = check(data)
    assert checked.ok
    (warning,) = at(checked, "overview.summary", "warning")
    assert "收到政府信息公开申请17件" in warning.message
    assert "95" in warning.message
    assert "综述" in warning.label


def test_number_in_text_that_agrees_gives_no_warning(minimal_data: Data) -> None:
    data = with_applications(minimal_data, 95)
    data["overview"] = {"summary": "全年共收到政府信息公开申请95件，均按时答复。"}
    assert at(check(data), "overview.summary", "warning") == []


@pytest.mark.parametrize("text", ["无", "", "  暂无。 "])
def test_empty_problems_is_a_warning(minimal_data: Data, text: str) -> None:
    minimal_data["problems"] = text
    checked = check(minimal_data)
    assert checked.ok
    (warning,) = at(checked, "problems", "warning")
    assert "（一）存在的主要问题" in warning.label


def test_real_problems_text_gives_no_warning(minimal_data: Data) -> None:
    assert at(check(minimal_data), "problems", "warning") == []


def fee_overdue(data: Data, other_matters: str) -> Data:
    data["applications"] = {
        "new_received": {"natural_person": 2},
        "results": {"other": {"fee_overdue": {"natural_person": 2}}},
    }
    data["other_matters"] = other_matters
    return data


def test_fee_overdue_without_mentioning_fees_is_a_warning(minimal_data: Data) -> None:
    checked = check(fee_overdue(minimal_data, "无其他需要报告的事项。"))
    assert checked.ok
    (warning,) = at(checked, "other_matters", "warning")
    assert "信息处理费" in warning.message
    assert "2 件" in warning.message


def test_fee_overdue_with_fees_mentioned_gives_no_warning(minimal_data: Data) -> None:
    checked = check(fee_overdue(minimal_data, "本年度收取信息处理费0.02万元。"))
    assert at(checked, "other_matters", "warning") == []


def test_year_before_2021_is_a_warning_only(minimal_data: Data) -> None:
    minimal_data["year"] = 2020
    checked = check(minimal_data)
    assert checked.ok
    (warning,) = at(checked, "year", "warning")
    assert "2021" in warning.message
    assert validate(minimal_data).year == 2020


def test_year_2021_gives_no_warning(minimal_data: Data) -> None:
    minimal_data["year"] = 2021
    assert at(check(minimal_data), "year", "warning") == []


def test_warnings_never_block_validate(minimal_data: Data) -> None:
    minimal_data["problems"] = "无"
    minimal_data["year"] = 2020
    assert check(minimal_data).warnings
    validate(minimal_data)  # does not raise


# -- validate() ----------------------------------------------------------------------
def test_validate_raises_listing_every_problem(minimal_data: Data) -> None:
    del minimal_data["agency"]
    minimal_data["year"] = 2101
    minimal_data["applications"] = {"new_received": {"natural_person": "3"}}
    with pytest.raises(ReportValidationError) as info:
        validate(minimal_data, "muye.json")
    error = info.value
    assert len(error.problems) == 3
    text = str(error)
    assert text.startswith("muye.json：数据有 3 处错误，未生成报告")
    for problem in error.problems:
        assert problem.message in text
        assert problem.path in text


def test_validate_raises_for_cross_check_errors_and_shows_warnings(minimal_data: Data) -> None:
    minimal_data["applications"] = {"new_received": {"other": 1}}
    minimal_data["problems"] = "无"
    with pytest.raises(ReportValidationError) as info:
        validate(minimal_data)
    text = str(info.value)
    errors = [p for p in info.value.problems if p.severity == "error"]
    assert {p.path for p in errors} == {"applications.*.other", "applications.*.total"}
    assert "数据有 2 处错误" in text
    for problem in info.value.problems:  # the warnings are listed too
        assert str(problem) in text
    assert "警告 problems" in text
