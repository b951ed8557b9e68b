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
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from gidoc.output import signals
from gidoc.output.pdf_worker import Gone, Late, Untouched, Worker, names
from gidoc.output.soffice import (
    INSTALL_HINT,
    PER_DOCUMENT_SECONDS,
    START_SECONDS,
    ConversionError,
    Progress,
    find_soffice,
    font_config,
    is_pdf,
    uno_python,
)

#: Documents one LibreOffice converts before it is replaced (its memory only grows).
MAX_DOCUMENTS_PER_PROCESS = 100
#: Requests that may wait for a worker, per worker, before new ones are refused.
QUEUE_PER_WORKER = 8
#: What a document may be called inside the pool (LibreOffice reads the type from the name too).
_SUFFIXES = (".docx", ".doc", ".wps", ".odt", ".rtf")


class PdfPool:
    """Up to one warm LibreOffice per core converting Word documents to PDF, thread-safe.

    ``workers`` (default and maximum: the number of cores) LibreOffice processes
    start in the background at once; :meth:`convert` waits for a free one.  At most
    ``queue_size`` requests (default 8 per worker) wait; more are refused with
    :class:`ConversionError`, as is a request that waits over ``wait_seconds``.
    Each document gets ``per_document_seconds``; each start ``start_seconds``.
    ``warm_up`` has each worker convert gidoc's own template once as it starts, so
    that even the first request is fast (a batch, which pays every start anyway,
    need not).  Use as a context manager, or call :meth:`close`.
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
        warm_up: bool = True,
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
        self._warm_once = False
        self._threads: set[threading.Thread] = set()
        self._stack = contextlib.ExitStack()
        self.fonts = self._stack.enter_context(font_config())
        bridge = importlib.resources.files("gidoc.output") / "uno_bridge.py"
        self.bridge = self._stack.enter_context(importlib.resources.as_file(bridge))
        template = importlib.resources.files("gidoc.templates") / "report.docx"
        self.warm_up = (
            self._stack.enter_context(importlib.resources.as_file(template)) if warm_up else None
        )
        self.root = Path(tempfile.mkdtemp(prefix="gidoc-pool-"))
        self._workers = [Worker(self, index) for index in range(self.size)]
        with self.lock:
            for worker in self._workers:
                self._restart(worker, stop=False)
        self._watcher = threading.Thread(target=self._watch, name="gidoc-pdf-watch", daemon=True)
        self._watcher.start()

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
            if signals.stopping():  # a signal ends the batch: start no more documents
                return ConversionError(f"{item[1]}：已中止")
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
        try:
            return self._convert_once(docx, name, pdfa, queued)
        except Untouched:
            # The worker's LibreOffice had died before it saw this document (the
            # watchdog had not yet noticed): the document is not to blame, try once more.
            try:
                return self._convert_once(docx, name, pdfa, queued)
            except Untouched:
                raise ConversionError(
                    f"{name}：LibreOffice 意外退出（已重启），请稍后再试"
                ) from None

    def _convert_once(self, docx: bytes, name: str, pdfa: bool, queued: bool) -> bytes:
        worker = self._acquire(name, queued)
        suffix = Path(name).suffix.lower()
        number = next(names)
        folder = worker.folder
        assert folder is not None
        source = folder / "in" / f"{number}{suffix if suffix in _SUFFIXES else '.docx'}"
        target = folder / "out" / f"{number}.pdf"
        replace = False
        try:
            try:
                source.write_bytes(docx)
                complaint = worker.convert(source, target, pdfa, self.per_document_seconds)
            except Late:
                replace = True
                raise ConversionError(
                    f"{name}：LibreOffice 在 {self.per_document_seconds:g} 秒内没有完成转换，"
                    "已终止并重启该 LibreOffice；请检查文档是否过大、损坏"
                ) from None
            except Untouched:
                replace = True
                raise
            except (Gone, OSError):
                replace = True
                if self.closed:
                    raise ConversionError(f"{name}：PDF 转换服务已关闭") from None
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

    def _acquire(self, name: str, queued: bool) -> Worker:
        """A free worker, marked busy; waits (bounded in number and time) when all are busy."""
        deadline = time.monotonic() + self.wait_seconds
        retried = waiting = False
        with self._changed:
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
                    if not waiting:
                        if queued and self._waiting >= self.queue_size:
                            raise ConversionError(
                                f"{name}：PDF 转换繁忙（已有 {self._waiting} 份在排队），请稍后再试"
                            )
                        waiting = True
                        self._waiting += 1
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise ConversionError(
                            f"{name}：等待 LibreOffice 超过 {self.wait_seconds:g} 秒，请稍后再试"
                        )
                    self._changed.wait(remaining)
            finally:
                if waiting:
                    self._waiting -= 1

    def _release(self, worker: Worker, replace: bool) -> None:
        with self._changed:
            worker.documents += 1
            if self.closed:
                worker.state = "closed"
            elif replace or not worker.alive():
                self._restart(worker)
                return
            elif worker.documents >= self.max_documents_per_process:
                self._restart(worker, graceful=True)
                return
            else:
                worker.state = "idle"
                self._changed.notify_all()  # the watcher waits on it too
                return
        worker.stop()  # closed meanwhile: this thread owns the worker, so it ends it

    # -- starting and stopping ------------------------------------------------------
    def _restart(self, worker: Worker, *, stop: bool = True, graceful: bool = False) -> None:
        """Replace ``worker``'s process in the background (called holding the lock)."""
        worker.state = "starting"

        def run() -> None:
            try:
                if stop:
                    worker.stop(graceful)
                try:
                    worker.start()
                except ConversionError as exc:
                    worker.stop()
                    if self._warm_once or self.closed:
                        raise
                    # LibreOffice never came up under the bridge (a stand-in soffice, a
                    # python3-uno of another version): convert the one-shot way instead.
                    self.python = None
                    worker.error = str(exc)
                    worker.start()
                else:
                    self._warm_once = self._warm_once or self.python is not None
            except ConversionError as exc:
                worker.stop()
                with self._changed:
                    worker.state = "closed" if self.closed else "broken"
                    worker.error = str(exc)
                    self._changed.notify_all()
            else:
                with self._changed:
                    if not self.closed:
                        worker.state = "idle"
                        self._changed.notify_all()
                        return
                    worker.state = "closed"
                worker.stop()
            finally:
                with self.lock:
                    self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=run, name=f"gidoc-pdf-{worker.index}", daemon=True)
        self._threads.add(thread)
        thread.start()

    def _watch(self) -> None:
        """Restart idle workers whose LibreOffice died (the bridge exits with it), every second."""
        with self._changed:
            while not self.closed:
                for worker in self._workers:
                    if worker.state == "idle" and not worker.alive():
                        self._restart(worker)
                self._changed.wait(1.0)

    def close(self) -> None:
        """Stop every LibreOffice, remove every temporary file.

        Requests still converting fail with :class:`ConversionError`.
        """
        with self._changed:
            if self.closed:
                return
            self.closed = True
            self._changed.notify_all()
            idle = [w for w in self._workers if w.state in ("idle", "broken")]
            for worker in idle:
                worker.state = "closed"
            others = [w for w in self._workers if w not in idle]
            threads = list(self._threads)
        self._watcher.join()
        for worker in others:  # starting or busy: their own threads end them
            worker.kill()
        for worker in idle:
            # Killed, not asked to close: the profile is thrown away anyway, and a
            # LibreOffice closing itself takes a few tenths of a second more.
            worker.stop()
        for thread in threads:
            thread.join()
        shutil.rmtree(self.root, ignore_errors=True)
        self._stack.close()
