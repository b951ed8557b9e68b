"""Review many units' reports at once, and sum them into the report of the level above.

For the 政务公开办 that collects its units' reports (国办发〔2014〕32号):
which units have errors, who repeated last year's text or copied another
unit's, whose numbers jumped, who has not reported — and the sum of the clean
ones (本行政区域汇总).

In memory, for a web service (no files needed)::

    from gidoc.review import ReviewItem, review_data, aggregate_data

    items = [ReviewItem("upload-17", data), ReviewItem("upload-18", None, errors=["……"])]
    review = review_data(items, previous=last_year_items, roster=["某某局", "某某委"])
    review.exit_code          # 0 when no report has errors
    review.as_json()          # the shape below
    data = aggregate_data(items, "某某区人民政府", 2025)   # raises AggregationRefused

``Review.as_json()``::

    {"reports": [{"file", "agency", "year", "status",
                  "errors": [{"rule", "path", "label", "message"}], "warnings": [...]}],
     "missing": ["名单中未报送的单位", ...],
     "unexpected": [{"file", "agency"}, ...],
     "previous_unusable": [{"file", "message"}, ...],
     "summary": {"reports", "ok", "warnings", "errors", "unreadable",
                 "error_count", "warning_count", "missing", "unexpected"}}

``status`` is ``ok``, ``warnings``, ``errors`` or ``unreadable``.  ``rule``
is one of :data:`~gidoc.review.result.RULES`: ``unreadable``, ``format``,
``cross_check`` (the errors of ``gidoc check``), ``reading``, ``check`` (its
warnings), ``required_content`` (an error: a text section empty, 五 without
both parts), ``duplicate_unit``, ``previous_missing``, ``previous_year``,
``carry_over``, ``in_force_chain``, ``year_jump``, ``repeated_text`` (≥ 80 %
of a section repeats last year's report of the unit), ``copied_text`` (a
section near-identical to another unit's); all but the first four and
``required_content`` are warnings.

Files: :func:`review_files` and :func:`aggregate_files` read files and
folders (on a process pool), and write the workbook, page or data.
"""

from __future__ import annotations

from collections.abc import Sequence

from gidoc.errors import AggregationRefused
from gidoc.review.aggregate import aggregate_data
from gidoc.review.batch import review_examined
from gidoc.review.examined import examine
from gidoc.review.files import aggregate_files, review_files, write_review
from gidoc.review.items import ReviewItem, unit_key
from gidoc.review.result import RULES, Finding, ReportReview, Review
from gidoc.review.roster import read_roster

__all__ = [
    "RULES",
    "AggregationRefused",
    "Finding",
    "ReportReview",
    "Review",
    "ReviewItem",
    "aggregate_data",
    "aggregate_files",
    "read_roster",
    "review_data",
    "review_files",
    "unit_key",
    "write_review",
]


def review_data(
    reports: Sequence[ReviewItem],
    *,
    previous: Sequence[ReviewItem] = (),
    roster: Sequence[str] | None = None,
) -> Review:
    """Review reports held in memory: each report's findings, the roster's gaps, a summary.

    ``previous`` are last year's reports, matched to this year's by agency
    (:func:`unit_key`); when given, a unit without one gets a warning.
    ``roster`` lists the units expected to report.  Never raises for bad data:
    an item without data is ``unreadable``, invalid data has ``format`` errors.
    """
    examined = [examine(item) for item in reports]
    before = [examine(item, fingerprints=False) for item in previous]
    return review_examined(examined, before, roster, compare_previous=bool(previous))
