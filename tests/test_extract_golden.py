"""Golden cases for reading finished reports: tests/data/extract/<case>/report.docx.

Each case holds the document (made once by tests/data/extract/make_cases.py),
the data read from it (``expected.json``, as ``gidoc extract`` writes it) and
its warnings, then the errors ``gidoc check`` finds in it (a printed 总计 that
does not add up) (``expected-warnings.txt``, one ``str(Problem)`` a line).  A change
in what the reader gets shows as a diff here; after checking it, rewrite the
files with ``pytest tests/test_extract_golden.py --update-golden``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gidoc.checking.validate import check
from gidoc.sources.docx import read_report
from gidoc.sources.skeleton import to_json

CASES = Path(__file__).resolve().parent / "data" / "extract"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "report.docx").is_file())


def _compare(path: Path, got: str, update: bool) -> None:
    if update:
        path.write_text(got, encoding="utf-8")
        return
    assert path.is_file(), f"{path} is missing; run pytest --update-golden and review it"
    assert got == path.read_text(encoding="utf-8")


def test_there_are_cases() -> None:
    assert len(CASE_NAMES) >= 5


@pytest.mark.parametrize("case", CASE_NAMES)
def test_case_reads_as_expected(case: str, update_golden: bool) -> None:
    folder = CASES / case
    # Read from bytes with a display name: the way an upload arrives, and stable across machines.
    loaded = read_report((folder / "report.docx").read_bytes(), f"{case}/report.docx")
    checked = check(loaded.data, case, loaded.locations)
    assert checked.report is not None  # every case reads as report data
    _compare(folder / "expected.json", to_json(loaded.data), update_golden)
    problems = [*loaded.warnings, *checked.errors]
    warnings = "".join(f"{problem}\n" for problem in problems)
    _compare(folder / "expected-warnings.txt", warnings, update_golden)
