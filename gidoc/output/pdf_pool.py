"""A bounded pool of warm LibreOffice processes: a PDF in a fraction of a second once started.

Starting LibreOffice costs about two seconds; converting a report once it runs
costs a few tenths.  :class:`PdfPool` keeps up to one LibreOffice per core
running, each driven over UNO by :mod:`gidoc.output.uno_bridge` (run under the
system's Python, which has the ``uno`` module), each with its own profile,
fonts, ``$TMPDIR`` and network wall exactly as :mod:`gidoc.output.soffice`
sets them for a one-shot run.  Requests wait in a bounded queue for a free
worker; a conversion over its time limit kills that worker, which is
restarted, and raises :class:`ConversionError` naming the document; a worker
that crashes is restarted; each is recycled after ``max_documents_per_process``
documents.  Without the ``uno`` module each conversion runs a one-shot
``soffice --convert-to`` instead, bounded the same way.  Every process is
registered with :mod:`gidoc.output.signals`; :meth:`PdfPool.close` leaves no
LibreOffice and no temporary file.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import itertools
import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from gidoc.output import signals
from gidoc.output.soffice import (
    INSTALL_HINT,
    PER_DOCUMENT_SECONDS,
    START_SECONDS,
    ConversionError,
    ConversionTimeout,
    Progress,
    convert_share,
    environment,
    find_soffice,
    font_config,
    is_pdf,
    network_wall,
    remove_pipes,
    uno_python,
)

#: Documents one LibreOffice converts before it is replaced (its memory only grows).
MAX_DOCUMENTS_PER_PROCESS = 100
#: Requests that may wait for a worker, per worker, before new ones are refused.
QUEUE_PER_WORKER = 8
#: What a document may be called inside the pool (LibreOffice reads the type from the name too).
_SUFFIXES = (".docx", ".doc", ".wps", ".odt", ".rtf")
_names = itertools.count()


class _Late(Exception):
    """The worker did not answer in time."""


class _Gone(Exception):
    """The worker's process ended (crashed, killed) or spoke nonsense."""


class _Worker:
    """One LibreOffice behind one bridge process, in a folder of its own."""

    def __init__(self, pool: PdfPool, index: int) -> None:
        self.pool = pool
        self.index = index
        self.generation = 0
        self.state = "starting"  # starting | idle | busy | broken | closed
        self.error = ""
        self.documents = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.folder: Path | None = None
        self.pipe = ""
        self._buffer = b""

    # -- life ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the bridge and its LibreOffice; return once it answers (raises ConversionError)."""
        pool = self.pool
        self.generation += 1
        self.documents = 0
        self._buffer = b""
        folder = pool.root / f"w{self.index}-{self.generation}"
        for part in ("in", "out", "tmp"):
            (folder / part).mkdir(parents=True)
        self.folder = folder
        if pool.python is None:  # one-shot mode: nothing to keep running
            return
        pipe = f"gidoc-{os.getpid()}-{id(pool):x}-{self.index}-{self.generation}"
        command = [
            *network_wall(),
            pool.python,
            str(pool.bridge),
            pool.soffice,
            (folder / "profile").as_uri(),
            pipe,
        ]
        with pool.lock:
            if pool.closed:
                raise ConversionError("PDF 转换服务已关闭")
            try:
                self.process = signals.start(
                    command,
                    cwd=folder,
                    env=environment(pool.fonts, folder / "tmp"),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except InterruptedError:
                raise ConversionError("已中止，未启动 LibreOffice") from None
            except OSError as exc:
                raise ConversionError(
                    f"无法启动 LibreOffice（{command[0]}：{exc.strerror}）。{INSTALL_HINT}"
                ) from None
        self.pipe = pipe
        try:
            answer = self._answer(time.monotonic() + pool.start_seconds)
        except _Late:
            self.stop()
            raise ConversionError(
                f"LibreOffice 在 {pool.start_seconds:.0f} 秒内没有启动，已终止"
            ) from None
        except _Gone:
            answer = None
        if not answer or not answer.get("ready"):
            self.stop()
            raise ConversionError(f"LibreOffice 无法启动。{INSTALL_HINT}")

    def stop(self, graceful: bool = False) -> None:
        """End the process group (after letting LibreOffice close, if ``graceful``) and the folder."""
        process, self.process = self.process, None
        if process is not None:
            if graceful and process.stdin is not None:
                with contextlib.suppress(OSError):
                    process.stdin.close()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(10)
            signals.finished(process)
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        if self.folder is not None:
            remove_pipes(self.folder / "profile", self.pipe)
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def alive(self) -> bool:
        """Whether the worker can take a document (its process still runs, if it has one)."""
        if self.pool.python is None:
            return True
        return self.process is not None and self.process.poll() is None

    # -- work ---------------------------------------------------------------------
    def convert(self, source: Path, target: Path, pdfa: bool, limit: float) -> str:
        """Convert ``source`` to ``target``; '' on success, else LibreOffice's complaint.

        Raises :class:`_Late` past ``limit`` seconds and :class:`_Gone` when the
        process ended: both leave the worker to be replaced.
        """
        if self.pool.python is None:
            try:
                made = convert_share(self.pool.soffice, [source], pdfa, limit, None)
            except ConversionTimeout:
                raise _Late from None
            if 0 in made:
                target.write_bytes(made[0])
                return ""
            return "no PDF"
        process = self.process
        if process is None or process.stdin is None:
            raise _Gone
        request = {"source": str(source), "target": str(target), "pdfa": pdfa}
        try:
            process.stdin.write(json.dumps(request).encode() + b"\n")
            process.stdin.flush()
        except OSError:
            raise _Gone from None
        answer = self._answer(time.monotonic() + limit)
        if answer is None:
            raise _Gone
        if answer.get("ok"):
            return ""
        if not answer.get("office_alive", True):
            raise _Gone
        return str(answer.get("error") or "no PDF")

    def _answer(self, deadline: float) -> dict[str, Any] | None:
        """The bridge's next line as JSON; None at end of output (the process ended)."""
        process = self.process
        if process is None or process.stdout is None:
            raise _Gone
        fd = process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Late
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            answer = json.loads(line)
        except ValueError:
            raise _Gone from None
        if not isinstance(answer, dict):
            raise _Gone
        return answer


class PdfPool:
    """Up to one warm LibreOffice per core converting Word documents to PDF, thread-safe.

    ``workers`` (default and maximum: the number of cores) LibreOffice processes
    start in the background at once; :meth:`convert` waits for a free one.  At most
    ``queue_size`` requests (default 8 per worker) wait; more are refused with
    :class:`ConversionError`, as is a request that waits over ``wait_seconds``.
    Each document gets ``per_document_seconds``; each start ``start_seconds``.
    Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        per_document_seconds: float = PER_DOCUMENT_SECONDS,
        max_documents_per_process: int = MAX_DOCUMENTS_PER_PROCESS,
        start_seconds: float = START_SECONDS,
        queue_size: int | None = None,
        wait_seconds: float | None = None,
    ) -> None:
        cores = os.cpu_count() or 1
        self.size = max(1, min(workers or cores, cores))
        self.per_document_seconds = per_document_seconds
        self.max_documents_per_process = max(1, max_documents_per_process)
        self.start_seconds = start_seconds
        self.queue_size = QUEUE_PER_WORKER * self.size if queue_size is None else queue_size
        self.wait_seconds = (
            start_seconds + per_document_seconds * 2 if wait_seconds is None else wait_seconds
        )
        soffice = find_soffice()
        if soffice is None:
            raise ConversionError(f"未找到 LibreOffice，无法生成 PDF。{INSTALL_HINT}")
        self.soffice = soffice
        self.python = uno_python()
        self.lock = threading.Lock()
        self._changed = threading.Condition(self.lock)
        self.closed = False
        self._waiting = 0
        self._threads: set[threading.Thread] = set()
        self._stack = contextlib.ExitStack()
        self.fonts = self._stack.enter_context(font_config())
        bridge = importlib.resources.files("gidoc.output") / "uno_bridge.py"
        self.bridge = self._stack.enter_context(importlib.resources.as_file(bridge))
        self.root = Path(tempfile.mkdtemp(prefix="gidoc-pool-"))
        self._workers = [_Worker(self, index) for index in range(self.size)]
        for worker in self._workers:
            self._restart(worker, stop=False)

    @property
    def warm(self) -> bool:
        """Whether workers are kept running (the ``uno`` module was found)."""
        return self.python is not None

    def __enter__(self) -> PdfPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- converting ---------------------------------------------------------------
    def convert(self, docx: bytes, name: str, *, pdfa: bool = False) -> bytes:
        """The PDF of the Word document ``docx``; ``name`` (a file name) is used in messages.

        Raises :class:`ConversionError` naming ``name`` when LibreOffice cannot
        convert it in time, when the queue is full, or when the pool is closed.
        """
        return self._convert(docx, name, pdfa, queued=True)

    def convert_many(
        self,
        documents: Sequence[tuple[bytes, str]],
        *,
        pdfa: bool = False,
        progress: Progress | None = None,
    ) -> list[bytes | ConversionError]:
        """Convert ``(docx, name)`` pairs on all workers; each PDF, or the error that stopped it.

        ``progress`` is called with the number of documents finished so far.
        """
        import concurrent.futures

        done = 0
        lock = threading.Lock()

        def one(item: tuple[bytes, str]) -> bytes | ConversionError:
            nonlocal done
            try:
                result: bytes | ConversionError = self._convert(*item, pdfa, queued=False)
            except ConversionError as exc:
                result = exc
            with lock:
                done += 1
                if progress is not None:
                    progress(done)
            return result

        with concurrent.futures.ThreadPoolExecutor(min(self.size, len(documents)) or 1) as run:
            return list(run.map(one, documents))

    def _convert(self, docx: bytes, name: str, pdfa: bool, *, queued: bool) -> bytes:
        worker = self._acquire(name, queued)
        suffix = Path(name).suffix.lower()
        number = next(_names)
        folder = worker.folder
        assert folder is not None
        source = folder / "in" / f"{number}{suffix if suffix in _SUFFIXES else '.docx'}"
        target = folder / "out" / f"{number}.pdf"
        replace = False
        try:
            source.write_bytes(docx)
            try:
                complaint = worker.convert(source, target, pdfa, self.per_document_seconds)
            except _Late:
                replace = True
                raise ConversionError(
                    f"{name}：LibreOffice 在 {self.per_document_seconds:g} 秒内没有把它转换为 PDF，"
                    "已终止并重启该 LibreOffice；请检查文档是否过大、损坏"
                ) from None
            except _Gone:
                replace = True
                raise ConversionError(
                    f"{name}：LibreOffice 转换时意外退出（已重启）；"
                    "请确认文件能在 Word 或 LibreOffice 中正常打开"
                ) from None
            if complaint or not is_pdf(target):
                raise ConversionError(
                    f"LibreOffice 未能把 {name} 转换为 PDF；请确认文件能在 Word 或 LibreOffice 中正常打开"
                )
            return target.read_bytes()
        finally:
            with contextlib.suppress(OSError):
                source.unlink()
            with contextlib.suppress(OSError):
                target.unlink()
            self._release(worker, replace)

    def _acquire(self, name: str, queued: bool) -> _Worker:
        """A free worker, marked busy; waits (bounded) when all are busy."""
        deadline = time.monotonic() + self.wait_seconds
        retried = False
        with self._changed:
            if queued and self._waiting >= self.queue_size + self.size:
                raise ConversionError(
                    f"{name}：PDF 转换繁忙（{self._waiting} 份在等待），请稍后再试"
                )
            self._waiting += 1
            try:
                while True:
                    if self.closed:
                        raise ConversionError(f"{name}：PDF 转换服务已关闭")
                    for worker in self._workers:
                        if worker.state == "idle":
                            if worker.alive():
                                worker.state = "busy"
                                return worker
                            self._restart(worker)  # crashed while idle
                    broken = [w for w in self._workers if w.state == "broken"]
                    if len(broken) == len(self._workers):
                        if retried:
                            raise ConversionError(f"{name}：{broken[0].error}")
                        retried = True
                        for worker in broken:
                            self._restart(worker, stop=False)
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise ConversionError(
                            f"{name}：等待 LibreOffice 超过 {self.wait_seconds:g} 秒，请稍后再试"
                        )
                    self._changed.wait(remaining)
            finally:
                self._waiting -= 1

    def _release(self, worker: _Worker, replace: bool) -> None:
        with self._changed:
            worker.documents += 1
            if self.closed:
                return
            if replace or not worker.alive():
                self._restart(worker)
            elif worker.documents >= self.max_documents_per_process:
                self._restart(worker, graceful=True)
            else:
                worker.state = "idle"
                self._changed.notify()

    # -- starting and stopping ------------------------------------------------------
    def _restart(self, worker: _Worker, *, stop: bool = True, graceful: bool = False) -> None:
        """Replace ``worker``'s process in the background (called holding the lock)."""
        worker.state = "starting"

        def run() -> None:
            try:
                if stop:
                    worker.stop(graceful)
                worker.start()
            except ConversionError as exc:
                worker.stop()
                with self._changed:
                    worker.state = "closed" if self.closed else "broken"
                    worker.error = str(exc)
                    self._changed.notify_all()
            else:
                with self._changed:
                    if self.closed:
                        worker.state = "closed"
                    else:
                        worker.state = "idle"
                        self._changed.notify_all()
                if worker.state == "closed":
                    worker.stop()
            finally:
                with self.lock:
                    self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=run, name=f"gidoc-pdf-{worker.index}", daemon=True)
        self._threads.add(thread)
        thread.start()

    def close(self) -> None:
        """Stop every LibreOffice (letting idle ones close), remove every temporary file."""
        with self._changed:
            if self.closed:
                return
            self.closed = True
            self._changed.notify_all()
            threads = list(self._threads)
        for worker in self._workers:
            # A starting worker's process is killed here too; its thread then gives up.
            worker.stop(graceful=worker.state == "idle")
        for thread in threads:
            thread.join()
        for worker in self._workers:
            worker.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        self._stack.close()
