"""The data-entry commands as a clerk and a reviewer use them: init, schema, extract, --previous."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from gidoc import ReportTemplate, build_context, load, validate
from gidoc.cli import cli
from gidoc.sources.skeleton import to_json

FINGERPRINT = SAMPLES / "fingerprint-2025.yaml"


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def report_docx(tmp_path: Path) -> Path:
    path = tmp_path / "2025年报告.docx"
    path.write_bytes(ReportTemplate().render(build_context(validate(load(FINGERPRINT)))))
    return path


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_init_writes_a_complete_blank_report_that_loads(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"data{suffix}"
    result = run("init", "--agency", "某某局", "--year", "2025", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    data = load(out)
    assert data["agency"] == "某某局"
    assert data["year"] == 2025
    if suffix != ".xlsx":  # the form leaves empty texts out, so check names them
        report = validate(data)
        assert report.applications.new_received.derived_total == 0


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "data.yaml"
    out.write_text("keep", encoding="utf-8")
    result = run("init", "--agency", "某某局", "--year", "2025", "-o", str(out))
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep"
    assert run("init", "--agency", "某", "--year", "2025", "-o", str(out), "--force").exit_code == 0


def test_init_from_last_years_report_carries_over(tmp_path: Path, report_docx: Path) -> None:
    out = tmp_path / "2026.json"
    result = run("init", "--from", str(report_docx), "-o", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    last = load(FINGERPRINT)
    assert data["year"] == 2026
    assert data["agency"] == last["agency"]
    assert data["applications"]["carried_over"] == last["applications"]["carried_forward"]
    for key in ("rules", "normative_documents"):
        want = last["active_disclosure"][key]["in_force"]
        assert data["active_disclosure"][key]["in_force"] == want
    assert data["problems"] == ""


def test_init_needs_an_agency_or_last_year(tmp_path: Path) -> None:
    result = run("init", "--year", "2025", "-o", str(tmp_path / "x.yaml"))
    assert result.exit_code == 1
    assert "报告机关" in result.stderr


def test_schema_is_json_with_chinese_titles() -> None:
    result = run("schema")
    schema = json.loads(result.stdout)
    assert schema["properties"]["agency"]["title"] == "报告机关名称"
    assert schema["additionalProperties"] is False


def test_extract_round_trips_a_rendered_report(tmp_path: Path, report_docx: Path) -> None:
    out = tmp_path / "data.json"
    result = run("extract", str(report_docx), "-o", str(out))
    assert result.exit_code == 0, result.output
    # Compared as the report prints them: texts as paragraphs, totals derived.
    assert build_context(validate(load(out))) == build_context(validate(load(FINGERPRINT)))


def test_extract_without_output_prints_json(report_docx: Path) -> None:
    result = run("extract", str(report_docx))
    assert json.loads(result.stdout)["agency"] == load(FINGERPRINT)["agency"]


def test_extract_of_a_document_without_the_tables_is_one_clear_line(tmp_path: Path) -> None:
    from docx import Document

    path = tmp_path / "not-a-report.docx"
    Document().save(str(path))
    result = run("extract", str(path))
    assert result.exit_code == 1
    assert "表" in result.stderr
    assert "Traceback" not in result.output


def test_check_previous_warns_when_the_carry_over_breaks(tmp_path: Path) -> None:
    last = load(FINGERPRINT)
    last["year"] = 2024
    last.pop("date")
    previous = tmp_path / "2024.json"
    previous.write_text(to_json(last), encoding="utf-8")
    result = run("check", str(FINGERPRINT), "--previous", str(previous))
    assert result.exit_code == 0  # warnings only
    assert "上年结转" in result.stdout
    assert "结转下年度继续办理" in result.stdout
    assert "applications.carried_over.natural_person" in result.stdout


def test_check_previous_that_is_invalid_is_refused(tmp_path: Path) -> None:
    previous = tmp_path / "2024.json"
    previous.write_text('{"agency": "某局"}', encoding="utf-8")
    result = run("check", str(FINGERPRINT), "--previous", str(previous))
    assert result.exit_code == 1
    assert f"上年报告 {previous}：数据有" in result.stderr
    assert "不能作为上年数据使用" in result.stderr


def test_check_reads_an_excel_form_and_names_the_cell(tmp_path: Path) -> None:
    import openpyxl

    form = tmp_path / "form.xlsx"
    assert run("init", "--agency", "某某局", "--year", "2025", "-o", str(form)).exit_code == 0
    book = openpyxl.load_workbook(form)
    book["表三"]["D4"] = "3"
    book.save(form)
    result = run("check", str(form))
    assert result.exit_code == 1
    assert "表三!D4 applications.new_received.natural_person" in result.stdout
