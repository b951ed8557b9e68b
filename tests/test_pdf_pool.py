"""The warm LibreOffice pool: PDFs that read right, from many threads, surviving timeouts and crashes.

Each test starts its own small pool (a LibreOffice start is ~2 s), checks the
PDF as a reader would (``pdftotext`` finds the agency), and ends by checking
that no LibreOffice of that pool still runs and its temporary folder is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gidoc import ReportTemplate, build_context, validate
from gidoc.output import soffice
from gidoc.output.pdf_pool import PdfPool
from gidoc.output.soffice import ConversionError

pytestmark = pytest.mark.skipif(
    soffice.find_soffice() is None or shutil.which("pdftotext") is None,
    reason="the pool needs LibreOffice and poppler-utils (pdftotext)",
)
needs_uno = pytest.mark.skipif(
    soffice.uno_python() is None, reason="a warm worker needs python3-uno"
)


def _docx(agency: str) -> bytes:
    data = {
        "agency": agency,
        "year": 2025,
        "overview": {"summary": "综述。"},
        "problems": "问题。",
        "improvements": "改进。",
        "other_matters": "无。",
    }
    return ReportTemplate().render(build_context(validate(data)))


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / f"{time.monotonic_ns()}.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    )
    return re.sub(r"\s+", "", result.stdout)


def _running(marker: Path | str) -> list[str]:
    """Command lines of the processes whose command line names ``marker``."""
    result = subprocess.run(
        ["pgrep", "-af", str(marker)], capture_output=True, text=True, check=False
    )
    return [line for line in result.stdout.splitlines() if "pgrep" not in line]


def _soffice_bin(folder: Path) -> int:
    """The pid of the soffice.bin running with a profile inside ``folder``."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for line in _running(folder):
            pid, command = line.split(" ", 1)
            if "soffice.bin" in command:
                return int(pid)
        time.sleep(0.05)
    raise AssertionError(f"no soffice.bin for {folder}")


def _assert_gone(pool: PdfPool) -> None:
    assert not pool.root.exists()
    assert _running(pool.root) == []
    pipes = list(Path("/tmp").glob(f"OSL_PIPE_{os.getuid()}_gidoc-{os.getpid()}-{id(pool):x}-*"))
    assert pipes == []


def _bridge_pid(pool: PdfPool) -> int:
    worker = pool._workers[0]
    deadline = time.monotonic() + 60
    while worker.state != "idle" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert worker.process is not None
    return worker.process.pid


@pytest.fixture
def pool() -> Iterator[PdfPool]:
    with PdfPool(1, per_document_seconds=60, warm_up=False) as made:
        yield made
    _assert_gone(made)


def test_a_pool_converts_a_report_to_a_pdf_that_reads_as_the_report(
    pool: PdfPool, tmp_path: Path
) -> None:
    pdf = pool.convert(_docx("第一测试局"), "第一测试局.docx")
    assert pdf.startswith(b"%PDF-")
    assert "第一测试局" in _text(pdf, tmp_path)
    assert "第二测试局" in _text(pool.convert(_docx("第二测试局"), "b.docx"), tmp_path)


def test_pdfa_from_the_pool_says_it_is_pdfa(pool: PdfPool, tmp_path: Path) -> None:
    pdf = pool.convert(_docx("归档测试局"), "a.docx", pdfa=True)
    assert b"pdfaid:part" in pdf
    assert "归档测试局" in _text(pdf, tmp_path)


def test_threads_converting_at_once_each_get_their_own_report(tmp_path: Path) -> None:
    agencies = [f"第{i}号并发局" for i in range(6)]
    results: dict[str, bytes] = {}
    with PdfPool(2) as pool:

        def one(agency: str) -> None:
            results[agency] = pool.convert(_docx(agency), f"{agency}.docx")

        threads = [threading.Thread(target=one, args=(agency,)) for agency in agencies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    _assert_gone(pool)
    assert sorted(results) == sorted(agencies)
    for agency, pdf in results.items():
        text = _text(pdf, tmp_path)
        assert agency in text
        assert [other for other in agencies if other != agency and other in text] == []


def test_never_more_workers_than_cores() -> None:
    with PdfPool(1000) as pool:
        assert pool.size == (os.cpu_count() or 1)
    _assert_gone(pool)


def test_convert_many_keeps_the_order_and_reports_progress(tmp_path: Path) -> None:
    agencies = [f"第{i}号批量局" for i in range(5)]
    seen: list[int] = []
    with PdfPool(2) as pool:
        made = pool.convert_many(
            [(_docx(agency), f"{agency}.docx") for agency in agencies], progress=seen.append
        )
    _assert_gone(pool)
    assert seen == [1, 2, 3, 4, 5]
    for agency, pdf in zip(agencies, made, strict=True):
        assert isinstance(pdf, bytes)
        assert agency in _text(pdf, tmp_path)


def test_a_document_that_is_not_one_is_refused_by_name(pool: PdfPool, tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="坏文件.docx"):
        pool.convert(b"PK\x03\x04 not a zip at all", "坏文件.docx")
    assert "仍然可用局" in _text(pool.convert(_docx("仍然可用局"), "c.docx"), tmp_path)


@needs_uno
def test_a_conversion_over_its_time_limit_names_the_document_and_restarts_the_worker(
    tmp_path: Path,
) -> None:
    with PdfPool(1, per_document_seconds=0.01, warm_up=False) as pool:
        before = _bridge_pid(pool)
        with pytest.raises(ConversionError, match=r"超时局\.docx.*0\.01 秒内"):
            pool.convert(_docx("超时局"), "超时局.docx")
        pool.per_document_seconds = 60
        pdf = pool.convert(_docx("重启后局"), "d.docx")
        assert _bridge_pid(pool) != before
        assert _running(pool.root / "w0-1") == []  # the late one is gone, folder and all
        assert not (pool.root / "w0-1").exists()
    _assert_gone(pool)
    assert "重启后局" in _text(pdf, tmp_path)


@needs_uno
def test_a_worker_killed_mid_conversion_is_restarted_and_the_next_convert_works(
    pool: PdfPool, tmp_path: Path
) -> None:
    before = _bridge_pid(pool)
    folder = pool._workers[0].folder
    assert folder is not None
    victim = _soffice_bin(folder)
    outcome: list[bytes | ConversionError] = []

    def one() -> None:
        try:
            outcome.append(pool.convert(_docx("被杀局"), "被杀局.docx"))
        except ConversionError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=one)
    thread.start()
    time.sleep(0.05)
    os.kill(victim, signal.SIGKILL)
    thread.join()
    # Killed in time, the document fails by name; a conversion faster than the kill is a PDF.
    [result] = outcome
    if isinstance(result, ConversionError):
        assert "被杀局.docx" in str(result)
    else:
        assert "被杀局" in _text(result, tmp_path)
    assert "活过来局" in _text(pool.convert(_docx("活过来局"), "e.docx"), tmp_path)
    assert _bridge_pid(pool) != before
    assert not folder.exists()


@needs_uno
def test_a_worker_killed_while_idle_is_replaced_before_the_next_document(
    pool: PdfPool, tmp_path: Path
) -> None:
    before = _bridge_pid(pool)
    folder = pool._workers[0].folder
    assert folder is not None
    os.kill(_soffice_bin(folder), signal.SIGKILL)
    pdf = pool.convert(_docx("空闲被杀局"), "f.docx")
    assert "空闲被杀局" in _text(pdf, tmp_path)
    assert _bridge_pid(pool) != before


@needs_uno
def test_a_worker_is_recycled_after_its_share_of_documents(tmp_path: Path) -> None:
    with PdfPool(1, max_documents_per_process=2, warm_up=False) as pool:
        first = _bridge_pid(pool)
        pool.convert(_docx("甲局"), "a.docx")
        assert _bridge_pid(pool) == first
        pool.convert(_docx("乙局"), "b.docx")
        second = _bridge_pid(pool)
        assert second != first
        assert "丙局" in _text(pool.convert(_docx("丙局"), "c.docx"), tmp_path)
    _assert_gone(pool)


def test_a_full_queue_refuses_at_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with PdfPool(1, queue_size=1) as pool:
        pool.convert(_docx("预热局"), "warm.docx")
        worker = pool._workers[0]
        release = threading.Event()
        convert = worker.convert

        def held(*args: Any) -> str:  # the worker stays busy until the test lets go
            release.wait(60)
            return convert(*args)

        monkeypatch.setattr(worker, "convert", held)
        results: dict[str, bytes] = {}

        def one(agency: str) -> None:
            results[agency] = pool.convert(_docx(agency), f"{agency}.docx")

        busy = threading.Thread(target=one, args=("占用局",))
        busy.start()
        _until(lambda: worker.state == "busy")
        queued = threading.Thread(target=one, args=("排队局",))
        queued.start()
        _until(lambda: pool._waiting == 1)
        with pytest.raises(ConversionError, match="被拒局.docx.*排队"):
            pool.convert(_docx("被拒局"), "被拒局.docx")
        release.set()
        busy.join()
        queued.join()
    _assert_gone(pool)
    assert sorted(results) == ["占用局", "排队局"]
    assert "排队局" in _text(results["排队局"], tmp_path)


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_close_leaves_no_libreoffice_and_no_temporary_folder() -> None:
    pool = PdfPool(2)
    pool.convert(_docx("关闭局"), "a.docx")
    root = pool.root
    assert _running(root)
    pool.close()
    _assert_gone(pool)
    with pytest.raises(ConversionError, match="已关闭"):
        pool.convert(_docx("关闭后局"), "b.docx")
    assert not root.exists()


def test_closing_while_workers_still_start_leaves_nothing() -> None:
    pool = PdfPool(2)
    pool.close()
    _assert_gone(pool)


def test_without_the_uno_module_the_pool_runs_one_shot_libreoffice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(soffice.UNO_PYTHON_ENV, "0")
    soffice.uno_python.cache_clear()
    try:
        with PdfPool(1) as pool:
            assert not pool.warm
            pdf = pool.convert(_docx("单次局"), "a.docx")
        _assert_gone(pool)
    finally:
        monkeypatch.undo()
        soffice.uno_python.cache_clear()
    assert "单次局" in _text(pdf, tmp_path)
