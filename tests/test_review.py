"""gidoc review: each rule on small batches, the roster, the near-duplicate index, the CLI.

Reports are built from the smallest valid data with texts of their own
(random characters, so that only the copies a test plants are copies).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import unit_report as unit
from conftest import unit_text as text
from gidoc.cli import cli
from gidoc.errors import InputError
from gidoc.format import labels as L
from gidoc.review import Review, ReviewItem, read_roster, review_data, similarity, unit_key
from gidoc.review.inputs import read_examined, report_files
from gidoc.sources.skeleton import to_json

Data = dict[str, Any]


def items(*datas: Data) -> list[ReviewItem]:
    return [ReviewItem(f"{d['agency']}.json", d) for d in datas]


def rules_of(review: Review, number: int = 0) -> list[str]:
    return [f.rule for f in review.reports[number].findings]


def findings(review: Review, rule: str, number: int = 0) -> list[Any]:
    return [f for f in review.reports[number].findings if f.rule == rule]


# -- each report on its own --------------------------------------------------------
def test_distinct_valid_reports_pass() -> None:
    review = review_data(items(unit("甲局"), unit("乙局")))
    assert [r.status for r in review.reports] == ["ok", "ok"]
    assert review.exit_code == 0
    assert review.summary()["ok"] == 2


def test_an_unreadable_report_does_not_stop_the_others() -> None:
    batch = [
        ReviewItem("坏.json", None, ["坏.json：第 1 行第 2 列 JSON 语法错误"]),
        *items(unit("甲局")),
    ]
    review = review_data(batch)
    assert [r.status for r in review.reports] == ["unreadable", "ok"]
    assert review.reports[0].errors[0].as_json() == {
        "rule": "unreadable",
        "path": "",
        "label": "",
        "message": "坏.json：第 1 行第 2 列 JSON 语法错误",
    }
    assert review.exit_code == 1


def test_data_that_is_not_an_object_is_a_format_error() -> None:
    review = review_data([ReviewItem("上传-1", [1, 2])])  # type: ignore[arg-type]
    assert rules_of(review) == ["format"]
    assert review.reports[0].agency == ""


def test_format_and_cross_check_errors_are_the_checks() -> None:
    bad_format = unit("甲局")
    bad_format["applications"] = {"new_received": {"natural_person": "3"}}
    unbalanced = unit("乙局")
    unbalanced["applications"] = {"new_received": {"natural_person": 3}}
    review = review_data(items(bad_format, unbalanced))
    assert rules_of(review, 0) == ["format"]
    assert review.reports[0].errors[0].problem.path == "applications.new_received.natural_person"
    assert set(rules_of(review, 1)) == {"cross_check"}
    assert "勾稽关系不成立" in review.reports[1].errors[0].problem.message
    assert review.exit_code == 1


@pytest.mark.parametrize(
    ("key", "value", "label"),
    [
        ("problems", "无", f"{L.SECTION_5} / {L.PROBLEMS}"),
        ("improvements", "  ", f"{L.SECTION_5} / {L.IMPROVEMENTS}"),
        ("other_matters", "", L.SECTION_6),
    ],
)
def test_an_empty_section_is_a_required_content_error(key: str, value: str, label: str) -> None:
    data = unit("甲局")
    data[key] = value
    review = review_data(items(data))
    (finding,) = review.reports[0].findings  # the check's own warning about it is not repeated
    assert finding.rule == "required_content"
    assert finding.severity == "error"
    assert (finding.problem.path, finding.problem.label) == (key, label)
    assert review.exit_code == 1


def test_an_empty_overview_is_a_required_content_error() -> None:
    data = unit("甲局")
    data["overview"] = {"sections": [{"heading": topic} for topic in L.OVERVIEW_TOPICS]}
    review = review_data(items(data))
    assert rules_of(review) == ["required_content"]
    assert review.reports[0].errors[0].problem.label == L.SECTION_1


# -- against last year ---------------------------------------------------------------
def with_tables(data: Data, applications: Data | None = None, **active: Any) -> Data:
    data = copy.deepcopy(data)
    if applications is not None:
        data["applications"] = applications
    if active:
        data["active_disclosure"] = active
    return data


def balanced(new: int, old: int = 0, forward: int = 0) -> Data:
    """Table 三 with every application by a natural person, balanced: granted = new + old − forward."""
    return {
        "new_received": {"natural_person": new},
        "carried_over": {"natural_person": old},
        "results": {"granted": {"natural_person": new + old - forward}},
        "carried_forward": {"natural_person": forward},
    }


def against(this: Data, last: Data) -> Review:
    return review_data(items(this), previous=[ReviewItem("上年.json", last)])


def test_carry_over_names_both_years() -> None:
    last = with_tables(unit("甲局", 2024), balanced(20, forward=4))
    this = with_tables(unit("甲局"), balanced(30, old=3))
    review = against(this, last)
    found = findings(review, "carry_over")
    assert [f.problem.path for f in found] == [
        "applications.carried_over.natural_person",
        "applications.carried_over.total",
    ]
    message = found[0].problem.message
    assert message == (
        f"本年度（2025年）{L.T3_CARRIED_OVER} 3 件，而上年度（2024年）报告 "
        f"{L.T3_CARRIED_FORWARD} 4 件，两者应相等"
    )


def test_in_force_chain() -> None:
    last = with_tables(unit("甲局", 2024), rules={"in_force": 10})
    this = with_tables(unit("甲局"), rules={"issued": 2, "repealed": 1, "in_force": 12})
    (finding,) = findings(against(this, last), "in_force_chain")
    assert finding.problem.path == "active_disclosure.rules.in_force"
    assert "应为 11" in finding.problem.message


@pytest.mark.parametrize(
    ("before", "now", "jump"),
    [(12, 100, "是上年的 8.3 倍"), (100, 15, "只有上年的 15%"), (9, 100, None), (100, 8, None)],
    ids=["up", "down", "last-year-small", "this-year-small"],
)
def test_year_on_year_jumps(before: int, now: int, jump: str | None) -> None:
    last = with_tables(unit("甲局", 2024), administrative_licensing=before)
    this = with_tables(unit("甲局"), administrative_licensing=now)
    found = findings(against(this, last), "year_jump")
    if jump is None:
        assert found == []
        return
    (finding,) = found
    assert finding.problem.path == "active_disclosure.administrative_licensing"
    assert finding.problem.label == L.T2_LICENSING
    assert finding.problem.message.startswith(
        f"本年度（2025年）{now}，上年度（2024年）{before}，{jump}"
    )


def test_a_jump_in_table_3_is_named_by_its_row_total() -> None:
    last = with_tables(unit("甲局", 2024), balanced(10))
    this = with_tables(unit("甲局"), balanced(60))
    paths = [f.problem.path for f in findings(against(this, last), "year_jump")]
    assert paths == [
        "applications.new_received.total",
        "applications.results.granted.total",
        "applications.results.total.total",
    ]


def test_text_repeated_from_last_year_with_years_and_numbers_changed() -> None:
    last = unit("甲局", 2024)
    last["problems"] = "2024年" + text("问题") + "共收到申请12件。"
    this = unit("甲局")
    this["problems"] = "2025年" + text("问题") + "共收到申请0件。"
    (finding,) = findings(against(this, last), "repeated_text")
    assert finding.problem.path == "problems"
    assert finding.problem.message.startswith(
        "100% 的文字与本单位上年度（2024年）报告（上年.json）相同"
    )


def test_a_section_partly_repeated_is_no_warning() -> None:
    last = unit("甲局", 2024)
    this = unit("甲局")
    this["problems"] = last["problems"][:60] + text("新的问题", 120)
    assert findings(against(this, last), "repeated_text") == []


def test_text_moved_to_another_section_still_repeats() -> None:
    last = unit("甲局", 2024)
    this = unit("甲局")
    this["improvements"] = last["problems"]
    (finding,) = findings(against(this, last), "repeated_text")
    assert finding.problem.path == "improvements"


def test_previous_matched_by_normalised_name_and_missing_ones_said() -> None:
    last = unit("（试点）甲 局", 2024)
    this = unit("(试点)甲局", seed="x")
    this["problems"] = last["problems"]
    review = review_data(items(this, unit("乙局")), previous=[ReviewItem("上年.json", last)])
    assert "repeated_text" in rules_of(review, 0)
    assert rules_of(review, 1) == ["previous_missing"]


def test_an_unusable_previous_report_is_listed() -> None:
    wrong = unit("甲局", 2024)
    wrong["year"] = "2024"
    review = review_data(
        items(unit("甲局")),
        previous=[
            ReviewItem("上年坏.json", None, ["上年坏.json：文件不存在"]),
            ReviewItem("上年错.json", wrong),
        ],
    )
    assert review.as_json()["previous_unusable"][1] == {
        "file": "上年错.json",
        "message": "上年错.json：数据不符合格式：错误 year（报告年度）：应为不带引号、不带小数点的整数，"
        '实际为文本 "2024"',
    }
    assert rules_of(review) == ["previous_missing"]
    review = review_data(
        items(unit("甲局")), previous=[ReviewItem("上年坏.json", None, ["上年坏.json：文件不存在"])]
    )
    assert review.as_json()["previous_unusable"] == [
        {"file": "上年坏.json", "message": "上年坏.json：文件不存在"}
    ]


# -- between units of the same year -------------------------------------------------
def test_a_section_copied_between_units_names_the_other_unit() -> None:
    a, b, c = unit("甲局"), unit("乙局"), unit("丙局")
    b["problems"] = a["problems"][:140] + "另改几字。"  # a light edit is still a copy
    review = review_data(items(a, b, c))
    (fa,) = findings(review, "copied_text", 0)
    (fb,) = findings(review, "copied_text", 1)
    assert fa.problem.path == fb.problem.path == "problems"
    assert re.match(
        r"与 乙局（乙局\.json，相似度 [89]\d%）的同一部分文字几乎相同", fa.problem.message
    )
    assert re.match(r"与 甲局（甲局\.json，相似度 [89]\d%）", fb.problem.message)
    assert rules_of(review, 2) == []


def test_a_template_text_with_each_units_name_is_a_copy() -> None:
    datas = [unit(name) for name in ("甲局", "乙局", "丙局", "丁局", "戊局")]
    for data in datas:
        data["other_matters"] = f"{data['agency']}" + text("模板")
    review = review_data(items(*datas))
    message = findings(review, "copied_text", 0)[0].problem.message
    assert message.startswith("与 乙局（乙局.json，相似度 100%）、丙局（丙局.json，相似度 100%）、")
    assert "等 4 个单位的同一部分文字几乎相同" in message


def test_short_texts_are_never_copies() -> None:
    a, b = unit("甲局"), unit("乙局")
    a["other_matters"] = b["other_matters"] = "本年度未收取信息处理费，无其他需要报告的事项。"
    assert review_data(items(a, b)).reports[0].findings == []


def test_the_same_unit_twice_is_said_on_both() -> None:
    review = review_data(
        [ReviewItem("a.json", unit("甲局")), ReviewItem("b.json", unit("甲　局", seed="b"))]
    )
    assert rules_of(review, 0) == ["duplicate_unit"]
    assert "b.json" in review.reports[0].warnings[0].problem.message
    assert "a.json" in review.reports[1].warnings[0].problem.message


def test_the_index_finds_planted_pairs_among_many_texts() -> None:
    texts = [text(n, 200) for n in range(400)]
    texts[350] = texts[7][:195] + "改动一处。"
    texts[399] = texts[123]
    sections = [
        similarity.Section(n, s, similarity.signature(s))
        for n, s in enumerate(similarity.shingles(t) for t in texts)
    ]
    pairs = {
        (sections[c.section].owner, other)
        for c in similarity.near_duplicates(sections)
        for other, _ in c.others
    }
    assert pairs == {(7, 350), (350, 7), (123, 399), (399, 123)}


def test_normalise_drops_spaces_punctuation_and_digits() -> None:
    assert similarity.normalise("２０２５年， 收到 12 件。") == "0年收到0件"
    assert unit_key(" 某某区（试点）\u3000工信局 ") == "某某区(试点)工信局"


# -- the roster ----------------------------------------------------------------------
def test_roster_missing_and_unexpected() -> None:
    review = review_data(items(unit("甲局"), unit("乙 局")), roster=["甲局", "乙局", "丙局"])
    assert review.missing == ["丙局"]
    assert review.unexpected == []
    review = review_data(items(unit("甲局"), unit("丁局")), roster=["甲局"])
    assert [u.as_json() for u in review.unexpected] == [{"file": "丁局.json", "agency": "丁局"}]
    assert review.exit_code == 0  # missing units are not errors of a report


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_roster_csv_with_a_header(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes("单位名称,联系人\n甲局,张三\n\n乙局,李四\n甲局,重复\n".encode(encoding))
    assert read_roster(path) == ["甲局", "乙局"]


def test_roster_xlsx_with_row_numbers(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in (["序号", "单位名称"], [1, "甲局"], [2, "乙局"]):
        sheet.append(row)
    path = tmp_path / "名单.xlsx"
    workbook.save(path)
    assert read_roster(path) == ["甲局", "乙局"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.csv", "单位名称\n".encode(), "名单.csv：名单中没有任何单位名称"),
        ("名单.doc", b"x", "名单.doc：名单应为 .csv 或 .xlsx 文件（每行一个单位名称）"),
        ("名单.xlsx", b"not a zip", "名单.xlsx：不是有效的 Excel 工作簿（.xlsx）"),
    ],
)
def test_a_bad_roster_is_one_clear_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as raised:
        read_roster(path, name)
    assert str(raised.value).startswith(message)


# -- the JSON, compared exactly -------------------------------------------------------
def test_json_output_exactly() -> None:
    last = with_tables(unit("甲局", 2024), balanced(20, forward=4))
    this = with_tables(unit("甲局"), balanced(30, old=4))
    this["improvements"] = last["improvements"]
    other = unit("乙局")
    other["problems"] = "无"
    batch = [
        ReviewItem("甲局.json", this),
        ReviewItem("乙局.json", other),
        ReviewItem("丙局.docx", None, ["丙局.docx：文件不存在"]),
    ]
    review = review_data(
        batch, previous=[ReviewItem("2024/甲局.json", last)], roster=["甲局", "丁局"]
    )
    assert review.as_json() == {
        "reports": [
            {
                "file": "甲局.json",
                "agency": "甲局",
                "year": 2025,
                "status": "warnings",
                "errors": [],
                "warnings": [
                    {
                        "rule": "repeated_text",
                        "path": "improvements",
                        "label": f"{L.SECTION_5} / {L.IMPROVEMENTS}",
                        "message": "100% 的文字与本单位上年度（2024年）报告（2024/甲局.json）相同；"
                        "请按本年度工作如实撰写",
                    }
                ],
            },
            {
                "file": "乙局.json",
                "agency": "乙局",
                "year": 2025,
                "status": "errors",
                "errors": [
                    {
                        "rule": "required_content",
                        "path": "problems",
                        "label": f"{L.SECTION_5} / {L.PROBLEMS}",
                        "message": f"{L.SECTION_5}应写明{L.PROBLEMS}和{L.IMPROVEMENTS}两部分，"
                        "这一部分为空或只写了「无」",
                    }
                ],
                "warnings": [
                    {
                        "rule": "previous_missing",
                        "path": "agency",
                        "label": "报告机关名称",
                        "message": "上年度报告中没有这个单位的报告，无法核对上年结转和沿用上年文字",
                    }
                ],
            },
            {
                "file": "丙局.docx",
                "agency": "",
                "year": None,
                "status": "unreadable",
                "errors": [
                    {
                        "rule": "unreadable",
                        "path": "",
                        "label": "",
                        "message": "丙局.docx：文件不存在",
                    }
                ],
                "warnings": [],
            },
        ],
        "missing": ["丁局"],
        "unexpected": [{"file": "乙局.json", "agency": "乙局"}],
        "previous_unusable": [],
        "summary": {
            "reports": 3,
            "ok": 0,
            "warnings": 1,
            "errors": 1,
            "unreadable": 1,
            "error_count": 2,
            "warning_count": 2,
            "missing": 1,
            "unexpected": 1,
        },
    }
    assert review.exit_code == 1


# -- files and the command line -------------------------------------------------------
@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of units' reports, one in a sub-folder, one broken, one not a report."""
    units = tmp_path / "各单位"
    (units / "街道").mkdir(parents=True)
    (units / "甲局.json").write_text(to_json(unit("甲局")), "utf-8")
    (units / "街道" / "乙街道.json").write_text(to_json(unit("乙街道")), "utf-8")
    (units / "丙局.json").write_text("{", "utf-8")
    (units / "说明.txt").write_text("不是报告", "utf-8")
    (units / "~$甲局.docx").write_bytes(b"Word lock file")
    return units


def test_folders_are_searched_for_reports(folder: Path) -> None:
    names = [p.relative_to(folder).as_posix() for p in report_files([folder])]
    assert names == ["丙局.json", "甲局.json", "街道/乙街道.json"]


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_text_output_exactly(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder.parent)
    result = run("review", "各单位", "--roster", str(_roster(folder.parent, "甲局", "丁局")))
    assert result.exit_code == 1
    assert result.stdout == (
        "各单位/丙局.json：无法读取，1 个错误，0 个警告\n"
        "  [文件无法读取] 错误：各单位/丙局.json：第 1 行第 2 列 JSON 语法错误（字段名应使用英文双引号，或多了一个逗号）\n"
        "各单位/甲局.json（甲局）：通过\n"
        "各单位/街道/乙街道.json（乙街道）：通过\n"
        "未报送（1 个单位）：丁局\n"
        "不在名单中（1 份）：乙街道（各单位/街道/乙街道.json）\n"
        "共 3 份报告，1 份有错误或无法读取，0 份只有警告，2 份通过，名单中 1 个单位未报送，1 份不在名单中\n"
    )


def _roster(where: Path, *names: str) -> Path:
    path = where / "名单.csv"
    path.write_text("单位名称\n" + "\n".join(names) + "\n", "utf-8")
    return path


def test_cli_json_matches_the_library(folder: Path) -> None:
    result = run("review", str(folder), "--format", "json")
    assert result.exit_code == 1
    parsed = json.loads(result.stdout)
    assert [r["status"] for r in parsed["reports"]] == ["unreadable", "ok", "ok"]
    assert parsed["summary"]["reports"] == 3


def test_cli_exit_0_without_errors(tmp_path: Path) -> None:
    path = tmp_path / "甲局.json"
    path.write_text(to_json(unit("甲局")), "utf-8")
    result = run("review", str(path))
    assert result.exit_code == 0
    assert result.stdout.endswith("共 1 份报告，0 份有错误或无法读取，0 份只有警告，1 份通过\n")


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("结果.docx", "-o 结果.docx：审核结果可写为 .xlsx（工作簿）或 .html（网页）\n"),
        ("各单位/甲局.json", ""),
    ],
)
def test_cli_refuses_an_impossible_output(
    folder: Path, monkeypatch: pytest.MonkeyPatch, output: str, message: str
) -> None:
    monkeypatch.chdir(folder.parent)
    result = run("review", "各单位", "-o", output)
    assert result.exit_code == 1
    if message:
        assert result.stderr == message
    else:
        assert "审核结果可写为" in result.stderr
    assert (folder / "甲局.json").read_text("utf-8").startswith("{")


def test_a_pool_reads_many_files_in_order(tmp_path: Path) -> None:
    paths = []
    for n in range(10):
        path = tmp_path / f"{n:02d}.json"
        path.write_text("{" if n == 4 else to_json(unit(f"单位{n}")), "utf-8")
        paths.append(path)
    seen: list[tuple[int, int]] = []
    examined = read_examined(
        paths, progress=lambda done, total: seen.append((done, total)), workers=2
    )
    assert [e.item.source for e in examined] == [str(p) for p in paths]
    assert [e.unreadable for e in examined] == [n == 4 for n in range(10)]
    assert seen[-1] == (10, 10)


def test_a_folder_of_every_format(tmp_path: Path) -> None:
    """JSON, YAML, an Excel form, a Word report and a web page, as units send them."""
    from gidoc.output.excel import write_form
    from gidoc.pipeline import render_files
    from gidoc.sources.skeleton import to_yaml

    folder = tmp_path / "各单位"
    folder.mkdir()
    (folder / "甲局.json").write_text(to_json(unit("甲局")), "utf-8")
    (folder / "乙局.yaml").write_text(to_yaml(unit("乙局")), "utf-8")
    write_form(folder / "丙局.xlsx", unit("丙局"))
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "丁局.json").write_text(to_json(unit("丁局")), "utf-8")
    (staging / "戊局.json").write_text(to_json(unit("戊局")), "utf-8")
    render_files([staging / "丁局.json"], folder / "丁局.docx")
    render_files([staging / "戊局.json"], folder / "戊局.html")
    result = run("review", str(folder), "--format", "json")
    reports = json.loads(result.stdout)["reports"]
    assert {r["agency"]: r["status"] for r in reports} == {
        "丙局": "ok",
        "丁局": "ok",
        "戊局": "ok",
        "乙局": "ok",
        "甲局": "ok",
    }, reports
    assert result.exit_code == 0


def test_a_folder_without_reports_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "说明.txt").write_text("不是报告", "utf-8")
    result = run("review", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == f"没有找到要审核的报告文件（{tmp_path}）\n"


def test_sigterm_ends_a_long_review_and_its_workers(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "各单位"
    folder.mkdir()
    for n in range(400):
        (folder / f"{n:03d}.json").write_text(to_json(unit(f"单位{n}")), "utf-8")
    out = tmp_path / "审核结果.xlsx"
    child = subprocess.Popen(
        [sys.executable, "-m", "gidoc", "review", str(folder), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2:
        assert time.monotonic() < deadline, "the workers never started"
        listed = subprocess.run(
            ["pgrep", "-P", str(child.pid)], capture_output=True, text=True, check=False
        )
        workers = [int(pid) for pid in listed.stdout.split()]
        time.sleep(0.05)
    time.sleep(0.3)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=20)
    assert child.returncode == 128 + signal.SIGTERM, stderr
    assert "已中止" in stderr
    assert "Traceback" not in stderr
    for pid in workers:
        assert (
            not os.path.exists(f"/proc/{pid}")
            or "zombie" in Path(f"/proc/{pid}/status").read_text()
        )
    assert not out.exists()


def test_cli_writes_the_workbook_and_says_so(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder.parent)
    result = run("review", "各单位", "-o", "审核结果.xlsx")
    assert result.exit_code == 1
    assert result.stdout == (
        "共 3 份报告，1 份有错误或无法读取，0 份只有警告，2 份通过\n审核结果.xlsx\n"
    )
    from openpyxl import load_workbook

    assert load_workbook(folder.parent / "审核结果.xlsx").sheetnames == ["汇总", "问题"]
