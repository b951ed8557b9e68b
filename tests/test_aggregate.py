"""gidoc aggregate: the units' tables summed cell by cell, the refusals, the result rendered."""

from __future__ import annotations

import copy
import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from gidoc import load, validate
from gidoc.checking.previous import value_at
from gidoc.cli import cli
from gidoc.errors import AggregationRefused
from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.pipeline import render_files
from gidoc.review import ReviewItem, aggregate_data
from gidoc.review.aggregate import summed_paths
from gidoc.sources.skeleton import to_json

Data = dict[str, Any]


@pytest.fixture(scope="module")
def fingerprint() -> Data:
    """Every number different (the fee 24252.311082)."""
    return load(SAMPLES / "fingerprint-2025.yaml")


def units(fingerprint: Data) -> list[ReviewItem]:
    a = copy.deepcopy(fingerprint)
    b = copy.deepcopy(fingerprint)
    b["agency"] = "乙局"
    b["active_disclosure"]["administrative_fees"] = Decimal("0.000001")
    c = load(SAMPLES / "muye-2025.json")
    return [ReviewItem("a.yaml", a), ReviewItem("b.yaml", b), ReviewItem("c.json", c)]


def test_every_cell_is_the_sum_of_the_units(fingerprint: Data) -> None:
    items = units(fingerprint)
    data = aggregate_data(items, "示例市人民政府", 2025)
    total = validate(data)
    sources = [validate(item.data or {}) for item in items]
    checked = 0
    for table in T.TABLES:
        for cell in table.value_cells():  # derived totals too: they follow from the sums
            want = sum((value_at(s, cell.path) for s in sources), start=0)
            assert value_at(total, cell.path) == want, cell.path
            checked += 1
    assert checked == len(list(T.TABLE_2.value_cells())) + 25 * 7 + 15
    # The totals are not summed: 表三's 总计 column and （七）总计 row, 表四's three 总计.
    summed = summed_paths()
    assert not [p for p in summed if p.endswith(".total") or ".results.total." in p]
    assert len(summed) == checked - (25 + 6) - 3


def test_the_fee_is_summed_exactly_and_in_force_too(fingerprint: Data) -> None:
    data = aggregate_data(units(fingerprint), "示例市人民政府")
    fee = data["active_disclosure"]["administrative_fees"]
    assert fee == Decimal("24252.311083")
    assert format(fee, "f") == "24252.311083"
    in_force = fingerprint["active_disclosure"]["rules"]["in_force"]
    assert data["active_disclosure"]["rules"]["in_force"] == 2 * in_force


def test_texts_are_a_skeleton_and_the_units_are_kept(fingerprint: Data) -> None:
    items = units(fingerprint)
    data = aggregate_data(items, "示例市人民政府")
    assert data["agency"] == "示例市人民政府"
    assert data["year"] == 2025
    assert [s["heading"] for s in data["overview"]["sections"]] == list(L.OVERVIEW_TOPICS)
    assert {data[k] for k in ("problems", "improvements", "other_matters")} == {""}
    assert data["aggregated_from"] == [
        {"agency": item.data["agency"], "file": item.source, "sha256": item.digest()}
        for item in items
        if item.data is not None
    ]
    assert data["aggregated_from"][1]["agency"] == "乙局"


def test_the_aggregate_renders_as_the_governments_report(fingerprint: Data, tmp_path: Path) -> None:
    data = aggregate_data(units(fingerprint), "示例市人民政府")
    path = tmp_path / "汇总.json"
    path.write_text(to_json(data), "utf-8")
    assert load(path)["aggregated_from"] == data["aggregated_from"]
    (rendered,) = render_files([path])
    assert rendered.docx is not None
    from docx import Document

    text = "\n".join(p.text for p in Document(str(rendered.docx)).paragraphs)
    assert f"示例市人民政府2025年{L.TITLE_SUFFIX}" in text
    cells = {c.text for t in Document(str(rendered.docx)).tables for r in t.rows for c in r.cells}
    assert "24252.311083" in cells


def test_an_aggregate_sums_again_a_level_higher(fingerprint: Data) -> None:
    district = aggregate_data(units(fingerprint), "甲区人民政府")
    other = copy.deepcopy(fingerprint)
    other["agency"] = "乙区人民政府"
    city = aggregate_data(
        [ReviewItem("甲区.json", district), ReviewItem("乙区.json", other)], "某市人民政府"
    )
    assert (
        city["applications"]["new_received"]["natural_person"]
        == 3 * fingerprint["applications"]["new_received"]["natural_person"]
    )
    assert [u["agency"] for u in city["aggregated_from"]] == ["甲区人民政府", "乙区人民政府"]


# -- refusals -------------------------------------------------------------------------
def refusal(
    items: list[ReviewItem], agency: str = "示例市人民政府", year: int | None = None
) -> list[tuple[str, str]]:
    with pytest.raises(AggregationRefused) as raised:
        aggregate_data(items, agency, year)
    return raised.value.reasons


def test_refuses_sources_of_different_years(fingerprint: Data) -> None:
    items = units(fingerprint)
    assert items[2].data is not None
    items[2].data["year"] = 2024
    assert refusal(items) == [("c.json", "是 2024 年度的报告，而汇总的是 2025 年度")]
    assert refusal(units(fingerprint), year=2024) == [
        (name, "是 2025 年度的报告，而汇总的是 2024 年度")
        for name in ("a.yaml", "b.yaml", "c.json")
    ]


def test_refuses_an_invalid_source_with_its_errors(fingerprint: Data) -> None:
    items = units(fingerprint)
    assert items[1].data is not None
    items[1].data["applications"]["new_received"]["other"] += 1
    ((source, reason),) = refusal(items)
    assert source == "b.yaml"
    assert reason.startswith("数据有 3 处错误，不能汇总：\n错误 applications.new_received.total")
    assert "勾稽关系不成立" in reason


def test_refuses_an_unreadable_source(fingerprint: Data) -> None:
    items = [*units(fingerprint), ReviewItem("d.docx", None, ["d.docx：文件不存在"])]
    assert refusal(items) == [("d.docx", "无法读取：d.docx：文件不存在")]


def test_refuses_the_same_unit_twice(fingerprint: Data) -> None:
    items = units(fingerprint)
    again = copy.deepcopy(items[1].data)
    assert again is not None
    again["agency"] = "乙 局"
    items.append(ReviewItem("b2.yaml", again))
    assert refusal(items) == [("b2.yaml", "与 b.yaml 是同一单位（乙 局）的报告，不能重复计入")]


def test_refuses_an_earlier_aggregate_of_the_target(fingerprint: Data) -> None:
    earlier = aggregate_data(units(fingerprint), "示例市人民政府")
    items = [*units(fingerprint)[:1], ReviewItem("汇总.json", earlier)]
    reasons = refusal(items)
    assert ("汇总.json", "这是 示例市人民政府 之前汇总的结果，不能再计入本次汇总") in reasons


def test_refuses_a_unit_already_inside_another_aggregate(fingerprint: Data) -> None:
    district = aggregate_data(units(fingerprint), "甲区人民政府")
    items = [ReviewItem("甲区.json", district), units(fingerprint)[1]]
    assert refusal(items) == [("b.yaml", "乙局 已包含在 甲区.json 的汇总中，不能重复计入")]


def test_every_refusal_at_once_and_nothing_written(fingerprint: Data, tmp_path: Path) -> None:
    folder = tmp_path / "各单位"
    folder.mkdir()
    a = copy.deepcopy(fingerprint)
    b = copy.deepcopy(fingerprint)
    b["year"] = 2024
    b["agency"] = "乙局"
    (folder / "a.json").write_text(to_json(a), "utf-8")
    (folder / "a2.json").write_text(to_json(a), "utf-8")
    (folder / "b.json").write_text(to_json(b), "utf-8")
    (folder / "c.json").write_text("{", "utf-8")
    out = tmp_path / "汇总.yaml"
    result = CliRunner().invoke(
        cli, ["aggregate", str(folder), "--agency", "示例市人民政府", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "不能汇总，有 3 处问题，未写出任何文件：\n"
        f"  {folder}/c.json：无法读取：{folder}/c.json：第 1 行第 2 列 JSON 语法错误"
        "（字段名应使用英文双引号，或多了一个逗号）\n"
        f"  {folder}/a2.json：与 {folder}/a.json 是同一单位（示例市数据管理局）的报告，不能重复计入\n"
        f"  {folder}/b.json：是 2024 年度的报告，而汇总的是 2025 年度\n"
    )
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["各单位"]


def test_refuses_a_source_that_is_the_output(fingerprint: Data, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(to_json(fingerprint), "utf-8")
    before = path.read_bytes()
    result = CliRunner().invoke(
        cli, ["aggregate", str(path), "--agency", "示例市人民政府", "-o", str(path), "--force"]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"不能汇总，有 1 处问题，未写出任何文件：\n  {path}：这是输出文件本身，汇总结果会覆盖它\n"
    )
    assert path.read_bytes() == before


def test_cli_writes_yaml_with_the_files_digests(fingerprint: Data, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(to_json(fingerprint), "utf-8")
    out = tmp_path / "汇总.yaml"
    result = CliRunner().invoke(
        cli, ["aggregate", str(path), "--agency", "示例市人民政府", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{out}\n"
    data = load(out)
    assert data["aggregated_from"] == [
        {
            "agency": fingerprint["agency"],
            "file": str(path),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }
    ]
    assert paths.get(data, "applications.new_received.other") == paths.get(
        fingerprint, "applications.new_received.other"
    )


def test_aggregated_from_in_the_data_format() -> None:
    from gidoc.checking.validate import check

    data = load(SAMPLES / "muye-2025.json")
    data["aggregated_from"] = [{"agency": "甲局", "file": "a.json", "sha256": "ab" * 31}]
    checked = check(data)
    (problem,) = checked.errors
    assert problem.path == "aggregated_from[0].sha256"
    assert problem.label == "汇总来源 / 第 1 项 / 文件摘要（SHA-256）"
