"""Ending a run on SIGTERM, SIGHUP or SIGINT without leaving LibreOffice or files behind.

Python turns only SIGINT into an exception; SIGTERM and SIGHUP (a closed
terminal, a service manager stopping gidoc) killed the process outright, so
no ``finally`` ran: LibreOffice kept running, ``gidoc-pdf-*`` folders and
``.NAME.docx.XXXX.tmp`` files stayed.  Within :func:`terminating_signals`
each of these signals first kills every LibreOffice process group gidoc
started (the workers' waits then end at once), then raises
:class:`Terminated` in the main thread, so that every ``finally`` and every
temporary folder's clean-up runs.  The command line exits with 128 + the
signal number.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: The signals that end a run.
SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)

_lock = threading.Lock()
_processes: set[subprocess.Popen[bytes]] = set()
_temporaries: set[Path] = set()
_stopping = threading.Event()


class Terminated(BaseException):
    """A terminating signal arrived; a BaseException so that no ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        """128 + the signal number, as a shell reports a process ended by that signal."""
        return 128 + self.signum


def stopping() -> bool:
    """Whether a terminating signal has arrived: no new LibreOffice may start."""
    return _stopping.is_set()


def start(command: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own session and register it for killing on a signal.

    Raises :class:`OSError` as Popen does; refuses (with :class:`Terminated`
    semantics left to the caller) by raising ``InterruptedError`` once stopping.
    """
    with _lock:
        if _stopping.is_set():
            raise InterruptedError("stopping")
        process = subprocess.Popen(command, start_new_session=True, **options)
        _processes.add(process)
    return process


def finished(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process``'s group (oosplash starts soffice.bin) and forget it."""
    _kill(process)
    process.wait()
    with _lock:
        _processes.discard(process)


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def pending(path: Path) -> None:
    """Note a temporary file that must go if the run is interrupted before it is renamed."""
    _temporaries.add(path)


def settled(path: Path) -> None:
    """The temporary file was renamed or removed."""
    _temporaries.discard(path)


@contextlib.contextmanager
def blocked() -> Iterator[None]:
    """Hold terminating signals back for a few statements (creating and noting a temp file)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _handle(signum: int, frame: Any) -> None:
    first = not _stopping.is_set()
    _stopping.set()
    with _lock:
        processes = list(_processes)
    for process in processes:
        _kill(process)
    if first:
        raise Terminated(signum)


@contextlib.contextmanager
def terminating_signals() -> Iterator[None]:
    """Within: SIGTERM, SIGHUP and SIGINT raise :class:`Terminated`; on the way out, every
    temporary file noted with :func:`pending` is removed, however the run ended."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
    for signum in SIGNALS:
        signal.signal(signum, _handle)
    try:
        yield
    finally:
        for path in list(_temporaries):
            with contextlib.suppress(OSError):
                path.unlink()
            _temporaries.discard(path)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _stopping.clear()
