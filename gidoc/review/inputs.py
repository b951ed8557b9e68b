"""Reading many report files for a review: folders walked, files read and examined on a pool.

Reading a .docx or an Excel form and checking it takes milliseconds to a
second; a province has about 10,000 of them, so they are read by one worker
process per CPU core, in chunks, and the main process only compares.  A
file that cannot be read becomes an item whose errors say why; it never
stops the others.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
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


def _read_and_examine(path: str, fingerprints: bool) -> Examined:
    return examine(read_item(path), fingerprints=fingerprints)


def read_examined(
    paths: Sequence[Path],
    *,
    fingerprints: bool = True,
    progress: Progress | None = None,
    workers: int | None = None,
) -> list[Examined]:
    """Read and examine each file, in order, on a process pool when there are many."""
    work = partial(_read_and_examine, fingerprints=fingerprints)
    names = [str(path) for path in paths]
    workers = workers or os.cpu_count() or 1
    results: list[Examined] = []
    if len(names) < POOL_FROM or workers == 1:
        for name in names:
            results.append(work(name))
            if progress is not None:
                progress(len(results), len(names))
        return results
    # Chunks of a few dozen files: few round trips, yet an even load and a live progress bar.
    chunk = max(1, min(32, len(names) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=min(workers, len(names))) as pool:
        for examined in pool.map(work, names, chunksize=chunk):
            results.append(examined)
            if progress is not None:
                progress(len(results), len(names))
    return results
