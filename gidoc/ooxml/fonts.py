"""The font table (``word/fontTable.xml``): what Word needs to stand in for a missing font.

The official fonts (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312) are not on most
PCs.  Word then picks a substitute from the font table entry: first the face
``w:altName`` names, else one of the same character set (``w:charset`` 86 is
GB2312), family, pitch and PANOSE class.  Without an entry Word falls back to
its default face, and every role (title, body, headings) looks alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from gidoc.ooxml.order import W, insert, make

#: The font attributes of ``w:rFonts`` that name a face (the ``*Theme`` ones name a theme slot).
_FACE_ATTRIBUTES = ("ascii", "hAnsi", "eastAsia", "cs")


@dataclass(frozen=True)
class FontInfo:
    """What a font table says about one face (ECMA-376 17.8.3)."""

    #: The face Windows ships that stands in for this one, or "" when it is that face.
    alt_name: str
    #: ``w:charset``: 86 = GB2312 (Simplified Chinese), 00 = ANSI.
    charset: str
    #: ``w:family``: roman (serif), swiss (sans), modern (fixed pitch), auto.
    family: str
    #: ``w:pitch``: fixed or variable.
    pitch: str
    #: ``w:panose1`` as ten hex bytes, "" where not known for certain.
    panose: str = ""


#: The faces gidoc's styles use and the Windows faces they fall back to.  The
#: _GB2312 faces are the GB/T 9704 names; Windows ships 仿宋 and 楷体 (same
#: design, GBK coverage).  方正小标宋简体 is a Song face: 宋体 keeps the title serif.
FONTS: dict[str, FontInfo] = {
    "方正小标宋简体": FontInfo("宋体", "86", "roman", "variable"),
    "仿宋_GB2312": FontInfo("仿宋", "86", "modern", "fixed", "02010609030101010101"),
    "楷体_GB2312": FontInfo("楷体", "86", "modern", "fixed", "02010609030101010101"),
    "仿宋": FontInfo("FangSong", "86", "modern", "fixed", "02010609060101010101"),
    "楷体": FontInfo("KaiTi", "86", "modern", "fixed", "02010609060101010101"),
    "黑体": FontInfo("SimHei", "86", "modern", "fixed", "02010609060101010101"),
    "宋体": FontInfo("SimSun", "86", "auto", "variable", "02010600030101010101"),
    "Times New Roman": FontInfo("", "00", "roman", "variable", "02020603050405020304"),
}


def _guess(name: str) -> FontInfo:
    """An entry for a face gidoc does not know: Chinese names get the GB2312 charset."""
    chinese = any("\u3400" <= ch <= "\u9fff" for ch in name)
    return FontInfo("", "86" if chinese else "00", "auto", "variable")


def font_element(name: str) -> etree._Element:
    """A ``w:font`` entry for ``name``, its children in schema order."""
    info = FONTS.get(name) or _guess(name)
    font = make("w:font", {"w:name": name})
    if info.alt_name:
        insert(font, make("w:altName", {"w:val": info.alt_name}))
    if info.panose:
        insert(font, make("w:panose1", {"w:val": info.panose}))
    insert(font, make("w:charset", {"w:val": info.charset}))
    insert(font, make("w:family", {"w:val": info.family}))
    insert(font, make("w:pitch", {"w:val": info.pitch}))
    return font


def used_fonts(roots: Iterable[etree._Element]) -> list[str]:
    """Every face a ``w:rFonts`` under ``roots`` names, in order of first use."""
    seen: dict[str, None] = {}
    for root in roots:
        for fonts in root.iter(f"{{{W}}}rFonts"):
            for attribute in _FACE_ATTRIBUTES:
                name = fonts.get(f"{{{W}}}{attribute}")
                if name:
                    seen.setdefault(name, None)
    return list(seen)


def font_table(names: Iterable[str]) -> bytes:
    """A whole ``word/fontTable.xml`` listing ``names``."""
    root = etree.Element(f"{{{W}}}fonts", nsmap={"w": W})
    for name in names:
        root.append(font_element(name))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def complete(table: etree._Element, names: Iterable[str]) -> list[str]:
    """Add an entry to the ``w:fonts`` root ``table`` for each of ``names`` it lacks.

    The template's own entries stay as they are (an office's Word wrote them
    for the fonts it has).  Returns the names added.
    """
    listed = {font.get(f"{{{W}}}name") for font in table.iter(f"{{{W}}}font")}
    added = [name for name in names if name not in listed]
    for name in added:
        table.append(font_element(name))
    return added
