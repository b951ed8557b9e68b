"""Report data as compact JSON text, fast, with every decimal digit for digit.

:func:`gidoc.sources.skeleton.to_json` writes the same values for people
(indented, in pure Python); the service writes JSON on every save and answer,
so it uses the json module's C encoder and puts each :class:`~decimal.Decimal`
in as its own text (``24252.311082``, never a binary float).
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
from decimal import Decimal
from typing import Any


def dumps(value: Any) -> str:
    """``value`` as compact UTF-8 JSON; decimals as written, dates as ``"YYYY-MM-DD"``."""
    # A marker no text of the data can contain: it changes on every call.
    nonce = secrets.token_hex(8)
    found = False

    def default(item: Any) -> Any:
        nonlocal found
        if isinstance(item, Decimal):
            if not item.is_finite():
                raise ValueError(f"不允许的数值 {item}")
            found = True
            return f"{nonce}{format(item, 'f')}"
        if isinstance(item, datetime.date):
            return item.isoformat()
        raise TypeError(f"无法写成 JSON 的值：{type(item).__name__}")

    text = json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=default
    )
    if not found:
        return text
    return re.sub(f'"{nonce}(-?[0-9.]+)"', r"\1", text)
