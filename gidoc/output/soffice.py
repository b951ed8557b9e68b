"""LibreOffice as a program gidoc runs: where it is, and the room it runs in.

Shared by the one-shot batch (:mod:`gidoc.output.pdf`) and the warm pool
(:mod:`gidoc.output.pdf_pool`), so both run LibreOffice alike: a private user
profile per process (two processes sharing a profile silently lose a file),
``--norestore``, gidoc's own font configuration (through ``FONTCONFIG_FILE``,
never touching the system's), ``$TMPDIR`` inside gidoc's temporary folder, no
network (:func:`network_wall`), a process group killed at the time limit, and
a PDF counted only if it starts with ``%PDF-`` (LibreOffice's exit code is not
trusted).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.resources
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from gidoc.errors import GidocError
from gidoc.output import signals

#: Environment variable naming the LibreOffice program to use instead of searching PATH.
SOFFICE_ENV = "GIDOC_SOFFICE"
#: Where to look for LibreOffice, in order (``soffice`` first: ``libreoffice`` is a wrapper).
SOFFICE_NAMES = ("soffice", "libreoffice")
#: Environment variable naming the Python that has LibreOffice's ``uno`` module ("0": none).
UNO_PYTHON_ENV = "GIDOC_UNO_PYTHON"
#: Where to look for that Python: Debian's (python3-uno), then LibreOffice's own.
UNO_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python")
#: How to install what PDF output needs, said whenever something is missing.
INSTALL_HINT = (
    "请安装 LibreOffice 和字体：sh scripts/setup-debian.sh"
    "（或 sudo apt-get install libreoffice-writer-nogui python3-uno fonts-noto-cjk fonts-liberation2）"
)
#: Seconds allowed for LibreOffice to start, and for each document.
START_SECONDS = 60.0
PER_DOCUMENT_SECONDS = 30.0
#: The command-line export filter for PDF/A-2b.
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
#: What every LibreOffice gidoc starts is told: no window, no dialogue, no recovery.
OFFICE_FLAGS = (
    "--headless",
    "--invisible",
    "--nologo",
    "--nodefault",
    "--nofirststartwizard",
    "--nolockcheck",
    "--norestore",
)


class ConversionError(GidocError):
    """LibreOffice is missing, timed out, or produced no PDF; exit code 3."""

    exit_code = 3


class ConversionTimeout(ConversionError):
    """LibreOffice did not finish within its time limit (and was killed)."""


Progress = Callable[[int], None]


def find_soffice() -> str | None:
    """The LibreOffice program: ``$GIDOC_SOFFICE`` if set, else the first on PATH."""
    chosen = os.environ.get(SOFFICE_ENV)
    if chosen:
        return chosen if Path(chosen).exists() else None
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@functools.cache
def uno_python() -> str | None:
    """A Python that can ``import uno`` (LibreOffice's bridge), or None: then no warm pool.

    gidoc's own interpreter (a venv) cannot see Debian's python3-uno, so the pool's
    workers run :mod:`gidoc.output.uno_bridge` under this one.  Asked once per process.
    """
    chosen = os.environ.get(UNO_PYTHON_ENV)
    if chosen == "0":
        return None
    for candidate in (chosen,) if chosen else UNO_PYTHONS:
        if not Path(candidate).exists():
            continue
        try:
            result = subprocess.run(
                [candidate, "-c", "import uno"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if result.returncode == 0:
            return candidate
    return None


@contextlib.contextmanager
def font_config() -> Iterator[Path]:
    """A real path to gidoc's fontconfig file (package data)."""
    resource = importlib.resources.files("gidoc") / "fonts.conf"
    with importlib.resources.as_file(resource) as path:
        yield path


def environment(fonts: Path, temp: Path | None = None) -> dict[str, str]:
    """The environment LibreOffice runs in: gidoc's fonts, and ``temp`` as its $TMPDIR."""
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(fonts)
    env.pop("FONTCONFIG_PATH", None)
    if temp is not None:
        # LibreOffice leaves lu*.tmp folders in $TMPDIR when it is killed (a timeout,
        # a signal); inside gidoc's own temporary folder they go when that folder goes.
        for name in ("TMPDIR", "TMP", "TEMP"):
            env[name] = str(temp)
    return env


@functools.cache
def network_wall() -> tuple[str, ...]:
    """A command prefix that runs LibreOffice without network access, or () if the system forbids.

    Documents are checked for external links before conversion; a private network
    namespace (``unshare -n``: only a loopback that is down) is the second wall,
    should a link slip through.  Tried once per process; no namespace, no wall.
    """
    if os.environ.get("GIDOC_NETWORK_WALL", "1") == "0":
        return ()
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for flags in (("-n",), ("-r", "-n")):  # as root; else in a user namespace
        try:
            result = subprocess.run(
                [unshare, *flags, "true"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if result.returncode == 0:
            return (unshare, *flags)
    return ()


def is_pdf(path: Path) -> bool:
    """Whether ``path`` exists and starts as a PDF does."""
    try:
        with path.open("rb") as stream:
            return stream.read(5) == b"%PDF-"
    except OSError:
        return False


def remove_pipes(profile: Path, *names: str) -> None:
    """Remove the sockets a killed LibreOffice leaves in /tmp (it removes them only on a clean exit).

    Its single-instance pipe is named after an MD5 of the profile's URL, each byte in
    hex without zero padding (desktop/source/app/officeipcthread.cxx); ``names`` are
    the ``--accept`` pipes.  osl puts them in /tmp, whatever $TMPDIR says.
    """
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le"), usedforsecurity=False).digest()
    ipc = "SingleOfficeIPC_" + "".join(f"{byte:x}" for byte in digest)
    for name in (ipc, *names):
        for folder in ("/tmp", "/var/tmp"):
            with contextlib.suppress(OSError):
                Path(folder, f"OSL_PIPE_{os.getuid()}_{name}").unlink()


# -- one LibreOffice per batch share (the way without the uno module) -------------------
def convert_share(
    soffice: str,
    documents: Sequence[Path],
    pdfa: bool,
    limit: float,
    progress: Progress | None,
) -> dict[int, bytes]:
    """One ``soffice --convert-to`` run over ``documents``; the PDFs made, by position."""
    with tempfile.TemporaryDirectory(prefix="gidoc-pdf-") as folder, font_config() as fonts:
        work = Path(folder)
        inbox, outbox = work / "in", work / "out"
        inbox.mkdir()
        outbox.mkdir()
        # Numbered copies: two inputs named alike must not collide in LibreOffice's outdir.
        names = []
        for index, document in enumerate(documents):
            name = f"{index:04d}{document.suffix.lower() or '.docx'}"
            shutil.copyfile(document, inbox / name)
            names.append(name)
        temp = work / "tmp"
        temp.mkdir()
        profile = work / "profile"
        command = [
            *network_wall(),
            soffice,
            *OFFICE_FLAGS,
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            PDFA_FILTER if pdfa else "pdf",
            "--outdir",
            str(outbox),
            *names,
        ]
        try:
            _run(command, inbox, environment(fonts, temp), limit, outbox, len(names), progress)
        finally:
            remove_pipes(profile)
        made = {}
        for index, name in enumerate(names):
            pdf = outbox / (Path(name).stem + ".pdf")
            if is_pdf(pdf):
                made[index] = pdf.read_bytes()
        return made


def _run(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    limit: float,
    outbox: Path,
    count: int,
    progress: Progress | None,
) -> None:
    """Run LibreOffice in its own process group; kill the group at the time limit."""
    try:
        # Registered, so that SIGTERM/SIGHUP kill this group too (gidoc.output.signals).
        process = signals.start(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except InterruptedError:
        raise ConversionError("已中止，未启动 LibreOffice") from None
    except OSError as exc:
        raise ConversionError(
            f"无法启动 LibreOffice（{command[0]}：{exc.strerror}）。{INSTALL_HINT}"
        ) from None
    deadline = time.monotonic() + limit
    done = 0
    try:
        while process.poll() is None:
            if time.monotonic() > deadline:
                raise ConversionTimeout(
                    f"LibreOffice 在 {limit:.0f} 秒内没有完成转换，已终止；"
                    "可用 --timeout 延长时限，或检查文档是否过大、损坏"
                )
            time.sleep(0.05)
            if progress is not None:
                finished = sum(1 for _ in outbox.glob("*.pdf"))
                if finished != done:
                    done = finished
                    progress(done)
    finally:
        signals.finished(process)
    if progress is not None and done != count:
        progress(sum(1 for _ in outbox.glob("*.pdf")))
