"""The PDF as a reader sees it: fonts, text by role, every label and number, page geometry.

LibreOffice is slow to start (~2 s), so both samples — and a report with characters
the Fandol fonts lack — are converted once, by one ``render_files`` call, and every
test reads those PDFs with poppler-utils.  The few tests that need a PDF of their own
(PDF/A, PDF only, ``gidoc convert``, two conversions at once, ``gidoc doctor``) start
LibreOffice once each: seven starts in all.  What must work without LibreOffice (it
missing, timing out, writing nothing) is in ``test_pdf_errors.py``.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner, Result

from conftest import SAMPLES
from gidoc import build_context, load, render_files, validate
from gidoc.cli import cli
from gidoc.format import labels as L
from gidoc.output import pdf

POPPLER = ("pdffonts", "pdftotext", "pdfinfo", "pdftohtml")
pytestmark = pytest.mark.skipif(
    pdf.find_soffice() is None or any(shutil.which(tool) is None for tool in POPPLER),
    reason="PDF tests need LibreOffice (soffice on PATH, or $GIDOC_SOFFICE) and poppler-utils "
    "(pdffonts, pdftotext, pdfinfo, pdftohtml); `gidoc doctor` says how to install them",
)

MUYE = SAMPLES / "muye-2025.json"
FINGERPRINT = SAMPLES / "fingerprint-2025.yaml"
MUYE_AGENCY = "牧野区工业和信息化局"
#: Characters FandolFang lacks; fonts.conf puts Noto Serif CJK SC behind it for them.
RARE = "镕堃喆"
RARE_DATA: dict[str, Any] = {
    "agency": "朱镕堃喆区人民政府办公室",
    "year": 2025,
    "overview": {"summary": "本年度，张镕、李堃、王喆同志负责政府信息公开工作。"},
    "problems": "信息公开的及时性还有待提高。",
    "improvements": "加强审核，按时发布。",
    "other_matters": "本年度未收取信息处理费。",
}

MM = 72 / 25.4
#: The text area of GB/T 9704: left margin 28 mm, right margin 26 mm; 1 pt of slack.
LEFT_EDGE = 28 * MM - 1
RIGHT_MARGIN = 26 * MM - 1
#: Full-width closing punctuation that Word and LibreOffice let hang past the right
#: margin at a line end (w:overflowPunct, on by default) rather than pull a character
#: down to the next line.  Only one such mark, at the very end of a line, may hang.
HANGING_PUNCTUATION = "，。、；：！？）”’》」』"


# -- the PDFs, converted once ------------------------------------------------------
@dataclass(frozen=True)
class Pdfs:
    muye: Path
    fingerprint: Path
    rare: Path

    def __getitem__(self, name: str) -> Path:
        return getattr(self, name)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> Pdfs:
    """Both samples and the rare-character report, through one LibreOffice start."""
    data = tmp_path_factory.mktemp("data")
    rare = data / "rare.json"
    rare.write_text(json.dumps(RARE_DATA, ensure_ascii=False), encoding="utf-8")
    out = tmp_path_factory.mktemp("pdf")
    rendered = render_files([MUYE, FINGERPRINT, rare], out, pdf=True)
    paths = [item.pdf for item in rendered]
    assert all(path is not None and path.is_file() for path in paths), rendered
    return Pdfs(*paths)  # type: ignore[arg-type]


SAMPLE_NAMES = ["muye", "fingerprint"]
ALL_NAMES = [*SAMPLE_NAMES, "rare"]


# -- poppler, read once per file ------------------------------------------------------
def poppler(*args: str | Path) -> str:
    result = subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, f"{args[0]} failed: {result.stderr}"
    return result.stdout


@functools.cache
def font_names(path: Path) -> list[tuple[str, str]]:
    """Each font of ``pdffonts``: (name with subset tag, emb column)."""
    lines = poppler("pdffonts", path).splitlines()
    rule = lines[1]  # "----- ----- ---" under the header: the column spans
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    rows = []
    for line in lines[2:]:
        cells = [line[start:end].strip() for start, end in spans]
        rows.append((cells[0], cells[3]))
    return rows


@dataclass(frozen=True)
class Run:
    """One ``<text>`` element of ``pdftohtml -xml``: a run of text in one font."""

    page: int
    text: str
    family: str  # e.g. "BAAAAA+NotoSerifCJKjp"
    font: str  # the full name from pdffonts, e.g. "BAAAAA+NotoSerifCJKjp-Bold-VKana"
    bold: bool  # pdftohtml's <b>


@functools.cache
def runs(path: Path) -> list[Run]:
    root = ElementTree.fromstring(poppler("pdftohtml", "-xml", "-i", "-stdout", path))
    by_tag = {name.split("+")[0]: name for name, _ in font_names(path)}
    families = {spec.get("id"): spec.get("family", "") for spec in root.iter("fontspec")}
    found = []
    for page in root.iter("page"):
        for element in page.iter("text"):
            family = families[element.get("font")]
            found.append(
                Run(
                    page=int(page.get("number", "0")),
                    text="".join(element.itertext()),
                    family=family,
                    font=by_tag.get(family.split("+")[0], family),
                    bold=element.find("b") is not None,
                )
            )
    return found


def run_with(path: Path, text: str) -> Run:
    """The first run whose text contains ``text``; a clear failure listing near misses."""
    for run in runs(path):
        if text in run.text:
            return run
    near = [f"{r.text!r} ({r.family})" for r in runs(path) if text[:2] in r.text][:10]
    pytest.fail(f"no single run of {path.name} contains {text!r}; runs with {text[:2]!r}: {near}")


@functools.cache
def text_of(path: Path, *options: str) -> str:
    return poppler("pdftotext", *options, path, "-")


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_count(path: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)$", poppler("pdfinfo", path), re.MULTILINE)
    assert match is not None
    return int(match.group(1))


# -- 1. fonts ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_font_embedded_and_none_is_dejavu(pdfs: Pdfs, name: str) -> None:
    fonts = font_names(pdfs[name])
    assert fonts
    assert [font for font, emb in fonts if emb != "yes"] == []
    assert [font for font, _ in fonts if "dejavu" in font.lower()] == []


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_each_role_has_its_own_face(pdfs: Pdfs, name: str) -> None:
    fonts = [font for font, _ in font_names(pdfs[name])]
    for face in ("FandolFang", "FandolKai", "NotoSansCJK", "NotoSerifCJK", "LiberationSerif"):
        assert any(face in font for font in fonts), f"no {face} in {fonts}"
    assert any("NotoSerifCJK" in font and "Bold" in font for font in fonts), fonts


# -- 2. text by role -------------------------------------------------------------------
#: (sample, text, face, bold): the run containing ``text`` is set in ``face``.
ROLES = [
    ("muye", MUYE_AGENCY, "NotoSerifCJK", True),  # title, 方正小标宋简体
    ("muye", L.SECTION_1, "NotoSansCJK", False),  # 一、 heading, 黑体
    ("muye", "我局坚持以“公开为常态", "FandolFang", False),  # body, 仿宋_GB2312
    ("muye", "（一）主动公开", "FandolKai", False),  # （一） heading, 楷体_GB2312
    ("muye", L.T2_ISSUED, "NotoSerifCJK", False),  # table label, 宋体
    ("fingerprint", "447228", "LiberationSerif", False),  # table number, Times New Roman
    ("fingerprint", "（本列数据的勾稽关系为", "FandolKai", False),  # table note, 楷体
    ("fingerprint", "（二）部分公开", "NotoSerifCJK", False),  # label before its note
    ("fingerprint", "（区分处理的，只计这一情", "FandolKai", False),  # the note inside it
    ("fingerprint", L.PROBLEMS, "FandolKai", False),
    ("fingerprint", L.SECTION_6, "NotoSansCJK", False),
]


@pytest.mark.parametrize(("name", "text", "face", "bold"), ROLES, ids=[r[1] for r in ROLES])
def test_text_is_set_in_its_role_font(
    pdfs: Pdfs, name: str, text: str, face: str, bold: bool
) -> None:
    run = run_with(pdfs[name], text)
    assert face in run.family, f"{text!r} is set in {run.font}, expected {face}"
    assert ("Bold" in run.font) is bold, f"{text!r} is set in {run.font}"
    assert run.bold is bold


# -- 3. every label and number can be copied out ------------------------------------
def table_labels() -> list[str]:
    """Every official text of tables 二, 三, 四 and the headings, from gidoc.labels."""
    found = [
        value
        for key, value in vars(L).items()
        if re.match(r"T[234]_", key) and isinstance(value, str)
    ]
    found += [L.TOTAL, *L.APPLICANT_COLUMNS.values(), *L.CASE_COLUMNS.values()]
    found += L.CASE_GROUPS.values()
    for group, items in L.RESULT_GROUPS.values():
        found += [group, *items.values()]
    found += [*L.SECTIONS, L.PROBLEMS, L.IMPROVEMENTS, *L.OVERVIEW_TOPICS]
    return list(dict.fromkeys(found))


def leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    else:
        yield value


TABLE_KEYS = ("active_disclosure", "applications", "review_and_litigation")


def fingerprint_numbers() -> list[str]:
    """Every number of the fingerprint's three tables as rendered, derived totals included."""
    data = load(FINGERPRINT)
    context = build_context(validate(data))
    numbers = [text for key in TABLE_KEYS for text in leaves(context[key])]
    given = {str(value) for key in TABLE_KEYS for value in leaves(data[key])}
    assert given <= set(numbers), "the context lost a number of the data"
    assert all(isinstance(text, str) and text for text in numbers)
    return numbers


def test_every_table_label_is_in_the_text(pdfs: Pdfs) -> None:
    """Labels are read in content order (``pdftotext -raw``): LibreOffice writes each
    cell's lines together.  The default reading order interleaves a label wrapped in a
    narrow cell with its neighbours' lines (商业企 科研机 社会公 / 业 构 益组织), so
    the wrapped labels of table 三 are not contiguous there (商业企业, （三）不予公开,
    （二）部分公开（区分处理的…）, the two long （六） items, …).
    """
    text = squeezed(text_of(pdfs.fingerprint, "-raw"))
    labels = table_labels()
    assert len(labels) > 60
    assert [label for label in labels if label not in text] == []


@pytest.mark.parametrize("options", [(), ("-raw",)], ids=["reading-order", "raw"])
def test_every_number_is_in_the_text(pdfs: Pdfs, options: tuple[str, ...]) -> None:
    text = text_of(pdfs.fingerprint, *options)
    numbers = fingerprint_numbers()
    assert len(numbers) == 10 + 25 * 7 + 15  # tables 二, 三 (25 rows of 7), 四
    missing = [n for n in numbers if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d.])", text)]
    assert missing == []


# -- 4. no missing glyphs --------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_NAMES)
def test_no_replacement_characters(pdfs: Pdfs, name: str) -> None:
    assert "\ufffd" not in text_of(pdfs[name])


def test_characters_fandol_lacks_are_drawn(pdfs: Pdfs) -> None:
    text = text_of(pdfs.rare)
    for char in RARE:
        assert char in text
        # Extractable text alone proves little (a .notdef box keeps its Unicode):
        # each run holding the character must be in a face that has it.
        holding = [run for run in runs(pdfs.rare) if char in run.text]
        assert holding
        assert all("NotoSerifCJK" in run.family for run in holding), holding
    assert [font for font, _ in font_names(pdfs.rare) if "dejavu" in font.lower()] == []


# -- 5. A4 -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_page_is_a4(pdfs: Pdfs, name: str) -> None:
    info = poppler("pdfinfo", "-f", "1", "-l", "999", pdfs[name])
    sizes = re.findall(r"^Page\s+\d+ size:\s+(.*)$", info, re.MULTILINE)
    assert len(sizes) == page_count(pdfs[name])
    assert all(re.match(r"595\.\d* x 841\.\d* pts", size) for size in sizes), sizes


# -- 6. nothing outside the text area ---------------------------------------------------
XHTML = "{http://www.w3.org/1999/xhtml}"


def words(path: Path) -> Iterator[tuple[int, float, float, str, float, float, float]]:
    """Each word of ``pdftotext -bbox``: page, page width, page height, text, xMin, xMax, yMax."""
    root = ElementTree.fromstring(poppler("pdftotext", "-bbox", path, "-"))
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        width, height = float(page.get("width", 0)), float(page.get("height", 0))
        for word in page.iter(f"{XHTML}word"):
            x0, x1, y1 = (float(word.get(k, 0)) for k in ("xMin", "xMax", "yMax"))
            yield number, width, height, word.text or "", x0, x1, y1


@pytest.mark.parametrize("name", ALL_NAMES)
def test_no_word_outside_the_text_area(pdfs: Pdfs, name: str) -> None:
    outside = []
    for page, width, height, word, x0, x1, y1 in words(pdfs[name]):
        right = width - RIGHT_MARGIN
        if word and word[-1] in HANGING_PUNCTUATION and len(word) > 1:
            x1 -= (x1 - x0) / len(word)  # a line-end mark may hang; the rest may not
        if x0 < LEFT_EDGE or x1 > right or y1 > height:
            outside.append(
                f"page {page}: {word!r} x {x0:.1f}–{x1:.1f} (allowed {LEFT_EDGE:.1f}–{right:.1f})"
            )
    assert outside == []


# -- 7. page numbers ------------------------------------------------------------------
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_page_has_its_number(pdfs: Pdfs, name: str) -> None:
    path = pdfs[name]
    pages = page_count(path)
    assert pages > 1
    for page in range(1, pages + 1):
        text = text_of(path, "-f", str(page), "-l", str(page))
        assert re.search(rf"—\s*{page}\s*—", text), f"page {page} has no — {page} —"


# -- 8. PDF/A and PDF only -------------------------------------------------------------
def run_cli(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def files_in(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def copy_sample(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(source, folder))


def test_pdfa_declares_pdfa_2(tmp_path: Path) -> None:
    data = copy_sample(MUYE, tmp_path / "data")
    out = tmp_path / "out"
    result = run_cli("render", data, "--pdfa", "-o", f"{out}/")
    assert result.exit_code == 0, result.output
    assert files_in(out) == {"muye-2025.docx", "muye-2025.pdf"}
    meta = poppler("pdfinfo", "-meta", out / "muye-2025.pdf")
    assert "<pdfaid:part>2</pdfaid:part>" in meta
    assert [font for font, emb in font_names(out / "muye-2025.pdf") if emb != "yes"] == []


def test_output_pdf_writes_only_the_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    data = copy_sample(MUYE, tmp_path / "data")
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli("render", data, "-o", out / "x.pdf")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(out / "x.pdf")]
    assert files_in(out) == {"x.pdf"}  # no .docx, no hidden temporary file
    assert files_in(data.parent) == {data.name}
    # the .docx went through a gidoc-* temporary folder, now gone (jinja2's cache may stay)
    assert [p.name for p in temporary.iterdir() if p.name.startswith("gidoc")] == []
    assert (out / "x.pdf").read_bytes().startswith(b"%PDF-")
    assert MUYE_AGENCY in text_of(out / "x.pdf")


# -- 9. gidoc convert -----------------------------------------------------------------
def test_convert_writes_the_pdf_and_prints_its_path(pdfs: Pdfs, tmp_path: Path) -> None:
    docx = copy_sample(pdfs.muye.with_suffix(".docx"), tmp_path / "in")
    out = tmp_path / "out"
    result = run_cli("convert", docx, "-o", f"{out}/")
    assert result.exit_code == 0, result.output
    target = out / "muye-2025.pdf"
    assert result.stdout.splitlines() == [str(target)]
    assert files_in(out) == {"muye-2025.pdf"}
    assert MUYE_AGENCY in text_of(target)


# -- 12. two conversions at once ---------------------------------------------------------
def test_two_convert_processes_at_once(pdfs: Pdfs, tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    documents = [
        copy_sample(pdfs.muye.with_suffix(".docx"), tmp_path / "a"),
        copy_sample(pdfs.fingerprint.with_suffix(".docx"), tmp_path / "b"),
    ]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gidoc", "convert", str(document)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for document in documents
    ]
    outputs = [process.communicate(timeout=180) for process in processes]
    for process, (stdout, stderr), document in zip(processes, outputs, documents, strict=True):
        assert process.returncode == 0, stderr
        assert stdout.splitlines() == [str(document.with_suffix(".pdf"))]
        assert document.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")
    assert MUYE_AGENCY in text_of(documents[0].with_suffix(".pdf"))
    assert "示例市数据管理局" in text_of(documents[1].with_suffix(".pdf"))
    assert files_in(temporary) == set()  # no gidoc-pdf-* folder, no profile left


# -- 13. gidoc doctor ---------------------------------------------------------------------
def test_doctor_finds_everything() -> None:
    result = run_cli("doctor")
    assert result.exit_code == 0, result.output
    assert "LibreOffice：LibreOffice" in result.stdout
    for name in pdf.font_roles():
        assert f"✓ {name} →" in result.stdout
    assert "✗" not in result.stdout


def test_batch_workers_never_one_per_file() -> None:
    cores = os.cpu_count() or 1
    assert pdf.batch_workers(1) == 1
    assert pdf.batch_workers(pdf.MIN_SHARE * 2 - 1) == 1
    assert pdf.batch_workers(40) == min(cores, 40 // pdf.MIN_SHARE)
    for count in range(1, 60):
        assert count // pdf.batch_workers(count) >= min(count, pdf.MIN_SHARE)


def test_a_batch_shared_among_processes_puts_each_pdf_in_its_place(tmp_path: Path) -> None:
    from gidoc import ReportTemplate

    template = ReportTemplate()
    documents, targets = [], []
    for i in range(pdf.MIN_SHARE * 2):
        data = {
            "agency": f"第{i}号测试局",
            "year": 2025,
            "overview": {"summary": "综述。"},
            "problems": "问题。",
            "improvements": "改进。",
            "other_matters": "无。",
        }
        path = tmp_path / f"{i}.docx"
        path.write_bytes(template.render(build_context(validate(data))))
        documents.append(path)
        targets.append(tmp_path / "out" / f"{i}.pdf")
    seen: list[int] = []
    assert pdf.convert(documents, targets, workers=2, progress=seen.append) == targets
    assert seen == sorted(seen)
    assert seen[-1] == len(documents)
    for i, target in enumerate(targets):
        assert f"第{i}号测试局" in squeezed(text_of(target))
