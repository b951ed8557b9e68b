"""gidoc.schema: the JSON Schema editors use to complete and check report data."""

from __future__ import annotations

import copy
import datetime
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from annotated_types import Le
from pydantic import BaseModel

from conftest import SAMPLES
from gidoc import load
from gidoc.format.models import MAX_NUMBER, Report
from gidoc.format.schema import json_schema
from gidoc.sources.skeleton import skeleton

CJK = re.compile(r"[\u4e00-\u9fff]")
COUNT = {"type": "integer", "minimum": 0, "maximum": MAX_NUMBER}
SAMPLE_FILES = ["muye-2025.json", "fingerprint-2025.yaml"]


def as_json(value: Any) -> Any:
    """Loaded data as a JSON parser would give it: decimals as floats, dates as text."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with its local ``$ref`` followed (siblings kept), as editors read it."""
    if "$ref" not in node:
        return node
    target: Any = schema
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every object schema (one with ``properties``) anywhere in ``node``."""
    if isinstance(node, dict):
        if "properties" in node:
            yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from objects(value)


def property_at(schema: dict[str, Any], path: list[str]) -> dict[str, Any]:
    """The schema of the property at ``path``, through references and ``X | None``."""
    node = schema
    for key in path:
        if "anyOf" in node:  # an optional object: its object option
            (node,) = [option for option in node["anyOf"] if "$ref" in option]
        node = resolve(schema, resolve(schema, node)["properties"][key])
    return node


def count_paths(model: type[BaseModel], prefix: list[str]) -> Iterator[tuple[list[str], bool]]:
    """(path, optional) of every count field, found by walking the models."""
    for key, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from count_paths(annotation, [*prefix, key])
            continue
        args = getattr(annotation, "__args__", ())
        inner = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if inner:
            yield from count_paths(inner[0], [*prefix, key])
            continue
        metadata = list(field.metadata)
        types = [annotation]
        for arg in args:  # ``Count | None``: the count is an Annotated member of the union
            for item in getattr(arg, "__metadata__", ()):
                metadata += getattr(item, "metadata", [item])  # a Field() inside Annotated
            types.append(getattr(arg, "__origin__", arg))
        if int in types and any(isinstance(m, Le) and m.le == MAX_NUMBER for m in metadata):
            yield [*prefix, key], field.default is None


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json_schema()


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_header(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"]
    assert CJK.search(schema["title"])
    assert CJK.search(schema["description"])
    assert list(schema)[:4] == ["$schema", "$id", "title", "description"]
    assert schema["type"] == "object"
    assert set(schema["required"]) == {
        key for key, field in Report.model_fields.items() if field.is_required()
    }
    json.dumps(schema)  # plain JSON data


def test_is_a_valid_json_schema(schema: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema)


def test_structure_by_hand(schema: dict[str, Any]) -> None:
    """What check_schema cannot see: every local reference resolves, no pydantic-only keywords."""
    text = json.dumps(schema)
    for ref in re.findall(r'"\$ref": "([^"]+)"', text):
        assert ref.startswith("#/$defs/")
        assert ref.removeprefix("#/$defs/") in schema["$defs"]
    for keyword in ("decimal_places", '"ge"', '"le"', "allow_inf_nan"):
        assert keyword not in text


def test_every_object_is_closed(schema: dict[str, Any]) -> None:
    found = list(objects(schema))
    assert len(found) == 1 + len(schema["$defs"])
    for node in found:
        assert node["additionalProperties"] is False, node.get("title")


def test_every_property_has_a_chinese_title_and_description(schema: dict[str, Any]) -> None:
    checked = 0
    for node in objects(schema):
        for key, prop in node["properties"].items():
            assert CJK.search(prop.get("title", "")), key
            assert CJK.search(prop.get("description", "")), key
            checked += 1
    assert checked > 60


def test_no_english_docstrings_left(schema: dict[str, Any]) -> None:
    for definition in schema["$defs"].values():
        assert "description" not in definition


def test_counts_are_bounded_integers(schema: dict[str, Any]) -> None:
    paths = list(count_paths(Report, []))
    # The walk must have found them all: 24 rows of table 三 with six columns, 9 counts in
    # table 二, 3 × 4 in table 四; optional: the 24 + 3 row totals and （七）总计's 7 columns.
    assert sum(not optional for _, optional in paths) == 24 * 6 + 9 + 3 * 4
    assert sum(optional for _, optional in paths) == 24 + 3 + 7
    for path, optional in paths:
        prop = property_at(schema, path)
        if optional:
            assert {"type": "null"} in prop["anyOf"], path
            (count,) = [option for option in prop["anyOf"] if option != {"type": "null"}]
        else:
            count = prop
        assert {key: count[key] for key in COUNT} == COUNT, path


def test_fee_is_a_plain_non_negative_number(schema: dict[str, Any]) -> None:
    fee = property_at(schema, ["active_disclosure", "administrative_fees"])
    assert fee["type"] == "number"
    assert fee["minimum"] == 0
    assert fee["maximum"] == MAX_NUMBER
    assert fee["default"] == 0
    assert "anyOf" not in fee
    assert "6 位小数" in fee["description"]
    assert "万元" in fee["description"]


def test_titles_are_the_labels(schema: dict[str, Any]) -> None:
    path = ["applications", "results", "withheld", "state_secret"]
    assert property_at(schema, path)["title"] == "1.属于国家秘密"
    assert property_at(schema, [*path, "natural_person"])["title"] == "自然人"
    assert "本年新收" in property_at(schema, ["applications", "new_received"])["description"]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_samples_are_valid(validator: Any, name: str) -> None:
    data = as_json(load(SAMPLES / name))
    assert [error.message for error in validator.iter_errors(data)] == []


def test_skeleton_is_valid(validator: Any) -> None:
    assert list(validator.iter_errors(as_json(skeleton("牧野区工业和信息化局", 2026)))) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        pytest.param(lambda d: d.update(agencey="x"), "agencey", id="top-level"),
        pytest.param(
            lambda d: d["applications"]["new_received"].update(natural_persn=1),
            "natural_persn",
            id="table-row",
        ),
        pytest.param(
            lambda d: d["overview"]["sections"][0].update(titel="x"), "titel", id="list-item"
        ),
    ],
)
def test_misspelt_key_is_rejected(validator: Any, change: Any, where: str) -> None:
    data = as_json(load(SAMPLES / "muye-2025.json"))
    change(data)
    errors = list(validator.iter_errors(data))
    assert len(errors) == 1
    assert errors[0].validator == "additionalProperties"
    assert where in errors[0].message


@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(["active_disclosure", "administrative_penalty"], -1, id="negative"),
        pytest.param(["active_disclosure", "administrative_penalty"], "3", id="string-count"),
        pytest.param(["active_disclosure", "administrative_penalty"], 1.5, id="float-count"),
        pytest.param(["active_disclosure", "administrative_penalty"], MAX_NUMBER + 1, id="huge"),
        pytest.param(["active_disclosure", "administrative_fees"], "1.5", id="string-fee"),
        pytest.param(["active_disclosure", "administrative_fees"], -0.5, id="negative-fee"),
        pytest.param(["agency"], "", id="blank-agency"),
        pytest.param(["agency"], "a\nb", id="two-line-agency"),
        pytest.param(["schema_version"], 2, id="version"),
        pytest.param(["date"], "2026-13-01", id="bad-date"),
    ],
)
def test_bad_values_are_rejected(validator: Any, path: list[str], value: Any) -> None:
    data = copy.deepcopy(as_json(load(SAMPLES / "muye-2025.json")))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert list(validator.iter_errors(data)) != []
