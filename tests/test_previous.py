"""gidoc.checking.previous.compare_with_previous: does this year's report follow on from last year's?"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import SAMPLES
from gidoc import load, validate
from gidoc.checking.previous import compare_with_previous
from gidoc.errors import Problem
from gidoc.format import labels as L
from gidoc.format.models import Report
from gidoc.sources.skeleton import skeleton

Data = dict[str, Any]


@pytest.fixture(scope="module")
def previous() -> Report:
    """Last year's report: the fingerprint sample (2025), every number different."""
    return validate(load(SAMPLES / "fingerprint-2025.yaml"))


@pytest.fixture
def this_year(previous: Report) -> Data:
    """This year's data as gidoc starts it from last year's: consistent with it."""
    return skeleton(None, 2026, previous)


def compare(data: Data, previous: Report) -> list[Problem]:
    problems = compare_with_previous(validate(data), previous)
    assert all(p.severity == "warning" for p in problems)  # never errors
    return problems


def test_a_report_started_from_last_year_follows_on(this_year: Data, previous: Report) -> None:
    assert compare(this_year, previous) == []


def test_carried_over_differs_in_one_column(this_year: Data, previous: Report) -> None:
    apps = this_year["applications"]
    # Keep the table balanced (一 + 二 = 三 + 四): the comparison is all that may fail.
    apps["carried_over"]["research_institution"] += 5
    apps["carried_forward"]["research_institution"] += 5
    problems = compare(this_year, previous)
    assert [p.path for p in problems] == [
        "applications.carried_over.research_institution",
        "applications.carried_over.total",
    ]
    column, total = problems
    assert column.label == (
        f"{L.T3_CARRIED_OVER} / {L.T3_LEGAL_PERSONS} / {L.APPLICANT_COLUMNS['research_institution']}"
    )
    assert total.label == f"{L.T3_CARRIED_OVER} / {L.TOTAL}"
    # Both numbers and both years, said in Chinese.
    # Last year's 结转下年度 科研机构 207, total 2146.
    assert "212 件" in column.message
    assert "207 件" in column.message
    assert "2026年" in column.message
    assert "2025年" in column.message
    assert L.T3_CARRIED_FORWARD in column.message
    assert "2151 件" in total.message
    assert "2146 件" in total.message
    assert str(column).startswith("警告 applications.carried_over.research_institution（")


def test_every_column_is_compared(this_year: Data, previous: Report) -> None:
    apps = this_year["applications"]
    for key in L.APPLICANT_COLUMNS:
        apps["carried_over"][key] = apps["carried_forward"][key] = 0
    paths = [p.path for p in compare(this_year, previous)]
    assert paths == [f"applications.carried_over.{key}" for key in [*L.APPLICANT_COLUMNS, "total"]]


def test_documents_in_force_follow_on(this_year: Data, previous: Report) -> None:
    # Last year 规章 91 in force: +4 issued −2 repealed = 93; 规范性文件 1043 − 43 = 1000.
    ad = this_year["active_disclosure"]
    ad["rules"] = {"issued": 4, "repealed": 2, "in_force": 93}
    ad["normative_documents"] = {"issued": 0, "repealed": 43, "in_force": 1000}
    assert compare(this_year, previous) == []


def test_documents_in_force_off_is_a_warning_naming_the_sum(
    this_year: Data, previous: Report
) -> None:
    ad = this_year["active_disclosure"]
    ad["rules"] = {"issued": 4, "repealed": 2, "in_force": 90}
    problems = compare(this_year, previous)
    (problem,) = problems
    assert problem.path == "active_disclosure.rules.in_force"
    assert problem.label == f"{L.T2_RULES} / {L.T2_IN_FORCE}"
    for said in ("90", "91", "4", "2", "应为 93", "清理", "2025"):
        assert said in problem.message


def test_normative_documents_are_compared(this_year: Data, previous: Report) -> None:
    this_year["active_disclosure"]["normative_documents"]["in_force"] = 0
    (problem,) = compare(this_year, previous)
    assert problem.path == "active_disclosure.normative_documents.in_force"
    assert problem.label == f"{L.T2_NORMATIVE} / {L.T2_IN_FORCE}"
    assert "应为 1043" in problem.message


def test_wrong_year_is_a_warning(previous: Report) -> None:
    data = skeleton(None, 2027, previous)
    problems = compare(data, previous)
    assert [p.path for p in problems] == ["year"]
    assert "2025" in problems[0].message
    assert "2026" in problems[0].message


def test_a_report_compared_with_itself(previous: Report) -> None:
    """Same year, and its 结转 rows differ: warnings only, the year first."""
    problems = compare_with_previous(previous, previous)
    assert problems[0].path == "year"
    assert {p.severity for p in problems} == {"warning"}
    assert "applications.carried_over.total" in [p.path for p in problems]
    # 规章 91 in force is not 91 + 3 − 5, nor 规范性文件 1043 = 1043 + 108 − 199.
    assert "active_disclosure.rules.in_force" in [p.path for p in problems]
    assert "active_disclosure.normative_documents.in_force" in [p.path for p in problems]
