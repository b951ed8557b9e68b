"""Data paths as the data format writes them: ``applications.results.withheld.state_secret.other``.

Every reader and writer addresses values of a report by these paths (the
JSON path of the data format, with ``[i]`` for list items); this module is
the one place that walks them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from typing import Any, Final

_PART = re.compile(r"[^.\[\]]+|\[\d+\]")

#: What :func:`get` returns where the data has nothing at a path.
MISSING: Final = object()


def get(data: Mapping[str, Any], path: str) -> Any:
    """The value at ``path`` (``overview.sections[0].body``), or :data:`MISSING`."""
    node: Any = data
    for part in _PART.findall(path):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(node, list) or index >= len(node):
                return MISSING
            node = node[index]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return MISSING
    return node


def put(data: MutableMapping[str, Any], path: str, value: Any) -> None:
    """Set the value at a dotted ``path``, creating the mappings on the way."""
    keys = path.split(".")
    node: MutableMapping[str, Any] = data
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value
