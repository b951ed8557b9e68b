"""The texts of a report: title, agency and year, the six sections, 一's parts, 五's two, the 落款.

The input is a list of :class:`Para` — a paragraph's text with whether it is
styled as a heading, right-aligned, or auto-numbered — so that any reader of
a finished report (.docx today; PDF or HTML later) can feed it.  Sections are
found by their official headings (:data:`gidoc.format.labels.SECTIONS`),
compared after :func:`~gidoc.sources.docx.compare.norm`; nothing by position.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from gidoc.format import labels as L
from gidoc.sources.docx.compare import SPACE, norm, same
from gidoc.sources.docx.findings import Findings


@dataclass
class Para:
    """A body paragraph: its text (soft breaks as ``\\n``) and what its style says."""

    text: str
    style: str = ""
    heading: bool = False
    right: bool = False
    numbered: bool = False

    @property
    def lines(self) -> list[str]:
        """The paragraph's non-blank lines, stripped."""
        return [line.strip() for line in self.text.split("\n") if line.strip()]

    @property
    def one_line(self) -> str:
        """The paragraph as one line, its lines joined."""
        return "".join(self.lines)


@dataclass
class Document:
    """What the section finder reads: the body paragraphs in order, and a few document facts.

    ``gidoc_styles`` says the document has gidoc's own 落款 styles: its headings
    are then trusted to be styled, and unstyled look-alikes are body text.
    ``creator`` and ``description`` are the document properties; gidoc's
    output names the agency there, which helps when a custom title does not.
    """

    paragraphs: list[Para]
    gidoc_styles: bool = False
    creator: str = ""
    description: str = ""


@dataclass
class Texts:
    """The text fields of a report, as the data format names them."""

    agency: str
    year: int
    title: str
    preamble: str
    overview: dict[str, Any]
    problems: str
    improvements: str
    other_matters: str
    issuer: str | None = None
    date: str | None = None


def read_texts(findings: Findings, document: Document) -> Texts:
    """Split ``document`` into the report's texts; warnings go to ``findings``.

    Raises :class:`~gidoc.errors.InputError` (through ``findings``) when none of
    the six headings is found, the title names no agency and year, or the
    落款 date is not a real date.
    """
    paras = document.paragraphs
    heads, bodies = _split_sections(findings, paras)
    first = next(i for i in heads if i is not None)
    title, agency, year, preamble = _title(findings, document, paras[:first])
    strict = document.gidoc_styles and all(paras[i].heading for i in heads if i is not None)
    for number in (1, 2, 3):
        text = _join(bodies[number])
        if text:
            findings.warn(
                _SECTION_PATHS[number],
                L.SECTIONS[number],
                f"「{L.SECTIONS[number]}」下表格以外的文字未读取：{text[:30]}",
            )
    problems, improvements = _section_5(findings, bodies[4], strict)
    other, issuer, date = _signature(findings, bodies[5])
    return Texts(
        agency=agency,
        year=year,
        title=title,
        preamble=_join(preamble),
        overview=_overview(bodies[0], strict),
        problems=problems,
        improvements=improvements,
        other_matters=_join(other),
        issuer=issuer,
        date=date,
    )


_SUB = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*")
_INLINE_END = re.compile(r"[。：:]")
_DATE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")
_CHINESE_DATE = re.compile(
    r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_DIGIT_OF = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0}
_TITLE = (
    re.compile(rf"(?P<agency>.+?)\s*(?P<year>\d{{4}})\s*年度?\s*{L.TITLE_SUFFIX}"),
    re.compile(rf"(?P<year>\d{{4}})\s*年度?\s*(?P<agency>.+?)\s*{L.TITLE_SUFFIX}"),
)


def _chinese_int(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return _DIGIT_OF[text]
    tens, _, ones = text.partition("十")
    return (_DIGIT_OF[tens] if tens else 1) * 10 + (_DIGIT_OF[ones] if ones else 0)


def _date(text: str) -> tuple[int, int, int] | None:
    """A 成文日期 line as (year, month, day): ``2026年1月20日`` or ``二〇二六年一月二十日``."""
    s = SPACE.sub("", unicodedata.normalize("NFKC", text))
    match = _DATE.fullmatch(s)
    if match:
        return int(match[1]), int(match[2]), int(match[3])
    match = _CHINESE_DATE.fullmatch(s)
    if match:
        year = int("".join(str(_DIGIT_OF[c]) for c in match[1]))
        return year, _chinese_int(match[2]), _chinese_int(match[3])
    return None


def _join(paras: list[Para]) -> str:
    return "\n".join(line for p in paras for line in p.lines)


def _matches_heading(p: Para, heading: str) -> bool:
    text = p.one_line
    if same(text, heading):
        return True
    # Word's automatic numbering: the 一、 is not in the text.
    bare = heading.split("、", 1)[1]
    return p.numbered and norm(text) == norm(bare)


def _split_sections(
    findings: Findings, paras: list[Para]
) -> tuple[list[int | None], list[list[Para]]]:
    """The index of each of the six headings (None if missing) and the paragraphs under each."""
    found: list[int | None] = []
    start = 0
    for number, heading in enumerate(L.SECTIONS):
        variants = (heading, L.SECTION_5_2019) if number == 4 else (heading,)
        candidates = [
            i
            for i in range(start, len(paras))
            if any(_matches_heading(paras[i], v) for v in variants)
        ]
        styled = [i for i in candidates if paras[i].heading]
        chosen = styled[0] if styled else candidates[0] if candidates else None
        found.append(chosen)
        if chosen is not None:
            start = chosen + 1
    if all(i is None for i in found):
        raise findings.fail(
            f"未找到「{L.SECTION_1}」「{L.SECTION_6}」等章节标题，不像一份{L.TITLE_SUFFIX}"
        )
    bodies: list[list[Para]] = []
    for number, index in enumerate(found):
        if index is None:
            bodies.append([])
            findings.warn(
                _SECTION_PATHS[number],
                L.SECTIONS[number],
                f"未找到章节标题「{L.SECTIONS[number]}」，这一部分按空白读取",
            )
            continue
        following = [i for i in found[number + 1 :] if i is not None]
        end = following[0] if following else len(paras)
        bodies.append(paras[index + 1 : end])
    return found, bodies


_SECTION_PATHS = (
    "overview",
    "active_disclosure",
    "applications",
    "review_and_litigation",
    "problems",
    "other_matters",
)


def _sub_headings(paras: list[Para], strict: bool) -> list[tuple[int, str, str]]:
    """The （一）-numbered headings: index, number, and what follows the number."""
    candidates = []
    for i, p in enumerate(paras):
        match = _SUB.match(p.one_line)
        if match:
            candidates.append((i, match[1], p.one_line[match.end() :]))
    if strict or any(paras[i].heading for i, _, _ in candidates):
        candidates = [c for c in candidates if paras[c[0]].heading]
    return candidates


def _inline(p: Para, rest: str) -> tuple[str, list[str]]:
    """A heading typed with its text in one paragraph: ``（一）主动公开。全年…`` → heading, body."""
    if p.heading:
        return rest.strip(), []
    match = _INLINE_END.search(rest)
    if match is None:
        return rest.strip(), []
    after = rest[match.end() :].strip()
    return rest[: match.start()].strip(), [after] if after else []


def _overview(paras: list[Para], strict: bool) -> dict[str, Any]:
    heads = _sub_headings(paras, strict)
    first = heads[0][0] if heads else len(paras)
    sections = []
    for n, (index, _, rest) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(paras)
        heading, body = _inline(paras[index], rest)
        lines = body + [line for p in paras[index + 1 : end] for line in p.lines]
        sections.append({"heading": heading, "body": "\n".join(lines)})
    return {"summary": _join(paras[:first]), "sections": sections}


def _section_5(findings: Findings, paras: list[Para], strict: bool) -> tuple[str, str]:
    heads = _sub_headings(paras, strict)
    one = next((h for h in heads if h[1] == "一"), None)
    two = next((h for h in heads if h[1] == "二" and (one is None or h[0] > one[0])), None)
    if one is None and two is None:
        if paras:
            findings.warn(
                "problems",
                f"{L.SECTION_5} / {L.PROBLEMS}",
                f"「{L.SECTION_5}」下没有「{L.PROBLEMS}」「{L.IMPROVEMENTS}」两个小标题，"
                "全部文字按「存在的主要问题」读取",
            )
        return _join(paras), ""
    start_2 = two[0] if two is not None else len(paras)
    lines_1: list[str] = []
    if one is not None:
        if one[0] > 0 and _join(paras[: one[0]]):
            findings.warn(
                "problems",
                f"{L.SECTION_5} / {L.PROBLEMS}",
                f"「{L.PROBLEMS}」之前的文字也按「存在的主要问题」读取",
            )
        lines_1 = [line for p in paras[: one[0]] for line in p.lines]
        lines_1 += _inline(paras[one[0]], one[2])[1]
        lines_1 += [line for p in paras[one[0] + 1 : start_2] for line in p.lines]
    else:
        lines_1 = [line for p in paras[:start_2] for line in p.lines]
    lines_2: list[str] = []
    if two is not None:
        lines_2 = _inline(paras[two[0]], two[2])[1]
        lines_2 += [line for p in paras[two[0] + 1 :] for line in p.lines]
    return "\n".join(lines_1), "\n".join(lines_2)


def _signature(findings: Findings, paras: list[Para]) -> tuple[list[Para], str | None, str | None]:
    """Split the 落款 off the end of 六: the remaining paragraphs, the issuer and the ISO date."""
    body = [p for p in paras if p.lines]
    issuer = date = None
    if body:
        last = body[-1]
        parsed = _date(last.one_line)
        styled = last.style == L.STYLE_DATE
        if parsed is not None and (styled or last.right or _indented(last)):
            try:
                date = datetime.date(*parsed).isoformat()
            except ValueError:
                raise findings.fail(f"落款日期「{last.one_line}」不是有效的日期") from None
            body.pop()
            if body and (
                body[-1].style == L.STYLE_SIGNATURE or body[-1].right or _indented(body[-1])
            ):
                issuer = " ".join(body.pop().lines)
        elif last.style == L.STYLE_SIGNATURE:
            issuer = " ".join(body.pop().lines)
    return body, issuer, date


def _indented(p: Para) -> bool:
    """Pushed to the right with spaces, as a 落款 typed without right alignment often is."""
    lead = len(p.text) - len(p.text.lstrip())
    return lead >= 4


def _title(
    findings: Findings, document: Document, paras: list[Para]
) -> tuple[str, str, int, list[Para]]:
    """Title, agency, year, and the preamble paragraphs after the title."""
    texts = [(i, p) for i, p in enumerate(paras) if p.lines]
    if not texts:
        raise findings.fail(f"「{L.SECTION_1}」之前没有标题")
    chosen = None
    for n, (i, p) in enumerate(texts):
        if _title_match(p.one_line):
            chosen = (n, p.one_line, i + 1)
            break
        if n + 1 < len(texts):
            joined = p.one_line + texts[n + 1][1].one_line
            if _title_match(joined):
                chosen = (n, joined, texts[n + 1][0] + 1)
                break
    if chosen is None:
        chosen = (0, texts[0][1].one_line, texts[0][0] + 1)
    n, title, after = chosen
    if n > 0:
        skipped = "、".join(f"「{p.one_line[:20]}」" for _, p in texts[:n])
        findings.warn("title", "标题", f"标题之前的文字未读取：{skipped}")
    match = _title_match(title)
    if match is not None:
        agency, year = match["agency"].strip(), int(match["year"])
    else:
        years = re.findall(r"(\d{4})\s*年", title)
        agency = document.creator if document.description == L.DOCUMENT_SUBJECT else ""
        if not years or not agency:
            raise findings.fail(
                f"无法从标题「{title}」读出机关名称和年度；标题应形如「XX局2025年{L.TITLE_SUFFIX}」"
            )
        year = int(years[-1])
    return title, agency, year, paras[after:]


_CHINESE_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=\s*年)")


def _title_match(text: str) -> re.Match[str] | None:
    """The title's agency and year; a year in Chinese numerals (二〇二四年) reads as 2024."""
    text = _CHINESE_YEAR.sub(lambda m: "".join(str(_DIGIT_OF[c]) for c in m[0]), text)
    for pattern in _TITLE:
        match = pattern.fullmatch(text)
        if match is not None and match["agency"].strip():
            return match
    return None
