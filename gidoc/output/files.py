"""Where output files go, and writing them so that no half-written file is ever left."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from gidoc.errors import OutputError, os_reason
from gidoc.ooxml.fingerprint import Origin, origin
from gidoc.output import signals


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file: the same resolved path, or (through a hard link,
    a symlink or another spelling) the same inode."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist yet: then only the path could match
        return False


def output_paths(
    inputs: Sequence[Path],
    output: Path | str | None,
    suffix: str,
    *,
    protected: Sequence[tuple[Path, str]] = (),
    allowed: Sequence[str] = (),
) -> list[Path]:
    """The file each input renders to.

    Without ``output``: ``<stem><suffix>`` beside each input.  With one input,
    ``output`` is the file if it ends in ``suffix``, else a folder; with several
    inputs it must be a folder.  Folders that do not exist yet are created when
    writing.  A name with another extension (``报告.doc``) is refused unless it
    is an existing folder or is written with a trailing slash (``报告.doc/``):
    a typo must not silently become a folder.  ``allowed`` are the file
    extensions the caller accepts, for that message.  No target may be an
    input, or one of the ``protected`` files (path, what it is: ``模板``),
    under any name.  Raises :class:`OutputError` for a clash or an impossible target.
    """
    folder_meant = isinstance(output, str) and output.endswith(("/", os.sep))
    output = None if output is None else Path(output)
    if any(path.name in ("", ".", "..") for path in inputs):
        # "." or "/": a folder given as a data file has no name to derive an output from.
        bad = next(path for path in inputs if path.name in ("", ".", ".."))
        raise OutputError(f"{bad}：这是一个文件夹，不是数据文件")
    if output is None:
        paths = [path.with_suffix(suffix) for path in inputs]
    elif output.suffix.lower() == suffix and not output.is_dir() and not folder_meant:
        if len(inputs) > 1:
            raise OutputError(
                f"-o {output}：有 {len(inputs)} 个数据文件时，-o 应为一个文件夹，而不是单个文件"
            )
        paths = [output]
    else:
        if output.exists() and not output.is_dir():
            raise OutputError(
                f"-o {output}：已存在同名文件，且不是文件夹；输出文件应以 {suffix} 结尾"
            )
        if output.suffix and not output.is_dir() and not folder_meant:
            names = "、".join(allowed or (suffix,))
            raise OutputError(
                f"-o {output}：不支持的输出文件类型「{output.suffix}」，输出文件应以 {names} 结尾；"
                f"要输出到名为 {output.name} 的文件夹，请在末尾加 /（-o {output}/）"
            )
        paths = [output / (path.stem + suffix) for path in inputs]
    seen: dict[Path, Path] = {}
    for source, target in zip(inputs, paths, strict=True):
        key = target.resolve()
        if same_file(target, source):
            raise OutputError(f"{source}：输出会覆盖这个文件本身；请用 -o 指定另一个文件名或文件夹")
        refuse_protected(target, [(path, "数据文件") for path in inputs] + list(protected))
        if key in seen:
            raise OutputError(
                f"{seen[key]} 和 {source} 会写到同一个文件 {target}；请先给其中一个改名，或分两次生成到不同的文件夹"
            )
        seen[key] = source
    return paths


def refuse_protected(target: Path, protected: Sequence[tuple[Path, str]]) -> None:
    """Raise :class:`OutputError` if writing ``target`` would replace one of ``protected``.

    Each entry is (path, what it is for the user: ``模板``, ``上年数据``).
    """
    for path, role in protected:
        if same_file(target, path):
            raise OutputError(
                f"{target}：这是{role} {path} 本身，输出会覆盖它；请用 -o 指定另一个文件名或文件夹"
            )


def refuse_unwritable(targets: Sequence[Path]) -> None:
    """Raise :class:`OutputError` naming every target that cannot be a file, before any is written.

    A folder already named like an output (``报告/b9.docx/``), or a file where a
    folder of the path should be, would otherwise fail in the middle of a batch.
    """
    problems = []
    for target in targets:
        if target.is_dir():
            problems.append(f"{target}：已存在同名文件夹，无法写入文件")
            continue
        for folder in target.parents:
            if folder.exists():
                if not folder.is_dir():
                    problems.append(
                        f"{target}：无法创建输出文件夹 {target.parent}"
                        f"（路径中的 {folder} 是一个文件，不是文件夹）"
                    )
                break
    if problems:
        if len(targets) > 1:
            problems[-1] += "（未写出任何文件）"
        raise OutputError("\n".join(problems))


#: Said when an existing report would be replaced.
_KEEP = "确认要覆盖时请加 --force，或用 -o 写到另一个文件"


def refuse_replacing(targets: Sequence[Path], *, force: bool = False) -> None:
    """Raise :class:`OutputError` naming every existing .docx target that is someone's work.

    A report gidoc wrote and nobody changed since may be replaced (its
    fingerprint, :mod:`gidoc.ooxml.fingerprint`, still matches); one edited
    since — the render → edit in Word → convert workflow — or a document gidoc
    did not write is replaced only with ``force``.
    """
    if force:
        return
    problems = []
    for target in targets:
        try:
            data = target.read_bytes()
        except OSError:  # absent (the usual case), or unreadable: writing will say why
            continue
        found = origin(data)
        if found is Origin.EDITED:
            problems.append(
                f"{target}：这份报告在 gidoc 生成后被修改过（例如在 Word/WPS 中编辑并保存），"
                f"重新生成会丢失这些修改；{_KEEP}"
            )
        elif found is Origin.FOREIGN:
            problems.append(f"{target}：已存在，且不是 gidoc 生成的文档；{_KEEP}")
    if problems:
        if len(targets) > 1:
            problems[-1] += "（未写出任何文件）"
        raise OutputError("\n".join(problems))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    A reader never sees a partial file, and a failure leaves the old file (if
    any) untouched.  Raises :class:`OutputError` with one clear line.
    """
    write_all([(path, data)])


def write_all(files: Sequence[tuple[Path, bytes]]) -> list[Path]:
    """Write every ``(path, data)``: all to temporary files first, then each renamed into place.

    If any cannot be written (a full disk, no permission, a folder in the way),
    every temporary file is removed and nothing is written.  Only a rename can
    still fail after others succeeded (rare: the folder was checked by then);
    the :class:`OutputError` then lists exactly which files were written.
    Returns the paths written.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            staged.append((_stage(path, data), path))
    except BaseException as exc:
        for temp, _ in staged:
            _discard(temp)
        if isinstance(exc, OutputError) and len(files) > 1:
            raise OutputError(f"{exc}（未写出任何文件）") from None
        raise
    written: list[Path] = []
    for index, (temp, path) in enumerate(staged):
        try:
            os.replace(temp, path)
            signals.settled(temp)
        except BaseException as exc:
            for rest, _ in staged[index:]:
                _discard(rest)
            if not isinstance(exc, OSError):
                raise
            if isinstance(exc, PermissionError):
                message = f"{path}：无法写入，文件可能正被 Word/WPS 打开，或没有写入权限"
            else:
                message = f"{path}：无法写入（{os_reason(exc)}）"
            if len(files) > 1:
                message += f"；已写出的文件：{'、'.join(map(str, written)) or '无'}"
            raise OutputError(message) from None
        written.append(path)
    return written


def _discard(temp: Path) -> None:
    temp.unlink(missing_ok=True)
    signals.settled(temp)


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a temporary file beside ``path``, noted for removal should a signal end the run."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}：无法创建输出文件夹 {folder}（{os_reason(exc)}）") from None
    if path.is_dir():
        raise OutputError(f"{path}：已存在同名文件夹，无法写入文件")
    try:
        # No signal between creating the temporary file and noting it: an interrupted
        # run removes every noted one (gidoc.output.signals), and only those.
        with signals.blocked():
            handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            signals.pending(Path(temp_name))
    except PermissionError:
        raise OutputError(f"{path}：没有在 {folder} 中写入的权限") from None
    except OSError as exc:
        raise OutputError(f"{path}：无法写入（{os_reason(exc)}）") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        umask = os.umask(0)
        os.umask(umask)
        temp.chmod(0o666 & ~umask)
    except BaseException as exc:
        _discard(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}：无法写入（{os_reason(exc)}）") from None
        raise
    return temp
