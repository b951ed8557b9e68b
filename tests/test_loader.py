"""gidoc.loader: JSON and YAML files in, plain data out, or one clear InputError line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from gidoc.checking.validate import validate
from gidoc.errors import InputError
from gidoc.sources.load import load

SAMPLES = Path(__file__).parents[1] / "samples"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def load_error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message, "an input error is one line"
    assert str(path) in message, "an input error names the file"
    return message


# -- what parses -------------------------------------------------------------------
def test_json_parses(tmp_path: Path) -> None:
    path = write(
        tmp_path, "data.json", '{"agency": "某局", "year": 2025, "overview": {"sections": []}}'
    )
    assert load(path) == {"agency": "某局", "year": 2025, "overview": {"sections": []}}


@pytest.mark.parametrize("name", ["data.yaml", "data.yml", "DATA.YAML"])
def test_yaml_parses(tmp_path: Path, name: str) -> None:
    text = "agency: 某局\nyear: 2025\noverview:\n  sections:\n    - heading: 主动公开\n      body: 正文\n"
    data = load(write(tmp_path, name, text))
    assert data == {
        "agency": "某局",
        "year": 2025,
        "overview": {"sections": [{"heading": "主动公开", "body": "正文"}]},
    }


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("fee.json", '{"fee": 24252.311082, "small": 1.50}'),
        ("fee.yaml", "fee: 24252.311082\nsmall: 1.50\n"),
    ],
)
def test_fee_keeps_its_exact_digits(tmp_path: Path, name: str, text: str) -> None:
    data = load(write(tmp_path, name, text))
    assert isinstance(data["fee"], Decimal)
    assert str(data["fee"]) == "24252.311082"
    assert isinstance(data["small"], Decimal)
    assert str(data["small"]) == "1.50"  # the trailing zero is kept, as written


@pytest.mark.parametrize(
    ("name", "fee"),
    [("d.json", '{{"administrative_fees": {}}}'), ("d.yaml", "administrative_fees: {}\n")],
)
def test_fee_survives_validation_exactly(
    tmp_path: Path, minimal_data: dict, name: str, fee: str
) -> None:
    active = load(write(tmp_path, name, fee.format("24252.311082")))
    report = validate({**minimal_data, "active_disclosure": active})
    assert str(report.active_disclosure.administrative_fees) == "24252.311082"


@pytest.mark.parametrize(
    ("name", "text"),
    [("bom.json", '{"agency": "某局"}'), ("bom.yaml", "agency: 某局\n")],
)
def test_utf8_bom_is_accepted(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path, name, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load(path) == {"agency": "某局"}


# -- what is refused ----------------------------------------------------------------
@pytest.mark.parametrize("name", ["gbk.json", "gbk.yaml"])
def test_gbk_text_is_refused_naming_the_line(tmp_path: Path, name: str) -> None:
    text = (
        '{\n"year": 2025,\n"agency": "牧野区"\n}'
        if name.endswith("json")
        else ("year: 2025\n\nagency: 牧野区\n")
    )
    message = load_error(write(tmp_path, name, text.encode("gbk")))
    assert "第 3 行" in message
    assert "UTF-8" in message


def test_json_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    text = '{\n  "agency": "某局",\n  "year": 2025\n  "problems": ""\n}'
    message = load_error(write(tmp_path, "bad.json", text))
    assert "第 4 行第 3 列" in message
    assert "JSON" in message
    assert "缺少逗号" in message


def test_json_unclosed_string_is_explained(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, "bad.json", '{"agency": "某局}'))
    assert "第 1 行第 12 列" in message
    assert "引号没有闭合" in message


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    text = "agency: 某局\nyear: 2025\n  problems: 无\n"
    message = load_error(write(tmp_path, "bad.yaml", text))
    assert "第 3 行第 11 列" in message
    assert "YAML" in message


def test_json_duplicate_key_is_refused(tmp_path: Path) -> None:
    text = '{"agency": "某局", "overview": {"summary": "甲", "summary": "乙"}}'
    message = load_error(write(tmp_path, "dup.json", text))
    assert "「summary」" in message
    assert "两次" in message


def test_yaml_duplicate_key_is_refused(tmp_path: Path) -> None:
    text = "agency: 某局\noverview:\n  summary: 甲\n  summary: 乙\n"
    message = load_error(write(tmp_path, "dup.yaml", text))
    assert "「summary」" in message
    assert "两次" in message
    assert "第 4 行" in message


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("list.json", "[1, 2]"),
        ("text.json", '"report"'),
        ("list.yaml", "- agency: 某局\n"),
        ("scalar.yaml", "just text\n"),
        ("empty.yaml", ""),
    ],
)
def test_top_level_must_be_a_mapping(tmp_path: Path, name: str, text: str) -> None:
    assert "最外层应为一个对象" in load_error(write(tmp_path, name, text))


def test_missing_file(tmp_path: Path) -> None:
    assert "文件不存在" in load_error(tmp_path / "nope.json")


@pytest.mark.parametrize("name", ["folder", "looks-like.json"])
def test_folder_is_not_a_data_file(tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    folder.mkdir()
    assert "文件夹" in load_error(folder)


@pytest.mark.parametrize("name", ["data.txt", "data.odt", "data"])
def test_unknown_extension(tmp_path: Path, name: str) -> None:
    message = load_error(write(tmp_path, name, '{"agency": "某局"}'))
    assert "不支持的文件类型" in message
    assert ".json" in message  # says what is allowed
    assert ".xlsx" in message
    assert ".docx" in message


def test_doc_that_is_not_a_word_document(tmp_path: Path) -> None:
    # .doc is read (through LibreOffice), but only after its content says it is one.
    message = load_error(write(tmp_path, "data.doc", '{"agency": "某局"}'))
    assert "data.doc" in message
    assert "文件内容与扩展名 .doc 不符" in message


def test_text_file_named_docx_is_one_clear_line(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, "data.docx", '{"agency": "某局"}'))
    assert "\n" not in message
    assert "data.docx" in message


@pytest.mark.parametrize(
    ("name", "text", "shown"),
    [
        ("nan.json", '{"administrative_fees": NaN}', "NaN"),
        ("inf.json", '{"administrative_fees": Infinity}', "Infinity"),
        ("minf.json", '{"administrative_fees": -Infinity}', "-Infinity"),
        ("inf.yaml", "administrative_fees: .inf\n", ".inf"),
        ("minf.yaml", "administrative_fees: -.inf\n", "-.inf"),
        ("nan.yaml", "administrative_fees: .nan\n", ".nan"),
    ],
)
def test_nan_and_infinity_are_refused(tmp_path: Path, name: str, text: str, shown: str) -> None:
    message = load_error(write(tmp_path, name, text))
    assert "不允许的数值" in message
    assert shown in message


def test_json_sample_matches_its_yaml_copy(tmp_path: Path) -> None:
    sample = SAMPLES / "muye-2025.json"
    data = json.loads(sample.read_text(encoding="utf-8"))
    copy = write(tmp_path, "copy.yaml", yaml.safe_dump(data, allow_unicode=True))
    assert load(copy) == load(sample)
