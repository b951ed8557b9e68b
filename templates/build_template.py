"""Build the default Word template ``report.docx`` with python-docx.

The template is code so that its layout can be reviewed and regenerated:
``python templates/build_template.py`` rewrites ``templates/report.docx``.
The committed .docx is what offices copy and restyle in Word or WPS.

Typography follows GB/T 9704-2012 through Word styles (no ad-hoc run
formatting): A4, margins 37/28/26/35 mm, title 二号 方正小标宋简体, body 三号
仿宋_GB2312 with a two-character first-line indent and a fixed 28.9 pt line,
一、 headings 黑体, （一） headings 楷体_GB2312, page numbers "— N —" in 四号
宋体 on the outer side.  The three official tables are drawn with all their
merges and one ``{{ }}`` per value cell; every label comes from
:mod:`gidoc.format.labels`.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from gidoc.format import labels as L
from gidoc.format import tables as T
from gidoc.ooxml import fonts, properties
from gidoc.ooxml.order import insert, set_child

OUTPUT = Path(__file__).with_name("report.docx")

# -- fonts and sizes (GB/T 9704-2012; sizes in the Word convention) -------------
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_1_FONT = "黑体"
HEADING_2_FONT = "楷体_GB2312"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
LINE = Pt(28.9)  # 225 mm / 22 lines
TEXT_WIDTH = 8844  # twips: the 156 mm 版心
TWO_CHARS = Pt(32)

# -- style names ------------------------------------------------------------------
TABLE_TEXT = "表格文字"
TABLE_TEXT_SMALL = "表格文字小"
TABLE_NOTE = "表格注释"
SIGNATURE = L.STYLE_SIGNATURE
SIGNATURE_DATE = L.STYLE_DATE


def set_fonts(element: object, latin: str, east_asia: str) -> None:
    """Set all four rFonts slots of a style or run properties element.

    python-docx sets only ascii/hAnsi; Word shows Chinese text in the
    ``w:eastAsia`` font and needs ``w:hint="eastAsia"`` for curly quotes.
    """
    rpr = element.find(qn("w:rPr"))  # type: ignore[attr-defined]
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        if element.tag == qn("w:style"):  # type: ignore[attr-defined]
            insert(element, rpr)  # type: ignore[arg-type]
        else:
            element.append(rpr)  # type: ignore[attr-defined]  # w:rPrDefault: its only child
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = insert(rpr, OxmlElement("w:rFonts"))
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:hint"), "eastAsia")


def _reset(style: BaseStyle) -> None:
    """Drop what python-docx's default template put in a built-in style."""
    for tag in ("w:pPr", "w:rPr"):
        old = style.element.find(qn(tag))
        if old is not None:
            style.element.remove(old)


def paragraph_style(
    doc: DocumentObject,
    name: str,
    *,
    font: str,
    size: Pt,
    latin: str = LATIN_FONT,
    align: int = WD_ALIGN_PARAGRAPH.JUSTIFY,
    first_line: Pt | None = TWO_CHARS,
    line: Pt | None = LINE,
    outline: int | None = None,
    keep_with_next: bool = False,
) -> None:
    """Create or redefine one paragraph style."""
    styles = doc.styles
    try:
        style = styles[name]
        _reset(style)
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.base_style = styles["Normal"]
    style.quick_style = True
    set_fonts(style.element, latin, font)
    style.font.size = size
    style.font.bold = False
    style.font.italic = False
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = first_line if first_line is not None else Pt(0)
    fmt.left_indent = Pt(0)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if line is None:
        fmt.line_spacing = 1.0
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    fmt.keep_with_next = keep_with_next
    fmt.widow_control = False
    ppr = style.element.get_or_add_pPr()
    if first_line is not None and first_line > 0:
        # firstLineChars keeps the indent at two characters if an office changes the size.
        ind = ppr.get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(int(first_line / size * 100)))
    if outline is not None:
        set_child(ppr, "w:outlineLvl", {"w:val": str(outline)})
    set_child(ppr, "w:snapToGrid", {"w:val": "0"})


def define_styles(doc: DocumentObject) -> None:
    """All styles the report uses; the document itself carries no direct formatting."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            set_fonts(rpr_default, LATIN_FONT, BODY_FONT)
            lang = rpr_default.find(qn("w:rPr")).find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:eastAsia"), "zh-CN")
    paragraph_style(doc, "Normal", font=BODY_FONT, size=SIZE_3)
    paragraph_style(
        doc,
        "Title",
        font=TITLE_FONT,
        latin=TITLE_FONT,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        first_line=None,
        line=Pt(36),
        outline=0,
    )
    doc.styles["Title"].paragraph_format.space_after = LINE
    paragraph_style(
        doc,
        "Heading 1",
        font=HEADING_1_FONT,
        latin=HEADING_1_FONT,
        size=SIZE_3,
        outline=0,
        keep_with_next=True,
    )
    paragraph_style(
        doc,
        "Heading 2",
        font=HEADING_2_FONT,
        latin=HEADING_2_FONT,
        size=SIZE_3,
        outline=1,
        keep_with_next=True,
    )
    table_sizes = ((TABLE_TEXT, TABLE_FONT, Pt(10)), (TABLE_TEXT_SMALL, TABLE_FONT, Pt(9)))
    for name, font, size in (*table_sizes, (TABLE_NOTE, HEADING_2_FONT, Pt(9))):
        paragraph_style(
            doc,
            name,
            font=font,
            size=size,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            first_line=None,
            line=None,
        )
    for name in (SIGNATURE, SIGNATURE_DATE):
        paragraph_style(
            doc, name, font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT, first_line=None
        )
        doc.styles[name].paragraph_format.right_indent = Pt(64)  # 右空四字
    doc.styles[SIGNATURE].paragraph_format.space_before = LINE * 2
    paragraph_style(
        doc,
        "Footer",
        font=TABLE_FONT,
        latin=TABLE_FONT,  # GB/T 9704: 4号半角宋体 digits, dashes in 宋体 too
        size=SIZE_4,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        first_line=None,
        line=None,
    )


# -- page -------------------------------------------------------------------------
def _page_number(paragraph: Paragraph) -> None:
    """``— N —`` with a PAGE field, as GB/T 9704 prints page numbers."""
    paragraph.add_run("— ")
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(" —")


def set_up_page(doc: DocumentObject) -> None:
    """A4, GB/T 9704 margins, page numbers on the outer side (odd right, even left)."""
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The number's line sits 7 mm below the text area (GB/T 9704 7.5).
    section.footer_distance = Mm(23)
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.style = doc.styles["Footer"]
    odd.paragraph_format.right_indent = Pt(14)  # 单页码居右空一字
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.style = doc.styles["Footer"]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)  # 双页码居左空一字
    _page_number(even)


# -- tables -------------------------------------------------------------------------
def _border_set(parent: object, tag: str, sides: tuple[str, ...]) -> None:
    borders = OxmlElement(tag)
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "4")
        edge.set(qn("w:space"), "0")
        edge.set(qn("w:color"), "000000")
        insert(borders, edge)
    insert(parent, borders)  # type: ignore[arg-type]


def new_table(doc: DocumentObject, rows: int, widths: list[int], margin: int) -> Table:
    """A fully ruled, centred, fixed-layout table with its grid widths set (in twips)."""
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(widths)))
    width.set(qn("w:type"), "dxa")
    old = tbl_pr.find(qn("w:tblW"))
    if old is not None:
        tbl_pr.remove(old)
    insert(tbl_pr, width)
    _border_set(tbl_pr, "w:tblBorders", ("top", "left", "bottom", "right", "insideH", "insideV"))
    layout = tbl_pr.find(qn("w:tblLayout"))
    if layout is None:
        layout = insert(tbl_pr, OxmlElement("w:tblLayout"))
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(margin))
        m.set(qn("w:type"), "dxa")
        insert(margins, m)
    insert(tbl_pr, margins)
    # LibreOffice ignores cell widths unless the grid has them too.
    for col, w in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = Twips(w)
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        insert(tr_pr, OxmlElement("w:cantSplit"))
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = Twips(w)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return table


def repeat_header(table: Table, rows: int) -> None:
    """Repeat the first ``rows`` rows at the top of each page the table runs onto."""
    for row in table.rows[:rows]:
        insert(row._tr.get_or_add_trPr(), OxmlElement("w:tblHeader"))


def keep_together(table: Table, rows: int | None = None) -> None:
    """Keep the first ``rows`` rows (all but the last row when None) with the row below.

    Word and LibreOffice then move a short table, or a header with its first
    data row, to the next page instead of breaking it.
    """
    last = len(table.rows) - 1 if rows is None else rows
    for row in table.rows[:last]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def put(
    table: Table,
    top: int,
    left: int,
    text: str,
    style: str,
    *,
    down: int = 1,
    across: int = 1,
    align: int | None = None,
) -> _Cell:
    """Write ``text`` into a cell, first merging it ``down`` rows and ``across`` columns."""
    cell = table.cell(top, left)
    if down > 1 or across > 1:
        cell = cell.merge(table.cell(top + down - 1, left + across - 1))
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if align is not None:
        paragraph.alignment = align
    paragraph.add_run(text)
    return cell


def draw(doc: DocumentObject, official: T.OfficialTable, widths: list[int], style: str) -> Table:
    """Draw an official table from its declaration: every cell, merge and value tag.

    Labels are set in ``style``, the note of table 三 in 表格注释, and a
    ``note`` aside inside a label (（区分处理的…）) in the 楷体 character style.
    """
    table = new_table(doc, official.height, widths, margin=57 if style == TABLE_TEXT else 28)
    if official.header_rows:
        repeat_header(table, official.header_rows)
    for cell in official.cells:
        text = f"{{{{ {cell.path} }}}}" if cell.is_value else cell.text
        if cell.note:
            text = text[: -len(cell.note)]
        written = put(
            table,
            cell.row,
            cell.col,
            text,
            TABLE_NOTE if cell.role == "note" else style,
            down=cell.rows,
            across=cell.cols,
            align=WD_ALIGN_PARAGRAPH.LEFT if cell.align == "left" else None,
        )
        if cell.note:
            aside = written.paragraphs[0].add_run(cell.note)
            aside.style = _note_character_style(doc)
    return table


T3_LABEL_WIDTHS = [480, 1100, 2504]
T3_VALUE_WIDTH = 680


def table_2(doc: DocumentObject) -> None:
    """Table 二: four groups of 第二十条, each with its own header row, kept on one page."""
    keep_together(draw(doc, T.TABLE_2, [2211] * T.TABLE_2.width, TABLE_TEXT))


def table_3(doc: DocumentObject) -> None:
    """Table 三: 3 header rows repeated on each page, 25 body rows, 10 grid columns."""
    widths = T3_LABEL_WIDTHS + [T3_VALUE_WIDTH] * (T.TABLE_3.width - len(T3_LABEL_WIDTHS))
    keep_together(draw(doc, T.TABLE_3, widths, TABLE_TEXT_SMALL), T.TABLE_3.header_rows)


def _note_character_style(doc: DocumentObject) -> str:
    """A character style in 楷体 for the note inside （二）部分公开."""
    name = "表格注释字符"
    try:
        doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        set_fonts(style.element, LATIN_FONT, HEADING_2_FONT)
    return name


def table_4(doc: DocumentObject) -> None:
    """Table 四: 行政复议 and 行政诉讼 results, one row of 15 numbers, kept on one page."""
    keep_together(draw(doc, T.TABLE_4, [589] * T.TABLE_4.width, TABLE_TEXT_SMALL))


# -- the package ----------------------------------------------------------------------
#: Word 2013 and later open the file without 兼容模式; the other settings are the ones
#: Word itself writes for a new document in that mode.
COMPAT_SETTINGS = (
    ("compatibilityMode", "15"),
    ("overrideTableStyleFontSizeAndJustification", "1"),
    ("enableOpenTypeFeatures", "1"),
    ("doNotFlipMirrorIndents", "1"),
    ("differentiateMultirowTableHeaders", "1"),
    ("useWord2013TrackBottomHyphenation", "0"),
)
WORD_URI = "http://schemas.microsoft.com/office/word"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
#: Fixed, so that rebuilding the template changes its bytes only when its content changes;
#: every report gets its own dates when it is rendered.
TEMPLATE_DATE = datetime(2026, 12, 2, tzinfo=timezone.utc)


def set_up_settings(doc: DocumentObject) -> None:
    """Word 2013+ compatibility, Chinese theme fonts, no saved preview picture."""
    settings = doc.settings.element
    for flag in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(flag)
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = insert(settings, OxmlElement("w:compat"))
    for old in compat.findall(qn("w:compatSetting")):
        compat.remove(old)
    for name, value in COMPAT_SETTINGS:
        setting = OxmlElement("w:compatSetting")
        setting.set(qn("w:name"), name)
        setting.set(qn("w:uri"), WORD_URI)
        setting.set(qn("w:val"), value)
        compat.append(setting)  # compatSetting comes last in w:compat
    # East Asian theme fonts resolve for Chinese, not Japanese (python-docx's default).
    set_child(settings, "w:themeFontLang", {"w:val": "en-US", "w:eastAsia": "zh-CN"})


def _xml_parts(doc: DocumentObject) -> list[object]:
    """The root element of every XML part python-docx has loaded as such (body, footers…)."""
    return [
        part.element  # type: ignore[attr-defined]
        for part in doc.part.package.iter_parts()
        if hasattr(part, "element")
    ]


def trim_styles(doc: DocumentObject) -> None:
    """Keep the styles the document uses (with what they are based on or linked to).

    python-docx's default template defines 160 styles and stylesWithEffects
    repeats them: most of the template's bytes, written again into every report.
    The latent-style list keeps only the entries of Word's style gallery.
    """
    styles = doc.styles.element
    parts = [root for root in _xml_parts(doc) if root is not styles]
    wanted: set[str] = set()
    for root in parts:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle", "w:numStyle"):
            wanted |= {el.get(qn("w:val")) for el in root.iter(qn(tag))}  # type: ignore[attr-defined]
    by_id = {style.get(qn("w:styleId")): style for style in styles.iterchildren(qn("w:style"))}
    wanted |= {sid for sid, style in by_id.items() if style.get(qn("w:default")) == "1"}
    todo = list(wanted)
    while todo:
        style = by_id.get(todo.pop())
        if style is None:
            continue
        for tag in ("w:basedOn", "w:link", "w:next"):
            for ref in style.iterchildren(qn(tag)):
                if ref.get(qn("w:val")) not in wanted:
                    wanted.add(ref.get(qn("w:val")))
                    todo.append(ref.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in wanted:
            styles.remove(style)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        for exception in list(latent):
            if exception.get(qn("w:qFormat")) != "1":
                latent.remove(exception)


def drop_foreign_parts(doc: DocumentObject) -> None:
    """Drop what python-docx's default template carries for nothing.

    stylesWithEffects (Word 2010's copy of the styles, which Word 2013+ neither
    writes nor needs), an empty bibliography (customXml) and the thumbnail,
    a picture of another document that Explorer and WPS show as the preview.
    python-docx saves only the parts some relationship still reaches.
    """
    for rels, kinds in (
        (doc.part.rels, (STYLES_WITH_EFFECTS, RT.CUSTOM_XML)),
        (doc.part.package.rels, (RT.THUMBNAIL,)),
    ):
        for rid, rel in list(rels.items()):
            if rel.reltype in kinds:
                rels.pop(rid)


def _replace_parts(docx: bytes) -> bytes:
    """The saved package with the font table and app properties gidoc writes itself.

    python-docx has no API for either: its font table lists MS Mincho and MS
    Gothic, its app.xml names "Microsoft Macintosh Word" and stale counts.
    """
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    roots = [
        etree.fromstring(entries[name])
        for name in entries
        if name in ("word/styles.xml", "word/numbering.xml", "word/document.xml")
        or name.startswith(("word/footer", "word/header"))
    ]
    entries["word/fontTable.xml"] = fonts.font_table(fonts.used_fonts(roots))
    entries[properties.APP_NAME] = properties.app_properties("")
    out = io.BytesIO()
    stamp = TEMPLATE_DATE.timetuple()[:6]  # the same bytes from the same build
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# -- the document ---------------------------------------------------------------------
def build(path: Path = OUTPUT) -> Path:
    """Write the default template to ``path`` and return it."""
    doc = Document()
    define_styles(doc)
    set_up_page(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    def para(text: str, style: str = "Normal") -> None:
        doc.add_paragraph(text, style=style)

    def loop(items: str) -> None:
        para(f"{{%p for para in {items} %}}")
        para("{{ para }}")
        para("{%p endfor %}")

    para("{{ title }}", "Title")
    loop("preamble")
    para(L.SECTION_1, "Heading 1")
    loop("overview.summary")
    para("{%p for section in overview.sections %}")
    para("{{ section.number }}{{ section.heading }}", "Heading 2")
    loop("section.body")
    para("{%p endfor %}")
    para(L.SECTION_2, "Heading 1")
    table_2(doc)
    para(L.SECTION_3, "Heading 1")
    table_3(doc)
    para(L.SECTION_4, "Heading 1")
    table_4(doc)
    para(L.SECTION_5, "Heading 1")
    para(L.PROBLEMS, "Heading 2")
    loop("problems")
    para(L.IMPROVEMENTS, "Heading 2")
    loop("improvements")
    para(L.SECTION_6, "Heading 1")
    loop("other_matters")
    para("{%p if signature %}")
    para("{{ signature.issuer }}", SIGNATURE)
    para("{%p if signature.date %}")
    para("{{ signature.date }}", SIGNATURE_DATE)
    para("{%p endif %}")
    para("{%p endif %}")
    # sectPr must stay the last child of the body.
    sect = body.find(qn("w:sectPr"))
    body.remove(sect)
    body.append(sect)
    set_up_settings(doc)
    trim_styles(doc)
    drop_foreign_parts(doc)
    props = doc.core_properties
    props.title = f"{L.TITLE_SUFFIX}模板"
    props.author = "gidoc"
    props.last_modified_by = "gidoc"
    props.subject = properties.SUBJECT
    props.comments = properties.SUBJECT  # what gidoc extract recognises
    props.language = properties.LANGUAGE
    props.revision = 1
    props.created = props.modified = TEMPLATE_DATE
    saved = io.BytesIO()
    doc.save(saved)
    path.write_bytes(_replace_parts(saved.getvalue()))
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    print(build(target))
