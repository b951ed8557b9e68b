"""One warm LibreOffice of the pool: the bridge process, its protocol, its life and death.

A :class:`Worker` starts :mod:`gidoc.output.uno_bridge` under the system's Python
(which starts LibreOffice in the same process group), waits for it to say it is
ready, hands it one document at a time and reads its one-line answers with a
deadline.  It is used by one thread at a time; :mod:`gidoc.output.pdf_pool`
decides which, and when a worker is replaced.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import select
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Protocol

from gidoc.output import signals
from gidoc.output.soffice import (
    INSTALL_HINT,
    ConversionError,
    ConversionTimeout,
    convert_share,
    environment,
    forget_seed,
    keep_seed,
    network_wall,
    remove_pipes,
    seed_profile,
)

#: A number for every file and pipe the workers name, unique in this process.
names = itertools.count()


class Settings(Protocol):
    """What a worker reads from its pool."""

    root: Path
    soffice: str
    #: The Python with ``uno``; None: one-shot ``soffice --convert-to`` per document.
    python: str | None
    bridge: Path
    fonts: Path
    warm_up: Path | None
    start_seconds: float
    lock: threading.Lock
    closed: bool


class Late(Exception):
    """The worker did not answer in time."""


class Gone(Exception):
    """The worker's process ended (crashed, killed) or spoke nonsense."""


class Untouched(Gone):
    """The worker's process had ended before it began on the document."""


class Worker:
    """One LibreOffice behind one bridge process, in a folder of its own.

    Used by one thread at a time: the one starting it, or the request it is busy
    with.  Only that thread closes its pipes and removes its folder (:meth:`stop`);
    any other thread may only :meth:`kill` it, which ends the owner's wait.
    """

    def __init__(self, pool: Settings, index: int) -> None:
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
        """Start the bridge and its LibreOffice; return once it answers.

        Raises :class:`ConversionError` (:class:`ConversionTimeout` past the start
        time limit).
        """
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
        deadline = time.monotonic() + pool.start_seconds
        profile = folder / "profile"
        seeded = seed_profile(pool.soffice, profile)
        try:
            self._launch(profile, deadline)
        except ConversionTimeout:
            raise
        except ConversionError:
            if not seeded or pool.closed:
                raise
            # Perhaps a seed LibreOffice cannot use after all: drop it, start from nothing.
            forget_seed(pool.soffice)
            self._end_process()
            shutil.rmtree(profile, ignore_errors=True)
            seeded = False
            self._launch(profile, deadline)
        if not seeded:
            keep_seed(pool.soffice, profile)
        if pool.warm_up is not None:
            # A first document loads Word import, fonts and PDF export (about a second);
            # paid here, not by the first request.
            source, target = folder / "in" / "warm-up.docx", folder / "out" / "warm-up.pdf"
            shutil.copyfile(pool.warm_up, source)
            try:
                self.convert(source, target, False, pool.start_seconds)
            except (Late, Gone):
                raise ConversionError(f"LibreOffice 无法启动。{INSTALL_HINT}") from None
            finally:
                source.unlink()
                target.unlink(missing_ok=True)

    def _launch(self, profile: Path, deadline: float) -> None:
        """Start the bridge on ``profile``; return once LibreOffice answers, by ``deadline``."""
        pool = self.pool
        folder = profile.parent
        self.pipe = f"gidoc-{os.getpid()}-{id(pool):x}-{self.index}-{self.generation}-{next(names)}"
        self._buffer = b""
        command = [
            *network_wall(),
            str(pool.python),
            str(pool.bridge),
            pool.soffice,
            profile.as_uri(),
            self.pipe,
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
        try:
            answer = self._answer(deadline)
        except Late:
            raise ConversionTimeout(
                f"LibreOffice 在 {pool.start_seconds:g} 秒内没有完成转换（尚未启动完毕），已终止；"
                "可用 --timeout 延长时限"
            ) from None
        except Gone:
            answer = None
        if not answer or not answer.get("ready"):
            raise ConversionError(f"LibreOffice 无法启动。{INSTALL_HINT}")

    def kill(self) -> None:
        """Kill the process group, from any thread; the owner's wait then ends."""
        process = self.process
        if process is not None:
            signals.finished(process)

    def stop(self, graceful: bool = False) -> None:
        """End the process group (after letting LibreOffice close, if ``graceful``),
        close its pipes, remove its folder and its sockets.  Only by the owner."""
        self._end_process(graceful)
        if self.folder is not None:
            remove_pipes(self.folder / "profile", self.pipe)
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def _end_process(self, graceful: bool = False) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if graceful:
            self.ask_to_end(process)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)
        signals.finished(process)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        if self.folder is not None:
            remove_pipes(self.folder / "profile", self.pipe)

    @staticmethod
    def ask_to_end(process: subprocess.Popen[bytes] | None) -> None:
        """End of input: the bridge closes LibreOffice and exits."""
        if process is not None and process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()

    def alive(self) -> bool:
        """Whether the worker can take a document (its process still runs, if it has one)."""
        if self.pool.python is None:
            return True
        return self.process is not None and self.process.poll() is None

    # -- work ---------------------------------------------------------------------
    def convert(self, source: Path, target: Path, pdfa: bool, limit: float) -> str:
        """Convert ``source`` to ``target``; '' on success, else LibreOffice's complaint.

        Raises :class:`Late` past ``limit`` seconds and :class:`Gone` when the
        process ended: both leave the worker to be replaced.
        """
        if self.pool.python is None:
            try:
                made = convert_share(self.pool.soffice, [source], pdfa, limit, None)
            except ConversionTimeout:
                raise Late from None
            if 0 in made:
                target.write_bytes(made[0])
                return ""
            return "no PDF"
        process = self.process
        if process is None or process.stdin is None:
            raise Gone
        request = {"source": str(source), "target": str(target), "pdfa": pdfa}
        try:
            process.stdin.write(json.dumps(request).encode() + b"\n")
            process.stdin.flush()
        except OSError:
            raise Gone from None
        answer = self._answer(time.monotonic() + limit)
        if answer is None:
            raise Gone
        if answer.get("ok"):
            return ""
        if not answer.get("office_alive", True):
            raise Untouched if answer.get("untouched") else Gone
        return str(answer.get("error") or "no PDF")

    def _answer(self, deadline: float) -> dict[str, Any] | None:
        """The bridge's next line as JSON; None at end of output (the process ended)."""
        process = self.process
        if process is None or process.stdout is None:
            raise Gone
        fd = process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Late
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                raise Gone from None
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            answer = json.loads(line)
        except ValueError:
            raise Gone from None
        if not isinstance(answer, dict):
            raise Gone
        return answer
