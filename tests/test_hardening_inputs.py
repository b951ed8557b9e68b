"""Hardening: broken or hostile data files end in clear lines naming the place (issue 10, 6/10/11).

Each case runs through the command line as a clerk would type it: one Chinese
message naming the file and the field or cell, exit 1, no traceback, and in a
batch the other files still checked.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

import hostile
from conftest import SAMPLES
from gidoc.checking.validate import validate
from gidoc.cli import cli
from gidoc.format.models import MAX_TEXT, MAX_TOTAL_TEXT
from gidoc.output.context import build_context
from gidoc.output.docx import ReportTemplate
from gidoc.sources.load import load


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def clean(result: Result, code: int = 1) -> str:
    """All the output of a clean failure with exit ``code``: no traceback, no exception."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture(scope="module")
def report() -> bytes:
    """The fingerprint sample rendered: every table cell holds a number of its own."""
    return ReportTemplate().render(build_context(validate(load(SAMPLES / "fingerprint-2025.yaml"))))


# -- zip and OLE containers: the data reader ---------------------------------------------
@pytest.mark.parametrize("command", ["check", "extract"])
def test_a_zip_encrypted_report_is_one_line(report: bytes, tmp_path: Path, command: str) -> None:
    path = tmp_path / "加密.docx"
    path.write_bytes(hostile.zip_encrypted(report))
    output = clean(run(command, path))
    assert "加密.docx" in output
    assert "解压密码（已加密）" in output


def test_a_password_protected_report_says_password(report: bytes, tmp_path: Path) -> None:
    path = tmp_path / "密码.docx"
    path.write_bytes(hostile.password_protected(report))
    output = clean(run("check", path))
    assert "密码.docx：设置了打开密码（已加密）" in output
    assert "不是 .docx 格式" not in output


def test_an_unsupported_compression_is_named(report: bytes, tmp_path: Path) -> None:
    path = tmp_path / "压缩.docx"
    path.write_bytes(hostile.compressed_with(report, 9))
    output = clean(run("check", path))
    assert "不支持的压缩方式（编号 9）" in output
    assert "not supported" not in output


# -- JSON and YAML ---------------------------------------------------------------------
@pytest.fixture
def deep(tmp_path: Path) -> Path:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    return path


DEEP_MESSAGE = "deep.json：数据嵌套的层数过多"


def test_deeply_nested_json_is_one_line_and_the_batch_goes_on(
    deep: Path, sample_json: Path
) -> None:
    output = clean(run("check", deep, sample_json))
    assert DEEP_MESSAGE in output
    assert f"{sample_json}：通过" in output


def test_deeply_nested_json_in_a_json_check(deep: Path, sample_json: Path) -> None:
    result = run("check", deep, sample_json, "--format", "json")
    assert result.exit_code == 1, result.output
    files = json.loads(result.stdout)["files"]
    assert [f["ok"] for f in files] == [False, True]
    assert DEEP_MESSAGE in files[0]["errors"][0]["message"]


def test_deeply_nested_json_in_render(deep: Path, tmp_path: Path) -> None:
    output = clean(run("render", deep))
    assert DEEP_MESSAGE in output
    assert not (tmp_path / "deep.docx").exists()


def test_deeply_nested_yaml(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    output = clean(run("check", path))
    assert "deep.yaml" in output
    assert "Traceback" not in output


PENALTY = "active_disclosure.administrative_penalty（二、主动公开政府信息情况 / 行政处罚）"


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_hundred_thousand_digit_count_names_the_field(tmp_path: Path, suffix: str) -> None:
    text = (SAMPLES / "fingerprint-2025.yaml").read_text(encoding="utf-8")
    text = text.replace("administrative_penalty: 32069", "administrative_penalty: " + "9" * 100_000)
    path = tmp_path / f"big{suffix}"
    if suffix == ".json":
        data = load(SAMPLES / "fingerprint-2025.yaml")
        text = json.dumps(data, ensure_ascii=False, default=str)
        text = re.sub(r'("administrative_penalty": )\d+', r"\g<1>" + "9" * 100_000, text)
    path.write_text(text, encoding="utf-8")
    output = clean(run("check", path))
    assert f"错误 {PENALTY}：数字过大（共 100000 位），不能大于 1000000000000" in output
    assert "Exceeds" not in output
    assert len(output) < 2000  # the digits themselves are not printed


def test_a_fee_with_a_hundred_thousand_places_is_said_briefly(tmp_path: Path) -> None:
    text = (SAMPLES / "muye-2025.json").read_text(encoding="utf-8")
    text = re.sub(r'("administrative_fees": )[0-9.]+', r"\g<1>0." + "1" * 100_000, text)
    path = tmp_path / "fee.json"
    path.write_text(text, encoding="utf-8")
    output = clean(run("check", path))
    assert "最多 6 位小数（万元精确到分），实际为 0.111111111111111111…（100000 位小数）" in output
    assert len(output) < 2000


def _sample(**changes: Any) -> dict[str, Any]:
    data = json.loads((SAMPLES / "muye-2025.json").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def test_check_refuses_text_that_render_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "long.json"
    path.write_text(json.dumps(_sample(problems="字" * 70_000_000), ensure_ascii=False))
    output = clean(run("check", path))
    assert (
        "错误 problems（五、存在的主要问题及改进情况 / （一）存在的主要问题）：文字过长："
        f"70000000 个字符，最多 {MAX_TEXT} 个字符" in output
    )
    output = clean(run("render", path))
    assert "文字过长" in output
    assert "Text node too long" not in output
    assert not (tmp_path / "long.docx").exists()


def test_the_longest_text_check_allows_renders(tmp_path: Path) -> None:
    path = tmp_path / "longest.json"
    text = "字" * (MAX_TEXT // 2) + "\n" + "&<" * (MAX_TEXT // 4 - 1)
    path.write_text(json.dumps(_sample(problems=text), ensure_ascii=False))
    assert len(text) <= MAX_TEXT
    result = run("render", path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "longest.docx").is_file()


def test_check_refuses_texts_that_together_are_too_long_to_render(tmp_path: Path) -> None:
    """Every text within its limit, together past what render writes in its time limit."""
    page = "字" * (MAX_TEXT - 10)
    data = _sample(problems=page, improvements=page, other_matters=page, preamble=page)
    data["overview"]["summary"] = page + "尾"
    path = tmp_path / "long.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    output = clean(run("render", path))
    assert "错误 overview.summary（一、总体情况 / 综述）：报告的文字共" in output
    assert f"超过 gidoc 能生成的上限 {MAX_TOTAL_TEXT:,} 字" in output
    assert "模板" not in output
    assert not (tmp_path / "long.docx").exists()


def test_a_hundred_sections_are_refused_by_name(tmp_path: Path) -> None:
    sections = [{"heading": f"分项{i}", "body": "正文"} for i in range(100)]
    data = _sample()
    data["overview"]["sections"] = sections
    path = tmp_path / "many.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    for command in ("check", "render"):
        output = clean(run(command, path))
        assert "错误 overview.sections（一、总体情况 / 分项）：最多 99 项" in output
        assert "实际为 100 项" in output
        assert "heading numbers" not in output


def test_a_date_in_an_excel_count_cell_is_said_as_a_date(tmp_path: Path) -> None:
    form = tmp_path / "form.xlsx"
    assert run("init", "--agency", "某某局", "--year", "2025", "-o", form).exit_code == 0
    book = openpyxl.load_workbook(form)
    book["表三"]["D4"] = datetime.datetime(2025, 3, 1)
    book.save(form)
    output = clean(run("check", form))
    assert "表三!D4 applications.new_received.natural_person" in output
    assert "实际为日期 2025-03-01" in output
    assert "datetime" not in output


# -- every bad cell of a .docx at once ---------------------------------------------------
def _bad_cells(report: bytes) -> bytes:
    def change(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        for old, new in (("10535", "5.0"), ("12873", "1,08"), ("10034", "-199")):
            cell = f'<w:t xml:space="preserve">{old}</w:t>'
            assert text.count(cell) == 1, old
            text = text.replace(cell, f'<w:t xml:space="preserve">{new}</w:t>')
        return text.encode("utf-8")

    return hostile.rewrite(report, {"word/document.xml": change})


def test_every_bad_cell_of_a_report_is_reported_at_once(report: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(_bad_cells(report))
    output = clean(run("check", path))
    assert "bad.docx：3 个错误" in output
    for cell, shown in (
        ("表三 第 4 行第 4 列 applications.new_received.natural_person", "实际为「5.0」"),
        ("表三 第 4 行第 5 列 applications.new_received.commercial_enterprise", "实际为「1,08」"),
        (
            "表三 第 4 行第 6 列 applications.new_received.research_institution",
            "不能为负数，实际为 -199",
        ),
    ):
        line = next(line for line in output.splitlines() if cell in line)
        assert shown in line
    # The stand-in zeros must not produce a total warning or a cross-check error.
    assert "总计" not in output.split("\n", 1)[1].split("自然人", 1)[0]
    assert "勾稽" not in output.replace("以上错误改正后，gidoc 才会核对各表的合计与勾稽关系", "")


def test_extract_lists_every_unreadable_cell(report: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(_bad_cells(report))
    result = run("extract", path, "-o", tmp_path / "out.json")
    output = clean(result)
    assert "bad.docx：有 2 个值无法读取" in output
    assert "「5.0」" in output
    assert "「1,08」" in output
    assert not (tmp_path / "out.json").exists()


def test_render_lists_every_bad_cell_and_writes_nothing(report: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(_bad_cells(report))
    shutil.rmtree(tmp_path / "out", ignore_errors=True)
    output = clean(run("render", path, "-o", tmp_path / "out/"))
    assert "bad.docx：数据有 3 处错误，未生成报告" in output
    assert not (tmp_path / "out").exists()
