"""A PDF page's characters as lines, and the lines of a document as paragraphs.

A PDF has no paragraphs, only characters with positions.  Lines are the
characters that share a baseline, left to right; paragraphs are rebuilt the
way a reader sees them: a paragraph ends where its line ends early, where the
next line is indented (a first-line indent of two characters), where the type
size changes or the gap below is wide.  Chinese lines are joined without a
space.  Page numbers (``- 5 -``, ``— 5 —``, ``第 5 页``) and running headers
repeated on several pages are dropped from the flow.
"""

from __future__ import annotations

import collections
import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gidoc.sources.docx.sections import Para

#: A line that is only a page number: 5, - 5 -, — 5 —, 第 5 页, 第5页 共6页, 5/6.
PAGE_NUMBER = re.compile(
    r"[-‐‑‒–—―－_~\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／共]\s*\d{1,4}\s*页?)?[-‐‑‒–—―－_~\s]*"
)
#: The share of a page's height at its top and bottom where headers and page numbers sit.
MARGIN_BAND = 0.1


@dataclass
class Line:
    """Characters on one baseline: their text, box, size, the fonts of the Chinese ones, the page."""

    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    fonts: collections.Counter[str] = field(default_factory=collections.Counter)

    @property
    def font(self) -> str:
        """The font most of the line's Chinese characters are set in ("" without any)."""
        return self.fonts.most_common(1)[0][0] if self.fonts else ""


def _is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def lines_of(chars: Iterable[dict[str, Any]], page: int) -> list[Line]:
    """The characters of one page (pdfplumber's dicts) grouped into lines, top to bottom."""
    rows: list[list[dict[str, Any]]] = []
    baselines: list[float] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        # One line: baselines closer than a third of the type size.  Punctuation and
        # Latin glyphs sit a little off the Chinese baseline, so look at the last few lines.
        for k in range(len(rows) - 1, max(len(rows) - 4, -1), -1):
            if abs(char["bottom"] - baselines[k]) < char["size"] / 3:
                rows[k].append(char)
                break
        else:
            rows.append([char])
            baselines.append(char["bottom"])
    out = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        text = "".join(c["text"] for c in row)
        if not text.strip():
            continue
        fonts: collections.Counter[str] = collections.Counter(
            _family(c["fontname"]) for c in row if _is_cjk(c["text"])
        )
        out.append(
            Line(
                page=page,
                top=min(c["top"] for c in row),
                bottom=max(c["bottom"] for c in row),
                x0=min(c["x0"] for c in row if c["text"].strip()),
                x1=max(c["x1"] for c in row if c["text"].strip()),
                size=statistics.median(c["size"] for c in row),
                text=text,
                fonts=fonts,
            )
        )
    return out


def _family(fontname: str) -> str:
    """A font's name without the subset tag: ``CAAAAA+FandolFang-Regular`` → ``FandolFang-Regular``."""
    return fontname.split("+", 1)[-1]


def drop_margins(pages: Sequence[list[Line]], heights: Sequence[float]) -> list[list[Line]]:
    """The pages' lines without page numbers and running headers or footers.

    A running header is a line in the top or bottom band of the page whose
    text (digits aside) is on at least two pages.
    """

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))

    def in_band(line: Line, height: float) -> bool:
        return line.bottom < height * MARGIN_BAND or line.top > height * (1 - MARGIN_BAND)

    seen: collections.Counter[str] = collections.Counter()
    for lines, height in zip(pages, heights, strict=True):
        seen.update({key(line) for line in lines if in_band(line, height)})
    out = []
    for lines, height in zip(pages, heights, strict=True):
        kept = []
        for line in lines:
            if in_band(line, height) and (
                PAGE_NUMBER.fullmatch(line.text) or (len(pages) > 1 and seen[key(line)] >= 2)
            ):
                continue
            kept.append(line)
        out.append(kept)
    return out


@dataclass
class Measure:
    """The body text's left and right edges, its type size and font, whether paragraphs indent."""

    left: float
    right: float
    size: float
    font: str
    indents: bool = True

    @classmethod
    def of(cls, lines: Sequence[Line]) -> Measure:
        """The measure most lines of ``lines`` share."""
        if not lines:
            return cls(0, 0, 12, "")
        sizes = collections.Counter(round(line.size) for line in lines)
        size = float(sizes.most_common(1)[0][0])
        body = [line for line in lines if round(line.size) == size] or list(lines)
        lefts = collections.Counter(round(line.x0) for line in body)
        left = float(min(lefts, key=lambda x: (-lefts[x], x)))
        # The right edge full lines reach; a report may have few full lines, so the furthest.
        right = max(line.x1 for line in body)
        fonts: collections.Counter[str] = collections.Counter()
        for line in body:
            fonts.update(line.fonts)
        indented = sum(1 for line in body if abs(line.x0 - left - 2 * size) < size / 2)
        font = fonts.most_common(1)[0][0] if fonts else ""
        return cls(left, right, size, font, indents=indented >= 3)


def _joined(head: str, tail: str) -> str:
    """Two lines of one paragraph: Chinese joins without a space, Latin words with one."""
    head, tail = head.rstrip(), tail.lstrip()
    latin = head and tail and head[-1].isascii() and tail[0].isascii()
    if latin and head[-1].isalpha() and tail[0].isalpha():
        return f"{head} {tail}"
    return head + tail


@dataclass
class Paragraph:
    """A paragraph rebuilt from lines, with the page it starts on."""

    lines: list[Line]

    @property
    def page(self) -> int:
        """The page the paragraph starts on (1-based)."""
        return self.lines[0].page

    def para(self, measure: Measure) -> Para:
        """The paragraph as the section finder reads it."""
        text = ""
        for line in self.lines:
            text = _joined(text, line.text.strip())
        first = self.lines[0]
        fonts: collections.Counter[str] = collections.Counter()
        for line in self.lines:
            fonts.update(line.fonts)
        font = fonts.most_common(1)[0][0] if fonts else measure.font
        short = len(self.lines) <= 2 and len(text) <= 40
        heading = short and (font != measure.font or first.size > measure.size * 1.15)
        # Pushed far right: a 落款 is right-aligned, often with a right indent of a few characters.
        right = first.x0 > measure.left + 6 * measure.size
        return Para(text, heading=heading, right=right)


def paragraphs(flow: Sequence[Line | None], measure: Measure) -> list[Paragraph]:
    """The lines of the text flow as paragraphs; ``None`` marks a table, which ends one."""
    out: list[Paragraph] = []
    current: list[Line] = []
    for line in flow:
        if line is None:
            if current:
                out.append(Paragraph(current))
            current = []
            continue
        if current and _starts_paragraph(current[-1], line, measure):
            out.append(Paragraph(current))
            current = []
        current.append(line)
    if current:
        out.append(Paragraph(current))
    return out


def _starts_paragraph(previous: Line, line: Line, measure: Measure) -> bool:
    size = measure.size
    if previous.x1 < measure.right - 1.5 * size:  # the line before ended early
        return True
    if line.x0 > measure.left + 0.8 * size:  # indented, or centred, or pushed right
        return True
    if abs(line.size - previous.size) > 0.15 * size:
        return True
    if line.page == previous.page and line.top - previous.bottom > 1.6 * size:
        return True
    # Without first-line indents, a full line ending a sentence ends its paragraph.
    return not measure.indents and previous.text.rstrip().endswith(("。", "！", "？", "：", ":"))
