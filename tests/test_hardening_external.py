"""Hardening: no document or template makes gidoc fetch a URL or read a local file (issue 10, 2).

A local HTTP server on 127.0.0.1 stands for the outside world: after each
refused render or conversion it must have received no request.  A secret
local file stands for a clerk's disk: its text must appear in no PDF.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import hostile
from gidoc.cli import cli
from gidoc.output import pdf
from gidoc.resources import default_template_bytes

needs_soffice = pytest.mark.skipif(pdf.find_soffice() is None, reason="LibreOffice not installed")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    do_HEAD = do_GET  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A local web server: its base URL and the paths it was asked for."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("SECRET-7f3a9c 内部资料", encoding="utf-8")
    return path


def one_line(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _hostile_templates(url: str, secret: Path) -> dict[str, bytes]:
    base = default_template_bytes()
    return {
        "image-http": hostile.linked_image(base, f"{url}/logo.png"),
        "image-file": hostile.linked_image(base, secret.as_uri()),
        "includepicture": hostile.field(base, f'INCLUDEPICTURE "{url}/p.png" \\* MERGEFORMATINET'),
        "includetext": hostile.field(base, f'INCLUDETEXT "{secret}"', simple=True),
        "link": hostile.field(base, f'LINK Word.Document.12 "{secret}" ""'),
        "dde": hostile.field(base, 'DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"'),
        "attached-template": hostile.attached_template(base, f"{url}/normal.dotm"),
    }


KINDS = [
    "image-http",
    "image-file",
    "includepicture",
    "includetext",
    "link",
    "dde",
    "attached-template",
]


@pytest.mark.parametrize("kind", KINDS)
def test_render_refuses_a_template_with_external_resources(
    kind: str,
    server: tuple[str, list[str]],
    secret: Path,
    sample_json: Path,
    tmp_path: Path,
) -> None:
    url, requests = server
    template = tmp_path / f"{kind}.docx"
    template.write_bytes(_hostile_templates(url, secret)[kind])
    out = tmp_path / "out"
    line = one_line(run("render", sample_json, "--template", template, "--pdf", "-o", f"{out}/"))
    assert f"模板 {template}" in line
    assert "外部资源" in line
    assert "正文第" in line or "文档设置" in line  # the place is named
    assert not out.exists()
    assert requests == []


@pytest.mark.parametrize("kind", KINDS)
def test_template_check_names_the_paragraph_of_each_external_resource(
    kind: str, server: tuple[str, list[str]], secret: Path, tmp_path: Path
) -> None:
    url, requests = server
    template = tmp_path / f"{kind}.docx"
    template.write_bytes(_hostile_templates(url, secret)[kind])
    result = run("template", "check", str(template))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    place = "文档设置" if kind == "attached-template" else "正文第 37 段"
    assert any(place in line and "错误" in line for line in result.stdout.splitlines()), (
        result.stdout
    )
    assert requests == []


@pytest.mark.parametrize("kind", KINDS)
def test_convert_refuses_a_document_with_external_resources(
    kind: str, server: tuple[str, list[str]], secret: Path, tmp_path: Path
) -> None:
    url, requests = server
    document = tmp_path / f"{kind}.docx"
    document.write_bytes(_hostile_templates(url, secret)[kind])
    line = one_line(run("convert", document))
    assert str(document) in line
    assert "外部资源" in line
    assert not document.with_suffix(".pdf").exists()
    assert requests == []


def test_plain_hyperlinks_stay(sample_json: Path, tmp_path: Path) -> None:
    template = tmp_path / "link.docx"
    template.write_bytes(hostile.hyperlink(default_template_bytes(), "http://www.gov.cn/"))
    result = run("render", sample_json, "--template", template, "-o", tmp_path / "r.docx")
    assert result.exit_code == 0, result.output
    checked = run("template", "check", str(template))
    assert "外部" not in checked.stdout


@needs_soffice
def test_a_local_file_is_not_embedded_in_the_pdf(secret: Path, tmp_path: Path) -> None:
    """Even with gidoc's own check bypassed, the conversion reads no linked file into the PDF."""
    document = tmp_path / "leak.docx"
    document.write_bytes(hostile.field(default_template_bytes(), f'INCLUDETEXT "{secret}"'))
    assert one_line(run("convert", document))
    assert not document.with_suffix(".pdf").exists()
    # The text in the file itself never reaches a PDF gidoc makes of a clean document.
    clean = tmp_path / "clean.docx"
    clean.write_bytes(default_template_bytes())
    assert run("convert", clean).exit_code == 0
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(clean.with_suffix(".pdf")), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "SECRET-7f3a9c" not in text


@needs_soffice
def test_libreoffice_runs_without_network_when_the_system_allows(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    """The second wall: LibreOffice itself cannot reach the server, even for a link gidoc missed."""
    wall = pdf.network_wall()
    if not wall:
        pytest.skip("no network namespace on this system")
    url, requests = server
    # A probe through the same wall: curl/python in the namespace cannot reach the server.
    probe = subprocess.run(
        [
            *wall,
            "python3",
            "-c",
            f"import urllib.request; urllib.request.urlopen('{url}/x', timeout=3)",
        ],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert probe.returncode != 0
    assert requests == []
    # And LibreOffice still converts inside it.
    clean = tmp_path / "clean.docx"
    clean.write_bytes(default_template_bytes())
    assert run("convert", clean).exit_code == 0
    assert clean.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")
