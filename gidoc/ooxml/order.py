"""Children in the order the WordprocessingML schema gives them.

ECMA-376 declares most property elements (``w:pPr``, ``w:rPr``, ``w:tblPr``…)
as an ``xsd:sequence``: each child has its place.  Word for the web opens a
file with a child out of place as damaged and desktop Word may offer to
repair it, while LibreOffice does not care, so nothing but a validator shows
the mistake.  ``element.append()`` puts a child last, which is wrong for most
of them; :func:`insert` puts it where the schema says.

python-docx knows these sequences only for the children it has an API for
(``CT_PPr`` has no ``snapToGrid``, ``CT_TblPr`` no ``tblW``), so the
sequences are written out here, from ECMA-376 Part 1 (transitional
``wml.xsd``).  Children a sequence does not list (extensions such as
``w14:*``, ``mc:AlternateContent``) are left where they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

Entry = str | tuple[str, ...]
"""A sequence entry: one element name, or several that share a place (an ``xsd:choice``)."""

_BORDERS = ("top", ("start", "left"), "bottom", ("end", "right"), "insideH", "insideV")
_MARGINS = ("top", ("start", "left"), "bottom", ("end", "right"))

#: Parent (local name in the w: namespace) → its children's schema order.
SEQUENCES: dict[str, Sequence[Entry]] = {
    "pPr": (
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "framePr",
        "widowControl",
        "numPr",
        "suppressLineNumbers",
        "pBdr",
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ),
    # CT_RPr; a paragraph mark's rPr (CT_ParaRPr) starts with ins/del/moveFrom/moveTo.
    "rPr": (
        "ins",
        "del",
        "moveFrom",
        "moveTo",
        "rStyle",
        "rFonts",
        "b",
        "bCs",
        "i",
        "iCs",
        "caps",
        "smallCaps",
        "strike",
        "dstrike",
        "outline",
        "shadow",
        "emboss",
        "imprint",
        "noProof",
        "snapToGrid",
        "vanish",
        "webHidden",
        "color",
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
        "rPrChange",
    ),
    "tblPr": (
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
        "tblPrChange",
    ),
    # CT_TrPrBase is an unbounded choice: its children may come in any order.
    "trPr": (
        (
            "cnfStyle",
            "divId",
            "gridBefore",
            "gridAfter",
            "wBefore",
            "wAfter",
            "cantSplit",
            "trHeight",
            "tblHeader",
            "tblCellSpacing",
            "jc",
            "hidden",
        ),
        "ins",
        "del",
        "trPrChange",
    ),
    "tcPr": (
        "cnfStyle",
        "tcW",
        "gridSpan",
        "hMerge",
        "vMerge",
        "tcBorders",
        "shd",
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
        "headers",
        "cellIns",
        "cellDel",
        "cellMerge",
        "tcPrChange",
    ),
    "sectPr": (
        ("headerReference", "footerReference"),
        "footnotePr",
        "endnotePr",
        "type",
        "pgSz",
        "pgMar",
        "paperSrc",
        "pgBorders",
        "lnNumType",
        "pgNumType",
        "cols",
        "formProt",
        "vAlign",
        "noEndnote",
        "titlePg",
        "textDirection",
        "bidi",
        "rtlGutter",
        "docGrid",
        "printerSettings",
        "sectPrChange",
    ),
    "style": (
        "name",
        "aliases",
        "basedOn",
        "next",
        "link",
        "autoRedefine",
        "hidden",
        "uiPriority",
        "semiHidden",
        "unhideWhenUsed",
        "qFormat",
        "locked",
        "personal",
        "personalCompose",
        "personalReply",
        "rsid",
        "pPr",
        "rPr",
        "tblPr",
        "trPr",
        "tcPr",
        "tblStylePr",
    ),
    "pBdr": ("top", "left", "bottom", "right", "between", "bar"),
    "tblBorders": _BORDERS,
    "tcBorders": (*_BORDERS, "tl2br", "tr2bl"),
    "tblCellMar": _MARGINS,
    "tcMar": _MARGINS,
    "font": (
        "altName",
        "panose1",
        "charset",
        "family",
        "notTrueType",
        "pitch",
        "sig",
        "embedRegular",
        "embedBold",
        "embedItalic",
        "embedBoldItalic",
    ),
    "settings": (
        "writeProtection",
        "view",
        "zoom",
        "removePersonalInformation",
        "removeDateAndTime",
        "doNotDisplayPageBoundaries",
        "displayBackgroundShape",
        "printPostScriptOverText",
        "printFractionalCharacterWidth",
        "printFormsData",
        "embedTrueTypeFonts",
        "embedSystemFonts",
        "saveSubsetFonts",
        "saveFormsData",
        "mirrorMargins",
        "alignBordersAndEdges",
        "bordersDoNotSurroundHeader",
        "bordersDoNotSurroundFooter",
        "gutterAtTop",
        "hideSpellingErrors",
        "hideGrammaticalErrors",
        "activeWritingStyle",
        "proofState",
        "formsDesign",
        "attachedTemplate",
        "linkStyles",
        "stylePaneFormatFilter",
        "stylePaneSortMethod",
        "documentType",
        "mailMerge",
        "revisionView",
        "trackRevisions",
        "doNotTrackMoves",
        "doNotTrackFormatting",
        "documentProtection",
        "autoFormatOverride",
        "styleLockTheme",
        "styleLockQFSet",
        "defaultTabStop",
        "autoHyphenation",
        "consecutiveHyphenLimit",
        "hyphenationZone",
        "doNotHyphenateCaps",
        "showEnvelope",
        "summaryLength",
        "clickAndTypeStyle",
        "defaultTableStyle",
        "evenAndOddHeaders",
        "bookFoldRevPrinting",
        "bookFoldPrinting",
        "bookFoldPrintingSheets",
        "drawingGridHorizontalSpacing",
        "drawingGridVerticalSpacing",
        "displayHorizontalDrawingGridEvery",
        "displayVerticalDrawingGridEvery",
        "doNotUseMarginsForDrawingGridOrigin",
        "drawingGridHorizontalOrigin",
        "drawingGridVerticalOrigin",
        "doNotShadeFormData",
        "noPunctuationKerning",
        "characterSpacingControl",
        "printTwoOnOne",
        "strictFirstAndLastChars",
        "noLineBreaksAfter",
        "noLineBreaksBefore",
        "savePreviewPicture",
        "doNotValidateAgainstSchema",
        "saveInvalidXml",
        "ignoreMixedContent",
        "alwaysShowPlaceholderText",
        "doNotDemarcateInvalidXml",
        "saveXmlDataOnly",
        "useXSLTWhenSaving",
        "saveThroughXslt",
        "showXMLTags",
        "alwaysMergeEmptyNamespace",
        "updateFields",
        "hdrShapeDefaults",
        "footnotePr",
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "mathPr",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "schemaLibrary",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    ),
}


def _ranks(sequence: Sequence[Entry]) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for rank, entry in enumerate(sequence):
        for name in (entry,) if isinstance(entry, str) else entry:
            ranks[f"{{{W}}}{name}"] = rank
    return ranks


#: Parent's Clark name → {child's Clark name → place in the sequence}.
_RANKS: dict[str, dict[str, int]] = {f"{{{W}}}{p}": _ranks(s) for p, s in SEQUENCES.items()}


def _clark(tag: str) -> str:
    """``w:tblW`` or a Clark name ``{ns}tblW`` → the Clark name."""
    if tag.startswith("{"):
        return tag
    prefix, _, local = tag.partition(":")
    if prefix != "w" or not local:
        raise ValueError(f"not a w: element name: {tag!r}")
    return f"{{{W}}}{local}"


def _ranks_of(parent: etree._Element) -> dict[str, int]:
    ranks = _RANKS.get(parent.tag)
    if ranks is None:
        raise ValueError(f"no schema sequence known for {parent.tag}")
    return ranks


def insert(parent: etree._Element, child: etree._Element) -> etree._Element:
    """Insert ``child`` into ``parent`` where the schema puts it, and return it.

    It goes after every sibling that comes before it or shares its place (so
    repeated children keep the order they were added in) and before the
    first one the schema puts later.  Raises ``ValueError`` for a parent or
    child that no sequence here describes.
    """
    ranks = _ranks_of(parent)
    rank = ranks.get(child.tag)
    if rank is None:
        raise ValueError(f"{child.tag} is not a child of {parent.tag} in the schema")
    for index, sibling in enumerate(parent):
        other = ranks.get(sibling.tag)
        if other is not None and other > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def make(tag: str, attributes: dict[str, str] | None = None) -> etree._Element:
    """A new ``w:`` element, its attribute names given as ``w:val`` or Clark names."""
    element = etree.Element(_clark(tag), nsmap={"w": W})
    for name, value in (attributes or {}).items():
        element.set(_clark(name), value)
    return element


def set_child(
    parent: etree._Element, tag: str, attributes: dict[str, str] | None = None
) -> etree._Element:
    """Replace any ``tag`` child of ``parent`` by a new one with ``attributes``, in its place."""
    name = _clark(tag)
    for old in parent.findall(name):
        parent.remove(old)
    return insert(parent, make(name, attributes))


def get_or_add(parent: etree._Element, tag: str) -> etree._Element:
    """The ``tag`` child of ``parent``, added empty where the schema puts it if missing."""
    found = parent.find(_clark(tag))
    return found if found is not None else insert(parent, make(tag))


def misplaced(parent: etree._Element) -> list[str]:
    """Local names of the children that come after a sibling the schema puts later.

    Empty when the order is right, or when no sequence is known for ``parent``.
    """
    ranks = _RANKS.get(parent.tag)
    if ranks is None:
        return []
    wrong: list[str] = []
    highest = -1
    for child in parent:
        rank = ranks.get(child.tag)
        if rank is None:
            continue
        if rank < highest:
            wrong.append(etree.QName(child).localname)
        highest = max(highest, rank)
    return wrong


def reorder(parent: etree._Element) -> bool:
    """Put the children of ``parent`` in schema order (stable); True if anything moved.

    Children no sequence lists keep their place relative to the one before them.
    """
    ranks = _RANKS.get(parent.tag)
    if ranks is None or not misplaced(parent):
        return False
    groups: list[tuple[int, list[etree._Element]]] = []
    for child in parent:
        rank = ranks.get(child.tag)
        if rank is None and groups:
            groups[-1][1].append(child)  # an extension travels with its predecessor
        else:
            groups.append((rank if rank is not None else -1, [child]))
    groups.sort(key=lambda group: group[0])
    for _, members in groups:
        for child in members:
            parent.append(child)  # moving every child in turn rebuilds the order
    return True
