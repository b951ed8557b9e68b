"""``POST /api/reports/import``: each format a clerk may upload, and files that lie or attack.

An upload is read by gidoc's hardened readers after its content is checked
against its extension; every refusal is one Chinese line naming the file by
its bare name, nothing is stored, and the service answers in bounded time.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from gidoc.checking.validate import validate
from gidoc.output.context import build_context
from gidoc.output.docx import ReportTemplate
from gidoc.output.excel import write_form
from gidoc.output.html import HtmlTemplate
from gidoc.sources.skeleton import to_json
from webtest import People, sample_data

NUMBERS = ("applications", "new_received")


def _xlsx(data: dict[str, Any], folder: Path) -> bytes:
    path = folder / "form.xlsx"
    write_form(path, data)
    return path.read_bytes()


def _docx(data: dict[str, Any], folder: Path) -> bytes:
    return ReportTemplate().render(build_context(validate(data)))


def _html(data: dict[str, Any], folder: Path) -> bytes:
    return HtmlTemplate().render(build_context(validate(data))).encode("utf-8")


def _json(data: dict[str, Any], folder: Path) -> bytes:
    return to_json(data).encode("utf-8")


def _yaml(data: dict[str, Any], folder: Path) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")


FORMATS: dict[str, Callable[[dict[str, Any], Path], bytes]] = {
    "填报表.xlsx": _xlsx,
    "2025年报告.docx": _docx,
    "2025年报告.html": _html,
    "2025.json": _json,
    "2025.yaml": _yaml,
}


def _upload(people: People, name: str, content: bytes, **fields: str) -> Any:
    return people.clerk.post(
        "/api/reports/import",
        files={"file": (name, content, "application/octet-stream")},
        data=fields,
    )


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_files_a_report(people: People, name: str, tmp_path: Path) -> None:
    data = sample_data()
    answer = _upload(people, name, FORMATS[name](data, tmp_path))
    assert answer.status_code == 201, answer.text
    assert answer.json()["version"] == 1
    stored = people.clerk.get(f"/api/reports/{answer.json()['id']}").json()["data"]
    assert stored["agency"] == data["agency"]
    assert stored["year"] == data["year"]
    assert (
        printed_total_dropped(stored["applications"]["new_received"])
        == data["applications"]["new_received"]
    )


def test_an_upload_saves_a_new_version_of_an_existing_report(
    people: People, tmp_path: Path
) -> None:
    data = sample_data()
    first = _upload(people, "2025.json", _json(data, tmp_path)).json()
    data["applications"]["new_received"]["natural_person"] += 1
    again = _upload(people, "填报表.xlsx", _xlsx(data, tmp_path), id=str(first["id"]), version="1")
    assert again.status_code == 200
    assert again.json()["version"] == 2
    stale = _upload(people, "2025.json", _json(data, tmp_path), id=str(first["id"]), version="1")
    assert stale.status_code == 409


def test_a_pdf_upload_is_read_or_refused_in_one_clear_line(people: People) -> None:
    answer = _upload(people, "报告.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("报告.pdf：")


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * 300_000_000)
    return buffer.getvalue()


def _billion_laughs() -> bytes:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    xml = f'<?xml version="1.0"?><!DOCTYPE d [{entities}]><d>&j;</d>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


HOSTILE: dict[str, tuple[str, bytes, int, str]] = {
    "a PDF named .docx": ("报告.docx", b"%PDF-1.7 ...", 415, "报告.docx：文件内容不是 .docx 格式"),
    "a program named .json": ("2025.json", b"MZ\x90\x00\x03", 415, "2025.json：文件内容不是文字"),
    "an old .doc": ("报告.doc", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 100, 415, "旧版 Word"),
    "an unknown kind": ("report.exe", b"MZ", 415, "不支持的文件类型「.exe」"),
    "an empty file": ("2025.json", b"", 415, "2025.json：文件是空的"),
    "a path in the name": ("../../etc/2025.json", b"[1]", 415, "2025.json：文件内容不是 JSON 对象"),
    "JSON that is not an object": ("2025.json", b'{"a": ', 422, "2025.json："),
    "a YAML tag that runs code": (
        "2025.yaml",
        b"agency: !!python/object/apply:os.system ['true']\n",
        422,
        "2025.yaml：",
    ),
    "a zip bomb": ("报告.docx", _bomb(), 422, "报告.docx："),
    "entities that expand": ("报告.docx", _billion_laughs(), 422, "报告.docx："),
    "a broken zip": ("填报表.xlsx", b"PK\x03\x04" + b"\0" * 64, 422, "填报表.xlsx："),
    "a web page that is no report": (
        "报告.html",
        b"<html><body><img src='http://example.invalid/x.png'><p>hi</p></body></html>",
        422,
        "报告.html：",
    ),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_uploads_are_refused_in_one_clear_line(people: People, case: str) -> None:
    name, content, status, start = HOSTILE[case]
    started = time.monotonic()
    answer = _upload(people, name, content)
    assert time.monotonic() - started < 20
    assert answer.status_code == status, answer.text
    detail = answer.json()["detail"]
    assert start in detail
    assert "Traceback" not in detail
    assert "/etc" not in detail
    assert people.clerk.get("/api/reports").json()["reports"] == []


def test_an_upload_over_the_limit_is_413(people: People) -> None:
    limit = people.service.app.state.settings.max_upload
    answer = _upload(people, "2025.json", b"{" + b" " * limit + b"}")
    assert answer.status_code == 413
    assert people.clerk.get("/api/reports").json()["reports"] == []


def test_an_upload_of_another_agency_is_403(people: People, tmp_path: Path) -> None:
    answer = people.other_clerk.post(
        "/api/reports/import",
        files={"file": ("2025.json", _json(sample_data(), tmp_path), "application/json")},
    )
    assert answer.status_code == 403


def printed_total_dropped(row: dict) -> dict:
    """A row read back from a document keeps its printed 总计; the data sent had none."""
    return {key: value for key, value in row.items() if key != "total"}
