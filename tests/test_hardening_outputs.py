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


# -- item 8: a report edited after render is not silently replaced ------------------------
def _edited(path: Path) -> bytes:
    """Change one word of the report at ``path``, as a clerk would in Word; return the bytes."""
    import hostile

    data = hostile.rewrite(
        path.read_bytes(),
        {"word/document.xml": lambda xml: xml.replace("牧野区".encode(), "某某区".encode(), 1)},
    )
    path.write_bytes(data)
    return data


def test_an_unchanged_report_is_rendered_again_freely(sample_json: Path) -> None:
    assert run("render", sample_json).exit_code == 0
    # Next day's correction in the data, rendered over yesterday's untouched report.
    sample_json.write_text(
        sample_json.read_text(encoding="utf-8").replace("牧野区", "新牧野区"), encoding="utf-8"
    )
    result = run("render", sample_json)
    assert result.exit_code == 0, result.output
    assert "新牧野区".encode() in _document_xml(sample_json.with_suffix(".docx"))


def _document_xml(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml")


def test_a_hand_edited_report_is_not_replaced_without_force(sample_json: Path) -> None:
    assert run("render", sample_json).exit_code == 0
    report = sample_json.with_suffix(".docx")
    edited = _edited(report)
    line = one_line_failure(run("render", sample_json))
    assert line.startswith(f"{report}：这份报告在 gidoc 生成后被修改过")
    assert "--force" in line
    assert report.read_bytes() == edited
    assert run("render", sample_json, "--force").exit_code == 0
    assert report.read_bytes() != edited


def test_a_report_saved_by_another_program_counts_as_edited(sample_json: Path) -> None:
    from docx import Document

    assert run("render", sample_json).exit_code == 0
    report = sample_json.with_suffix(".docx")
    Document(str(report)).save(str(report))  # keeps the custom property, rewrites the parts
    saved = report.read_bytes()
    assert "被修改过" in one_line_failure(run("render", sample_json))
    assert report.read_bytes() == saved


def test_a_document_gidoc_did_not_write_is_not_replaced(sample_json: Path) -> None:
    other = sample_json.with_suffix(".docx")
    other.write_bytes(default_template_bytes())
    line = one_line_failure(run("render", sample_json))
    assert line == (
        f"{other}：已存在，且不是 gidoc 生成的文档；确认要覆盖时请加 --force，或用 -o 写到另一个文件"
    )
    assert other.read_bytes() == default_template_bytes()


def test_one_edited_report_in_a_batch_stops_the_whole_batch(sample_json: Path) -> None:
    folder = sample_json.parent
    sources = []
    for name in ("a", "b", "c"):
        sources.append(folder / f"{name}.json")
        shutil.copyfile(sample_json, sources[-1])
    out = folder / "out"
    assert run("render", *sources, "-o", f"{out}/").exit_code == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    before["b.docx"] = _edited(out / "b.docx")
    result = run("render", *sources, "-o", f"{out}/")
    assert result.exit_code == 1, result.output
    assert f"{out / 'b.docx'}：这份报告在 gidoc 生成后被修改过" in result.stderr
    assert "未写出任何文件" in result.stderr
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
