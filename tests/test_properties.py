"""Property: any valid report renders, and every number reads back from its official cell."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docxdump import find, logical_cells, right_of
from gidoc import ReportTemplate, build_context, validate
from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T

TEMPLATE = ReportTemplate()
COUNT = st.integers(min_value=0, max_value=10**12)
SMALL = st.integers(min_value=0, max_value=10**6)
# XML (and so Word) has no place for U+FFFE/U+FFFF; gidoc rejects them by design.
TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
    ),
    max_size=40,
)


def _row(counts: st.SearchStrategy[int]) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries(dict.fromkeys(L.APPLICANT_COLUMNS, counts))


@st.composite
def reports(draw: st.DrawFn) -> dict[str, Any]:
    """Consistent report data: carried-over and results drawn, new applications solved for."""
    results: dict[str, Any] = {}
    for path in T.RESULT_ROWS:
        paths.put(results, path, draw(_row(SMALL)))
    forward = draw(_row(SMALL))
    done = dict.fromkeys(L.APPLICANT_COLUMNS, 0)
    for path in T.RESULT_ROWS:
        for key in done:
            done[key] += paths.get(results, path)[key]
    old, new = {}, {}
    for key in L.APPLICANT_COLUMNS:
        need = done[key] + forward[key]
        old[key] = draw(st.integers(min_value=0, max_value=need))
        new[key] = need - old[key]
    cases = {
        group: draw(st.fixed_dictionaries(dict.fromkeys(L.CASE_COLUMNS, COUNT)))
        for group in L.CASE_GROUPS
    }
    documents = st.fixed_dictionaries(dict.fromkeys(L.DOCUMENT_COLUMNS, COUNT))
    fee = draw(st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False))
    return {
        "agency": draw(TEXT.filter(lambda s: s.strip() and "\n" not in s and "\r" not in s)),
        "year": draw(st.integers(min_value=2021, max_value=2100)),
        "overview": {"summary": draw(TEXT)},
        "active_disclosure": {
            "rules": draw(documents),
            "normative_documents": draw(documents),
            "administrative_licensing": draw(COUNT),
            "administrative_penalty": draw(COUNT),
            "administrative_coercion": draw(COUNT),
            "administrative_fees": fee,
        },
        "applications": {
            "new_received": new,
            "carried_over": old,
            "results": results,
            "carried_forward": forward,
        },
        "review_and_litigation": cases,
        "problems": draw(TEXT),
        "improvements": draw(TEXT),
        "other_matters": draw(TEXT),
    }


def _seven(row: dict[str, int]) -> list[str]:
    values = [row[k] for k in L.APPLICANT_COLUMNS]
    return [str(v) for v in [*values, sum(values)]]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_every_number_lands_in_its_cell(data: dict[str, Any]) -> None:
    doc = Document(io.BytesIO(TEMPLATE.render(build_context(validate(data)))))
    t2, t3, t4 = (logical_cells(t) for t in doc.tables)
    ad = data["active_disclosure"]
    for key, label in (("rules", L.T2_RULES), ("normative_documents", L.T2_NORMATIVE)):
        assert right_of(t2, find(t2, label), 3) == [str(ad[key][k]) for k in L.DOCUMENT_COLUMNS]
    for key, label in (
        ("administrative_licensing", L.T2_LICENSING),
        ("administrative_penalty", L.T2_PENALTY),
        ("administrative_coercion", L.T2_COERCION),
    ):
        assert right_of(t2, find(t2, label), 1) == [str(ad[key])]
    (fee,) = right_of(t2, find(t2, L.T2_FEES), 1)
    assert Decimal(fee) == ad["administrative_fees"]
    apps = data["applications"]
    for key, label in (
        ("new_received", L.T3_NEW),
        ("carried_over", L.T3_CARRIED_OVER),
        ("carried_forward", L.T3_CARRIED_FORWARD),
    ):
        assert right_of(t3, find(t3, label), 7) == _seven(apps[key])
    results = apps["results"]
    assert right_of(t3, find(t3, L.T3_GRANTED), 7) == _seven(results["granted"])
    for group, (_, items) in L.RESULT_GROUPS.items():
        for key, label in items.items():
            assert right_of(t3, find(t3, label), 7) == _seven(results[group][key])
    want = []
    for group in L.CASE_GROUPS:
        values = [data["review_and_litigation"][group][k] for k in L.CASE_COLUMNS]
        want += [str(v) for v in [*values, sum(values)]]
    assert [c.text for c in t4 if c.row == 3] == want
    texts = [p.text for p in doc.paragraphs]
    for key in ("problems", "improvements", "other_matters"):
        for line in data[key].splitlines():
            if line.strip():
                assert line.strip() in texts
