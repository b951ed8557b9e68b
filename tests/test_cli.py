"""The gidoc command line, driven as a user drives it: exit codes, stdout, stderr, files."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

import gidoc
from gidoc.cli import cli

SAMPLES = sorted(
    path
    for path in (Path(__file__).parents[1] / "samples").iterdir()
    if path.suffix in (".json", ".yaml", ".yml")
)
SAMPLE_AGENCY = "牧野区工业和信息化局"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def files_in(folder: Path) -> set[str]:
    """Every file and folder below ``folder``, hidden temporary files included."""
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def assert_docx(path: Path) -> None:
    assert path.is_file()
    with zipfile.ZipFile(path) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    assert SAMPLE_AGENCY in document


def assert_clean_failure(result: Result) -> str:
    """Exit 1, no traceback, one message line on stderr; return that line."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def write_data(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def invalid_json(sample_json: Path) -> Path:
    """A copy of the sample with a count written as text and a Word control character."""
    data = json.loads(sample_json.read_text(encoding="utf-8"))
    data["applications"]["new_received"]["natural_person"] = "3"
    data["problems"] = "存在\u000b问题"
    return write_data(sample_json.parent, "invalid.json", data)


# -- render ---------------------------------------------------------------------------
def test_render_writes_docx_beside_the_input(sample_json: Path) -> None:
    result = run("render", sample_json)
    assert result.exit_code == 0, result.output
    target = sample_json.with_suffix(".docx")
    assert result.stdout.strip() == str(target)
    assert_docx(target)
    assert files_in(sample_json.parent) == {sample_json.name, target.name}


def test_render_to_an_output_file(sample_json: Path, tmp_path: Path) -> None:
    target = tmp_path / "报告" / "年度报告.docx"
    result = run("render", sample_json, "-o", target)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(target)
    assert_docx(target)
    assert not sample_json.with_suffix(".docx").exists()


def test_render_two_inputs_to_a_folder(sample_json: Path, tmp_path: Path) -> None:
    second = tmp_path / "second.json"
    shutil.copyfile(sample_json, second)
    out = tmp_path / "out"
    result = run("render", sample_json, second, "-o", f"{out}/")
    assert result.exit_code == 0, result.output
    assert files_in(out) == {"muye-2025.docx", "second.docx"}
    assert_docx(out / "muye-2025.docx")
    assert_docx(out / "second.docx")
    assert result.stdout.splitlines() == [str(out / "muye-2025.docx"), str(out / "second.docx")]


def test_render_yaml_input(sample_json: Path, tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    data = json.loads(sample_json.read_text(encoding="utf-8"))
    source = tmp_path / "data.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("render", source)
    assert result.exit_code == 0, result.output
    assert_docx(tmp_path / "data.docx")


def test_two_inputs_and_one_output_file_is_refused(sample_json: Path, tmp_path: Path) -> None:
    second = tmp_path / "second.json"
    shutil.copyfile(sample_json, second)
    before = files_in(tmp_path)
    line = assert_clean_failure(run("render", sample_json, second, "-o", tmp_path / "x.docx"))
    assert "-o" in line
    assert "文件夹" in line
    assert files_in(tmp_path) == before


def test_invalid_data_lists_every_problem_and_writes_nothing(invalid_json: Path) -> None:
    folder = invalid_json.parent
    before = files_in(folder)
    result = run("render", invalid_json)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert "数据有 2 处错误，未生成报告" in result.stderr
    assert "applications.new_received.natural_person" in result.stderr
    assert "一、本年新收政府信息公开申请数量 / 自然人" in result.stderr
    assert '实际为文本 "3"' in result.stderr
    assert "problems（五、存在的主要问题及改进情况 / （一）存在的主要问题）" in result.stderr
    assert "U+000B" in result.stderr
    assert files_in(folder) == before  # no .docx, no temporary file


@pytest.mark.parametrize("with_output", [False, True])
def test_batch_with_one_invalid_file_writes_nothing(
    sample_json: Path, invalid_json: Path, tmp_path: Path, with_output: bool
) -> None:
    before = files_in(tmp_path)
    args: list[str | Path] = ["render", sample_json, invalid_json]
    if with_output:
        args += ["-o", tmp_path / "out"]
    result = run(*args)
    assert result.exit_code == 1
    assert str(invalid_json) in result.stderr
    assert result.stdout == ""
    assert files_in(tmp_path) == before


def test_render_with_several_unreadable_inputs_names_each(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"agency": }', encoding="utf-8")
    result = run("render", tmp_path / "bad.json", tmp_path / "missing.json")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "bad.json：第 1 行第 12 列 JSON 语法错误" in lines[0]
    assert "missing.json：文件不存在" in lines[1]


def test_bad_json_gives_one_line_with_its_position(tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text('{\n  "agency": "某局",\n  "year": \n}', encoding="utf-8")
    line = assert_clean_failure(run("render", source))
    assert line == f"{source}：第 4 行第 1 列 JSON 语法错误（此处应有一个值）"
    assert files_in(tmp_path) == {"bad.json"}


def _missing_data(sample: Path, tmp: Path) -> list[Any]:
    return ["render", tmp / "missing.json"]


def _folder_as_data(sample: Path, tmp: Path) -> list[Any]:
    (tmp / "folder.json").mkdir()
    return ["render", tmp / "folder.json"]


def _output_below_a_file(sample: Path, tmp: Path) -> list[Any]:
    (tmp / "existing_file.txt").write_text("not a folder", encoding="utf-8")
    return ["render", sample, "-o", tmp / "existing_file.txt" / "out.docx"]


def _output_folder_below_a_file(sample: Path, tmp: Path) -> list[Any]:
    (tmp / "existing_file.txt").write_text("not a folder", encoding="utf-8")
    return ["render", sample, "-o", f"{tmp / 'existing_file.txt' / 'reports'}/"]


def _output_is_a_file_without_docx(sample: Path, tmp: Path) -> list[Any]:
    (tmp / "existing_file.txt").write_text("not a folder", encoding="utf-8")
    return ["render", sample, "-o", tmp / "existing_file.txt"]


def _output_is_a_folder_named_docx(sample: Path, tmp: Path) -> list[Any]:
    (tmp / "out.docx").mkdir()
    (tmp / "out.docx" / "muye-2025.docx").mkdir()
    return ["render", sample, "-o", tmp / "out.docx"]


def _template_is_text(sample: Path, tmp: Path) -> list[Any]:
    (tmp / "template.docx").write_text("not a Word file", encoding="utf-8")
    return ["render", sample, "-o", tmp / "out.docx", "--template", tmp / "template.docx"]


def _template_missing(sample: Path, tmp: Path) -> list[Any]:
    return ["render", sample, "-o", tmp / "out.docx", "--template", tmp / "missing.docx"]


def _template_is_folder(sample: Path, tmp: Path) -> list[Any]:
    (tmp / "templates").mkdir()
    return ["render", sample, "-o", tmp / "out.docx", "--template", tmp / "templates"]


@pytest.mark.parametrize(
    ("make_args", "said"),
    [
        (_missing_data, "文件不存在"),
        (_folder_as_data, "文件夹"),
        (_output_below_a_file, "无法创建输出文件夹"),
        (_output_folder_below_a_file, "无法创建输出文件夹"),
        (_output_is_a_file_without_docx, "已存在同名文件"),
        (_output_is_a_folder_named_docx, "已存在同名文件夹"),
        (_template_is_text, "不是 Word 文档"),
        (_template_missing, "文件不存在"),
        (_template_is_folder, "文件夹"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else None,
)
def test_user_errors_give_one_clear_line(
    sample_json: Path,
    tmp_path: Path,
    make_args: Callable[[Path, Path], list[Any]],
    said: str,
) -> None:
    args = make_args(sample_json, tmp_path)
    before = files_in(tmp_path)
    line = assert_clean_failure(run(*args))
    assert said in line
    assert files_in(tmp_path) == before


def test_render_prints_warnings_and_still_succeeds(
    tmp_path: Path, minimal_data: dict[str, Any]
) -> None:
    minimal_data["problems"] = "无"
    source = write_data(tmp_path, "warn.json", minimal_data)
    result = run("render", source)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(tmp_path / "warn.docx")
    assert "个警告（不影响生成）" in result.stderr
    assert "警告 problems" in result.stderr
    assert (tmp_path / "warn.docx").is_file()


# -- check ------------------------------------------------------------------------------
@pytest.mark.parametrize("sample", SAMPLES, ids=[path.name for path in SAMPLES])
def test_check_passes_the_samples(sample: Path) -> None:
    result = run("check", sample)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{sample}：通过"


def test_check_reports_problems_and_fails(invalid_json: Path) -> None:
    result = run("check", invalid_json)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{invalid_json}：2 个错误，0 个警告" in result.stdout
    assert "错误 applications.new_received.natural_person（" in result.stdout
    assert "一、本年新收政府信息公开申请数量 / 自然人" in result.stdout
    assert "U+000B" in result.stdout


def test_check_several_files_fails_if_any_fails(sample_json: Path, invalid_json: Path) -> None:
    result = run("check", sample_json, invalid_json)
    assert result.exit_code == 1
    assert f"{sample_json}：通过" in result.stdout
    assert f"{invalid_json}：2 个错误" in result.stdout


def test_check_unreadable_file(tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text("{,}", encoding="utf-8")
    result = run("check", source)
    assert result.exit_code == 1
    assert "第 1 行第 2 列" in result.stdout
    assert "Traceback" not in result.output


def test_check_json_format(invalid_json: Path, sample_json: Path) -> None:
    result = run("check", "--format", "json", sample_json, invalid_json)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    good, bad = report["files"]
    assert good == {"file": str(sample_json), "ok": True, "errors": [], "warnings": []}
    assert bad["file"] == str(invalid_json)
    assert bad["ok"] is False
    first = bad["errors"][0]
    assert first["severity"] == "error"
    assert first["path"] == "applications.new_received.natural_person"
    assert "自然人" in first["label"]
    assert '文本 "3"' in first["message"]
    assert {error["path"] for error in bad["errors"]} == {
        "applications.new_received.natural_person",
        "problems",
    }


def test_check_json_format_all_good(sample_json: Path) -> None:
    result = run("check", sample_json, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["ok"] is True


def test_lone_surrogate_in_data_never_crashes(tmp_path: Path, minimal_data: dict) -> None:
    minimal_data["applications"] = {"new_received": {"natural_person": "\ud800"}}
    source = tmp_path / "surrogate.json"
    source.write_text(json.dumps(minimal_data), encoding="utf-8")  # ASCII, "\ud800" escaped
    for args in (["check", source], ["check", "--format", "json", source], ["render", source]):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit)
        assert "自然人" in result.output


def test_warnings_alone_keep_exit_0(tmp_path: Path, minimal_data: dict[str, Any]) -> None:
    minimal_data["problems"] = "无"
    minimal_data["year"] = 2020
    source = write_data(tmp_path, "warn.json", minimal_data)
    result = run("check", source)
    assert result.exit_code == 0, result.output
    assert f"{source}：通过，3 个警告" in result.stdout
    assert "警告 problems" in result.stdout
    assert "警告 year" in result.stdout
    as_json = json.loads(run("check", "--format", "json", source).stdout)
    assert as_json["ok"] is True
    assert {w["path"] for w in as_json["files"][0]["warnings"]} == {"problems", "year", "overview"}


# -- version and help -------------------------------------------------------------------
@pytest.mark.parametrize("option", ["--version", "-V"])
def test_version(option: str) -> None:
    result = run(option)
    assert result.exit_code == 0
    assert result.stdout.strip() == f"gidoc, version {gidoc.__version__}"


@pytest.mark.parametrize("option", ["-h", "--help"])
def test_group_help(option: str) -> None:
    result = run(option)
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    assert "国办公开办函〔2021〕30号" in result.stdout
    for name in cli.commands:
        assert name in result.stdout


@pytest.mark.parametrize("command", cli.commands.values(), ids=lambda command: command.name)
def test_every_command_has_help(command: click.Command) -> None:
    assert command.help
    assert command.help.strip()
    assert command.get_short_help_str().strip()
    result = run(command.name, "-h")
    assert result.exit_code == 0, result.output
    assert f"{command.name} [OPTIONS]" in result.stdout
    assert command.help.strip().splitlines()[0] in result.stdout
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"option {param.name} of {command.name} has no help text"


def test_no_arguments_shows_usage() -> None:
    result = run("render")
    assert result.exit_code == 2
    assert "DATA" in result.stderr
