"""Hardening: a batch is written whole or not at all, a full disk is said (issue 10, 10/12).

A full disk is simulated where the operating system would report it: the
write of a temporary file fails with ENOSPC (a tmpfs needs privileges a test
cannot count on).  LibreOffice is replaced by a stand-in that "converts"
instantly, so the tests are about gidoc's handling, not LibreOffice's speed.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections import namedtuple
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from click.testing import CliRunner, Result

from gidoc.cli import cli
from gidoc.output import files, pdf, soffice


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def everything(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@pytest.fixture
def batch(sample_json: Path) -> list[Path]:
    """Ten data files in one folder: b0.json … b9.json."""
    paths = []
    for i in range(10):
        path = sample_json.parent / f"b{i}.json"
        shutil.copyfile(sample_json, path)
        paths.append(path)
    return paths


class _FullDisk:
    """A stream that fails like a write to a full disk."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def fill_disk(monkeypatch: pytest.MonkeyPatch, full: Callable[[str], bool]) -> None:
    """Make the write of every temporary output file whose final name passes ``full`` fail."""
    real = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        stream = real(fd, *args, **kwargs)
        name = Path(os.readlink(f"/proc/self/fd/{fd}")).name  # .b4.docx.abc123.tmp
        final = name[1:].rsplit(".", 2)[0]
        return _FullDisk(stream) if full(final) else stream

    monkeypatch.setattr(files.os, "fdopen", fdopen)


def fake_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice as a function that turns every document into a (tiny) PDF at once."""

    def share(
        soffice: str, documents: Sequence[Path], *args: object, **kwargs: object
    ) -> dict[int, bytes]:
        return dict.fromkeys(range(len(documents)), b"%PDF-1.7 stand-in")

    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "uno_python", lambda: None)  # the one-shot way, not the warm pool
    monkeypatch.setattr(pdf, "convert_share", share)


def test_a_folder_named_like_an_output_stops_the_batch_before_writing(
    batch: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "报告"
    (out / "b9.docx").mkdir(parents=True)
    result = run("render", *batch, "-o", f"{out}/")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"{out / 'b9.docx'}：已存在同名文件夹，无法写入文件" in result.stderr
    assert "未写出任何文件" in result.stderr
    assert everything(out) == {"b9.docx"}


def test_a_full_disk_in_the_middle_of_a_batch_writes_nothing(
    batch: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    fill_disk(monkeypatch, lambda name: name == "b4.docx")
    result = run("render", *batch, "-o", f"{out}/")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == f"{out / 'b4.docx'}：无法写入（磁盘空间不足）（未写出任何文件）"
    assert result.stdout == ""
    assert everything(out) == set()  # no report, no .tmp file


def test_a_full_disk_for_one_report_names_the_path(
    sample_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_disk(monkeypatch, lambda name: name.endswith(".docx"))
    result = run("render", sample_json, "-o", tmp_path / "x.docx")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == f"{tmp_path / 'x.docx'}：无法写入（磁盘空间不足）"
    assert not list(tmp_path.glob("*x.docx*"))


def test_a_full_disk_while_writing_the_pdf_is_exit_3_with_the_docx_listed(
    batch: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    fake_libreoffice(monkeypatch)
    fill_disk(monkeypatch, lambda name: name == "b7.pdf")
    result = run("render", *batch, "-o", f"{out}/", "--pdf")
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert result.stdout.splitlines() == [str(out / f"b{i}.docx") for i in range(10)]
    assert f"{out / 'b7.pdf'}：无法写入（磁盘空间不足）" in result.stderr
    written = everything(out)
    assert "b7.pdf" not in written
    assert not [name for name in written if name.endswith(".tmp")]


def test_a_full_temporary_folder_is_said_with_its_path(
    sample_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "uno_python", lambda: None)  # the one-shot way, not the warm pool

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pdf.shutil, "copyfile", no_space)
    result = run("render", sample_json, "--pdf")
    assert result.exit_code == 3, result.output
    assert result.stdout.strip() == str(sample_json.with_suffix(".docx"))
    assert "临时文件夹" in result.stderr
    assert "磁盘空间不足" in result.stderr
    assert "请确认文件能在 Word 或 LibreOffice 中正常打开" not in result.stderr


def test_libreoffice_writing_nothing_on_a_full_disk_is_put_down_to_the_disk(
    sample_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "uno_python", lambda: None)  # the one-shot way, not the warm pool
    monkeypatch.setattr(soffice, "_run", lambda *args, **kwargs: None)  # ran, wrote nothing
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(pdf.shutil, "disk_usage", lambda path: usage(10**9, 10**9, 4096))
    result = run("render", sample_json, "--pdf")
    assert result.exit_code == 3, result.output
    assert "磁盘空间不足（剩余 4 KB），LibreOffice 无法写出 PDF" in result.stderr
    assert "请确认文件能在 Word 或 LibreOffice 中正常打开" not in result.stderr


def test_convert_lists_the_pdfs_written_when_another_fails(
    batch: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "docx"
    assert run("render", *batch[:3], "-o", f"{out}/").exit_code == 0

    def share(
        soffice: str, documents: Sequence[Path], *args: object, **kwargs: object
    ) -> dict[int, bytes]:
        return {i: b"%PDF-1.7 stand-in" for i, doc in enumerate(documents) if doc.stem != "b1"}

    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "uno_python", lambda: None)  # the one-shot way, not the warm pool
    monkeypatch.setattr(pdf, "convert_share", share)
    pdfs = tmp_path / "pdf"
    result = run("convert", *sorted(out.iterdir()), "-o", f"{pdfs}/")
    assert result.exit_code == 3, result.output
    assert f"LibreOffice 未能把以下文件转换为 PDF：{out / 'b1.docx'}" in result.stderr
    assert f"已写出的 PDF：{pdfs / 'b0.pdf'}、{pdfs / 'b2.pdf'}" in result.stderr
    assert everything(pdfs) == {"b0.pdf", "b2.pdf"}
