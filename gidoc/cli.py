"""The ``gidoc`` command line: a thin layer over :mod:`gidoc.pipeline`.

It parses options, prints results, and turns :class:`~gidoc.errors.GidocError`
into a message on stderr and an exit code; it holds no logic of its own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import click

from gidoc import __version__
from gidoc.errors import CROSS_CHECKS_PENDING, GidocError
from gidoc.pipeline import check_files, render_files
from gidoc.validate import Checked

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class _Failure(click.ClickException):
    """A GidocError on its way out: its own text, its own exit code, no 'Error:' prefix."""

    def __init__(self, error: GidocError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.message, err=True)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", "-V", prog_name="gidoc")
def cli() -> None:
    """gidoc：按国办公开办函〔2021〕30号格式生成政府信息公开工作年度报告。

    \b
    示例：
      gidoc check data.json        校验数据
      gidoc render data.json       生成 data.docx
    """


@cli.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="输出文件（一个数据文件时，以 .docx 结尾）或文件夹；默认写在数据文件旁边。",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path),
    help="使用自己的 Word 模板（.docx）代替内置模板。",
)
def render(data: tuple[Path, ...], output: Path | None, template: Path | None) -> None:
    """校验数据并生成 Word 报告（.docx）。

    数据有误时列出全部问题，不生成任何文件，退出码为 1。

    \b
    示例：
      gidoc render data.json
      gidoc render data.yaml -o 报告.docx
      gidoc render 各单位/*.json -o 报告/
    """
    try:
        written = render_files(data, output, template=template)
    except GidocError as exc:
        raise _Failure(exc) from None
    for item in written:
        if item.warnings:
            click.echo(f"{item.source}：{len(item.warnings)} 个警告（不影响生成）", err=True)
            for problem in item.warnings:
                click.echo(f"  {problem}", err=True)
        click.echo(str(item.output))


@cli.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出格式；json 供其他程序读取。",
)
def check(data: tuple[Path, ...], fmt: str) -> None:
    """校验数据文件，列出错误和警告。

    全部文件都没有错误时退出码为 0（警告不影响），否则为 1。

    \b
    示例：
      gidoc check data.json
      gidoc check 各单位/*.json --format json
    """
    results = check_files(data)
    if fmt == "json":
        click.echo(json.dumps(_as_json(results), ensure_ascii=False, indent=2))
    else:
        for result in results:
            _print_checked(result)
    if not all(result.ok for result in results):
        raise SystemExit(1)


def _print_checked(result: Checked) -> None:
    errors, warnings = result.errors, result.warnings
    if result.ok and not warnings:
        click.echo(f"{result.source}：通过")
        return
    if result.ok:
        click.echo(f"{result.source}：通过，{len(warnings)} 个警告")
    else:
        click.echo(f"{result.source}：{len(errors)} 个错误，{len(warnings)} 个警告")
    for problem in result.problems:
        if problem.path:
            click.echo(f"  {problem}")
        else:
            click.echo(f"  {problem.message}")
    if result.report is None and any(p.path for p in errors):
        click.echo(f"  （{CROSS_CHECKS_PENDING}）")


def _as_json(results: Sequence[Checked]) -> dict[str, Any]:
    return {
        "ok": all(result.ok for result in results),
        "files": [
            {
                "file": result.source,
                "ok": result.ok,
                "errors": [p.as_dict() for p in result.errors],
                "warnings": [p.as_dict() for p in result.warnings],
            }
            for result in results
        ],
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``gidoc`` console script."""
    cli.main(args=argv, prog_name="gidoc")
