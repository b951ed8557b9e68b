"""``GET /api/review``: the reviewing office's year by gidoc.review's rules, over the stored reports."""

from __future__ import annotations

from webtest import AGENCY, OTHER_AGENCY, People, body, file_report, sample_data


def _roster(people: People, *names: str) -> None:
    for name in names:
        added = people.admin.post("/api/admin/agencies", json={"name": name, "years": [2025]})
        assert added.status_code == 201


def test_review_lists_each_report_with_its_findings_and_the_missing_units(people: People) -> None:
    _roster(people, AGENCY, OTHER_AGENCY, "未报送的局")
    good = file_report(people.clerk)
    broken = {**sample_data(), "agency": OTHER_AGENCY}
    broken["applications"]["new_received"]["natural_person"] = -1
    bad = people.other_clerk.post("/api/reports", content=body(broken)).json()["id"]
    people.clerk.post(f"/api/reports/{good}/submit", json={"version": 1})
    answer = people.reviewer.get("/api/review?year=2025")
    assert answer.status_code == 200
    got = answer.json()
    entries = {entry["id"]: entry for entry in got["reports"]}
    assert set(entries) == {good, bad}
    assert (entries[good]["agency"], entries[good]["year"]) == (AGENCY, 2025)
    assert entries[good]["status"] == "submitted"
    assert entries[good]["errors"] == []
    assert entries[bad]["status"] == "draft"
    assert entries[bad]["verdict"] == "errors"
    assert [e["path"] for e in entries[bad]["errors"]] == [
        "applications.new_received.natural_person"
    ]
    assert got["missing"] == ["未报送的局"]


def test_review_compares_with_last_years_reports(people: People) -> None:
    last_year = {**sample_data(), "year": 2024}
    file_report(people.clerk, last_year)
    this_year = file_report(people.clerk)
    got = people.reviewer.get("/api/review?year=2025").json()
    (entry,) = got["reports"]
    assert entry["id"] == this_year
    # The sample repeats its own texts: last year's identical report is repeated text.
    assert "repeated_text" in {w["rule"] for w in entry["warnings"]}
    assert got["missing"] == []


def test_review_needs_a_year(people: People) -> None:
    assert people.reviewer.get("/api/review").status_code == 422
