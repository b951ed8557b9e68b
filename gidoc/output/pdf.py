"""Word documents → PDF through LibreOffice, surviving its habits.

A batch goes to a :class:`~gidoc.output.pdf_pool.PdfPool` sized for it: one
warm LibreOffice per core (never one per document), each converting document
after document over UNO, so only the start is paid per process, not per file.
Without LibreOffice's ``uno`` module the batch is shared among one-shot
``soffice --convert-to`` runs instead (:func:`gidoc.output.soffice.convert_share`).
Either way each LibreOffice runs as :mod:`gidoc.output.soffice` sets it up
(private profile, gidoc's fonts, no network, killed at its time limit), a PDF
counts only if it starts with ``%PDF-``, and every temporary file goes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from gidoc.output.files import write_atomic
from gidoc.output.pdf_pool import PdfPool
from gidoc.output.soffice import (
    INSTALL_HINT,
    PER_DOCUMENT_SECONDS,
    SOFFICE_ENV,
    START_SECONDS,
    ConversionError,
    Progress,
    convert_share,
    environment,
    find_soffice,
    font_config,
    network_wall,
    uno_python,
)

# Kept importable from here, where they lived before the pool shared them.
__all__ = [
    "INSTALL_HINT",
    "MIN_SHARE",
    "SOFFICE_ENV",
    "ConversionError",
    "Progress",
    "batch_workers",
    "convert",
    "environment",
    "find_soffice",
    "font_config",
    "font_roles",
    "network_wall",
    "resolve_font",
    "soffice_version",
]

#: Fewest documents worth a one-shot LibreOffice process of their own in a batch.
MIN_SHARE = 4


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
    for fewer than ``2 * MIN_SHARE`` documents).  ``pdfa`` asks for PDF/A-2b;
    ``timeout`` bounds each document (and, in the one-shot way, each process).
    ``progress`` is called with the number of PDFs finished so far.  The PDFs
    that succeed are written (atomically) even if others fail; then
    :class:`ConversionError` names every document that failed.
    """
    if len(documents) != len(targets):
        raise ValueError("one target per document")
    if not documents:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise ConversionError(f"未找到 LibreOffice，无法生成 PDF。{INSTALL_HINT}")
    count = max(1, min(workers or batch_workers(len(documents)), len(documents)))
    if uno_python() is not None:
        results, errors = _convert_warm(documents, pdfa, timeout, progress, count)
    else:
        results, errors = _convert_shares(soffice, documents, pdfa, timeout, progress, count)
    written, failed = [], []
    for index, (document, target) in enumerate(zip(documents, targets, strict=True)):
        if index in results:
            write_atomic(target, results[index])
            written.append(target)
        else:
            failed.append(str(document))
    if len(errors) == 1 or (errors and len(failed) == len(documents)):
        raise errors[0]
    if failed:
        raise ConversionError(
            f"LibreOffice 未能把以下文件转换为 PDF：{'、'.join(failed)}；"
            "请确认文件能在 Word 或 LibreOffice 中正常打开"
        )
    return written


def _convert_warm(
    documents: Sequence[Path],
    pdfa: bool,
    timeout: float | None,
    progress: Progress | None,
    count: int,
) -> tuple[dict[int, bytes], list[ConversionError]]:
    """The batch on a pool of ``count`` warm LibreOffice processes."""
    per_document = PER_DOCUMENT_SECONDS if timeout is None else timeout
    with PdfPool(
        count,
        per_document_seconds=per_document,
        start_seconds=START_SECONDS if timeout is None else max(timeout, START_SECONDS),
        wait_seconds=START_SECONDS + per_document * len(documents),
    ) as pool:
        made = pool.convert_many(
            [(document.read_bytes(), str(document)) for document in documents],
            pdfa=pdfa,
            progress=progress,
        )
    results = {i: pdf for i, pdf in enumerate(made) if isinstance(pdf, bytes)}
    errors = [error for error in made if isinstance(error, ConversionError)]
    return results, errors


def _convert_shares(
    soffice: str,
    documents: Sequence[Path],
    pdfa: bool,
    timeout: float | None,
    progress: Progress | None,
    count: int,
) -> tuple[dict[int, bytes], list[ConversionError]]:
    """The batch shared among ``count`` one-shot LibreOffice runs, each over its whole share."""
    # Imported here: only a PDF run needs threads, and start-up time counts for every run.
    import concurrent.futures
    import threading

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
        pdfs = convert_share(soffice, share, pdfa, limit, report)
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
    return results, errors


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
            env=environment(fonts),
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
