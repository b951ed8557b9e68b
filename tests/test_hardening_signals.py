"""Hardening: a run ended by SIGTERM, SIGHUP or a LibreOffice timeout leaves nothing behind (issue 10, 4/5/9).

gidoc runs in a child process with a private $TMPDIR; after the signal the
child must exit with 128 + the signal number, no LibreOffice started from
that $TMPDIR may still run (``pgrep -f``), and $TMPDIR and the output folder
must hold no temporary file.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gidoc.output import pdf, soffice

pytestmark = pytest.mark.skipif(pdf.find_soffice() is None, reason="LibreOffice not installed")


def _soffice_running(marker: Path) -> bool:
    """Whether a LibreOffice process whose command line names ``marker`` still runs."""
    result = subprocess.run(
        ["pgrep", "-f", f"soffice.*{marker}"], capture_output=True, text=True, check=False
    )
    return result.returncode == 0


def _start(args: list[str | Path], temp: Path, cwd: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, TMPDIR=str(temp))
    return subprocess.Popen(
        [sys.executable, "-m", "gidoc", *map(str, args)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_soffice(marker: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not _soffice_running(marker):
        assert time.monotonic() < deadline, "LibreOffice never started"
        time.sleep(0.05)
    time.sleep(0.5)  # let it settle into the conversion


def _debris(folder: Path) -> list[str]:
    """What is below ``folder``, except Jinja's bytecode cache (kept between runs on purpose)."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if not str(p.relative_to(folder)).startswith("_jinja2-cache-")
    )


@pytest.fixture
def temp(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_convert_kills_libreoffice_and_cleans_up(
    signum: int, sample_json: Path, temp: Path, tmp_path: Path
) -> None:
    from gidoc import ReportTemplate, build_context, load, validate

    documents = tmp_path / "docs"
    documents.mkdir()
    docx = ReportTemplate().render(build_context(validate(load(sample_json))))
    names = []
    for index in range(3):
        path = documents / f"r{index}.docx"
        path.write_bytes(docx)
        names.append(path)
    before = _debris(documents)
    child = _start(["convert", *names], temp, tmp_path)
    _wait_for_soffice(temp)
    child.send_signal(signum)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr
    assert "已中止" in stderr
    time.sleep(0.3)
    assert not _soffice_running(temp)
    assert _debris(temp) == []  # no gidoc-pdf-* folder, no lu*.tmp
    leftover = set(_debris(documents)) - set(before)
    assert not [name for name in leftover if name.endswith(".tmp")]


def test_a_signal_during_a_batch_render_leaves_no_temporary_file(
    sample_json: Path, temp: Path, tmp_path: Path
) -> None:
    data = []
    for index in range(4):
        path = tmp_path / f"d{index}.json"
        shutil.copyfile(sample_json, path)
        data.append(path)
    out = tmp_path / "out"
    child = _start(["render", *data, "--pdf", "-o", f"{out}/"], temp, tmp_path)
    _wait_for_soffice(temp)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 128 + signal.SIGTERM, stderr
    assert not _soffice_running(temp)
    assert _debris(temp) == []
    assert not [name for name in _debris(out) if name.endswith(".tmp")]


def test_a_libreoffice_timeout_leaves_no_lu_tmp(
    sample_json: Path, temp: Path, tmp_path: Path
) -> None:
    child = _start(["render", sample_json, "--pdf", "--timeout", "1"], temp, tmp_path)
    _, stderr = child.communicate(timeout=120)
    if child.returncode == 0:
        pytest.skip("LibreOffice converted within one second on this machine")
    assert child.returncode == 3, stderr
    assert "Traceback" not in stderr
    assert not _soffice_running(temp)
    assert _debris(temp) == []


needs_uno = pytest.mark.skipif(soffice.uno_python() is None, reason="a warm pool needs python3-uno")


def _pool_pipes(pid: int) -> list[Path]:
    """The sockets the pool's LibreOffice processes of process ``pid`` listened on."""
    return list(Path("/tmp").glob(f"OSL_PIPE_{os.getuid()}_gidoc-{pid}-*"))


@needs_uno
def test_a_signal_during_a_large_batch_leaves_no_libreoffice_and_no_socket(
    sample_json: Path, temp: Path, tmp_path: Path
) -> None:
    documents = tmp_path / "docs"
    documents.mkdir()
    from gidoc import ReportTemplate, build_context, load, validate

    docx = ReportTemplate().render(build_context(validate(load(sample_json))))
    names = []
    for index in range(12):
        path = documents / f"r{index}.docx"
        path.write_bytes(docx)
        names.append(path)
    child = _start(["convert", *names], temp, tmp_path)
    _wait_for_soffice(temp)
    # Into the batch: a LibreOffice listens (warm), documents are being converted.
    deadline = time.monotonic() + 60
    while not _pool_pipes(child.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1)
    assert child.poll() is None, "the batch ended before the signal"
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    time.sleep(0.3)
    assert not _soffice_running(temp)
    assert _debris(temp) == []
    assert _pool_pipes(child.pid) == []
    assert not [p.name for p in documents.iterdir() if p.name.endswith(".tmp")]


SERVICE = """
import sys, time
from gidoc.output.pdf_pool import PdfPool
from gidoc.output.signals import Terminated, terminating_signals
try:
    with terminating_signals(), PdfPool(2) as pool:
        pdf = pool.convert(open(sys.argv[1], "rb").read(), "report.docx")
        print("converted", pdf[:5].decode(), flush=True)
        time.sleep(120)
except Terminated as stop:
    sys.exit(stop.exit_code)
"""


@needs_uno
def test_a_signal_to_a_process_with_a_warm_pool_leaves_no_libreoffice(
    sample_json: Path, temp: Path, tmp_path: Path
) -> None:
    from gidoc import ReportTemplate, build_context, load, validate

    docx = tmp_path / "report.docx"
    docx.write_bytes(ReportTemplate().render(build_context(validate(load(sample_json)))))
    child = subprocess.Popen(
        [sys.executable, "-c", SERVICE, str(docx)],
        cwd=tmp_path,
        env=dict(os.environ, TMPDIR=str(temp)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "converted %PDF-"
    assert _soffice_running(temp)  # warm: LibreOffice keeps running between documents
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 128 + signal.SIGTERM, stderr
    time.sleep(0.3)
    assert not _soffice_running(temp)
    assert _debris(temp) == []
    assert _pool_pipes(child.pid) == []


@needs_uno
def test_a_process_killed_outright_takes_its_warm_libreoffice_with_it(
    sample_json: Path, temp: Path, tmp_path: Path
) -> None:
    """kill -9 runs no clean-up in gidoc: each worker notices its parent gone and ends itself."""
    from gidoc import ReportTemplate, build_context, load, validate

    docx = tmp_path / "report.docx"
    docx.write_bytes(ReportTemplate().render(build_context(validate(load(sample_json)))))
    child = subprocess.Popen(
        [sys.executable, "-c", SERVICE, str(docx)],
        cwd=tmp_path,
        env=dict(os.environ, TMPDIR=str(temp)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "converted %PDF-"
    assert _soffice_running(temp)
    child.kill()
    child.communicate(timeout=60)
    deadline = time.monotonic() + 30
    while _soffice_running(temp) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _soffice_running(temp)
