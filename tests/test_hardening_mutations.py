"""Hardening, property-based: every reader answers a damaged package with a GidocError (issue 10).

Hypothesis mutates valid packages — a rendered report and a filled Excel
form — the ways files get damaged in transit or by hand: truncated, entries
shuffled or dropped, an XML part corrupted, the content types wrong.  Every
reader (the data readers behind ``check``, the template loader and
``template check``, the document check before ``convert``) must then either
read the file or raise a :class:`~gidoc.errors.GidocError`, whose text is the
one clear line the user sees; any other exception would be a traceback.
"""

from __future__ import annotations

import io
import random
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from gidoc.checking.validate import validate
from gidoc.errors import GidocError
from gidoc.output.context import build_context
from gidoc.output.documents import document_problem
from gidoc.output.docx import ReportTemplate
from gidoc.output.excel import write_form
from gidoc.pipeline import check_file
from gidoc.sources.load import load
from gidoc.template.check import check_template

CONTENT_TYPES = "[Content_Types].xml"


def _entries(package: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def _corrupt(data: bytes, rng: random.Random) -> bytes:
    """Bytes of an XML part broken one way: cut short, a tag unbalanced, a byte flipped."""
    how = rng.randrange(4)
    at = rng.randrange(max(len(data), 1))
    if how == 0:
        return data[:at]
    if how == 1:
        return data[:at] + b"<" + data[at:]
    if how == 2:
        return data.replace(b"</", b"<", 1)
    flipped = bytearray(data)
    if flipped:
        flipped[at] ^= 0xFF
    return bytes(flipped)


@st.composite
def damaged(draw: st.DrawFn, package: bytes) -> bytes:
    """``package`` damaged by one or two of the mutations files meet."""
    entries = _entries(package)
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(1, 2))):
        kind = draw(st.sampled_from(["truncate", "shuffle", "drop", "corrupt", "types", "junk"]))
        if kind == "truncate":
            whole = _zip(entries)
            return whole[: draw(st.integers(0, len(whole) - 1))]
        if kind == "shuffle":
            rng.shuffle(entries)
        elif kind == "drop":
            entries.pop(rng.randrange(len(entries)))
        elif kind == "corrupt":
            xml = [i for i, (name, _) in enumerate(entries) if name.endswith((".xml", ".rels"))]
            i = rng.choice(xml)
            entries[i] = (entries[i][0], _corrupt(entries[i][1], rng))
        elif kind == "types":
            for i, (name, data) in enumerate(entries):
                if name == CONTENT_TYPES:
                    wrong = data.replace(b"wordprocessingml", b"spreadsheetml").replace(
                        b"spreadsheetml.sheet", b"wordprocessingml.document"
                    )
                    entries[i] = (name, wrong if rng.random() < 0.7 else b"<Types/>")
        else:  # an entry whose name promises XML and holds something else
            name = rng.choice([name for name, _ in entries])
            entries = [(n, b"\x00\xff junk" if n == name else d) for n, d in entries]
    return _zip(entries)


def _report() -> bytes:
    return ReportTemplate().render(build_context(validate(load(SAMPLES / "fingerprint-2025.yaml"))))


def _form() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.xlsx"
        write_form(path, load(SAMPLES / "fingerprint-2025.yaml"))
        return path.read_bytes()


REPORT = _report()
FORM = _form()


def _answers_cleanly(read: Callable[[Path], object], data: bytes, suffix: str) -> None:
    """``read`` on a file holding ``data`` succeeds or raises GidocError, nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"damaged{suffix}"
        path.write_bytes(data)
        try:
            read(path)
        except GidocError as exc:
            message = str(exc)
        else:
            return
    assert message.strip(), "a GidocError must say something"


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(damaged(REPORT))
def test_the_report_reader_answers_every_damaged_docx(data: bytes) -> None:
    _answers_cleanly(check_file, data, ".docx")


@SETTINGS
@given(damaged(FORM))
def test_the_form_reader_answers_every_damaged_xlsx(data: bytes) -> None:
    _answers_cleanly(check_file, data, ".xlsx")


@SETTINGS
@given(damaged(REPORT))
def test_the_template_loader_answers_every_damaged_docx(data: bytes) -> None:
    def render(path: Path) -> object:
        return ReportTemplate(path).render(
            build_context(validate(load(SAMPLES / "muye-2025.json")))
        )

    _answers_cleanly(render, data, ".docx")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged(REPORT))
def test_template_check_answers_every_damaged_docx(data: bytes) -> None:
    _answers_cleanly(check_template, data, ".docx")


@SETTINGS
@given(damaged(REPORT))
def test_the_convert_check_answers_every_damaged_docx(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.docx"
        path.write_bytes(data)
        problem = document_problem(path)  # a reason string or None, never an exception
        assert problem is None or problem.startswith(str(path))


@pytest.mark.parametrize("package", [REPORT, FORM], ids=["docx", "xlsx"])
def test_the_unmutated_packages_read(package: bytes) -> None:
    """The starting points are valid: what the mutations break is theirs."""
    suffix = ".docx" if package is REPORT else ".xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"ok{suffix}"
        path.write_bytes(package)
        assert check_file(path).ok
