"""Hardening: hostile templates end in one clear line, never a hang or a traceback (issue 10, 3/6).

Each hostile template runs through ``gidoc render`` and ``gidoc template check``
in a child process with an address-space limit (``resource.setrlimit``) and
a wall-clock timeout, as a web service would run them: the child must answer
in time, within the memory, with exit 1 and a Chinese line naming the template.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hostile
from gidoc.errors import TemplateError
from gidoc.output.context import build_context
from gidoc.output.docx import ReportTemplate
from gidoc.output.sandbox import MAX_SIZE, RenderTimeout, time_limit
from gidoc.resources import default_template_bytes
from gidoc.template.check import check_template
from gidoc.template.variables import example_data

#: Address space for the child: gidoc needs ~200 MB; 'a' * 10**10 would need 10 GB.
MEMORY_LIMIT = 1024 * 1024 * 1024
#: The render time limit the children run with, and the wall clock they must beat.
RENDER_LIMIT = 2
WALL_CLOCK = 60

HOSTILE = {
    "power-tower": "{% set n = 10 %}{{ n ** (n ** 8) }}",
    "nested-ranges": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "ten-gigabytes": "{{ 'a' * 10**10 }}",
    "recursive-macro": "{% macro f(x) %}{{ f(x) }}{% endmacro %}{{ f(1) }}",
    "huge-range": "{{ range(10**9)|list|length }}",
    "division-by-zero": "{{ 1/0 }}",
    "five-thousand-digits": "{% set n = 10 %}{{ n ** 5000 }}",
    "lipsum": "{{ lipsum(10**6) }}",
    "include": "{% include 'other.xml' %}",
    "import": "{% import 'macros.xml' as m %}",
    "extends": "{% extends 'base.xml' %}",
    "wide-center": "{{ 'a'|center(10**9) }}",
    "wide-format": "{{ '%999999999d' % 1 }}",
    "doubling-namespace": (
        "{% set ns = namespace(s='ab') %}{% for i in range(60) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
    ),
    "loops-over-a-long-text": (
        "{% set s = 'a' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}"
    ),
}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _gidoc(*args: str | Path, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    env = dict(os.environ, GIDOC_RENDER_TIMEOUT=str(RENDER_LIMIT))
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "gidoc", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=WALL_CLOCK,
        preexec_fn=_limit_memory,  # noqa: PLW1509 - the child sets its own limit, nothing else
        check=False,
    )
    return result, time.monotonic() - start


@pytest.fixture
def templates(tmp_path: Path) -> dict[str, Path]:
    base = default_template_bytes()
    made = {}
    for name, tag in HOSTILE.items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(hostile.body_paragraph(base, tag))
        made[name] = path
    return made


@pytest.mark.parametrize("name", list(HOSTILE))
def test_render_with_a_hostile_template_stops_cleanly(
    name: str, templates: dict[str, Path], sample_json: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.docx"
    result, seconds = _gidoc(
        "render", sample_json, "--template", templates[name], "-o", out, cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"模板 {templates[name]}" in lines[0]
    assert seconds < RENDER_LIMIT + 20
    assert not out.exists()
    assert not list(tmp_path.glob(".out.docx.*"))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_template_check_with_a_hostile_template_stops_cleanly(
    name: str, templates: dict[str, Path], tmp_path: Path
) -> None:
    result, seconds = _gidoc("template", "check", templates[name], cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "错误" in result.stdout
    assert seconds < RENDER_LIMIT + 20


def test_the_place_of_a_runtime_error_is_named(templates: dict[str, Path]) -> None:
    context = build_context(example_data_report())
    with pytest.raises(TemplateError) as caught:
        ReportTemplate(templates["division-by-zero"]).render(context)
    message = str(caught.value)
    assert "除数为零" in message
    assert "正文「{{ 1/0 }}」附近" in message


def test_a_timeout_names_the_template_and_the_setting(
    templates: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIDOC_RENDER_TIMEOUT", "0.5")
    context = build_context(example_data_report())
    start = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        ReportTemplate(templates["nested-ranges"]).render(context)
    assert time.monotonic() - start < 10
    message = str(caught.value)
    assert "0.5 秒" in message
    assert "GIDOC_RENDER_TIMEOUT" in message
    assert str(templates["nested-ranges"]) in message


def test_a_timeout_also_holds_outside_the_main_thread(templates: dict[str, Path]) -> None:
    """A web service renders in worker threads, where no timer signal can reach."""
    import threading

    context = build_context(example_data_report())
    errors: list[BaseException] = []

    def work() -> None:
        try:
            ReportTemplate(templates["nested-ranges"]).render(context, timeout=0.5)
        except TemplateError as exc:
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(15)
    assert not thread.is_alive()
    assert errors
    assert "秒仍未完成" in str(errors[0])


def test_template_check_reports_the_trial_render_failure(templates: dict[str, Path]) -> None:
    problems = check_template(templates["ten-gigabytes"]).problems
    assert any(p.severity == "error" and "上限" in p.message for p in problems)


def test_template_check_knows_the_sandbox_globals(templates: dict[str, Path]) -> None:
    """range() is the sandbox's: its limit is reported, not an unknown variable ``range``."""
    messages = [p.message for p in check_template(templates["huge-range"]).errors]
    assert messages
    assert not [m for m in messages if "没有名为 range" in m]
    assert any("range() 最多 100,000 项" in m for m in messages)


def test_ordinary_templates_are_untouched_by_the_limits() -> None:
    # Far below every limit: a text of MAX_SIZE / 10 characters, a loop of 1,000.
    size = MAX_SIZE // 10
    tag = "{% for i in range(1000) %}{% endfor %}{{ ('x' * " + str(size) + ")|length }}"
    template = hostile.body_paragraph(default_template_bytes(), tag)
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"gidoc-ordinary-{os.getpid()}.docx"
    path.write_bytes(template)
    try:
        docx = ReportTemplate(path).render(build_context(example_data_report()))
    finally:
        path.unlink()
    assert str(MAX_SIZE // 10).encode() in _document_xml(docx)


def test_time_limit_restores_the_previous_timer() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)

    def spin() -> None:
        with time_limit(0.2):
            while True:
                pass

    with pytest.raises(RenderTimeout):
        spin()
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def example_data_report():  # noqa: ANN201 - a Report
    from gidoc.checking.validate import validate

    return validate(example_data())


def _document_xml(docx: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read("word/document.xml")
