"""Build ``office-custom.docx``: the default template as an office would restyle it in Word.

What the office changed, each the way Word stores it:
- a red header band (红头) on the first page: the agency name in large red type over
  a red rule, as body paragraphs before the title;
- level-1 headings in 方正小标宋简体 instead of 黑体, level-2 headings bold;
- room for the seal above the 落款 (more space before the issuer);
- an extra paragraph at the end of 六 that uses a variable, its tag split by Word
  into runs with a spell-check mark between them.

Run ``python samples/templates/build_custom.py`` to regenerate it.
"""

from __future__ import annotations

import copy
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from gidoc.format import labels as L
from gidoc.ooxml.order import insert
from gidoc.resources import default_template_bytes

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "office-custom.docx"
RED = RGBColor(0xE6, 0x00, 0x12)


def _red_rule(paragraph) -> None:  # type: ignore[no-untyped-def]
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "6"), ("color", "E60012")):
        bottom.set(qn(f"w:{key}"), value)
    insert(borders, bottom)
    insert(paragraph._p.get_or_add_pPr(), borders)  # pBdr goes before spacing and jc


def build(path: Path = OUTPUT) -> Path:
    """Write the customised template and return its path."""
    import io

    doc = Document(io.BytesIO(default_template_bytes()))
    title = doc.paragraphs[0]
    band = title.insert_paragraph_before("", style="Title")
    band.paragraph_format.space_after = Pt(6)
    run = band.add_run("{{ agency }}")
    run.font.color.rgb = RED
    run.font.size = Pt(30)
    run.font.bold = True
    _red_rule(band)
    styles = doc.styles
    fonts = styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), "方正小标宋简体")
    styles["Heading 2"].font.bold = True
    styles["落款"].paragraph_format.space_before = Pt(28.9 * 3)
    # The extra paragraph goes after 六's paragraph loop, before the 落款 block.
    closing = next(p for p in doc.paragraphs if p.text.startswith("{%p if signature"))
    extra = closing.insert_paragraph_before("本报告电子版可在", style="Normal")
    extra.add_run("{{ age")
    extra._p.append(OxmlElement("w:proofErr"))
    extra._p[-1].set(qn("w:type"), "spellStart")
    extra.add_run("ncy }}")
    extra._p.append(copy.deepcopy(extra._p[-2]))
    extra._p[-1].set(qn("w:type"), "spellEnd")
    extra.add_run("门户网站“政府信息公开”专栏查阅，统计期限为{{ year }}年1月1日至12月31日。")
    assert any(p.text == L.SECTION_6 for p in doc.paragraphs)
    band.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
