"""Hardening: no output ever replaces the template, an input or last year's data (issue 10, 1/13/14).

Each case is driven through the command line as a clerk would type it; the
file that must survive is compared byte for byte afterwards.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gidoc.cli import cli
from gidoc.resources import default_template_bytes


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def one_line_failure(result: Result, code: int = 1) -> str:
    """The single stderr line of a clean failure with exit ``code``."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def files_in(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "t.docx"
    path.write_bytes(default_template_bytes())
    return path


def test_output_over_the_template_is_refused(sample_json: Path, template: Path) -> None:
    before = template.read_bytes()
    line = one_line_failure(run("render", sample_json, "--template", template, "-o", template))
    assert "模板" in line
    assert str(template) in line
    assert template.read_bytes() == before


def test_output_over_the_template_through_a_hard_link_is_refused(
    sample_json: Path, template: Path, tmp_path: Path
) -> None:
    other = tmp_path / "another-name.docx"
    os.link(template, other)
    before = template.read_bytes()
    line = one_line_failure(run("render", sample_json, "--template", template, "-o", other))
    assert "模板" in line
    assert template.read_bytes() == before


def test_output_over_the_template_through_a_symlink_is_refused(
    sample_json: Path, template: Path, tmp_path: Path
) -> None:
    link = tmp_path / "link.docx"
    link.symlink_to(template)
    line = one_line_failure(run("render", sample_json, "--template", link, "-o", template))
    assert "模板" in line
    assert template.read_bytes() == default_template_bytes()


def test_config_template_named_like_the_report_is_not_overwritten(
    tmp_path: Path, sample_json: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # gidoc.toml names report.docx as the template; rendering report.json would write report.docx.
    data = tmp_path / "report.json"
    shutil.copyfile(sample_json, data)
    (tmp_path / "report.docx").write_bytes(default_template_bytes())
    (tmp_path / "gidoc.toml").write_text('template = "report.docx"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    line = one_line_failure(run("render", "report.json"))
    assert "模板" in line
    assert (tmp_path / "report.docx").read_bytes() == default_template_bytes()


@pytest.mark.parametrize("name", ["报告.doc", "报告.txt", "2025.v2"])
def test_unknown_output_extension_is_refused(sample_json: Path, tmp_path: Path, name: str) -> None:
    before = files_in(tmp_path)
    line = one_line_failure(run("render", sample_json, "-o", tmp_path / name))
    assert "不支持的输出文件类型" in line
    assert ".docx" in line
    assert ".pdf" in line
    assert f"{tmp_path / name}/" in line  # how to say a folder is meant
    assert files_in(tmp_path) == before


def test_trailing_slash_makes_a_dotted_name_a_folder(sample_json: Path, tmp_path: Path) -> None:
    result = run("render", sample_json, "-o", f"{tmp_path / '报告.doc'}/")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "报告.doc" / "muye-2025.docx").is_file()


def test_convert_output_with_an_unknown_extension_is_refused(tmp_path: Path) -> None:
    document = tmp_path / "a.docx"
    document.write_bytes(default_template_bytes())
    line = one_line_failure(run("convert", document, "-o", tmp_path / "a.doc"))
    assert "不支持的输出文件类型" in line
    assert ".pdf" in line
    assert not (tmp_path / "a.doc").exists()


def test_render_of_the_current_folder_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = one_line_failure(run("render", "."))
    assert "文件夹" in line
    assert files_in(tmp_path) == set()


def test_init_from_last_year_onto_itself_is_refused(sample_json: Path, tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    import json

    previous = tmp_path / "prev.yaml"
    previous.write_text(
        yaml.safe_dump(json.loads(sample_json.read_text(encoding="utf-8")), allow_unicode=True),
        encoding="utf-8",
    )
    before = previous.read_bytes()
    line = one_line_failure(run("init", "--from", previous, "-o", previous, "--force"))
    assert "上年数据" in line
    assert str(previous) in line
    assert previous.read_bytes() == before


def test_extract_onto_its_own_report_is_refused(tmp_path: Path) -> None:
    from conftest import SAMPLES
    from gidoc import ReportTemplate, build_context, load, validate

    report = tmp_path / "r.docx"
    report.write_bytes(
        ReportTemplate().render(build_context(validate(load(SAMPLES / "fingerprint-2025.yaml"))))
    )
    before = report.read_bytes()
    line = one_line_failure(run("extract", report, "-o", report, "--force"))
    assert str(report) in line
    assert report.read_bytes() == before
