"""The service's JSON writer: compact, decimals digit for digit, texts never turned into numbers."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from gidoc.web.exact_json import dumps


def test_decimals_are_written_as_given() -> None:
    value = {"fee": Decimal("24252.311082"), "list": [Decimal("-0.10"), Decimal("1E+2")], "n": 3}
    assert dumps(value) == '{"fee":24252.311082,"list":[-0.10,100],"n":3}'
    assert json.loads(dumps(value), parse_float=Decimal)["fee"] == Decimal("24252.311082")


def test_texts_stay_texts_whatever_they_hold() -> None:
    value = {"a": "12.5", "b": '"><script>', "c": "\x00" + "0" * 16 + "1.5", "d": "中文"}
    assert json.loads(dumps({**value, "fee": Decimal("1.5")})) == {**value, "fee": 1.5}


def test_dates_and_refusals() -> None:
    assert dumps({"date": datetime.date(2026, 1, 15)}) == '{"date":"2026-01-15"}'
    with pytest.raises(ValueError, match="不允许的数值"):
        dumps({"x": Decimal("NaN")})
    with pytest.raises(TypeError):
        dumps({"x": object()})
