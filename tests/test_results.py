"""The library's results carry their verdict: exit code, JSON form and text, without the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gidoc.checking.report import CheckReport
from gidoc.cli import cli
from gidoc.errors import InputError, InvalidInputs
from gidoc.output import pdf
from gidoc.output.doctor import Diagnosis, FontCheck, diagnose
from gidoc.pipeline import check_report, convert_files, init_file
from gidoc.sources.load import load


def write(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# -- the check summary ------------------------------------------------------------------
def test_a_broken_cross_check_gives_exit_1_and_names_the_paths(
    tmp_path: Path, minimal_data: dict[str, Any], sample_json: Path
) -> None:
    # One new application and nothing processed: 一 + 二 ≠ 三（七） + 四.
    minimal_data["applications"] = {"new_received": {"natural_person": 1}}
    broken = write(tmp_path, "broken.json", minimal_data)
    report = check_report([sample_json, broken])
    assert isinstance(report, CheckReport)
    assert report.ok is False
    assert report.exit_code == 1
    as_json = report.as_json()
    assert as_json["ok"] is False
    good, bad = as_json["files"]
    assert good == {"file": str(sample_json), "ok": True, "errors": [], "warnings": []}
    assert bad["file"] == str(broken)
    assert bad["ok"] is False
    assert [e["path"] for e in bad["errors"]] == [
        "applications.*.natural_person",
        "applications.*.total",
    ]
    assert all(e["severity"] == "error" for e in bad["errors"])
    assert "勾稽关系不成立" in bad["errors"][1]["message"]
    assert "总计列" in bad["errors"][1]["label"]
    lines = list(report.lines())
    assert lines[0] == f"{sample_json}：通过"
    assert lines[1].startswith(f"{broken}：2 个错误，")
    assert lines[2].startswith("  错误 applications.*.natural_person（")
    assert str(report) == "\n".join(lines)


def test_all_good_gives_exit_0(sample_json: Path) -> None:
    report = check_report([sample_json])
    assert report.exit_code == 0
    assert report.as_json() == {
        "ok": True,
        "files": [{"file": str(sample_json), "ok": True, "errors": [], "warnings": []}],
    }
    assert str(report) == f"{sample_json}：通过"


def test_warnings_alone_keep_exit_0(tmp_path: Path, minimal_data: dict[str, Any]) -> None:
    minimal_data["year"] = 2020
    source = write(tmp_path, "warn.json", minimal_data)
    report = check_report([source])
    assert report.exit_code == 0
    (entry,) = report.as_json()["files"]
    assert entry["ok"] is True
    assert "year" in {w["path"] for w in entry["warnings"]}
    assert next(report.lines()).startswith(f"{source}：通过，")


def test_an_unreadable_file_gives_exit_1_and_its_reason(tmp_path: Path) -> None:
    missing = tmp_path / "无此文件.json"
    report = check_report([missing])
    assert report.exit_code == 1
    (entry,) = report.as_json()["files"]
    assert entry["ok"] is False
    assert entry["errors"][0]["path"] == ""
    assert str(missing) in entry["errors"][0]["message"]
    assert list(report.lines())[1] == f"  {entry['errors'][0]['message']}"


# -- the doctor's diagnosis ---------------------------------------------------------------
def test_a_diagnosis_with_everything_found_gives_exit_0() -> None:
    found = Diagnosis(
        "/usr/bin/soffice",
        "LibreOffice 7.4.7.2",
        (FontCheck("仿宋_GB2312", "FandolFang", "FandolFang:Regular"),),
        "/usr/bin/python3",
    )
    assert found.missing == []
    assert found.exit_code == 0
    assert found.as_json() == {
        "ok": True,
        "libreoffice": {"ok": True, "path": "/usr/bin/soffice", "version": "LibreOffice 7.4.7.2"},
        "warm": {"ok": True, "python": "/usr/bin/python3"},
        "fonts": [
            {
                "name": "仿宋_GB2312",
                "wanted": "FandolFang",
                "face": "FandolFang:Regular",
                "ok": True,
            }
        ],
        "missing": [],
        "hint": None,
    }
    assert list(found.lines()) == [
        "LibreOffice：LibreOffice 7.4.7.2（/usr/bin/soffice）",
        "常驻 LibreOffice（python3-uno）：可用（/usr/bin/python3）",
        "字体（模板中的名称 → 生成 PDF 时实际使用的字体）：",
        "  ✓ 仿宋_GB2312 → FandolFang:Regular（应为 FandolFang）",
        "一切就绪，可以生成 PDF。",
    ]


def test_a_diagnosis_with_something_missing_gives_exit_3_and_names_it() -> None:
    lacking = Diagnosis(
        None,
        None,
        (
            FontCheck("仿宋", "FandolFang", "DejaVu Sans:Book"),
            FontCheck("FangSong", "FandolFang", "DejaVu Sans:Book"),
            FontCheck("黑体", "Noto Sans CJK SC", None),
        ),
    )
    assert lacking.missing == ["LibreOffice", "FandolFang", "Noto Sans CJK SC"]
    assert lacking.exit_code == 3
    as_json = lacking.as_json()
    assert as_json["ok"] is False
    assert as_json["libreoffice"] == {"ok": False, "path": None, "version": None}
    assert as_json["warm"] == {"ok": False, "python": None}
    assert [f["ok"] for f in as_json["fonts"]] == [False, False, False]
    assert as_json["missing"] == ["LibreOffice", "FandolFang", "Noto Sans CJK SC"]
    assert as_json["hint"] == pdf.INSTALL_HINT
    assert list(lacking.lines()) == [
        "LibreOffice：未找到",
        "常驻 LibreOffice（python3-uno）：不可用，每批 PDF 都要重新启动 LibreOffice；可安装 python3-uno",
        "字体（模板中的名称 → 生成 PDF 时实际使用的字体）：",
        "  ✗ 仿宋 → DejaVu Sans:Book（应为 FandolFang）",
        "  ✗ FangSong → DejaVu Sans:Book（应为 FandolFang）",
        "  ✗ 黑体 → （无法查询：缺少 fc-match）（应为 Noto Sans CJK SC）",
        "缺少：LibreOffice、FandolFang、Noto Sans CJK SC",
        pdf.INSTALL_HINT,
    ]


def test_diagnose_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(tmp_path / "no" / "soffice"))
    diagnosis = diagnose()
    assert diagnosis.soffice is None
    assert diagnosis.exit_code == 3
    assert diagnosis.missing[0] == "LibreOffice"
    assert [f.name for f in diagnosis.fonts] == list(pdf.font_roles())


def test_doctor_json_is_the_diagnosis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(tmp_path / "no" / "soffice"))
    result = CliRunner().invoke(cli, ["doctor", "--format", "json"])
    assert result.exit_code == 3, result.output
    assert json.loads(result.stdout) == diagnose().as_json()


# -- init's default file name -------------------------------------------------------------
def test_init_file_names_the_file_after_agency_and_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    written = init_file(agency="某某局", year=2025)
    assert written == Path("某某局2025.yaml")
    assert load(tmp_path / "某某局2025.yaml")["agency"] == "某某局"


def test_init_file_without_agency_or_previous_says_which_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as raised:
        init_file(year=2025)
    assert str(raised.value) == "请用 --agency 指定报告机关名称（或用 --from 沿用上年报告）"
    assert raised.value.exit_code == 1
    assert list(tmp_path.iterdir()) == []


# -- structured input errors --------------------------------------------------------------
def test_input_error_keeps_its_text_and_gives_its_parts() -> None:
    error = InputError(
        "data.xlsx：表三!D4 应为整数", source="data.xlsx", location="表三!D4", reason="应为整数"
    )
    assert str(error) == "data.xlsx：表三!D4 应为整数"
    assert error.as_dict() == {
        "source": "data.xlsx",
        "location": "表三!D4",
        "label": "",
        "reason": "应为整数",
        "message": "data.xlsx：表三!D4 应为整数",
    }
    assert InputError("只有文字").as_dict()["message"] == "只有文字"


def test_convert_files_names_source_and_reason(tmp_path: Path) -> None:
    missing = tmp_path / "无此报告.docx"
    with pytest.raises(InvalidInputs) as raised:
        convert_files([missing])
    (error,) = raised.value.errors
    assert isinstance(error, InputError)
    assert str(error) == f"{missing}：文件不存在"
    assert (error.source, error.reason) == (str(missing), "文件不存在")
