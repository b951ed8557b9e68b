"""The review's rules about one report: required content, and how it follows on from last year's.

Each returns :class:`~gidoc.review.result.Finding` records; none raises.  The
rules that look at other units of the same year (near-identical texts, one
unit reported twice) are in :mod:`gidoc.review.batch`.
"""

from __future__ import annotations

from gidoc.checking import previous as follow_on
from gidoc.errors import Problem
from gidoc.format import labels as L
from gidoc.format.models import Report
from gidoc.review import similarity
from gidoc.review.examined import TEXT_SECTIONS, Examined, section_texts
from gidoc.review.result import Finding

#: Texts that say nothing: a section holding only one of these counts as empty.
EMPTY_WORDS = frozenset({"", "无", "暂无", "没有", "无。", "暂无。", "略", "略。", "/", "—"})


def _empty(text: str) -> bool:
    return text.strip() in EMPTY_WORDS


def required_content(report: Report) -> list[Finding]:
    """Errors for a text section of the six that is empty, and for 五 without both its parts.

    二、三、四 are the tables, always present in valid data (a count not given is 0).
    """
    findings = []
    texts = section_texts(report)
    if all(_empty(section.body) for section in report.overview.sections) and _empty(
        report.overview.summary
    ):
        findings.append(
            Finding(
                "required_content",
                Problem("overview", L.SECTION_1, "没有内容：综述和各分项的正文都为空"),
            )
        )
    for key in ("problems", "improvements"):
        if _empty(texts[key]):
            findings.append(
                Finding(
                    "required_content",
                    Problem(
                        key,
                        TEXT_SECTIONS[key],
                        f"{L.SECTION_5}应写明{L.PROBLEMS}和{L.IMPROVEMENTS}两部分，这一部分为空或只写了「无」",
                    ),
                )
            )
    if _empty(texts["other_matters"]):
        findings.append(
            Finding(
                "required_content",
                Problem(
                    "other_matters",
                    L.SECTION_6,
                    "没有内容；没有其他需要报告的事项时，也应写明（如信息处理费的收取情况）",
                ),
            )
        )
    return findings


def against_previous(this: Examined, last: Examined) -> list[Finding]:
    """Carry-over, 现行有效件数 chain, year-on-year jumps and text repeated from last year's report.

    Both must hold a valid report (the caller checks).
    """
    assert this.report is not None
    assert last.report is not None
    report, previous = this.report, last.report
    findings = [Finding("previous_year", p) for p in follow_on.year_mismatch(report, previous)]
    findings += [Finding("carry_over", p) for p in follow_on.carry_over(report, previous)]
    findings += [Finding("in_force_chain", p) for p in follow_on.in_force_chain(report, previous)]
    findings += [Finding("year_jump", p) for p in follow_on.year_on_year_jumps(report, previous)]
    findings += repeated_text(this, last)
    return findings


def repeated_text(this: Examined, last: Examined) -> list[Finding]:
    """Warnings for each text section of which 80 % or more repeats last year's report."""
    last_text = last.all_shingles()
    findings = []
    for key, label in TEXT_SECTIONS.items():
        share = similarity.repeated_share(this.shingles.get(key, similarity.NONE), last_text)
        if share >= similarity.REPEAT_SHARE:
            findings.append(
                Finding(
                    "repeated_text",
                    Problem(
                        key,
                        label,
                        f"{share:.0%} 的文字与本单位上年度（{last.year}年）报告"
                        f"（{last.item.source}）相同；请按本年度工作如实撰写",
                        "warning",
                    ),
                )
            )
    return findings
