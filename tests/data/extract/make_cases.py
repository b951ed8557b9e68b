"""Make the .docx of each extraction case once: ``python tests/data/extract/make_cases.py``.

Each case is a folder holding ``report.docx``; ``expected.json`` and
``expected-warnings.txt`` beside it are written by ``pytest
tests/test_extract_golden.py --update-golden`` and then reviewed by hand.
The documents are built with the same helpers tests/test_extract.py uses, and
committed, so that a change in gidoc's writer does not silently change what
the reader is tested on.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent.parent
sys.path.insert(0, str(TESTS))

from docx import Document  # noqa: E402
from test_extract import hand_typed, render_to  # noqa: E402

from conftest import SAMPLES  # noqa: E402
from gidoc import load  # noqa: E402
from gidoc.format import labels as L  # noqa: E402


def _report(case: str) -> Path:
    folder = HERE / case
    folder.mkdir(exist_ok=True)
    return folder / "report.docx"


def gidoc_output() -> None:
    """gidoc's own output for the two samples: read back without a single warning."""
    render_to(load(SAMPLES / "muye-2025.json"), _report("muye-2025"))
    render_to(load(SAMPLES / "fingerprint-2025.yaml"), _report("fingerprint-2025"))


def hand_typed_with_dashes() -> None:
    """Typed in Word: plain paragraphs, half-width brackets, dashes and blanks for 0."""
    hand_typed(_report("hand-typed"))


def numbered_headings() -> None:
    """Word's automatic numbering for 六, a title on two lines, a date in Chinese numerals."""
    path = _report("numbered-headings")
    doc = Document(str(hand_typed(path)))
    doc.paragraphs[0].text = "示例县农业农村局"
    doc.paragraphs[1].insert_paragraph_before("2024年度政府信息公开工作年度报告")
    heading = next(p for p in doc.paragraphs if p.text == L.SECTION_6)
    heading.text = "其他需要报告的事项"  # the 六、 comes from the list numbering
    heading.style = doc.styles["List Number"]
    doc.paragraphs[-1].text = "二〇二五年一月二十日"
    doc.save(str(path))


def heading_2019() -> None:
    """gidoc's output with 五 headed as the 2019 format heads it."""
    path = _report("heading-2019")
    doc = Document(str(render_to(load(SAMPLES / "muye-2025.json"), path)))
    heading = next(p for p in doc.paragraphs if p.text == L.SECTION_5)
    for run in heading.runs[1:]:
        run.text = ""
    heading.runs[0].text = L.SECTION_5_2019  # keeps the heading style and the run's look
    doc.save(str(path))


if __name__ == "__main__":
    gidoc_output()
    hand_typed_with_dashes()
    numbered_headings()
    heading_2019()
