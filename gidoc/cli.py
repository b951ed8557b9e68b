"""The ``gidoc`` command line: a thin layer over :mod:`gidoc.pipeline`.

It parses options, prints results, and turns :class:`~gidoc.errors.GidocError`
into a message on stderr and an exit code; it holds no logic of its own.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, Protocol

import click

from gidoc import __version__
from gidoc.errors import GidocError
from gidoc.output import pdf
from gidoc.pipeline import (
    PdfFailed,
    Rendered,
    check_report,
    convert_files,
    extract_file,
    init_file,
    render_files,
)

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def _fail(error: GidocError) -> NoReturn:
    """End the command with the error's own text on stderr and its own exit code."""
    # Not a click.ClickException: its exit code is a class constant, and no 'Error:' prefix.
    click.echo(str(error), err=True)
    raise SystemExit(error.exit_code)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", "-V", prog_name="gidoc")
def cli() -> None:
    """gidoc：按国办公开办函〔2021〕30号格式生成政府信息公开工作年度报告。

    \b
    示例：
      gidoc init --agency 某某局 --year 2025   新建数据文件（每项都有中文说明）
      gidoc check data.json                    校验数据
      gidoc render data.json                   生成 data.docx
      gidoc render data.json --pdf             同时生成 PDF
      gidoc template export                    导出模板，改成本单位样式
      gidoc review 各单位/ -o 审核结果.xlsx     审核多个单位的年报
      gidoc aggregate 各单位/ --agency 某某区人民政府 -o 汇总.yaml
    """


_pdfa_option = click.option(
    "--pdfa", is_flag=True, help="生成 PDF/A-2b（长期归档格式）；与 render 一起用时包含 --pdf。"
)
_timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    help="LibreOffice 转换的时限（秒）；默认 60 秒加每个文件 30 秒。",
)


@cli.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(),  # a str: a trailing / marks a folder, which Path would drop
    help="输出文件或文件夹；默认写在数据文件旁边。一个数据文件时可写 报告.docx，"
    "或 报告.pdf（只生成 PDF）。",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path),
    help="使用自己的 Word 模板（.docx）代替内置模板；默认用工作文件夹里 gidoc.toml 指定的模板。",
)
@click.option("--pdf", "want_pdf", is_flag=True, help="同时生成 PDF（需要 LibreOffice）。")
@click.option(
    "--html", "want_html", is_flag=True, help="同时生成网页（.html），可直接在政府网站发布。"
)
@click.option(
    "--fragment",
    is_flag=True,
    help="网页只含报告正文（带行内样式），用于粘贴到网站编辑器；与 --html 或 -o x.html 一起用。",
)
@_pdfa_option
@_timeout_option
@click.option(
    "--force", is_flag=True, help="覆盖在 Word 中修改过的报告，或不是 gidoc 生成的同名文档。"
)
def render(
    data: tuple[Path, ...],
    output: str | None,
    template: Path | None,
    want_pdf: bool,
    want_html: bool,
    fragment: bool,
    pdfa: bool,
    timeout: float | None,
    force: bool,
) -> None:
    """校验数据并生成 Word 报告（.docx），可同时生成 PDF。

    数据有误时列出全部问题，不生成任何文件，退出码为 1。PDF 转换失败时
    .docx 仍会写出，退出码为 3。已有的报告在 Word 中修改过（或不是 gidoc
    生成的）时不会覆盖，除非加 --force。

    \b
    示例：
      gidoc render data.json
      gidoc render data.yaml -o 报告.docx
      gidoc render data.json --pdf
      gidoc render data.json -o 报告.pdf
      gidoc render data.json -o 报告.html
      gidoc render data.json --html --fragment
      gidoc render 各单位/*.json -o 报告/ --pdf
    """
    try:
        with _progress(len(data)) as progress:
            written = render_files(
                data,
                output,
                template=template,
                pdf=want_pdf,
                pdfa=pdfa,
                timeout=timeout,
                progress=progress,
                html=want_html,
                fragment=fragment,
                force=force,
            )
    except PdfFailed as exc:
        _print_rendered(exc.rendered)
        _fail(exc)
    except GidocError as exc:
        _fail(exc)
    _print_rendered(written)


def _print_rendered(rendered: Sequence[Rendered]) -> None:
    for item in rendered:
        if item.warnings:
            click.echo(f"{item.source}：{len(item.warnings)} 个警告（不影响生成）", err=True)
            for problem in item.warnings:
                click.echo(f"  {problem}", err=True)
        for path in item.outputs:
            click.echo(str(path))


@cli.command()
@click.argument("documents", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(),  # a str: a trailing / marks a folder, which Path would drop
    help="输出文件夹，或（一个文档时）以 .pdf 结尾的文件；默认写在文档旁边。",
)
@_pdfa_option
@_timeout_option
def convert(
    documents: tuple[Path, ...], output: str | None, pdfa: bool, timeout: float | None
) -> None:
    """把 Word 文档转换为 PDF（例如手工修改过的报告）。

    所有文档由一个 LibreOffice 进程转换。LibreOffice 缺失或转换失败时退出码为 3。

    \b
    示例：
      gidoc convert 报告.docx
      gidoc convert 报告/*.docx -o pdf/ --pdfa
    """
    try:
        with _progress(len(documents)) as progress:
            written = convert_files(
                documents, output, pdfa=pdfa, timeout=timeout, progress=progress
            )
    except GidocError as exc:
        _fail(exc)
    for path in written:
        click.echo(str(path))


@contextlib.contextmanager
def _progress(total: int) -> Iterator[pdf.Progress | None]:
    """A progress bar for PDF conversion on a terminal; nothing when stderr is not one."""
    if total < 2 or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="转换 PDF", file=sys.stderr) as bar:

        def update(done: int) -> None:
            bar.update(done - bar.pos)

        yield update


@contextlib.contextmanager
def _reading_progress() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar for reading many reports on a terminal, started once their number is known."""
    if not sys.stderr.isatty():
        yield None
        return
    with contextlib.ExitStack() as stack:
        bars: list[Any] = []

        def update(done: int, total: int) -> None:
            if not bars:
                bar = click.progressbar(length=total, label="读取报告", file=sys.stderr)
                bars.append(stack.enter_context(bar))
            bars[0].update(done - bars[0].pos)

        yield update


_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出格式；json 供其他程序读取。",
)


class _Report(Protocol):
    """What a library result offers the CLI: its exit code, its JSON form and its text."""

    @property
    def exit_code(self) -> int: ...

    def as_json(self) -> dict[str, Any]: ...

    def lines(self) -> Iterable[str]: ...


def _print_report(report: _Report, fmt: str) -> None:
    """Print a library result (text or JSON) and end with its exit code when that is not 0."""
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
    if report.exit_code:
        raise SystemExit(report.exit_code)


@cli.command()
@_format_option
def doctor(fmt: str) -> None:
    """检查生成 PDF 所需的 LibreOffice 和字体，并说明如何补齐。

    列出 LibreOffice 版本，以及模板中每个官方字体名实际使用的开源字体。
    缺少任何一项时退出码为 3。
    """
    from gidoc.output.doctor import diagnose

    _print_report(diagnose(), fmt)


@cli.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))
@_format_option
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    help="上年的报告数据（任何格式），核对上年结转和现行有效件数是否与上年衔接（只警告）。",
)
def check(data: tuple[Path, ...], fmt: str, previous: Path | None) -> None:
    """校验数据文件，列出错误和警告。

    全部文件都没有错误时退出码为 0（警告不影响），否则为 1。

    \b
    示例：
      gidoc check data.json
      gidoc check 各单位/*.json --format json
      gidoc check 2025.yaml --previous 2024.yaml
    """
    try:
        report = check_report(data, previous=previous)
    except GidocError as exc:
        _fail(exc)
    _print_report(report, fmt)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--previous",
    multiple=True,
    type=click.Path(path_type=Path),
    help="上年度的报告（文件或文件夹，可重复）：按单位名称对应，核对上年结转、现行有效件数、"
    "大幅变化和沿用上年文字。",
)
@click.option(
    "--roster",
    type=click.Path(path_type=Path),
    help="报送单位名单（.csv 或 .xlsx，每行一个单位名称）：列出未报送和不在名单中的单位。",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="写出审核结果：.xlsx（汇总表和问题清单，可筛选）或 .html（网页）。",
)
@_format_option
def review(
    paths: tuple[Path, ...],
    previous: tuple[Path, ...],
    roster: Path | None,
    output: Path | None,
    fmt: str,
) -> None:
    """审核多个单位的年报：逐份校验，与上年对比，查找雷同文字，对照报送名单。

    PATHS 为报告文件（JSON、YAML、Excel 填报表、Word、网页）或文件夹（含子文件夹）。
    没有任何报告有错误时退出码为 0（警告、未报送不影响），否则为 1。

    \b
    示例：
      gidoc review 各单位/ --previous 2024年/ --roster 名单.xlsx -o 审核结果.xlsx
      gidoc review 各单位/*.docx --format json
    """
    from gidoc.review import review_files

    try:
        with _reading_progress() as progress:
            result = review_files(
                paths, previous=previous, roster=roster, output=output, progress=progress
            )
    except GidocError as exc:
        _fail(exc)
    if output is not None and fmt == "text":
        click.echo(result.summary_line())
        click.echo(str(output))
        if result.exit_code:
            raise SystemExit(result.exit_code)
        return
    _print_report(result, fmt)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--agency", required=True, help="汇总报告的机关名称，如 某某区人民政府。")
@click.option("--year", type=int, help="报告年度；默认为各报告共同的年度。")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="输出的数据文件：.json、.yaml（保留被汇总单位清单）或 .xlsx（Excel 填报表）。",
)
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
def aggregate(
    paths: tuple[Path, ...], agency: str, year: int | None, output: Path, force: bool
) -> None:
    """把各单位的报告汇总为本级（本行政区域）的报告数据。

    表二、表三、表四逐格相加（收费金额精确相加），文字部分留空待填写，被汇总的
    单位、文件和 SHA-256 记在 aggregated_from 中。报告年度不同、数据有错误、同一
    单位出现两次时拒绝汇总，列出每个文件和原因，不写任何文件。

    \b
    示例：
      gidoc aggregate 各单位/ --agency 某某区人民政府 -o 汇总2025.yaml
      gidoc render 汇总2025.yaml
    """
    from gidoc.review import aggregate_files

    try:
        with _reading_progress() as progress:
            written = aggregate_files(
                paths, agency, output, year=year, force=force, progress=progress
            )
    except GidocError as exc:
        _fail(exc)
    click.echo(str(written))


@cli.command()
@click.option("--agency", help="报告机关名称（有 --from 时默认沿用上年）。")
@click.option("--year", type=int, help="报告年度（有 --from 时默认为上年加一）。")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="输出文件：.yaml（每项带中文说明）、.json 或 .xlsx（Excel 填报表）；默认 <机关><年度>.yaml。",
)
@click.option(
    "--from",
    "previous",
    type=click.Path(path_type=Path),
    help="上年的报告数据（JSON/YAML/Excel/.docx 报告）：沿用机关名称，上年结转取上年的结转下年度，"
    "现行有效件数取上年数。",
)
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
def init(
    agency: str | None,
    year: int | None,
    output: Path | None,
    previous: Path | None,
    force: bool,
) -> None:
    """新建一份完整的报告数据，每一项都已列出，填数即可。

    \b
    示例：
      gidoc init --agency 某某局 --year 2025
      gidoc init --agency 某某局 --year 2025 -o 填报表.xlsx
      gidoc init --from 2024年报告.docx -o 2025.yaml
    """
    try:
        written = init_file(output, agency=agency, year=year, previous=previous, force=force)
    except GidocError as exc:
        _fail(exc)
    click.echo(str(written))


@cli.command()
def schema() -> None:
    """输出数据格式的 JSON Schema（带中文说明），供编辑器补全和检查。"""
    from gidoc.format.schema import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("report", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="写到文件（.json、.yaml 或 .xlsx）；不指定时输出 JSON。",
)
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
def extract(report: Path, output: Path | None, force: bool) -> None:
    """从官方格式的年报（.docx、.pdf、网页 .html、.doc/.wps）中取出数据：gidoc 生成的、手工填写的或已公开的。

    表格按行列文字识别，各部分文字按标题识别。单元格写“—”“/”“无”或留空的按 0 处理并提示；
    表中印出的总计原样保留，与各项之和不符时 gidoc check 报错。

    \b
    示例：
      gidoc extract 2024年报告.docx -o 2024.json
      gidoc extract 某局年报.pdf -o data.json
      gidoc check 2024年报告.pdf           （也可直接校验报告）
    """
    from gidoc.checking.validate import check as check_data
    from gidoc.sources.skeleton import to_json

    try:
        loaded = extract_file(report, output, force=force)
    except GidocError as exc:
        _fail(exc)
    for problem in loaded.warnings:
        click.echo(f"  {problem}", err=True)
    errors = check_data(loaded.data, str(report), loaded.locations).errors
    if errors:
        click.echo(
            f"{report}：提取出的数据有 {len(errors)} 处不符合格式或勾稽关系；"
            f"用 gidoc check {report} 查看",
            err=True,
        )
    if output is None:
        click.echo(to_json(loaded.data), nl=False)
    else:
        click.echo(str(output))


@cli.group()
def template() -> None:
    """导出、检查 Word 模板，列出模板可用的变量。

    \b
    流程：gidoc template export → 在 Word/WPS 中修改 → gidoc template check →
    gidoc render data.json --template 模板.docx（或在 gidoc.toml 中写 template = "模板.docx"）
    """


@template.command("export")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
@click.option("--html", "page", is_flag=True, help="导出网页模板（默认 ./gidoc-template.html）。")
def template_export(path: Path | None, force: bool, page: bool) -> None:
    """导出内置模板供修改（默认写到 ./gidoc-template.docx）。"""
    from gidoc.resources import export_default_template

    try:
        written = export_default_template(path, force=force, html=page)
    except GidocError as exc:
        _fail(exc)
    click.echo(str(written))


@template.command("vars")
def template_vars() -> None:
    """列出模板可用的全部变量、中文含义和示例值。"""
    from gidoc.template.variables import variables_text

    click.echo(variables_text(), nl=False)


@template.command("check")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    help="用这份数据试填（JSON/YAML）；默认用内置示例数据（每格数字都不同）。",
)
@_format_option
def template_check(path: Path, data: Path | None, fmt: str) -> None:
    """检查修改过的模板：语法、变量、官方表格结构，并试填核对每个数字。

    每个问题都写明位置（正文第几段、第几个表格第几行第几列、页眉页脚）。
    没有错误时退出码为 0（警告不影响），否则为 1。
    """
    from gidoc.sources.load import load
    from gidoc.template.check import check_template
    from gidoc.template.html_check import check_html_template

    checker = check_html_template if path.suffix.lower() in (".html", ".htm") else check_template
    try:
        report = checker(path, load(data) if data is not None else None)
    except GidocError as exc:
        _fail(exc)
    _print_report(report, fmt)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``gidoc`` console script.

    SIGTERM, SIGHUP and Ctrl-C end the run like an error would: LibreOffice is
    killed, temporary files and folders are removed, and the exit code is
    128 + the signal number.
    """
    from gidoc.output.signals import Terminated, terminating_signals

    try:
        with terminating_signals():
            cli.main(args=argv, prog_name="gidoc")
    except Terminated as exc:
        click.echo(f"gidoc：收到信号 {exc}，已中止；未完成的文件和临时文件已删除", err=True)
        raise SystemExit(exc.exit_code) from None
