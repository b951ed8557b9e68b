"""Each role on every route: a clerk sees only its agency (another's report is 404, never its
content), a reviewer reads everything and decides, an admin manages units and accounts, and
nobody without a valid token gets anything but 401."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from webtest import AGENCY, OTHER_AGENCY, People, body, file_report, sample_data

ROLES = ("other_clerk", "admin", "anonymous", "reviewer", "clerk")


def _send(people: People, role: str, method: str, path: str, **options: Any) -> int:
    answer = people.by_role(role).request(method, path, **options)
    if role == "other_clerk" and answer.status_code == 404:
        # Nothing of the report leaks into the refusal.
        assert AGENCY not in answer.text
        assert "2025" not in answer.text
    return answer.status_code


SAMPLE = body(sample_data())
#: Route, request options, and the status each role gets on the clerk's own draft report.
REPORT_ROUTES: list[tuple[str, str, dict[str, Any], dict[str, int]]] = [
    ("GET", "/api/reports/{id}", {}, {"clerk": 200, "reviewer": 200}),
    (
        "PUT",
        "/api/reports/{id}",
        {"content": SAMPLE, "headers": {"If-Match": '"1"'}},
        {"clerk": 200, "reviewer": 403},
    ),
    ("GET", "/api/reports/{id}/versions", {}, {"clerk": 200, "reviewer": 200}),
    ("GET", "/api/reports/{id}/versions/1", {}, {"clerk": 200, "reviewer": 200}),
    ("GET", "/api/reports/{id}/compare?from=1&to=1", {}, {"clerk": 200, "reviewer": 200}),
    (
        "POST",
        "/api/reports/{id}/restore",
        {"json": {"version": 1}, "headers": {"If-Match": '"1"'}},
        {"clerk": 200, "reviewer": 403},
    ),
    ("POST", "/api/reports/{id}/submit", {"json": {"version": 1}}, {"clerk": 200, "reviewer": 403}),
    ("GET", "/api/reports/{id}/comments", {}, {"clerk": 200, "reviewer": 200}),
    (
        "POST",
        "/api/reports/{id}/comments",
        {"json": {"body": "请核对表三"}},
        {"clerk": 201, "reviewer": 201},
    ),
    ("GET", "/api/reports/{id}/docx", {}, {"clerk": 200, "reviewer": 200}),
    ("GET", "/api/reports/{id}/html", {}, {"clerk": 200, "reviewer": 200}),
    ("GET", "/api/reports/{id}/xlsx", {}, {"clerk": 200, "reviewer": 200}),
    (
        "POST",
        "/api/reports/import",
        {
            "files": {"file": ("2025.json", SAMPLE, "application/json")},
            "data": {"id": "{id}", "version": "1"},
        },
        {"clerk": 200, "reviewer": 403},
    ),
]


def _expected(allowed: dict[str, int], role: str) -> int:
    if role in allowed:
        return allowed[role]
    return {"other_clerk": 404, "admin": 403, "anonymous": 401}[role]


def _fill(options: dict[str, Any], report_id: int) -> dict[str, Any]:
    filled = dict(options)
    if "data" in filled:
        filled["data"] = {k: v.replace("{id}", str(report_id)) for k, v in filled["data"].items()}
    return filled


@pytest.mark.parametrize(("method", "path", "options", "allowed"), REPORT_ROUTES)
def test_report_routes_by_role(
    people: People, method: str, path: str, options: dict[str, Any], allowed: dict[str, int]
) -> None:
    report_id = file_report(people.clerk)
    url = path.replace("{id}", str(report_id))
    got = {role: _send(people, role, method, url, **_fill(options, report_id)) for role in ROLES}
    assert got == {role: _expected(allowed, role) for role in ROLES}


@pytest.mark.parametrize("kind", ["docx", "pdf", "html", "xlsx"])
def test_downloads_of_another_agency_are_404(people: People, kind: str) -> None:
    report_id = file_report(people.clerk)
    answer = people.other_clerk.get(f"/api/reports/{report_id}/{kind}")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"
    assert people.admin.get(f"/api/reports/{report_id}/{kind}").status_code == 403
    assert people.anonymous.get(f"/api/reports/{report_id}/{kind}").status_code == 401


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_a_report_that_does_not_exist_is_404(people: People, role: str) -> None:
    assert people.by_role(role).get("/api/reports/999").status_code == 404


def test_return_and_approve_are_the_reviewers(people: People) -> None:
    report_id = file_report(people.clerk)
    assert (
        people.clerk.post(f"/api/reports/{report_id}/submit", json={"version": 1}).status_code
        == 200
    )
    for action in ("return", "approve"):
        url = f"/api/reports/{report_id}/{action}"
        note = {"version": 1, "note": "表三第 5 行请核对"}
        assert people.clerk.post(url, json=note).status_code == 403
        assert people.other_clerk.post(url, json=note).status_code == 403
        assert people.admin.post(url, json=note).status_code == 403
        assert people.anonymous.post(url, json=note).status_code == 401
    answer = people.reviewer.post(f"/api/reports/{report_id}/approve", json={"version": 1})
    assert answer.status_code == 200
    assert answer.json()["status"] == "approved"


def test_each_clerk_lists_only_its_agency(people: People) -> None:
    own = file_report(people.clerk)
    other_data = {**sample_data(), "agency": OTHER_AGENCY}
    other = people.other_clerk.post("/api/reports", content=body(other_data)).json()["id"]
    assert [r["id"] for r in people.clerk.get("/api/reports").json()["reports"]] == [own]
    assert [r["id"] for r in people.other_clerk.get("/api/reports").json()["reports"]] == [other]
    assert sorted(r["id"] for r in people.reviewer.get("/api/reports").json()["reports"]) == sorted(
        [own, other]
    )
    assert people.admin.get("/api/reports").status_code == 403
    assert people.anonymous.get("/api/reports").status_code == 401


def test_filing_for_another_agency_is_403(people: People) -> None:
    answer = people.other_clerk.post("/api/reports", content=SAMPLE)
    assert answer.status_code == 403
    assert OTHER_AGENCY in answer.json()["detail"]
    upload = {"file": ("a.json", SAMPLE, "application/json")}
    assert people.other_clerk.post("/api/reports/import", files=upload).status_code == 403
    assert people.reviewer.post("/api/reports", content=SAMPLE).status_code == 403
    assert people.admin.post("/api/reports", content=SAMPLE).status_code == 403
    assert people.anonymous.post("/api/reports", content=SAMPLE).status_code == 401
    assert people.clerk.post("/api/reports", content=SAMPLE).status_code == 201


def test_check_needs_an_account(people: People) -> None:
    for role in ("clerk", "other_clerk", "reviewer", "admin"):
        assert people.by_role(role).post("/api/check", content=SAMPLE).status_code == 200
    assert people.anonymous.post("/api/check", content=SAMPLE).status_code == 401


def test_review_is_the_reviewers(people: People) -> None:
    assert people.reviewer.get("/api/review?year=2025").status_code == 200
    for role, status in (("clerk", 403), ("other_clerk", 403), ("admin", 403), ("anonymous", 401)):
        assert people.by_role(role).get("/api/review?year=2025").status_code == status


ADMIN_ROUTES: list[tuple[str, str, Callable[[People], dict[str, Any]], int]] = [
    ("GET", "/api/admin/agencies", lambda p: {}, 200),
    ("POST", "/api/admin/agencies", lambda p: {"json": {"name": "新单位", "years": [2025]}}, 201),
    ("POST", "/api/admin/roster", lambda p: {"json": {"agency_id": 1, "year": 2025}}, 200),
    ("GET", "/api/admin/users", lambda p: {}, 200),
    (
        "POST",
        "/api/admin/users",
        lambda p: {"json": {"name": "新人", "role": "reviewer", "password": "a long password"}},
        201,
    ),
    ("POST", "/api/admin/users/李四", lambda p: {"json": {"disabled": False}}, 200),
    ("GET", "/api/admin/audit", lambda p: {}, 200),
]


@pytest.mark.parametrize(("method", "path", "options", "status"), ADMIN_ROUTES)
def test_admin_routes_by_role(
    people: People,
    method: str,
    path: str,
    options: Callable[[People], dict[str, Any]],
    status: int,
) -> None:
    got = {
        role: people.by_role(role).request(method, path, **options(people)).status_code
        for role in ROLES
    }
    assert got == {
        "clerk": 403,
        "other_clerk": 403,
        "reviewer": 403,
        "anonymous": 401,
        "admin": status,
    }


def test_without_a_valid_token_everything_is_401(people: People) -> None:
    report_id = file_report(people.clerk)
    bad = people.service.client("not-a-token")
    for method, path in (
        ("GET", "/api/reports"),
        ("GET", f"/api/reports/{report_id}"),
        ("PUT", f"/api/reports/{report_id}"),
        ("GET", f"/api/reports/{report_id}/docx"),
        ("GET", "/api/me"),
        ("GET", "/api/admin/users"),
    ):
        answer = bad.request(method, path, content=SAMPLE if method == "PUT" else None)
        assert answer.status_code == 401, (method, path)
        assert answer.headers["www-authenticate"].startswith("Bearer")
    assert bad.get("/healthz").status_code == 200
