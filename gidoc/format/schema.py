"""The JSON Schema of the report data format, for editors' completion and checking.

VS Code (with its JSON support, or the YAML extension's
``# yaml-language-server: $schema=…`` line) offers the keys, shows each field's
Chinese title and description, and marks wrong types, negative counts and
misspelt keys while the clerk types.  The schema comes from the models
(:meth:`Report.model_json_schema`), so it cannot drift from what
:mod:`gidoc.validate` accepts; the cross-checks (勾稽关系, totals) are beyond
JSON Schema and stay with ``gidoc check``.
"""

from __future__ import annotations

from typing import Any

from gidoc.format import labels as L
from gidoc.format.models import Report

#: The JSON Schema dialect of the document (pydantic emits draft 2020-12).
DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: The identifier of this schema: data format version 1.
SCHEMA_ID = "urn:gidoc:report-data:1"
TITLE = f"{L.TITLE_SUFFIX}数据（gidoc 数据格式第 1 版）"
DESCRIPTION = (
    "gidoc 据此生成《政府信息公开工作年度报告》（国办公开办函〔2021〕30号格式）。"
    "件数填不带引号的整数，不填的为 0；各总计由 gidoc 推算，可不填；"
    "未知的字段名是错误。表三的勾稽关系等核对由 gidoc check 完成。"
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of report data, with Chinese titles and descriptions.

    Every property carries its official label as ``title`` and what to fill in
    as ``description`` (both from :mod:`gidoc.models`).  Objects are closed
    (``additionalProperties: false``), as the models are.
    """
    schema = Report.model_json_schema()
    # The class docstrings are notes for developers, in English; an editor would show
    # them where a property has no description of its own (e.g. list items).
    for definition in schema.get("$defs", {}).values():
        definition.pop("description", None)
    schema.pop("description", None)
    schema.pop("title", None)
    # Dialect, id, title and description first, so that the file reads well.
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": TITLE,
        "description": DESCRIPTION,
        **schema,
    }
