"""Reports through the JSON API: the check, versions and the 409, compare and restore,
the submit → return / approve workflow, comments, documents, hostile texts, body limits."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gidoc.sources.load import load
from webtest import People, body, file_report, sample_data

XSS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>']


def test_healthz(people: People) -> None:
    answer = people.anonymous.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"ok": True}


def test_security_headers_on_every_answer(people: People) -> None:
    for answer in (
        people.anonymous.get("/healthz"),
        people.anonymous.get("/api/reports"),
        people.clerk.get("/api/reports/999"),
        people.clerk.get("/nowhere"),
    ):
        assert answer.headers["content-security-policy"].startswith("default-src 'self'")
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "same-origin"


def test_check_gives_what_gidoc_check_gives(people: People, tmp_path: Path) -> None:
    data = sample_data()
    data["applications"]["new_received"]["natural_person"] = "十二"
    data["active_disclosure"]["rules"]["made"] = 1
    data["problems"] = ""
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    cli = subprocess.run(
        [sys.executable, "-m", "gidoc", "check", str(source), "--format", "json"],
        capture_output=True,
        text=True,
    )
    expected = json.loads(cli.stdout)["files"][0]
    answer = people.clerk.post("/api/check", content=body(data))
    assert answer.status_code == 200
    got = answer.json()
    assert got["valid"] is False
    assert got["errors"] == expected["errors"]
    assert got["warnings"] == expected["warnings"]
    assert {"path", "label", "message"} <= set(got["errors"][0])
    paths = {e["path"] for e in got["errors"]}
    assert "applications.new_received.natural_person" in paths
    assert "active_disclosure.rules.made" in paths


def test_check_of_valid_data(people: People) -> None:
    got = people.clerk.post("/api/check", content=body(sample_data())).json()
    assert got["valid"] is True
    assert got["errors"] == []


@pytest.mark.parametrize(
    "raw",
    [b"{bad json", b"[1, 2]", b"", b'{"agency": "a", "agency": "b"}', b"\xff\xfe{}"],
)
def test_malformed_json_is_400_with_a_chinese_reason(people: People, raw: bytes) -> None:
    for path in ("/api/check", "/api/reports"):
        answer = people.clerk.post(path, content=raw)
        assert answer.status_code == 400, (path, raw)
        assert "请求内容" in answer.json()["detail"]


def _chunks(size: int) -> Iterator[bytes]:
    chunk = b" " * 65536
    sent = 0
    while sent < size:
        yield chunk
        sent += len(chunk)


def test_a_body_over_5_mb_is_413(people: People) -> None:
    declared = people.clerk.post("/api/check", content=b" " * (5 * 1024 * 1024 + 1))
    assert declared.status_code == 413
    assert "5 MB" in declared.json()["detail"]
    # Without a Content-Length the body is counted as it arrives.
    streamed = people.clerk.post("/api/check", content=_chunks(6 * 1024 * 1024))
    assert streamed.status_code == 413
    report_id = file_report(people.clerk)
    put = people.clerk.put(
        f"/api/reports/{report_id}",
        content=_chunks(6 * 1024 * 1024),
        headers={"If-Match": '"1"'},
    )
    assert put.status_code == 413
    assert people.clerk.get(f"/api/reports/{report_id}").json()["version"] == 1


def test_create_get_and_save(people: People) -> None:
    created = people.clerk.post("/api/reports", content=body(sample_data()))
    assert created.status_code == 201
    assert created.json() == {"id": created.json()["id"], "version": 1}
    report_id = created.json()["id"]
    got = people.clerk.get(f"/api/reports/{report_id}")
    assert got.status_code == 200
    report = got.json()
    assert (report["id"], report["version"], report["status"]) == (report_id, 1, "draft")
    assert report["data"] == sample_data()
    assert got.headers["etag"] == '"1"'
    data = report["data"]
    data["applications"]["new_received"]["natural_person"] = 99
    saved = people.clerk.put(
        f"/api/reports/{report_id}", content=body(data), headers={"If-Match": '"1"'}
    )
    assert saved.status_code == 200
    assert saved.json() == {"version": 2}
    again = people.reviewer.get(f"/api/reports/{report_id}").json()
    assert again["version"] == 2
    assert again["data"]["applications"]["new_received"]["natural_person"] == 99


def test_a_stale_save_is_409_and_changes_nothing(people: People) -> None:
    report_id = file_report(people.clerk)
    first, second = sample_data(), sample_data()
    first["problems"] = "第一个人的修改"
    second["problems"] = "第二个人的修改"
    url = f"/api/reports/{report_id}"
    assert (
        people.clerk.put(url, content=body(first), headers={"If-Match": '"1"'}).status_code == 200
    )
    stale = people.clerk.put(url, content=body(second), headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.json()["version"] == 2
    assert "第 2 版" in stale.json()["detail"]
    assert people.clerk.get(url).json()["data"]["problems"] == "第一个人的修改"
    missing = people.clerk.put(url, content=body(second))
    assert missing.status_code == 428
    assert "If-Match" in missing.json()["detail"]


def test_decimals_are_kept_digit_for_digit(people: People) -> None:
    data = sample_data()
    data["active_disclosure"]["administrative_fees"] = 0
    raw = body(data).replace(b'"administrative_fees": 0', b'"administrative_fees": 24252.311082')
    report_id = people.clerk.post("/api/reports", content=raw).json()["id"]
    text = people.clerk.get(f"/api/reports/{report_id}").text
    assert '"administrative_fees":24252.311082' in text
    assert "24252.311082" in people.clerk.get(f"/api/reports/{report_id}/versions/1").text


def test_save_cannot_move_the_report_to_another_agency_or_year(people: People) -> None:
    report_id = file_report(people.clerk)
    moved = {**sample_data(), "year": 2024}
    answer = people.clerk.put(
        f"/api/reports/{report_id}", content=body(moved), headers={"If-Match": '"1"'}
    )
    assert answer.status_code == 422
    assert people.clerk.get(f"/api/reports/{report_id}").json()["version"] == 1


def test_a_second_report_for_the_same_year_is_409_with_its_id(people: People) -> None:
    report_id = file_report(people.clerk)
    again = people.clerk.post("/api/reports", content=body(sample_data()))
    assert again.status_code == 409
    assert again.json()["id"] == report_id


def test_versions_compare_and_restore(people: People) -> None:
    report_id = file_report(people.clerk)
    url = f"/api/reports/{report_id}"
    data = sample_data()
    before = data["applications"]["new_received"]["natural_person"]
    data["applications"]["new_received"]["natural_person"] = before + 5
    data["improvements"] = "新的改进情况"
    assert people.clerk.put(url, content=body(data), headers={"If-Match": '"1"'}).status_code == 200
    versions = people.clerk.get(f"{url}/versions").json()["versions"]
    assert [v["version"] for v in versions] == [2, 1]
    assert {v["author"] for v in versions} == {"张三"}
    diff = people.reviewer.get(f"{url}/compare?from=1&to=2").json()
    assert diff["numbers"] == [
        {
            "path": "applications.new_received.natural_person",
            "table": "表三",
            "label": diff["numbers"][0]["label"],
            "from": before,
            "to": before + 5,
        }
    ]
    assert "自然人" in diff["numbers"][0]["label"]
    assert [t["path"] for t in diff["texts"]] == ["improvements"]
    old = people.clerk.get(f"{url}/versions/1").json()
    assert old["data"] == sample_data()
    restored = people.clerk.post(f"{url}/restore", json={"version": 1}, headers={"If-Match": '"2"'})
    assert restored.json() == {"version": 3}
    assert people.clerk.get(url).json()["data"] == sample_data()
    versions = people.clerk.get(f"{url}/versions").json()["versions"]
    assert versions[0]["restored_from"] == 1
    assert len(versions) == 3
    stale = people.clerk.post(f"{url}/restore", json={"version": 1}, headers={"If-Match": '"2"'})
    assert stale.status_code == 409
    assert people.clerk.get(f"{url}/versions/9").status_code == 404


def test_submit_return_resubmit_approve(people: People) -> None:
    report_id = file_report(people.clerk)
    url = f"/api/reports/{report_id}"
    submitted = people.clerk.post(f"{url}/submit", json={"version": 1, "note": "请审核"})
    assert submitted.json()["status"] == "submitted"
    locked = people.clerk.put(url, content=body(sample_data()), headers={"If-Match": '"1"'})
    assert locked.status_code == 409
    assert "已提交" in locked.json()["detail"]
    no_note = people.reviewer.post(f"{url}/return", json={"version": 1})
    assert no_note.status_code == 422
    returned = people.reviewer.post(f"{url}/return", json={"version": 1, "note": "表三第 5 行有误"})
    assert returned.json()["status"] == "returned"
    assert people.reviewer.post(f"{url}/approve", json={"version": 1}).status_code == 409
    fixed = sample_data()
    fixed["problems"] = "已改正"
    saved = people.clerk.put(url, content=body(fixed), headers={"If-Match": '"1"'})
    assert saved.json() == {"version": 2}
    assert people.clerk.get(url).json()["status"] == "draft"
    assert people.clerk.post(f"{url}/submit", json={"version": 2}).status_code == 200
    approved = people.reviewer.post(f"{url}/approve", json={"version": 2, "note": "通过"})
    assert approved.json()["status"] == "approved"
    notes = people.clerk.get(f"{url}/comments").json()["comments"]
    assert [(c["kind"], c["author"], c["body"]) for c in notes] == [
        ("submit", "张三", "请审核"),
        ("return", "王审核", "表三第 5 行有误"),
        ("submit", "张三", ""),
        ("approve", "王审核", "通过"),
    ]


def test_a_report_with_errors_cannot_be_submitted(people: People) -> None:
    data = sample_data()
    data["applications"]["new_received"]["natural_person"] = -1
    report_id = file_report(people.clerk, data)
    answer = people.clerk.post(f"/api/reports/{report_id}/submit", json={"version": 1})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["path"] == "applications.new_received.natural_person"
    assert people.clerk.get(f"/api/reports/{report_id}").json()["status"] == "draft"


def test_a_draft_with_errors_is_saved_and_its_form_downloaded(people: People) -> None:
    data = sample_data()
    data["applications"]["new_received"]["natural_person"] = -3
    report_id = file_report(people.clerk, data)
    docx = people.clerk.get(f"/api/reports/{report_id}/docx")
    assert docx.status_code == 422
    assert docx.json()["errors"][0]["path"] == "applications.new_received.natural_person"
    assert people.clerk.get(f"/api/reports/{report_id}/xlsx").status_code == 200


@pytest.mark.parametrize("payload", XSS)
def test_hostile_texts_come_back_as_data_and_as_escaped_text(people: People, payload: str) -> None:
    data = sample_data()
    data["problems"] = payload
    data["overview"]["sections"][0]["heading"] = payload
    report_id = file_report(people.clerk, data)
    got = people.reviewer.get(f"/api/reports/{report_id}")
    assert got.headers["content-type"] == "application/json"
    assert got.json()["data"]["problems"] == payload
    people.reviewer.post(f"/api/reports/{report_id}/comments", json={"body": payload})
    comments = people.clerk.get(f"/api/reports/{report_id}/comments")
    assert comments.headers["content-type"] == "application/json"
    assert comments.json()["comments"][0]["body"] == payload
    page = people.clerk.get(f"/api/reports/{report_id}/html")
    assert page.status_code == 200
    assert payload not in page.text
    assert "&lt;" in page.text
    assert "sandbox" in page.headers["content-security-policy"]
    assert page.headers["content-disposition"].startswith("attachment")


def _load_bytes(tmp_path: Path, name: str, content: bytes) -> dict[str, Any]:
    path = tmp_path / name
    path.write_bytes(content)
    return load(path)


def test_documents_are_the_report(people: People, tmp_path: Path) -> None:
    report_id = file_report(people.clerk)
    docx = people.clerk.get(f"/api/reports/{report_id}/docx")
    assert docx.status_code == 200
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in docx.headers["content-disposition"]
    back = _load_bytes(tmp_path, "back.docx", docx.content)
    expected = sample_data()
    assert back["agency"] == expected["agency"]
    assert (
        printed_total_dropped(back["applications"]["new_received"])
        == expected["applications"]["new_received"]
    )
    xlsx = people.reviewer.get(f"/api/reports/{report_id}/xlsx")
    form = _load_bytes(tmp_path, "back.xlsx", xlsx.content)
    assert (
        printed_total_dropped(form["applications"]["new_received"])
        == expected["applications"]["new_received"]
    )
    page = people.clerk.get(f"/api/reports/{report_id}/html")
    assert expected["agency"] in page.text
    assert people.clerk.get(f"/api/reports/{report_id}/odt").status_code == 404


def test_comments(people: People) -> None:
    report_id = file_report(people.clerk)
    url = f"/api/reports/{report_id}/comments"
    assert people.reviewer.post(url, json={"body": "请补充前言"}).status_code == 201
    assert people.clerk.post(url, json={"body": "已补充"}).status_code == 201
    assert people.clerk.post(url, json={"body": ""}).status_code == 422
    got = people.reviewer.get(url).json()["comments"]
    assert [(c["author"], c["role"], c["body"]) for c in got] == [
        ("王审核", "reviewer", "请补充前言"),
        ("张三", "clerk", "已补充"),
    ]


def test_audit_log_names_who_did_what_but_never_the_contents(people: People) -> None:
    data = sample_data()
    data["problems"] = "机密的内容不应进入日志"
    report_id = file_report(people.clerk, data)
    people.reviewer.get(f"/api/reports/{report_id}/docx")
    people.clerk.post(f"/api/reports/{report_id}/submit", json={"version": 1})
    entries = people.admin.get("/api/admin/audit").json()["entries"]
    actions = [(e["user"], e["action"], e["target"]) for e in entries]
    assert ("张三", "create", f"report {report_id} v1") in actions
    assert ("王审核", "download", f"report {report_id} v1 docx") in actions
    assert ("张三", "submit", f"report {report_id} v1") in actions
    assert "机密" not in json.dumps(entries, ensure_ascii=False)


def test_pdf_comes_from_one_warm_pool_closed_with_the_service(
    people: People, tmp_path: Path
) -> None:
    import shutil

    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or poppler-utils is not installed (scripts/setup-debian.sh)")
    report_id = file_report(people.clerk)
    documents = people.service.app.state.documents
    pages = []
    for client in (people.clerk, people.reviewer):
        answer = client.get(f"/api/reports/{report_id}/pdf")
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.content.startswith(b"%PDF-")
        pages.append(answer.content)
    pool = documents._pool
    assert pool is not None
    target = tmp_path / "report.pdf"
    target.write_bytes(pages[1])
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert sample_data()["agency"] in text
    documents.close()
    assert pool.closed
    assert documents._pool is None


def printed_total_dropped(row: dict) -> dict:
    """A row read back from a document keeps its printed 总计; the data sent had none."""
    return {key: value for key, value in row.items() if key != "total"}
