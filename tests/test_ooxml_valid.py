"""Every file gidoc writes passes an OOXML validator, and carries its own metadata and fonts.

The validator is openxml-audit, a pure-Python port of the Open XML SDK's
schema and semantic validation (the rules Word itself applies).  LibreOffice
accepts nearly anything, so nothing else in the suite would notice a child
out of schema order, which Word may "repair" and Word for the web may refuse.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator, ValidationError, ValidationSeverity

from conftest import ROOT, SAMPLES
from gidoc import ReportTemplate, build_context, load, validate
from gidoc.cli import cli
from gidoc.format.labels import DOCUMENT_SUBJECT as _GIDOC_COMMENT
from gidoc.ooxml import fingerprint, order, properties
from gidoc.resources import default_template_bytes
from gidoc.template.check import check_template

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}
CUSTOM = SAMPLES / "templates" / "office-custom.docx"
MUYE = SAMPLES / "muye-2025.json"
MUYE_AGENCY = "牧野区工业和信息化局"
MUYE_TITLE = "牧野区工业和信息化局2025年政府信息公开工作年度报告"
DATA = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".json", ".yaml"))
VALIDATOR = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0)

#: ECMA-376 declares CT_Font (an Excel font: b, sz, color, name…) as an unbounded
#: xsd:choice, so its children may come in any order, as openpyxl writes them.  The
#: Open XML SDK, and so its port, models it as a sequence and flags openpyxl's order;
#: Excel opens such files without a word.  Only that case is set aside.
_EXCEL_FONT = re.compile(r"/styleSheet\[1\]/(fonts\[1\]|dxfs\[1\]/dxf\[\d+\])/font\[\d+\]$")
_FONT_CHILDREN = {
    "b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz",
    "color", "name", "family", "charset", "scheme",
}  # fmt: skip


def _sdk_font_order(error: ValidationError) -> bool:
    return (
        error.part_uri == "/xl/styles.xml"
        and _EXCEL_FONT.search(error.path or "") is not None
        and error.node in _FONT_CHILDREN
        and error.description.startswith("Unexpected element")
    )


def errors(path: Path) -> list[str]:
    """The validator's errors for ``path`` (warnings are advice, not errors)."""
    result = VALIDATOR.validate(str(path))
    return [
        f"{e.part_uri} {e.path}: {e.description}"
        for e in result.errors
        if e.severity == ValidationSeverity.ERROR and not _sdk_font_order(e)
    ]


def run(*args: object) -> None:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def part(docx: bytes | Path, name: str) -> etree._Element:
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def names(docx: bytes | Path) -> list[str]:
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


# -- every document gidoc writes validates ------------------------------------------------
def _sample(tmp: Path, source: Path) -> Path:
    run("render", source, "-o", tmp / f"{source.stem}.docx")
    return tmp / f"{source.stem}.docx"


def _exported(tmp: Path) -> Path:
    run("template", "export", tmp / "template.docx")
    return tmp / "template.docx"


def _custom(tmp: Path) -> Path:
    run("render", MUYE, "--template", CUSTOM, "-o", tmp / "custom.docx")
    return tmp / "custom.docx"


def _re_rendered(tmp: Path) -> Path:
    first = _sample(tmp, MUYE)
    run("extract", first, "-o", tmp / "extracted.json")
    run("render", tmp / "extracted.json", "-o", tmp / "again.docx")
    return tmp / "again.docx"


def _excel(tmp: Path) -> Path:
    run("init", "--agency", MUYE_AGENCY, "--year", 2025, "-o", tmp / "x.xlsx")
    return tmp / "x.xlsx"


DOCUMENTS: dict[str, Callable[[Path], Path]] = {
    **{f"sample {p.name}": (lambda tmp, p=p: _sample(tmp, p)) for p in DATA},
    "exported template": _exported,
    "office-custom template": lambda tmp: CUSTOM,
    "report with office-custom template": _custom,
    "extracted and re-rendered report": _re_rendered,
    "Excel form": _excel,
}


@pytest.mark.parametrize("make", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_document_has_no_validation_errors(
    make: Callable[[Path], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert errors(make(tmp_path)) == []


def test_the_filter_sets_aside_only_excel_font_order(tmp_path: Path) -> None:
    """The Excel form's only findings are the SDK's font-sequence ones, and they are filtered."""
    path = _excel(tmp_path)
    raw = [e for e in VALIDATOR.validate(str(path)).errors if e.severity.name == "ERROR"]
    assert all(_sdk_font_order(e) for e in raw)


def test_validator_catches_a_misplaced_child(tmp_path: Path) -> None:
    """The validator in this suite does see what issue 9 was about."""
    doc = Document(io.BytesIO(default_template_bytes()))
    ppr = doc.styles["Normal"].element.get_or_add_pPr()
    snap = ppr.find(qn("w:snapToGrid"))
    ppr.remove(snap)
    ppr.append(snap)  # after spacing/ind/jc: out of schema order
    doc.save(str(tmp_path / "bad.docx"))
    assert any("snapToGrid" in e for e in errors(tmp_path / "bad.docx"))


# -- the report's own metadata ----------------------------------------------------------
@pytest.fixture(scope="module")
def report() -> bytes:
    return ReportTemplate().render(build_context(validate(load(MUYE))))


def _stamp(core: etree._Element, tag: str) -> datetime:
    text = core.findtext(tag, namespaces=NS)
    assert text is not None
    assert text.endswith("Z")  # UTC
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("template", [None, CUSTOM], ids=["default", "office-custom"])
def test_core_properties_describe_the_report(template: Path | None) -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    docx = ReportTemplate(template).render(build_context(validate(load(MUYE))))
    core = part(docx, "docProps/core.xml")
    assert core.findtext("dc:title", namespaces=NS) == MUYE_TITLE
    assert core.findtext("dc:creator", namespaces=NS) == MUYE_AGENCY
    assert core.findtext("dc:subject", namespaces=NS) == properties.SUBJECT
    assert core.findtext("dc:description", namespaces=NS) == _GIDOC_COMMENT
    assert core.findtext("dc:language", namespaces=NS) == "zh-CN"
    assert core.findtext("cp:lastModifiedBy", namespaces=NS) == "gidoc"
    after = datetime.now(timezone.utc) + timedelta(seconds=1)
    for tag in ("dcterms:created", "dcterms:modified"):
        assert before <= _stamp(core, tag) <= after
    assert "{{" not in etree.tostring(core, encoding="unicode")


def test_app_properties_name_gidoc_and_no_stale_counts(report: bytes) -> None:
    app = part(report, "docProps/app.xml")
    assert app.findtext("ep:Application", namespaces=NS) == "gidoc"
    assert app.findtext("ep:Company", namespaces=NS) == MUYE_AGENCY
    for stale in ("Pages", "Words", "Characters", "Lines", "Paragraphs", "Template", "TotalTime"):
        assert app.find(f"ep:{stale}", namespaces=NS) is None, stale


def _no_thumbnail(docx: bytes) -> None:
    assert not [n for n in names(docx) if "thumbnail" in n.lower()]
    rels = part(docx, "_rels/.rels")
    assert not [r for r in rels if r.get("Type", "").endswith("/thumbnail")]
    types = etree.tostring(part(docx, "[Content_Types].xml"), encoding="unicode")
    assert "thumbnail" not in types
    assert "jpeg" not in types
    assert part(docx, "word/settings.xml").find("w:savePreviewPicture", NS) is None


def test_no_foreign_thumbnail(report: bytes) -> None:
    _no_thumbnail(report)
    _no_thumbnail(default_template_bytes())


def test_thumbnail_of_an_old_template_is_dropped_at_render(tmp_path: Path) -> None:
    """A template made from python-docx's default (as gidoc's was) still has its picture."""
    Document().save(str(tmp_path / "plain.docx"))
    assert "docProps/thumbnail.jpeg" in names(tmp_path / "plain.docx")
    docx = ReportTemplate(tmp_path / "plain.docx").render({"title": "标题", "agency": "某局"})
    _no_thumbnail(docx)
    core = part(docx, "docProps/core.xml")
    assert core.findtext("dc:title", namespaces=NS) == "标题"
    assert errors(_write(tmp_path / "out.docx", docx)) == []


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_word_2013_mode_and_chinese_theme_fonts(report: bytes) -> None:
    settings = part(report, "word/settings.xml")
    modes = [
        s.get(f"{{{W}}}val")
        for s in settings.iter(f"{{{W}}}compatSetting")
        if s.get(f"{{{W}}}name") == "compatibilityMode"
    ]
    assert modes == ["15"]
    lang = settings.find("w:themeFontLang", NS)
    assert lang is not None
    assert lang.get(f"{{{W}}}eastAsia") == "zh-CN"


# -- fonts Word can substitute ----------------------------------------------------------
def _fonts(docx: bytes) -> dict[str, dict[str, str]]:
    table = part(docx, "word/fontTable.xml")
    found = {}
    for font in table.iter(f"{{{W}}}font"):
        found[font.get(f"{{{W}}}name")] = {
            etree.QName(child).localname: child.get(f"{{{W}}}val", "") for child in font
        }
    return found


def test_font_table_lists_every_style_font_with_charset_and_substitute(report: bytes) -> None:
    fonts = _fonts(report)
    styles = part(report, "word/styles.xml")
    used = {
        value
        for rfonts in styles.iter(f"{{{W}}}rFonts")
        for key, value in rfonts.attrib.items()
        if etree.QName(key).localname in ("ascii", "hAnsi", "eastAsia", "cs")
    }
    assert used <= set(fonts)
    assert not {"ＭＳ 明朝", "ＭＳ ゴシック"} & set(fonts)
    for name, windows in (
        ("仿宋_GB2312", "仿宋"),
        ("楷体_GB2312", "楷体"),
        ("方正小标宋简体", "宋体"),
    ):
        assert fonts[name]["altName"] == windows
        assert fonts[name]["charset"] == "86"
        assert fonts[name]["family"]
        assert fonts[name]["pitch"]
    assert fonts["黑体"]["charset"] == "86"
    assert fonts["宋体"]["panose1"] == "02010600030101010101"
    assert fonts["Times New Roman"]["charset"] == "00"


def test_custom_template_keeps_its_fonts_and_gets_missing_ones(tmp_path: Path) -> None:
    """An office's fonts stay listed as its Word wrote them; a font only its styles name is added."""
    doc = Document(io.BytesIO(CUSTOM.read_bytes()))
    rfonts = doc.styles["Heading 2"].element.rPr.find(qn("w:rFonts"))
    rfonts.set(qn("w:eastAsia"), "华文中宋")
    doc.save(str(tmp_path / "office.docx"))
    with zipfile.ZipFile(tmp_path / "office.docx") as archive:
        before = _fonts_of(archive.read("word/fontTable.xml"))
    docx = ReportTemplate(tmp_path / "office.docx").render(build_context(validate(load(MUYE))))
    fonts = _fonts(docx)
    assert fonts["华文中宋"]["charset"] == "86"
    for name, children in before.items():
        assert fonts[name] == children
    assert errors(_write(tmp_path / "out.docx", docx)) == []


def _fonts_of(xml: bytes) -> dict[str, dict[str, str]]:
    return {
        font.get(f"{{{W}}}name"): {etree.QName(c).localname: c.get(f"{{{W}}}val", "") for c in font}
        for font in etree.fromstring(xml).iter(f"{{{W}}}font")
    }


# -- a lean template ------------------------------------------------------------------
def test_template_is_lean() -> None:
    template = default_template_bytes()
    assert not [n for n in names(template) if "stylesWithEffects" in n]
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        assert archive.getinfo("word/styles.xml").file_size < 30_000
    styles = part(template, "word/styles.xml")
    document = etree.tostring(part(template, "word/document.xml"), encoding="unicode")
    used = set(re.findall(r'w:(?:pStyle|rStyle) w:val="([^"]+)"', document)) | {"Footer"}
    defined = {s.get(f"{{{W}}}styleId") for s in styles.iter(f"{{{W}}}style")}
    assert used <= defined
    assert len(defined) < 25


def test_template_builder_is_reproducible(tmp_path: Path) -> None:
    """Rebuilding the template writes the committed bytes: nothing in it depends on the clock."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_template", ROOT / "templates" / "build_template.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(tmp_path / "report.docx")
    assert built.read_bytes() == (ROOT / "templates" / "report.docx").read_bytes()


def test_many_reports_from_one_template_differ_only_in_their_parts(tmp_path: Path) -> None:
    template = ReportTemplate()
    contexts = [build_context(validate(load(p))) for p in DATA]
    outputs = [template.render(c) for c in contexts]
    for docx, context in zip(outputs, contexts, strict=True):
        assert (
            part(docx, "docProps/core.xml").findtext("dc:title", namespaces=NS) == context["title"]
        )
        assert sorted(names(docx)) == sorted(names(outputs[0]))
        assert errors(_write(tmp_path / "r.docx", docx)) == []


# -- the order helper ---------------------------------------------------------------
def test_insert_puts_a_child_where_the_schema_says() -> None:
    ppr = OxmlElement("w:pPr")
    for tag in ("w:jc", "w:spacing", "w:outlineLvl", "w:pStyle"):
        order.insert(ppr, OxmlElement(tag))
    order.insert(ppr, OxmlElement("w:snapToGrid"))
    assert [etree.QName(c).localname for c in ppr] == [
        "pStyle", "snapToGrid", "spacing", "jc", "outlineLvl",
    ]  # fmt: skip
    assert order.misplaced(ppr) == []


def test_misplaced_and_reorder() -> None:
    tbl_pr = OxmlElement("w:tblPr")
    for tag in ("w:jc", "w:tblLayout", "w:tblLook", "w:tblW", "w:tblBorders", "w:tblCellMar"):
        tbl_pr.append(OxmlElement(tag))
    assert order.misplaced(tbl_pr) == ["tblW", "tblBorders", "tblCellMar"]
    assert order.reorder(tbl_pr)
    assert [etree.QName(c).localname for c in tbl_pr] == [
        "tblW", "jc", "tblBorders", "tblLayout", "tblCellMar", "tblLook",
    ]  # fmt: skip
    assert not order.reorder(tbl_pr)


def test_set_child_replaces_in_place() -> None:
    ppr = OxmlElement("w:pPr")
    order.insert(ppr, OxmlElement("w:jc"))
    order.set_child(ppr, "w:snapToGrid", {"w:val": "0"})
    order.set_child(ppr, "w:snapToGrid", {"w:val": "1"})
    assert [etree.QName(c).localname for c in ppr] == ["snapToGrid", "jc"]
    assert ppr[0].get(qn("w:val")) == "1"


def test_insert_refuses_what_the_schema_does_not_allow() -> None:
    with pytest.raises(ValueError, match="not a child"):
        order.insert(OxmlElement("w:pPr"), OxmlElement("w:tblW"))


# -- gidoc template check --------------------------------------------------------------
def test_check_warns_about_compatibility_mode_and_misplaced_children(tmp_path: Path) -> None:
    doc = Document(io.BytesIO(default_template_bytes()))
    for setting in doc.settings.element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "14")
    ppr = doc.styles["Normal"].element.get_or_add_pPr()
    snap = ppr.find(qn("w:snapToGrid"))
    ppr.remove(snap)
    ppr.append(snap)
    tbl_pr = doc.tables[0]._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    tbl_pr.remove(width)
    tbl_pr.append(width)
    title = doc.paragraphs[0]._p.get_or_add_pPr()
    title.append(OxmlElement("w:spacing"))
    title.append(OxmlElement("w:pBdr"))  # the schema puts pBdr before spacing
    doc.save(str(tmp_path / "old.docx"))
    problems = check_template(tmp_path / "old.docx").problems
    assert all(p.severity == "warning" for p in problems)
    where = {p.cell: p.message for p in problems}
    assert "Word 2010 兼容模式" in where["文档设置"]
    assert "pPr/snapToGrid" in where["样式「Normal」"]
    assert "tblPr/tblW" in where["表 1"]
    assert "pPr/pBdr" in where["正文第 1 段「{{ title }}」"]
    assert len(problems) == 4


def test_unchanged_parts_are_copied_as_compressed_once() -> None:
    """Every report of a template starts with the same bytes: its unchanged parts, deflated once."""
    template = ReportTemplate()
    outputs = [template.render(build_context(validate(load(p)))) for p in DATA]
    heads = []
    for docx in outputs:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            infos = archive.infolist()
        own = {"word/document.xml", "word/footer1.xml", "word/footer2.xml"}
        own |= {properties.CORE_NAME, properties.APP_NAME, fingerprint.CUSTOM_NAME}
        first_own = min(i.header_offset for i in infos if i.filename in own)
        assert all(i.header_offset < first_own for i in infos if i.filename not in own)
        assert "word/styles.xml" not in own
        heads.append(docx[:first_own])
    assert heads[0]
    assert all(head == heads[0] for head in heads)
