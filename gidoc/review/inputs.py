"""Reading many report files for a review: folders walked, files read and examined on a pool.

Reading a .docx or an Excel form and checking it takes milliseconds to a
second; a province has about 10,000 of them, so they are read by one worker
process per CPU core, in chunks, and the main process only compares.  A
file that cannot be read becomes an item whose errors say why; it never
stops the others.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gidoc.errors import GidocError
from gidoc.review.examined import Examined, examine
from gidoc.review.items import ReviewItem
from gidoc.sources.files import EXCEL_FORMATS, FORMATS, PAGE_FORMATS, REPORT_FORMAT, read_bytes
from gidoc.sources.load import load_located

#: Called with the number of files done so far and the number in all (a progress bar).
Progress = Callable[[int, int], None]

#: What a folder is searched for: every kind of report gidoc reads (.pdf as soon as the
#: reader for it is there; until then such a file is listed as unreadable, not skipped).
REPORT_SUFFIXES = (*FORMATS, *EXCEL_FORMATS, REPORT_FORMAT, *PAGE_FORMATS, ".pdf")
#: Fewer files than this are read in the main process: starting workers would cost more.
POOL_FROM = 8


def report_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: each file given, and every report file in each folder, recursively.

    Within a folder files are sorted by path; hidden files and Word's lock files
    (``~$报告.docx``) are passed over.  A path that does not exist is kept, so
    that reading it says so.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            found.append(path)
            continue
        for candidate in sorted(path.rglob("*")):
            name = candidate.name
            if name.startswith((".", "~$")) or not candidate.is_file():
                continue
            if candidate.suffix.lower() in REPORT_SUFFIXES:
                found.append(candidate)
    return found


def read_item(path: str | Path) -> ReviewItem:
    """One file as a review item: its data and where values sit, or why it cannot be read."""
    shown = str(path)
    try:
        raw = read_bytes(path)
        loaded = load_located(raw, shown)
    except GidocError as exc:
        return ReviewItem(shown, None, [str(exc)])
    except Exception as exc:  # noqa: BLE001 - one broken file must not end a review of thousands
        return ReviewItem(
            shown, None, [f"{shown}：读取时出现意外错误（{type(exc).__name__}），请检查此文件"]
        )
    return ReviewItem(
        shown,
        loaded.data,
        (),
        loaded.locations,
        loaded.warnings,
        hashlib.sha256(raw).hexdigest(),
    )


@dataclass(frozen=True)
class Job:
    """One file to read: with MinHash signatures (this year's) or not, keeping its data or not."""

    path: str
    fingerprints: bool = True
    keep_data: bool = False


def _run(job: Job) -> Examined:
    examined = examine(read_item(job.path), fingerprints=job.fingerprints)
    return examined if job.keep_data else examined.without_data()


def read_examined(
    paths: Sequence[Path],
    *,
    fingerprints: bool = True,
    keep_data: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
) -> list[Examined]:
    """Read and examine each file, in order, on a process pool when there are many.

    ``keep_data`` keeps each item's data beside its report (an aggregate needs
    it, a review does not: 10,000 reports then fit in memory).
    """
    jobs = [Job(str(path), fingerprints, keep_data) for path in paths]
    return run_jobs(jobs, progress=progress, workers=workers)


def run_jobs(
    jobs: Sequence[Job], *, progress: Progress | None = None, workers: int | None = None
) -> list[Examined]:
    """Run the jobs (this year's and last year's files together: one pool), results in order."""
    workers = workers or os.cpu_count() or 1
    results: list[Examined] = []
    if len(jobs) < POOL_FROM or workers == 1:
        for job in jobs:
            results.append(_run(job))
            if progress is not None:
                progress(len(results), len(jobs))
        return results
    # Chunks of a few dozen files: few round trips, yet an even load and a live progress bar.
    chunk = max(1, min(32, len(jobs) // (workers * 4)))
    # multiprocessing's Pool, not concurrent.futures: leaving its block (Ctrl-C, SIGTERM, an
    # error) terminates the workers at once instead of waiting for every queued file.
    with multiprocessing.Pool(min(workers, len(jobs)), initializer=_worker_signals) as pool:
        for examined in pool.imap(_run, jobs, chunksize=chunk):
            results.append(examined)
            if progress is not None:
                progress(len(results), len(jobs))
    return results


def _worker_signals() -> None:
    """In a worker: the main process handles Ctrl-C and SIGHUP, and SIGTERM simply ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
