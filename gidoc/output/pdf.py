"""Word documents → PDF through LibreOffice, surviving its habits.

A batch is converted by one headless LibreOffice per core (never one per
document), each over its share of the documents, each with a private user
profile (two processes sharing a profile silently lose a file), ``--norestore``, gidoc's own font configuration (through
``FONTCONFIG_FILE``, never touching the system's) and a timeout that kills
the whole process group.  LibreOffice's exit code is not trusted: a PDF
counts only if it exists and starts with ``%PDF-``.  Everything temporary
lives in one temporary folder that is removed afterwards.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from gidoc.errors import GidocError, OutputError, os_reason
from gidoc.output import signals
from gidoc.output.files import write_atomic

#: Environment variable naming the LibreOffice program to use instead of searching PATH.
SOFFICE_ENV = "GIDOC_SOFFICE"
#: Where to look for LibreOffice, in order (``soffice`` first: ``libreoffice`` is a wrapper).
SOFFICE_NAMES = ("soffice", "libreoffice")
#: How to install what PDF output needs, said whenever something is missing.
INSTALL_HINT = (
    "请安装 LibreOffice 和字体：sh scripts/setup-debian.sh"
    "（或 sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-liberation2）"
)
#: Seconds allowed for LibreOffice to start, and for each document.
START_SECONDS = 60.0
PER_DOCUMENT_SECONDS = 30.0
#: Free space below which a missing PDF is put down to a full temporary folder.
LOW_SPACE = 64 * 1024 * 1024
#: Fewest documents worth a LibreOffice process of their own in a batch.
MIN_SHARE = 4
_PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


class ConversionError(GidocError):
    """LibreOffice is missing, timed out, or produced no PDF; exit code 3."""

    exit_code = 3


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


@contextlib.contextmanager
def font_config() -> Iterator[Path]:
    """A real path to gidoc's fontconfig file (package data)."""
    resource = importlib.resources.files("gidoc") / "fonts.conf"
    with importlib.resources.as_file(resource) as path:
        yield path


def _environment(fonts: Path, temp: Path | None = None) -> dict[str, str]:
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


def batch_workers(count: int) -> int:
    """How many LibreOffice processes convert ``count`` documents: one per core, each
    with at least ``MIN_SHARE`` documents (a start costs about as much as four
    conversions), so a small batch runs in one process and none runs one per file."""
    return max(1, min(os.cpu_count() or 1, count // MIN_SHARE))


def convert(
    documents: Sequence[Path],
    targets: Sequence[Path],
    *,
    pdfa: bool = False,
    timeout: float | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Convert each document to the PDF at the same position in ``targets``.

    The batch is shared among :func:`batch_workers` LibreOffice processes (one
    for fewer than ``2 * MIN_SHARE`` documents), each converting its whole
    share in one run.  ``pdfa`` asks for PDF/A-2b; ``timeout`` bounds each
    process.  ``progress`` is called with the number of PDFs finished so far.
    The PDFs that succeed are written (atomically) even if others fail; then
    :class:`ConversionError` names every document that failed, and every PDF written.
    """
    if len(documents) != len(targets):
        raise ValueError("one target per document")
    if not documents:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise ConversionError(f"未找到 LibreOffice，无法生成 PDF。{INSTALL_HINT}")
    # Imported here: only a PDF run needs threads, and start-up time counts for every run.
    import concurrent.futures
    import threading

    count = max(1, min(workers or batch_workers(len(documents)), len(documents)))
    shares = [list(range(k, len(documents), count)) for k in range(count)]
    finished = [0] * count
    lock = threading.Lock()

    def run(k: int) -> dict[int, bytes]:
        def report(done: int) -> None:
            if progress is not None:
                with lock:
                    finished[k] = done
                    progress(sum(finished))

        share = [documents[i] for i in shares[k]]
        limit = (
            timeout if timeout is not None else START_SECONDS + PER_DOCUMENT_SECONDS * len(share)
        )
        pdfs = _convert_share(soffice, share, pdfa, limit, report)
        return {shares[k][j]: data for j, data in pdfs.items()}

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(run, k) for k in range(count)]
        results: dict[int, bytes] = {}
        errors = []
        for future in futures:
            try:
                results.update(future.result())
            except ConversionError as exc:
                errors.append(exc)
    written, failed, unwritten = [], [], []
    for index, (document, target) in enumerate(zip(documents, targets, strict=True)):
        if index in results:
            try:
                write_atomic(target, results[index])
            except OutputError as exc:  # a full disk, say: a PDF failure, exit 3 like the others
                unwritten.append(str(exc))
                continue
            written.append(target)
        else:
            failed.append(str(document))
    # Whatever failed, the message ends with the PDFs that were written, if any.
    done = f"\n已写出的 PDF：{'、'.join(map(str, written))}" if written else ""
    if errors:
        raise ConversionError(f"{errors[0]}{done}")
    if unwritten:
        raise ConversionError("PDF 未能写出：" + "；".join(unwritten) + done)
    if failed:
        raise ConversionError(
            f"LibreOffice 未能把以下文件转换为 PDF：{'、'.join(failed)}；"
            f"请确认文件能在 Word 或 LibreOffice 中正常打开{done}"
        )
    return written


def _convert_share(
    soffice: str,
    documents: Sequence[Path],
    pdfa: bool,
    limit: float,
    progress: Progress,
) -> dict[int, bytes]:
    """One LibreOffice run over ``documents``; the PDFs made, by position."""
    try:
        with tempfile.TemporaryDirectory(prefix="gidoc-pdf-") as folder, font_config() as fonts:
            return _convert_in(Path(folder), fonts, soffice, documents, pdfa, limit, progress)
    except OSError as exc:
        # Preparing the folder (copies of the documents, the profile) in $TMPDIR failed.
        raise temporary_folder_error(exc) from None


def temporary_folder_error(exc: OSError) -> ConversionError:
    """The error for a temporary folder that cannot hold the conversion (full, read-only)."""
    return ConversionError(
        f"无法在临时文件夹 {tempfile.gettempdir()} 中准备 PDF 转换（{os_reason(exc)}）；"
        "请清理磁盘，或用环境变量 TMPDIR 指定空间充足的文件夹"
    )


def _convert_in(
    work: Path,
    fonts: Path,
    soffice: str,
    documents: Sequence[Path],
    pdfa: bool,
    limit: float,
    progress: Progress,
) -> dict[int, bytes]:
    """:func:`_convert_share` inside its temporary folder ``work``."""
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
    command = _command(soffice, work, _PDFA_FILTER if pdfa else "pdf", outbox, names)
    _run(command, inbox, _environment(fonts, temp), limit, outbox, len(names), progress)
    made = {}
    for index, name in enumerate(names):
        pdf = outbox / (Path(name).stem + ".pdf")
        if _is_pdf(pdf):
            made[index] = pdf.read_bytes()
    if len(made) < len(names):
        free = shutil.disk_usage(work).free
        if free < LOW_SPACE:
            # LibreOffice says nothing when it cannot write; the free space says why.
            raise ConversionError(
                f"临时文件夹 {tempfile.gettempdir()} 磁盘空间不足（剩余 {free // 1024} KB），"
                "LibreOffice 无法写出 PDF；请清理磁盘，或用环境变量 TMPDIR 指定空间充足的文件夹"
            )
    return made


def _command(soffice: str, work: Path, target: str, outbox: Path, names: list[str]) -> list[str]:
    """LibreOffice converting ``names`` to ``target``, headless, with a private profile in ``work``."""
    return [
        *network_wall(),
        soffice,
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--nofirststartwizard",
        "--nolockcheck",
        "--norestore",
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--convert-to",
        target,
        "--outdir",
        str(outbox),
        *names,
    ]


#: LibreOffice's filter for Word 2007-365 documents.
DOCX_FILTER = "docx:MS Word 2007 XML"


def to_docx(data: bytes, suffix: str, *, timeout: float | None = None) -> bytes:
    """A Word 97-2003 or WPS document (``suffix`` .doc or .wps) converted to .docx by LibreOffice.

    Same walls as PDF output: a private profile, no network, a time limit that
    kills the process group, everything temporary in one folder removed after.
    Raises :class:`ConversionError` when LibreOffice is missing, times out or
    makes no document.
    """
    soffice = find_soffice()
    if soffice is None:
        raise ConversionError(f"未找到 LibreOffice，无法读取 {suffix} 文件。{INSTALL_HINT}")
    limit = timeout if timeout is not None else START_SECONDS + PER_DOCUMENT_SECONDS
    with tempfile.TemporaryDirectory(prefix="gidoc-docx-") as folder, font_config() as fonts:
        work = Path(folder)
        inbox, outbox, temp = work / "in", work / "out", work / "tmp"
        for made in (inbox, outbox, temp):
            made.mkdir()
        name = f"0000{suffix}"
        (inbox / name).write_bytes(data)
        command = _command(soffice, work, DOCX_FILTER, outbox, [name])
        _run(command, inbox, _environment(fonts, temp), limit, outbox, 1, None)
        result = outbox / "0000.docx"
        try:
            converted = result.read_bytes()
        except OSError:
            converted = b""
    if not converted.startswith(b"PK"):
        raise ConversionError(f"LibreOffice 未能把这个 {suffix} 文件转换为 .docx")
    return converted


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(5) == b"%PDF-"
    except OSError:
        return False


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
                raise ConversionError(
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


# -- diagnosis ---------------------------------------------------------------------
def font_roles() -> dict[str, str]:
    """Each font name gidoc's fontconfig file maps, with the open face it should become.

    Read from ``fonts.conf`` itself, so the diagnosis and the mapping cannot disagree.
    """
    from xml.etree import ElementTree

    with font_config() as path:
        root = ElementTree.parse(path).getroot()
    roles = {}
    for match in root.iter("match"):
        name = match.findtext("test/string")
        face = match.findtext("edit[@name='family']/string")
        if name and face:
            roles[name] = face
    return roles


def resolve_font(name: str) -> str | None:
    """The face fontconfig picks for ``name`` under gidoc's configuration (None without fc-match)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    with font_config() as fonts:
        result = subprocess.run(
            [fc_match, "--format=%{family[0]}:%{style[0]}", name],
            env=_environment(fonts),
            capture_output=True,
            text=True,
            check=False,
        )
    return result.stdout.strip() or None


def soffice_version(soffice: str) -> str | None:
    """LibreOffice's own version line, or None if it does not answer."""
    with tempfile.TemporaryDirectory(prefix="gidoc-doctor-") as folder:
        try:
            result = subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={Path(folder).as_uri()}",
                    "--headless",
                    "--version",
                ],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
    lines = result.stdout.strip().splitlines()
    return lines[0] if lines else None
