"""PDF output when LibreOffice is missing, hangs or writes nothing — no LibreOffice needed.

A fake ``soffice`` (a shell script named by ``$GIDOC_SOFFICE``) plays LibreOffice's
bad habits; every test here runs on a machine without LibreOffice or poppler-utils.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gidoc import render_files
from gidoc.cli import cli
from gidoc.output import pdf

needs_sh = pytest.mark.skipif(
    os.name != "posix" or shutil.which("sh") is None, reason="the fake soffice is a sh script"
)


def run_cli(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def files_in(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def fake_soffice(folder: Path, body: str) -> Path:
    """An executable sh script standing in for LibreOffice."""
    script = folder / "fake-soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp dir of the test's own, to see that gidoc leaves no gidoc-* folder behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def gidoc_leftovers(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.startswith("gidoc")]


# -- 10. no LibreOffice ----------------------------------------------------------------
def test_missing_libreoffice_writes_the_docx_and_exits_3(
    sample_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(tmp_path / "no" / "soffice"))
    result = run_cli("render", sample_json, "--pdf")
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert "未找到 LibreOffice" in result.stderr
    assert pdf.INSTALL_HINT in result.stderr
    docx = sample_json.with_suffix(".docx")
    assert result.stdout.splitlines() == [str(docx)]
    assert docx.is_file()
    assert not sample_json.with_suffix(".pdf").exists()
    assert files_in(sample_json.parent) == {sample_json.name, docx.name}


def test_missing_libreoffice_and_pdf_only_writes_nothing(
    sample_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(tmp_path / "no" / "soffice"))
    out = tmp_path / "out"
    result = run_cli("render", sample_json, "-o", out / "x.pdf")
    assert result.exit_code == 3, result.output
    assert "未找到 LibreOffice" in result.stderr
    assert not out.exists() or files_in(out) == set()


def test_doctor_without_libreoffice_exits_3_with_the_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(tmp_path / "no" / "soffice"))
    result = run_cli("doctor")
    assert result.exit_code == 3, result.output
    assert "LibreOffice：未找到" in result.output
    assert pdf.INSTALL_HINT in result.output


# -- 11. LibreOffice hangs, or writes nothing ---------------------------------------------
def running(seconds: str) -> list[int]:
    """The processes ``sleep <seconds>`` that are alive (zombies excluded)."""
    proc = Path("/proc")
    if not proc.is_dir():
        found = subprocess.run(
            ["pgrep", "-f", f"sleep {re.escape(seconds)}"], capture_output=True, text=True
        )
        return [int(pid) for pid in found.stdout.split()]
    alive = []
    for entry in proc.iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # not a process, or gone meanwhile
        if entry.name.isdigit() and argv[:2] == [b"sleep", seconds.encode()]:
            alive.append(int(entry.name))
    return alive


@needs_sh
def test_running_sees_a_sleep(tmp_path: Path) -> None:
    """The check below is only as good as ``running``: it must see a live sleep."""
    seconds = f"61.{uuid.uuid4().int % 10**9:09d}"
    sleeper = subprocess.Popen(["sleep", seconds])
    try:
        deadline = time.monotonic() + 5  # until the child has exec'd sleep
        while not running(seconds) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert running(seconds) == [sleeper.pid]
    finally:
        sleeper.kill()
        sleeper.wait()
    assert running(seconds) == []


@needs_sh
def test_timeout_kills_the_whole_process_group(
    sample_json: Path, tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A unique sleep length marks this test's processes: a child in the background,
    # then a foreground sleep, as LibreOffice's oosplash starts soffice.bin.
    seconds = f"61.{uuid.uuid4().int % 10**9:09d}"
    started = tmp_path / "started"
    body = f'sleep {seconds} &\necho $! > "{started}"\nsleep {seconds}'
    script = fake_soffice(tmp_path, body)
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(script))
    begin = time.monotonic()
    result = run_cli("render", sample_json, "--pdf", "--timeout", "1")
    elapsed = time.monotonic() - begin
    assert result.exit_code == 3, result.output
    assert elapsed < 10
    assert started.exists(), "the fake soffice never ran"
    assert "秒内没有完成转换" in result.stderr
    assert sample_json.with_suffix(".docx").is_file()
    assert not sample_json.with_suffix(".pdf").exists()
    deadline = time.monotonic() + 5
    while running(seconds) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = running(seconds)
    for pid in survivors:  # do not leave them behind for the next test run
        os.kill(pid, signal.SIGKILL)
    assert survivors == [], "a sleep started by the fake soffice survived the timeout"
    assert gidoc_leftovers(private_tmp) == []


@needs_sh
def test_soffice_that_writes_nothing_is_a_failure(
    sample_json: Path, tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(fake_soffice(tmp_path, "exit 0")))
    result = run_cli("render", sample_json, "--pdf")
    assert result.exit_code == 3, result.output
    assert re.search("未能.*转换", result.stderr), result.stderr
    assert sample_json.with_suffix(".docx").is_file()
    assert not sample_json.with_suffix(".pdf").exists()
    assert gidoc_leftovers(private_tmp) == []


@needs_sh
def test_soffice_that_writes_a_non_pdf_is_a_failure(
    sample_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # LibreOffice's --outdir follows "--outdir"; write garbage where the PDF should be.
    body = 'while [ "$1" != "--outdir" ]; do shift; done\necho oops > "$2/0000.pdf"'
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(fake_soffice(tmp_path, body)))
    result = run_cli("render", sample_json, "--pdf")
    assert result.exit_code == 3, result.output
    assert re.search("未能.*转换", result.stderr), result.stderr
    assert not sample_json.with_suffix(".pdf").exists()


# -- 9. two documents of the same name into one folder -------------------------------------
@needs_sh
def test_convert_refuses_two_documents_that_would_write_one_pdf(
    sample_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = tmp_path / "soffice-ran"
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(fake_soffice(tmp_path, f'touch "{ran}"')))
    first, second = tmp_path / "a" / "report.docx", tmp_path / "b" / "report.docx"
    render_files([sample_json], first)
    render_files([sample_json], second)
    out = tmp_path / "out"
    result = run_cli("convert", first, second, "-o", f"{out}/")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "会写到同一个文件" in result.stderr
    assert str(first) in result.stderr
    assert str(second) in result.stderr
    assert not ran.exists(), "LibreOffice was started before the clash was found"
    assert not out.exists() or files_in(out) == set()
