"""Hardening: broken or hostile Word packages as templates and for convert (issue 10, 6/7/Also).

A template from another office or a document given to ``convert`` may be
zip-encrypted, use a compression zipfile cannot read, hold a UTF-16 part,
malformed XML, a DTD (XXE, billion laughs) or entries that climb out of the
package.  Each ends in one Chinese line naming the template, in ``render``
and ``template check`` alike, and nothing is written.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import hostile
from conftest import SAMPLES
from gidoc.cli import cli
from gidoc.output import pdf
from gidoc.resources import default_template_bytes


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def one_line(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = (result.stderr or result.stdout).strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def _utf16(docx: bytes) -> bytes:
    def recode(xml: bytes) -> bytes:
        text = xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
        return text.encode("utf-16")

    return hostile.rewrite(docx, {"word/document.xml": recode})


def _malformed(docx: bytes) -> bytes:
    return hostile.rewrite(docx, {"word/document.xml": lambda xml: xml[:-20]})


_XXE = b'<!DOCTYPE w:document [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
_LAUGHS = (
    b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">'.encode()
        for a, b in zip("abcdefgh", "bcdefghi", strict=False)
    )
    + b"]>"
)


def _with_dtd(dtd: bytes, entity: bytes) -> Callable[[bytes], bytes]:
    def change(docx: bytes) -> bytes:
        def insert(xml: bytes) -> bytes:
            head, body = xml.split(b"?>", 1)
            body = body.replace(
                b"<w:body>", b"<w:body><w:p><w:r><w:t>" + entity + b"</w:t></w:r></w:p>"
            )
            return head + b"?>" + dtd + body

        return hostile.rewrite(docx, {"word/document.xml": insert})

    return change


#: Each hostile package: how to make it from a valid .docx, and what the one line must say.
PACKAGES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "zip-encrypted": (hostile.zip_encrypted, "设置了解压密码（已加密）"),
    "password": (hostile.password_protected, "设置了打开密码（已加密）"),
    "deflate64": (lambda d: hostile.compressed_with(d, 9), "不支持的压缩方式（编号 9）"),
    "utf-16": (_utf16, "word/document.xml 不是 UTF-8 编码（可能被另存为 UTF-16）"),
    "malformed": (_malformed, "word/document.xml 不是合法的 XML"),
    "xxe": (_with_dtd(_XXE, b"&e;"), "word/document.xml 含有 DTD（<!DOCTYPE>）"),
    "billion-laughs": (_with_dtd(_LAUGHS, b"&i;"), "word/document.xml 含有 DTD（<!DOCTYPE>）"),
    "absolute-entry": (
        lambda d: hostile.rewrite(d, {"/etc/cron.d/x": b"x"}),
        "指向包外的文件名「/etc/cron.d/x」",
    ),
    "climbing-entry": (
        lambda d: hostile.rewrite(d, {"word/../../x.sh": b"x"}),
        "指向包外的文件名「word/../../x.sh」",
    ),
}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(SAMPLES / "muye-2025.json", tmp_path / "data.json")
    return tmp_path


@pytest.mark.parametrize("case", PACKAGES)
def test_a_hostile_template_is_one_line_in_render_and_check(folder: Path, case: str) -> None:
    make, said = PACKAGES[case]
    (folder / "t.docx").write_bytes(make(default_template_bytes()))
    for args in (("render", "data.json", "--template", "t.docx"), ("template", "check", "t.docx")):
        line = one_line(run(*args))
        assert line.startswith("模板 t.docx："), line
        assert said in line
    assert sorted(p.name for p in folder.iterdir()) == ["data.json", "t.docx"]


def test_render_names_an_undefined_variable_and_its_paragraph(folder: Path) -> None:
    (folder / "t.docx").write_bytes(
        hostile.body_paragraph(default_template_bytes(), "{{ lipsum(10**6) }}")
    )
    line = one_line(run("render", "data.json", "--template", "t.docx"))
    assert line == (
        "模板 t.docx（正文「{{ lipsum(10**6) }}」附近）：使用了数据中没有的变量 lipsum"
        "（gidoc template vars 列出全部变量）"
    )


# -- item 7: convert checks the package as check does -----------------------------------
def _text(docx: bytes) -> bytes:
    return "这不是 Word 文档，只是改了扩展名。\n".encode()


def _no_body(docx: bytes) -> bytes:
    return hostile.rewrite(docx, {"word/document.xml": None})


NOT_WORD: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "text": (_text, "不是 .docx 格式的 Word 文档（文件已损坏，或只是改了扩展名）"),
    "no-body": (_no_body, "不是 Word 文档（缺少正文部分 word/document.xml）"),
    "zip-encrypted": (hostile.zip_encrypted, "设置了解压密码（已加密）"),
    "password": (hostile.password_protected, "设置了打开密码（已加密）"),
}


@pytest.mark.parametrize("case", NOT_WORD)
def test_convert_refuses_what_is_not_a_word_document(
    folder: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("LibreOffice must not be started for this document")

    monkeypatch.setattr(pdf, "convert_share", never)
    monkeypatch.setattr(pdf, "PdfPool", never)
    make, said = NOT_WORD[case]
    (folder / "x.docx").write_bytes(make(default_template_bytes()))
    line = one_line(run("convert", "x.docx"))
    assert line.startswith("x.docx"), line
    assert said in line
    assert not (folder / "x.pdf").exists()


# -- the same packages in a child process under a memory and a time limit ----------------
@pytest.mark.parametrize("case", PACKAGES)
def test_a_hostile_package_stays_within_memory_and_time(folder: Path, case: str) -> None:
    """As a web service would run them: RLIMIT_AS in the child, a wall clock around it."""
    from test_hardening_sandbox import RENDER_LIMIT, _gidoc

    make, said = PACKAGES[case]
    (folder / "t.docx").write_bytes(make(default_template_bytes()))
    for args in (("render", "data.json", "--template", "t.docx"), ("template", "check", "t.docx")):
        result, seconds = _gidoc(*args, cwd=folder)
        assert result.returncode == 1, result.stdout + result.stderr
        output = (result.stderr or result.stdout).strip()
        assert "Traceback" not in output
        assert output == output.splitlines()[0]
        assert said in output
        assert seconds < RENDER_LIMIT + 20
    assert sorted(p.name for p in folder.iterdir()) == ["data.json", "t.docx"]
