"""gidoc.skeleton: a blank report, and data written out as commented YAML or pretty JSON."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from conftest import SAMPLES
from gidoc import load, validate
from gidoc.checking.validate import check
from gidoc.format import labels as L
from gidoc.format.models import ApplicantCounts, OverviewSection, Report, is_paragraphs
from gidoc.sources.skeleton import skeleton, to_json, to_yaml

AGENCY = "牧野区工业和信息化局"
SAMPLE_FILES = ["muye-2025.json", "fingerprint-2025.yaml"]


def submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = submodel(arg)
        if found is not None:
            return found
    return None


def fields(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """(path, field) of every field of the format, by walking the models."""
    for key, field in model.model_fields.items():
        yield (*prefix, key), field
        sub = submodel(field.annotation)
        if sub is not None and not is_list(field.annotation):
            yield from fields(sub, (*prefix, key))


def is_list(annotation: Any) -> bool:
    """``list[X]``, or ``list[X] | None`` (aggregated_from)."""
    if getattr(annotation, "__origin__", None) is list:
        return True
    return any(is_list(arg) for arg in getattr(annotation, "__args__", ()))


def get(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def official_labels() -> set[str]:
    """Every text in gidoc.labels and every model field title."""
    found: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, tuple | list):
            for item in value:
                collect(item)

    for name in dir(L):
        if name.isupper():
            collect(getattr(L, name))
    for _, field in [*fields(Report), *fields(OverviewSection)]:
        if field.title:
            found.add(field.title)
    return found


def reload(tmp_path: Path, text: str, suffix: str) -> dict[str, Any]:
    path = tmp_path / f"data{suffix}"
    path.write_text(text, encoding="utf-8")
    return load(path)


def json_ready(value: Any) -> Any:
    """Data as it reads back from JSON: dates become ISO text."""
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_ready(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def previous() -> Report:
    return validate(load(SAMPLES / "fingerprint-2025.yaml"))


@pytest.fixture
def blank() -> dict[str, Any]:
    return skeleton(AGENCY, 2026)


# -- the skeleton ------------------------------------------------------------------
def test_every_key_is_present(blank: dict[str, Any]) -> None:
    walked = 0
    for path, field in fields(Report):
        if "total" in path:
            index = path.index("total")
            assert "total" not in get(blank, path[:index]), path  # gidoc derives totals
            continue
        value = get(blank, path)
        walked += 1
        if submodel(field.annotation) is None and field.annotation is not int:
            assert value in ("", None, 1, AGENCY, 2026, 0), path
    assert walked > 190


def test_every_count_is_zero(blank: dict[str, Any]) -> None:
    counts = [
        path
        for path, field in fields(Report)
        if field.annotation is int and path not in {("year",)}
    ]
    assert len(counts) == 24 * 6 + 9 + 3 * 4
    for path in counts:
        value = get(blank, path)
        assert value == 0, path
        assert type(value) is int, path
    assert get(blank, ("active_disclosure", "administrative_fees")) == 0


def test_texts_and_sections(blank: dict[str, Any]) -> None:
    assert blank["schema_version"] == 1
    assert blank["agency"] == AGENCY
    assert blank["year"] == 2026
    assert blank["title"] is None
    assert blank["issuer"] is None
    assert blank["date"] is None
    for path, field in fields(Report):
        if is_paragraphs(field) and "sections" not in path:
            assert get(blank, path) == "", path
    sections = blank["overview"]["sections"]
    assert [section["heading"] for section in sections] == list(L.OVERVIEW_TOPICS)
    assert all(section["body"] == "" for section in sections)


def test_skeleton_is_valid(blank: dict[str, Any]) -> None:
    checked = check(blank)
    assert checked.ok, checked.errors
    assert checked.warnings  # empty 五 is flagged, as it should be


def test_agency_is_required_without_previous() -> None:
    with pytest.raises(ValueError, match="报告机关名称"):
        skeleton(None, 2026)


@pytest.mark.parametrize(
    ("agency", "year"),
    [pytest.param("  ", 2026, id="blank"), pytest.param("a\nb", 2026, id="two-lines")]
    + [pytest.param(AGENCY, 1999, id="year")],
)
def test_bad_agency_or_year(agency: str, year: int) -> None:
    with pytest.raises(ValueError, match="错误"):
        skeleton(agency, year)


def test_from_previous(previous: Report) -> None:
    data = skeleton(None, 2026, previous=previous)
    assert data["agency"] == previous.agency
    carried = previous.applications.carried_forward
    for key in L.APPLICANT_COLUMNS:
        assert data["applications"]["carried_over"][key] == getattr(carried, key)
        # Nothing handled yet: all of it still to be carried forward, so the table balances.
        assert data["applications"]["carried_forward"][key] == getattr(carried, key)
    assert "total" not in data["applications"]["carried_over"]
    ad = data["active_disclosure"]
    assert ad["rules"] == {"issued": 0, "repealed": 0, "in_force": 91}
    assert ad["normative_documents"] == {"issued": 0, "repealed": 0, "in_force": 1043}
    assert ad["administrative_licensing"] == 0
    assert data["problems"] == data["overview"]["summary"] == ""
    assert all(section["body"] == "" for section in data["overview"]["sections"])
    assert data["issuer"] is None
    assert check(data).ok


def test_given_agency_wins_over_previous(previous: Report) -> None:
    assert skeleton("新机关", 2026, previous=previous)["agency"] == "新机关"


def test_skeleton_is_fresh_each_time() -> None:
    one = skeleton(AGENCY, 2026)
    one["applications"]["new_received"]["natural_person"] = 5
    assert skeleton(AGENCY, 2026)["applications"]["new_received"]["natural_person"] == 0


# -- YAML --------------------------------------------------------------------------
@pytest.mark.parametrize("from_previous", [False, True], ids=["blank", "from-previous"])
def test_yaml_round_trip(tmp_path: Path, previous: Report, from_previous: bool) -> None:
    data = skeleton(None if from_previous else AGENCY, 2026, previous if from_previous else None)
    text = to_yaml(data)
    loaded = reload(tmp_path, text, ".yaml")
    assert loaded == data
    assert check(loaded).ok
    assert 'problems: ""' in text


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_yaml_round_trip_of_samples(tmp_path: Path, name: str) -> None:
    data = load(SAMPLES / name)
    text = to_yaml(data)
    assert reload(tmp_path, text, ".yaml") == data
    if name.endswith(".yaml"):
        assert "administrative_fees: 24252.311082\n" in text
        assert "preamble: |\n  本报告根据" in text
        assert "date: 2026-01-20\n" in text


def comment_lines(text: str) -> list[str]:
    """The lines below the opening help, which ends at the first blank line."""
    lines = text.splitlines()
    return lines[lines.index("") + 1 :]


def comments(text: str) -> Iterator[str]:
    for line in comment_lines(text):
        if line.lstrip().startswith("#"):
            yield line.lstrip()[2:]
        elif "  # " in line:
            yield line.split("  # ", 1)[1]


def test_yaml_comments_are_official_labels(blank: dict[str, Any]) -> None:
    official = official_labels()
    seen = list(comments(to_yaml(blank)))
    assert len(seen) > 200
    for label in seen:
        parts = re.split(r" / | ", label)
        assert all(part in official for part in parts), label
    assert "（三）不予公开 1.属于国家秘密" in seen
    assert f"{L.T3_LEGAL_PERSONS} / {L.APPLICANT_COLUMNS['commercial_enterprise']}" in seen
    assert f"{L.T2_GROUP_8} / {L.T2_FEES} / {L.T2_FEES_AMOUNT}" in seen


def test_every_yaml_field_has_a_label(blank: dict[str, Any]) -> None:
    lines = comment_lines(to_yaml(blank))
    keys = 0
    for index, line in enumerate(lines):
        match = re.match(r"( *)(?:- )?\w+:", line)
        if not match:
            continue
        keys += 1
        above = lines[index - 1]
        labelled_above = above.startswith(match.group(1) + "# ")
        assert labelled_above or "  # " in line, line
    # Every field of the format but the totals, and heading and body of each sub-section.
    assert keys == sum("total" not in path for path, _ in fields(Report)) + 2 * 5


def test_yaml_row_layout(blank: dict[str, Any]) -> None:
    text = to_yaml(blank)
    assert (
        "  # 一、本年新收政府信息公开申请数量\n"
        "  new_received:\n"
        "    natural_person: 0               # 自然人\n"
        "    commercial_enterprise: 0        # 法人或其他组织 / 商业企业\n"
    ) in text
    assert "    - heading: 主动公开  # 小标题\n" in text
    assert "# 二、上年结转政府信息公开申请数量\n  carried_over:\n" in text


def test_yaml_schema_line(blank: dict[str, Any]) -> None:
    text = to_yaml(blank, schema_url="gidoc-schema.json")
    assert text.startswith("# yaml-language-server: $schema=gidoc-schema.json\n")


def test_yaml_keeps_given_totals_and_unknown_keys(tmp_path: Path, blank: dict[str, Any]) -> None:
    blank["applications"]["new_received"]["total"] = 0
    blank["applications"]["results"]["total"] = {"other": 0}
    blank["extra"] = {"a": [1, Decimal("2.50")]}
    text = to_yaml(blank)
    assert "    total: 0                        # 总计\n" in text
    assert reload(tmp_path, text, ".yaml") == blank


#: Any text, with YAML's special characters and line breaks drawn often.
TEXTS = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from(" \n\r\t#:-|>'\"\u3000\u2028\x85"),
    ),
    max_size=30,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXTS, heading=TEXTS, fee=st.decimals(min_value=0, max_value=10**12, places=6))
def test_any_text_and_fee_round_trip(tmp_path: Path, text: str, heading: str, fee: Decimal) -> None:
    data = skeleton(AGENCY, 2026)
    data["problems"] = text
    data["preamble"] = text + "\n\n" + text
    data["overview"]["sections"][0] = {"heading": heading, "body": text}
    data["title"] = heading
    data["active_disclosure"]["administrative_fees"] = fee
    assert reload(tmp_path, to_yaml(data), ".yaml") == data
    assert reload(tmp_path, to_json(data), ".json") == data


# -- JSON --------------------------------------------------------------------------
def test_json_round_trip(tmp_path: Path, previous: Report, blank: dict[str, Any]) -> None:
    text = to_json(blank)
    assert text.startswith('{\n  "schema_version": 1,\n  "agency": "牧野区工业和信息化局",\n')
    assert reload(tmp_path, text, ".json") == blank
    data = skeleton(None, 2026, previous)
    assert reload(tmp_path, to_json(data), ".json") == data


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_json_round_trip_of_samples(tmp_path: Path, name: str) -> None:
    data = load(SAMPLES / name)
    text = to_json(data)
    assert reload(tmp_path, text, ".json") == json_ready(data)
    if name.endswith(".json"):  # written as the sample itself is
        assert text == (SAMPLES / name).read_text(encoding="utf-8")
    else:
        assert '"administrative_fees": 24252.311082\n' in text
        assert '"date": "2026-01-20"' in text


def test_json_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(ValueError, match="NaN"):
        to_json({"fee": Decimal("NaN")})
    with pytest.raises(TypeError):
        to_json({1: 2})


def test_rows_of_the_model_match_skeleton_rows(blank: dict[str, Any]) -> None:
    """Each applicant row of the skeleton has exactly the six columns."""
    rows = [
        path
        for path, field in fields(Report)
        if submodel(field.annotation) is ApplicantCounts and path[-1] != "total"
    ]
    assert len(rows) == 24
    for path in rows:
        assert list(get(blank, path)) == list(L.APPLICANT_COLUMNS), path
