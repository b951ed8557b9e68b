"""The whole flow for files: load → validate → context → render → write.

Everything the command line does is here, callable from Python.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gidoc.checking.report import CheckReport
from gidoc.checking.validate import Checked, check
from gidoc.config import default_template
from gidoc.errors import (
    GidocError,
    InputError,
    InvalidInputs,
    OutputError,
    Problem,
    ReportValidationError,
)
from gidoc.format.models import Report
from gidoc.output.context import build_context
from gidoc.output.documents import document_problem
from gidoc.output.docx import ReportTemplate
from gidoc.output.files import (
    output_paths,
    refuse_protected,
    refuse_replacing,
    refuse_unwritable,
    same_file,
    write_all,
    write_atomic,
)
from gidoc.output.html import HtmlTemplate
from gidoc.output.pdf import ConversionError, Progress, convert, temporary_folder_error
from gidoc.sources.files import EXCEL_FORMATS
from gidoc.sources.load import REPORT_FORMATS, load_located
from gidoc.sources.loaded import Loaded, UnreadableValues


@dataclass
class Rendered:
    """One report written: where from, the files written, and the warnings found on the way."""

    source: Path
    docx: Path | None
    pdf: Path | None = None
    warnings: list[Problem] = field(default_factory=list)
    html: Path | None = None

    @property
    def outputs(self) -> list[Path]:
        """The files written for this report."""
        return [path for path in (self.docx, self.html, self.pdf) if path is not None]


class PdfFailed(ConversionError):
    """The .docx files were written but the PDF conversion failed; ``rendered`` says what exists."""

    def __init__(self, error: ConversionError, rendered: list[Rendered]) -> None:
        super().__init__(str(error))
        self.rendered = rendered


def check_file(path: str | Path) -> Checked:
    """Load a data file and check it; raises InputError if it cannot be read.

    Problems the reader itself found (e.g. a blank written as "—" in a .docx)
    come first, as warnings.
    """
    try:
        loaded = load_located(path)
    except UnreadableValues as exc:
        # Every unreadable cell, and what the check finds in the other fields, at once;
        # no cross-check, as the unreadable values stand in as 0.
        partial = check(exc.partial.data, str(path), exc.partial.locations)
        others = [] if partial.report is not None else partial.errors
        return Checked(str(path), None, exc.partial.warnings + exc.problems + others)
    checked = check(loaded.data, str(path), loaded.locations)
    checked.problems[:0] = loaded.warnings
    return checked


def check_files(paths: Sequence[str | Path]) -> list[Checked]:
    """Check each data file; a file that cannot be read yields a Checked with that error."""
    results = []
    for path in paths:
        try:
            results.append(check_file(path))
        except InputError as exc:
            results.append(Checked(str(path), None, [Problem("", "", str(exc))]))
    return results


def check_report(paths: Sequence[str | Path], *, previous: str | Path | None = None) -> CheckReport:
    """Check each data file, against last year's report when ``previous`` is given.

    The report carries the text ``gidoc check`` prints, its JSON form and its
    exit code.  Raises :class:`ReportValidationError` when ``previous`` is
    itself invalid, :class:`InputError` when it cannot be read.
    """
    results = check_files(paths)
    if previous is not None:
        results = [check_against_previous(result, previous) for result in results]
    return CheckReport(results)


def render_files(
    paths: Sequence[str | Path],
    output: str | Path | None = None,
    *,
    template: str | Path | None = None,
    pdf: bool = False,
    pdfa: bool = False,
    timeout: float | None = None,
    progress: Progress | None = None,
    html: bool = False,
    fragment: bool = False,
    html_template: str | Path | None = None,
    force: bool = False,
) -> list[Rendered]:
    """Render each data file to a .docx, and to a PDF or a web page when asked.

    Output names follow :func:`gidoc.output.output_paths`; an ``output`` ending
    in ``.pdf`` (one input) writes only the PDF.  ``pdf`` adds a PDF beside each
    .docx; ``pdfa`` makes it PDF/A-2b.  Every input is read and validated
    first: if any is invalid, nothing is written and :class:`InvalidInputs`
    lists every problem of every file.  The template is compiled once for all
    reports and LibreOffice started once for all PDFs.  If only the PDF step
    fails, :class:`PdfFailed` (exit code 3) says which .docx files were written.
    ``html`` adds ``<stem>.html`` beside each .docx (from ``html_template``, or the
    page template shipped with gidoc); an ``output`` ending in ``.html`` writes
    only the page; ``fragment`` writes only the report's content, styled inline,
    for pasting into a CMS editor.  A ``template`` ending in ``.html`` is taken as
    the page template.  An existing .docx is replaced only if gidoc wrote it and
    nobody changed it since, or with ``force`` (:func:`refuse_replacing`).

    Without ``template``, the one named by ``gidoc.toml`` (or ``[tool.gidoc]``
    in pyproject.toml) in the working folder is used, as ``gidoc render`` does;
    the built-in template when none is set.
    """
    if template is None:
        # Read here, not in the CLI, so Python callers get the office's house style too.
        template = default_template(Path.cwd())
    sources = [Path(p) for p in paths]
    out = None if output is None else Path(output)
    folder_meant = isinstance(output, str) and output.endswith(("/", os.sep))
    # The template must never be overwritten by its own report (every later render
    # would then print the old report), under any name.
    protected = [] if template is None else [(Path(template), "模板")]
    if template is not None and Path(template).suffix.lower() in (".html", ".htm"):
        html_template, template = template, None
    allowed = (".docx", ".pdf", ".html", ".htm")
    page_only = out is not None and out.suffix.lower() in (".html", ".htm")
    if page_only and out is not None and not out.is_dir() and not folder_meant:
        targets = output_paths(
            sources, output, out.suffix.lower(), protected=protected, allowed=allowed
        )
        refuse_unwritable(targets)
        return _render_pages(sources, targets, html_template, fragment)
    pdf_only = (
        out is not None and out.suffix.lower() == ".pdf" and not out.is_dir() and not folder_meant
    )
    if pdf_only:
        pdf_targets: list[Path] | None = output_paths(
            sources, output, ".pdf", protected=protected, allowed=allowed
        )
        docx_targets: list[Path] | None = None
    else:
        docx_targets = output_paths(sources, output, ".docx", protected=protected, allowed=allowed)
        want_pdf = pdf or pdfa
        pdf_targets = [t.with_suffix(".pdf") for t in docx_targets] if want_pdf else None
        for target in pdf_targets or []:
            refuse_protected(target, [(s, "数据文件") for s in sources] + protected)
    want_page = html or fragment
    page_targets = [t.with_suffix(".html") for t in docx_targets or []] if want_page else []
    # Every output path is checked before anything is rendered or written.
    refuse_unwritable([*(docx_targets or []), *page_targets, *(pdf_targets or [])])
    refuse_replacing(docx_targets or [], force=force)
    checked = _validated(sources)
    loaded = ReportTemplate(template)
    documents = [loaded.render(build_context(report)) for report, _ in checked]
    rendered = [
        Rendered(source, None, None, warnings)
        for source, (_, warnings) in zip(sources, checked, strict=True)
    ]
    if docx_targets is not None:
        files = list(zip(docx_targets, documents, strict=True))
        if want_page:
            page = HtmlTemplate(html_template)
            files += [
                (path, page.render(build_context(report), fragment=fragment).encode())
                for path, (report, _) in zip(page_targets, checked, strict=True)
            ]
        # All or nothing: a full disk in the middle of a batch leaves no part of it.
        write_all(files)
        for item, target in zip(rendered, docx_targets, strict=True):
            item.docx = target
        for item, path in zip(rendered, page_targets, strict=False):
            item.html = path
    if pdf_targets is None:
        return rendered
    try:
        if docx_targets is not None:
            convert(docx_targets, pdf_targets, pdfa=pdfa, timeout=timeout, progress=progress)
        else:
            with tempfile.TemporaryDirectory(prefix="gidoc-") as folder:
                temporary = [Path(folder) / f"{i:04d}.docx" for i in range(len(documents))]
                for path, data in zip(temporary, documents, strict=True):
                    path.write_bytes(data)
                convert(temporary, pdf_targets, pdfa=pdfa, timeout=timeout, progress=progress)
    except ConversionError as exc:
        raise PdfFailed(exc, rendered) from None
    except OSError as exc:  # the copies for a PDF-only run did not fit in $TMPDIR
        raise PdfFailed(temporary_folder_error(exc), rendered) from None
    for item, target in zip(rendered, pdf_targets, strict=True):
        item.pdf = target
    return rendered


def _render_pages(
    sources: Sequence[Path],
    targets: Sequence[Path],
    template: str | Path | None,
    fragment: bool,
) -> list[Rendered]:
    """Only web pages: each source validated first, then every page written."""
    checked = _validated(sources)
    page = HtmlTemplate(template)
    texts = [page.render(build_context(report), fragment=fragment) for report, _ in checked]
    write_all([(target, text.encode("utf-8")) for target, text in zip(targets, texts, strict=True)])
    return [
        Rendered(source, None, None, warnings, html=target)
        for source, target, (_, warnings) in zip(sources, targets, checked, strict=True)
    ]


def _validated(sources: Sequence[Path]) -> list[tuple[Report, list[Problem]]]:
    """Each source's valid report and warnings; InvalidInputs with every problem otherwise."""
    failures: list[GidocError] = []
    valid = []
    for source in sources:
        try:
            checked = check_file(source)
        except InputError as exc:
            failures.append(exc)
            continue
        if checked.report is None or checked.errors:
            failures.append(
                ReportValidationError(
                    str(source), checked.problems, cross_checked=checked.report is not None
                )
            )
            continue
        valid.append((checked.report, checked.warnings))
    if failures:
        raise InvalidInputs(failures)
    return valid


#: Documents ``convert_files`` accepts: what Word and WPS save.
WORD_SUFFIXES = (".docx", ".doc", ".wps", ".odt", ".rtf")


def convert_files(
    paths: Sequence[str | Path],
    output: str | Path | None = None,
    *,
    pdfa: bool = False,
    timeout: float | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Convert existing Word documents (e.g. reports edited by hand) to PDF.

    Output names follow :func:`gidoc.output.output_paths` with ``.pdf``.  Raises
    :class:`InvalidInputs` for missing files or folders given as documents,
    :class:`ConversionError` when LibreOffice fails.
    """
    sources = [Path(p) for p in paths]
    problems: list[GidocError] = []
    for source in sources:
        if source.is_dir():
            reason = "这是一个文件夹，不是 Word 文档"
        elif not source.is_file():
            reason = "文件不存在"
        elif source.suffix.lower() not in WORD_SUFFIXES:
            reason = f"不是 Word 文档；可转换的文件类型为 {'、'.join(WORD_SUFFIXES)}"
        else:
            # What check refuses, convert refuses too: a file that only has the name of a
            # Word document, or one that would make LibreOffice fetch a URL or read a file.
            problem = document_problem(source)
            if problem is not None:
                problems.append(InputError(problem, source=str(source), reason=problem))
            continue
        problems.append(InputError(f"{source}：{reason}", source=str(source), reason=reason))
    if problems:
        raise InvalidInputs(problems)
    targets = output_paths(sources, output, ".pdf", allowed=(".pdf",))
    refuse_unwritable(targets)
    return convert(sources, targets, pdfa=pdfa, timeout=timeout, progress=progress)


def _previous_report(path: str | Path) -> Report:
    """Last year's report from any readable source, validated; ReportValidationError if not.

    The totals last year's published report printed are left out: only its
    numbers are carried on, and a printed 总计 that did not add up is last
    year's mistake, not a reason to refuse this year's file.
    """
    loaded = load_located(path)
    checked = check(_without_given_totals(loaded.data), str(path), loaded.locations)
    checked.problems[:0] = loaded.warnings
    if checked.report is None or checked.errors:
        raise ReportValidationError(
            f"上年报告 {path}",
            checked.problems,
            cross_checked=checked.report is not None,
            consequence="不能作为上年数据使用",
        )
    return checked.report


def _without_given_totals(value: Any) -> Any:
    """Report data without any given ``total`` (gidoc derives every total itself)."""
    if isinstance(value, dict):
        return {k: _without_given_totals(v) for k, v in value.items() if k != "total"}
    return value


def write_data(path: Path, data: Mapping[str, Any], *, force: bool = False) -> Path:
    """Write report data as YAML (with a label on every field), JSON or an Excel form.

    The format follows the extension; an existing file is kept unless ``force``.
    """
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise OutputError(f"{path}：数据文件应以 {'、'.join(DATA_SUFFIXES)} 结尾")
    if path.exists() and not force:
        raise OutputError(f"{path} 已存在；确认要覆盖时请加 --force")
    if suffix in EXCEL_FORMATS:
        from gidoc.output.excel import write_form

        write_form(path, data)
        return path
    from gidoc.sources.skeleton import to_json, to_yaml

    text = to_json(data) if suffix == ".json" else to_yaml(data)
    write_atomic(path, text.encode("utf-8"))
    return path


#: What ``write_data`` writes, by extension.
DATA_SUFFIXES = (".yaml", ".yml", ".json", *EXCEL_FORMATS)


def init_file(
    path: str | Path | None = None,
    *,
    agency: str | None = None,
    year: int | None = None,
    previous: str | Path | None = None,
    force: bool = False,
) -> Path:
    """Start this year's data file: a complete blank report, or one carried on from last year.

    With ``previous`` (any readable source: JSON, YAML, Excel form, .docx) the
    agency, 上年结转 and 现行有效件数 come from it and the year defaults to
    the next one.  Without ``path`` the file is ``<agency><year>.yaml`` in the
    working folder, which needs ``agency`` or ``previous``.  Returns the path
    written.  Raises :class:`ReportValidationError` when last year's data is invalid.
    """
    from gidoc.sources.skeleton import skeleton

    if path is None:
        if agency is None and previous is None:
            raise InputError("请用 --agency 指定报告机关名称（或用 --from 沿用上年报告）")
        path = f"{agency or 'report'}{year or ''}.yaml"

    if previous is not None and same_file(Path(path), Path(previous)):
        # --force is for replacing an old skeleton, never last year's data itself.
        raise OutputError(
            f"{path}：这是上年数据 {previous} 本身，新的数据文件会覆盖它；请用 -o 指定另一个文件名"
        )
    last = _previous_report(previous) if previous is not None else None
    if year is None:
        if last is None:
            raise InputError("请用 --year 指定报告年度")
        year = last.year + 1
    try:
        data = skeleton(agency, year, last)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return write_data(Path(path), data, force=force)


def extract_file(report: str | Path, output: Path | None = None, *, force: bool = False) -> Loaded:
    """Read a finished report (.docx, .doc/.wps, PDF or a web page) back into data; write it to ``output`` when given."""
    path = Path(report)
    if output is not None and same_file(Path(output), path):
        raise OutputError(
            f"{output}：这是要提取的报告 {report} 本身，输出会覆盖它；请用 -o 指定另一个文件名"
        )
    if path.suffix.lower() in REPORT_FORMATS:
        loaded = load_located(path)
    else:
        from gidoc.sources.docx import read_report

        loaded = read_report(path)
    if output is not None:
        write_data(output, loaded.data, force=force)
    return loaded


def check_against_previous(checked: Checked, previous: str | Path) -> Checked:
    """Add the cross-year warnings (上年结转, 现行有效件数) to a check's findings."""
    from gidoc.checking.previous import compare_with_previous

    if checked.report is not None:
        checked.problems += compare_with_previous(checked.report, _previous_report(previous))
    return checked
