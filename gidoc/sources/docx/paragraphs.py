"""Body paragraphs of a .docx as :class:`~gidoc.sources.docx.sections.Para`: text and style facts.

Whether a paragraph is a heading, right-aligned or auto-numbered is decided
by its own properties first, then by its style and the styles that style is
based on, as Word decides it: a clerk's report marks its headings through a
``标题 1`` style as often as through direct formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from gidoc.ooxml.grid import VAL, text, to_int
from gidoc.ooxml.parts import w
from gidoc.sources.docx.sections import Para


@dataclass
class Style:
    """A paragraph style: its name, parent, and the facts it sets (None: ask the parent)."""

    name: str
    based_on: str | None
    align: str | None
    outline: int | None
    numbered: bool | None


def _numbered(ppr: etree._Element | None) -> bool | None:
    if ppr is None:
        return None
    num = ppr.find(w("numPr"))
    if num is None:
        return None
    num_id = num.find(w("numId"))
    return num_id is None or num_id.get(VAL) != "0"


def _read_styles(root: etree._Element | None) -> tuple[dict[str, Style], str | None]:
    styles: dict[str, Style] = {}
    default = None
    if root is None:
        return styles, default
    for style in root.iter(w("style")):
        if style.get(w("type")) != "paragraph":
            continue
        style_id = style.get(w("styleId"), "")
        name = style.find(w("name"))
        based = style.find(w("basedOn"))
        ppr = style.find(w("pPr"))
        jc = ppr.find(w("jc")) if ppr is not None else None
        outline = ppr.find(w("outlineLvl")) if ppr is not None else None
        styles[style_id] = Style(
            name=(name.get(VAL, "") if name is not None else style_id),
            based_on=based.get(VAL) if based is not None else None,
            align=jc.get(VAL) if jc is not None else None,
            outline=to_int(outline.get(VAL)) if outline is not None else None,
            numbered=_numbered(ppr),
        )
        if style.get(w("default")) in ("1", "true", "on"):
            default = style_id
    return styles, default


def _resolve(styles: dict[str, Style], style_id: str | None, attr: str) -> Any:
    seen: set[str] = set()
    while style_id is not None and style_id in styles and style_id not in seen:
        seen.add(style_id)
        value = getattr(styles[style_id], attr)
        if value is not None:
            return value
        style_id = styles[style_id].based_on
    return None


class StyleSheet:
    """The paragraph styles of a document, and the facts of a paragraph under them."""

    def __init__(self, root: etree._Element | None) -> None:
        """Read the styles part ``root`` (None when the document has none)."""
        self.styles, self.default = _read_styles(root)

    def names(self) -> set[str]:
        """The names of all paragraph styles (``标题 1``, ``gidoc 落款``…)."""
        return {style.name for style in self.styles.values()}

    def paragraph(self, p: etree._Element) -> Para:
        """The paragraph ``w:p`` with its text and what its formatting and style say."""
        ppr = p.find(w("pPr"))
        style_el = ppr.find(w("pStyle")) if ppr is not None else None
        style_id = style_el.get(VAL) if style_el is not None else self.default
        style = self.styles.get(style_id or "")
        name = style.name if style is not None else (style_id or "")
        jc = ppr.find(w("jc")) if ppr is not None else None
        align = jc.get(VAL) if jc is not None else _resolve(self.styles, style_id, "align")
        outline_el = ppr.find(w("outlineLvl")) if ppr is not None else None
        outline = (
            to_int(outline_el.get(VAL))
            if outline_el is not None
            else _resolve(self.styles, style_id, "outline")
        )
        numbered = _numbered(ppr)
        if numbered is None:
            numbered = bool(_resolve(self.styles, style_id, "numbered"))
        lower = name.lower()
        heading = (
            lower.startswith(("heading", "title", "标题"))
            or outline is not None
            and 0 <= outline < 9
        )
        return Para(text(p), name, heading, align in ("right", "end"), numbered)
