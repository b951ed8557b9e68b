"""Template context → .docx bytes, through docxtpl with safe settings.

A :class:`ReportTemplate` reads a Word template once and compiles its Jinja
source once; each :meth:`ReportTemplate.render` then costs only filling in and
saving.  Rendering is sandboxed, autoescaped and strict about undefined
names: docxtpl's defaults would drop text silently.  After rendering, no
template tag may remain in the document.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import importlib.metadata
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any
from xml.parsers import expat

import jinja2
from lxml import etree

from gidoc.errors import TemplateError
from gidoc.ooxml.container import (
    PackageProblem,
    check_entries,
    ole_reason,
    parse_part,
    read_entries,
)
from gidoc.ooxml.external import ExternalReference, describe, external_references
from gidoc.ooxml.package import Package
from gidoc.output.sandbox import BoundedEnvironment, LimitExceeded, time_limit
from gidoc.resources import DEFAULT_TEMPLATE, default_template_bytes
from gidoc.sources.files import read_bytes

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
#: Characters in a value that docxtpl turns into breaks or tabs (resolve_listing is slow).
_LISTING = re.compile(r"<w:t[^>]*>[^<]*[\n\t\a\f]")
_W_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
#: The parts of a .docx whose text a reader sees and a template may fill.
_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")


#: Part of every cache key: bytecode made under other settings or by another docxtpl
#: (which prepares the XML) must never be reused.
#: docxtpl's escapes of literal tag marks in a template, and what each stands for.
_ESCAPES = {"{_{": "{{", "}_}": "}}", "{_%": "{%", "%_}": "%}"}
_ENV_KEY = f"sandboxed-autoescape-strict-bounded-4/docxtpl-{importlib.metadata.version('docxtpl')}"


class _Parts(jinja2.BaseLoader):
    """Serves a template's parts to Jinja, prepared by docxtpl only when not cached.

    Jinja's bytecode cache is keyed here on the part's raw XML, so a cached
    template needs neither docxtpl's preparation nor even importing docxtpl.
    """

    def __init__(self, prepare: Callable[[str, str], str]) -> None:
        self.raw: dict[str, str] = {}
        self._prepare = prepare
        #: Set once the template's own parts are compiled: from then on, any name asked for
        #: comes from {% include %}, {% import %} or {% extends %}, which gidoc does not support.
        self.sealed = False

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Any]:
        if self.sealed or template not in self.raw:
            raise jinja2.TemplateNotFound(template)
        return self._prepare(template, self.raw[template]), None, lambda: True

    def load(
        self,
        environment: jinja2.Environment,
        name: str,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        if self.sealed or name not in self.raw:
            raise jinja2.TemplateNotFound(name)
        cache = environment.bytecode_cache
        bucket = cache.get_bucket(environment, name, None, self.raw[name]) if cache else None
        code = bucket.code if bucket is not None else None
        if code is None:
            source, filename, _ = self.get_source(environment, name)
            code = environment.compile(source, name, filename)
            if cache is not None and bucket is not None:
                bucket.code = code
                # Only a cache: a full or read-only $TMPDIR must not stop the render.
                with contextlib.suppress(OSError):
                    cache.set_bucket(bucket)
        return environment.template_class.from_code(
            environment, code, environment.make_globals(globals), lambda: True
        )


_UNDEFINED = re.compile(r"^'([^']+)' is undefined$|has no attribute '([^']+)'$")


def _undefined_name(exc: jinja2.UndefinedError) -> str:
    """The name a template used that the data lacks, from Jinja's English message."""
    match = _UNDEFINED.search(exc.message or "")
    if match is None:
        return f"（{exc.message}）"
    return match.group(1) or match.group(2)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    # Compiling the document XML is most of a one-report run; Jinja's own cache
    # (a private per-user folder in the temp dir) keeps the result between runs.
    try:
        return jinja2.FileSystemBytecodeCache()
    except OSError:
        return None


def environment(
    loader: jinja2.BaseLoader | None = None, cache: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """The Jinja environment templates run in: sandboxed, autoescaped, strict about names.

    A template comes from outside (an office's Word file): it must not reach
    Python internals, must not break the XML with a value, must not turn
    a misspelt name into empty text, and must not exhaust the machine
    (:mod:`gidoc.output.sandbox`).
    """
    return BoundedEnvironment(
        loader=loader,
        bytecode_cache=cache,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        # No cache of loaded templates: a later {% include %} of a part's name must
        # reach the sealed loader and be refused, not find the compiled part.
        cache_size=0,
    )


class ReportTemplate:
    """A Word report template, read and compiled once, rendered any number of times.

    docxtpl prepares the template (its tag clean-up across Word's runs and its
    ``{%p %}``/``{%tr %}`` tags); the compiled Jinja templates are kept, and
    each render writes the filled parts into a copy of the template's zip.
    That skips re-parsing and re-saving the whole package with python-docx,
    which costs more than the filling itself.
    """

    def __init__(self, path: str | Path | None = None, *, allow_external: bool = False) -> None:
        """Load ``path``, or the default template shipped with gidoc when None.

        Raises :class:`TemplateError` if the file is missing, is not a Word
        document, or holds what no Word file does (encrypted or unreadable
        entries, names outside the package, a DTD, XML that is not UTF-8).  A
        template that links external resources (an image by URL, an
        INCLUDEPICTURE field…) is refused too, as LibreOffice would fetch them
        into every PDF; ``allow_external`` only records them in
        :attr:`external`, for ``template check`` to report each place.
        """
        if path is None:
            self.name = DEFAULT_TEMPLATE
            source = default_template_bytes()
        else:
            self.name = str(path)
            source = _read_template(Path(path))
        self._parts = _Parts(self._prepare)
        self._env = environment(self._parts, _bytecode_cache())
        self._key = hashlib.sha256(source).hexdigest()[:16]
        self._source = source
        self._docxtpl_instance: Any = None
        try:
            with zipfile.ZipFile(io.BytesIO(source)) as archive:
                self._entries = list(read_entries(archive))
                _check_parts(self._entries)
                self.external: list[ExternalReference] = external_references(archive)
        except PackageProblem as exc:
            raise TemplateError(f"模板 {self.name}：{exc}") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError):
            raise TemplateError(f"模板 {self.name}：文件已损坏，无法解压") from None
        if self.external and not allow_external:
            raise TemplateError(
                f"模板 {self.name} 引用了外部资源，生成 PDF 时会访问网络或读取本机文件，已拒绝："
                f"{describe(self.external)}；请在 Word 中删除这些链接和域，图片请用“插入图片”嵌入"
            )
        self._compiled: dict[str, jinja2.Template] | None = None
        self._package: Package | None = None
        self._column_loops: set[str] = set()

    @property
    def _docxtpl(self) -> Any:
        """docxtpl's template object, whose methods prepare XML (imported only when needed)."""
        if self._docxtpl_instance is None:
            from docxtpl import DocxTemplate

            self._docxtpl_instance = DocxTemplate(io.BytesIO(self._source))
        return self._docxtpl_instance

    def _prepare(self, name: str, raw: str) -> str:
        """docxtpl's clean-up of a part's XML (tags split across runs, {%p %} tags)."""
        xml = self._docxtpl.patch_xml(raw)
        # docxtpl escapes a literal {{ in the template as {_{ and undoes it after
        # rendering, which would also change a report's own text "%_}".  Printing the
        # literal through Jinja leaves the data alone.
        for escaped, literal in _ESCAPES.items():
            xml = xml.replace(escaped, f"{{{{ '{literal}' }}}}")
        # One paragraph a line, so that Jinja's line numbers point near the fault.  The
        # break sits in a Jinja comment: it counts as a line and renders as nothing, so
        # the filled part needs no second pass to take it out again.
        return re.sub(r"<w:p([ >])", "{#\n#}<w:p\\1", xml)

    @property
    def source_bytes(self) -> bytes:
        """The template file as read."""
        return self._source

    def _compile(self) -> dict[str, jinja2.Template]:
        compiled = {}
        try:
            for info, data in self._entries:
                if not _TEXT_PARTS.fullmatch(info.filename):
                    continue
                xml = data.decode("utf-8")
                _check_tags_closed(self.name, info.filename, xml)
                if re.search(r"\{%\s*tc\s", xml):
                    self._column_loops.add(info.filename)
                name = f"{_ENV_KEY}/{self._key}/{info.filename}"
                self._parts.raw[name] = xml
                compiled[info.filename] = self._env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"模板 {self.name} 有语法错误：{exc.message}") from None
        self._parts.sealed = True
        return compiled

    def render(self, context: Mapping[str, Any], *, timeout: float | None = None) -> bytes:
        """Fill the template with ``context`` and return the .docx bytes.

        Raises :class:`TemplateError` when the template uses a name the context
        lacks, has a syntax error, reaches for what the sandbox forbids, meets
        one of its limits (huge numbers, texts, loops, recursion), fails in its
        own arithmetic, runs longer than ``timeout`` seconds (default
        :func:`gidoc.output.sandbox.render_timeout`), yields malformed XML, or
        leaves a template tag in the document.  The message names the place
        in the template where it can.
        """
        if self._compiled is None:
            self._compiled = self._compile()
            # Document properties are not template text: gidoc.ooxml writes them for each report.
            self._package = Package(self._entries, self._compiled)
        rendered: dict[str, bytes] = {}
        part = ""
        try:
            with time_limit(timeout):
                for part, template in self._compiled.items():
                    rendered[part] = self._finish(part, template.render(context))
        except LimitExceeded as exc:
            raise TemplateError(
                f"模板 {self.name}{self._place(part, exc)}：{exc.message}"
            ) from None
        except jinja2.TemplateNotFound:
            raise TemplateError(
                f"模板 {self.name}{self._place(part, None)}：gidoc 模板不能引用其他模板"
                "（{% include %}、{% import %}、{% extends %}），请把内容直接写在模板中"
            ) from None
        except RecursionError as exc:
            raise TemplateError(
                f"模板 {self.name}{self._place(part, exc)}：嵌套或递归过深（宏是否在调用自身？），已停止"
            ) from None
        except MemoryError as exc:
            raise TemplateError(
                f"模板 {self.name}{self._place(part, exc)}：填写时内存不足（模板构造了过大的文字或列表）"
            ) from None
        except ZeroDivisionError as exc:
            raise TemplateError(f"模板 {self.name}{self._place(part, exc)}：除数为零") from None
        except (ArithmeticError, ValueError, TypeError, LookupError, AttributeError) as exc:
            # A template's own expression failed (int('x'), '%d' % 'a', 10.0 ** 999 …).
            raise TemplateError(
                f"模板 {self.name}{self._place(part, exc)}：填写时出错"
                f"（{type(exc).__name__}：{_first_line(exc)}）"
            ) from None
        except jinja2.UndefinedError as exc:
            name = _undefined_name(exc)
            raise TemplateError(
                f"模板 {self.name}{self._place(part, exc)}：使用了数据中没有的变量 {name}"
                "（gidoc template vars 列出全部变量）"
            ) from None
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateError(
                f"模板 {self.name} 试图访问程序内部的属性，已拒绝（{exc}）；"
                "用 gidoc template check 查看它在模板中的位置"
            ) from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"模板 {self.name} 无法填写：{exc}") from None
        assert self._package is not None
        docx = self._package.write(rendered, context)
        # A tag needs a "{" in the text, and text keeps it verbatim unless written as a
        # character reference: parts with neither need no search.
        leftover = _leftovers(
            (
                _part_text(xml.decode("utf-8"))
                for xml in rendered.values()
                if b"{" in xml or b"&#" in xml
            ),
            context,
        )
        if leftover:
            raise TemplateError(f"模板 {self.name} 填写后仍残留模板标记：{'、'.join(leftover[:5])}")
        return docx

    def _place(self, part: str, exc: BaseException | None) -> str:
        """Where in the template an error arose: ``（正文「{{ n ** 5000 }}」附近）``, or ``""``.

        The prepared XML holds one paragraph a line (see :meth:`_prepare`), and
        Jinja's rewritten traceback gives the template line; its text is the
        place a person can find with Word's search.
        """
        where = "正文" if part == "word/document.xml" else part
        line = None
        tb = exc.__traceback__ if exc is not None else None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == "<template>":
                line = tb.tb_lineno
            tb = tb.tb_next
        text = ""
        name = f"{_ENV_KEY}/{self._key}/{part}"
        if line is not None and name in self._parts.raw:
            try:
                lines = self._prepare(part, self._parts.raw[name]).split("\n")
                text = html.unescape("".join(_W_TEXT.findall(lines[line - 1])))
            except (IndexError, ValueError):
                text = ""
        if not part:
            return ""
        if text.strip():
            shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:40] + "…"
            return f"（{where}「{shown}」附近）"
        return f"（{where}）"

    def _finish(self, name: str, xml: str) -> bytes:
        """Resolve line breaks in texts and insist on well-formed XML."""
        if _LISTING.search(xml):
            xml = self._docxtpl.resolve_listing(xml)
        data = xml.encode("utf-8")
        if name not in self._column_loops:
            # Only well-formedness is in question: expat (with namespaces, so that an
            # unbound prefix fails too) checks it without building a tree, in half
            # lxml's time.  The template itself was read with DTDs refused.
            try:
                expat.ParserCreate("utf-8", " ").Parse(data, True)
            except expat.ExpatError as exc:
                # docxtpl would "recover" here by dropping text; refuse instead.
                raise TemplateError(
                    f"模板 {self.name} 填写后 {name} 不是合法的 XML：{expat.ErrorString(exc.code)}"
                    f"（第 {exc.lineno} 行第 {exc.offset + 1} 列）"
                ) from None
            return data
        try:
            tree = etree.fromstring(data)
        except etree.XMLSyntaxError as exc:
            raise TemplateError(f"模板 {self.name} 填写后 {name} 不是合法的 XML：{exc}") from None
        # {%tc %} loops change a row's cell count; docxtpl evens out the grid.
        tree = self._docxtpl.fix_tables(etree.tostring(tree, encoding="unicode"))
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else ""


def _check_parts(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
    """Every XML part plain, well-formed UTF-8 XML without a DTD, or :class:`PackageProblem`.

    Checked once on loading, so that neither rendering nor ``template check``
    meets a DTD (XXE, billion laughs), damaged XML or a UTF-16 part halfway.
    """
    for info, data in entries:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        if _TEXT_PARTS.fullmatch(info.filename) or info.filename == "docProps/core.xml":
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                raise PackageProblem(
                    f"{info.filename} 不是 UTF-8 编码（可能被另存为 UTF-16）；"
                    "请在 Word 中打开模板并另存为 .docx"
                ) from None
        parse_part(info.filename, data)


def _check_tags_closed(template: str, part: str, xml: str) -> None:
    """Refuse a paragraph whose ``{{``/``{%`` is not closed in that same paragraph.

    docxtpl would join it with the next closing mark, paragraphs away, and the
    text between would vanish from the report without a word.
    """
    problems = []
    for number, match in enumerate(_PARAGRAPH.finditer(xml), start=1):
        text = html.unescape("".join(_W_TEXT.findall(match.group(0))))
        for opening, closing in (("{{", "}}"), ("{%", "%}")):
            if text.count(opening) != text.count(closing):
                problems.append(f"第 {number} 段「{text[:30]}」中的 {opening} 与 {closing} 不成对")
    if problems:
        where = "正文" if part == "word/document.xml" else part
        raise TemplateError(f"模板 {template}（{where}）：" + "；".join(problems))


def _read_template(path: Path) -> bytes:
    data = read_bytes(path, "Word 文档", label=f"模板 {path}", error=TemplateError)
    reason = ole_reason(data)
    if reason is not None:
        raise TemplateError(f"模板 {path}：{reason}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise TemplateError(f"模板 {path}：不是 Word 文档（.docx）")
            _check_sizes(path, archive)
            check_entries(archive)
    except PackageProblem as exc:
        raise TemplateError(f"模板 {path}：{exc}") from None
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        raise TemplateError(
            f"模板 {path}：不是 Word 文档（.docx）；旧版 .doc 文件请先在 Word 中另存为 .docx"
        ) from None
    return data


#: Limits on what a template may unpack to: a report template is well under 10 MB.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 5000


def _check_sizes(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb before anything is unpacked."""
    entries = archive.infolist()
    total = sum(info.file_size for info in entries)
    if len(entries) > MAX_ENTRIES or total > MAX_UNPACKED_BYTES:
        raise TemplateError(
            f"模板 {path}：解压后有 {len(entries)} 个文件、{total // (1024 * 1024)} MB，"
            "远超 Word 文档的正常大小，可能已损坏或不是正常的模板"
        )


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def document_texts(docx: bytes) -> Iterator[str]:
    """The text of each paragraph-level part of a .docx (body, headers, footers, notes)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in archive.namelist():
            if _TEXT_PARTS.fullmatch(name):
                yield _part_text(archive.read(name).decode("utf-8"))


def _part_text(xml: str) -> str:
    return html.unescape("".join(_W_TEXT.findall(xml)))


def leftover_tags(docx: bytes, context: Mapping[str, Any]) -> list[str]:
    """Template tags left in a rendered document, not counting text the data itself holds."""
    return _leftovers(document_texts(docx), context)


def _leftovers(texts: Iterable[str], context: Mapping[str, Any]) -> list[str]:
    values: list[str] | None = None  # gathered only when a tag-like text turns up
    found: list[str] = []
    for text in texts:
        for match in _TAG.finditer(text):
            tag = match.group(0)
            if values is None:
                values = list(_strings(context))
            if not any(tag in value for value in values):
                found.append(tag)
    return found
