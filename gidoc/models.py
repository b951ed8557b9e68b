"""Pydantic models of the report data format, version 1 (``shared/spec/data-format.md``).

The models are strict and closed: counts are non-negative integers (never
strings, floats or booleans), the fee is a decimal kept as written, unknown
keys are rejected and text may hold only characters that XML allows.  Every
field's ``title`` is its official Chinese label from :mod:`gidoc.labels`, so
error messages name fields as the report does.  Totals are derived here; a
total that the data also gives is compared with the derived one in
:mod:`gidoc.checks`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
)
from pydantic_core import PydanticCustomError

from gidoc import labels as L

#: Largest count or fee a report can hold; larger numbers are typing mistakes.
MAX_NUMBER = 10**12
#: Decimal places allowed in the fee (万元 to the 分).
FEE_PLACES = 6


def _xml_safe(value: str) -> str:
    for index, char in enumerate(value):
        code = ord(char)
        if (
            code in (0x9, 0xA, 0xD)
            or 0x20 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or code >= 0x10000
        ):
            continue
        raise PydanticCustomError(
            "xml_char",
            "第 {position} 个字符 U+{code} 是 Word 文档不允许的控制字符"
            "（常见于从 Word 或网页复制的文本），请删除它",
            {"position": index + 1, "code": f"{code:04X}"},
        )
    return value


def _single_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise PydanticCustomError("single_line", "应为一行文字，不能换行", {})
    if not value.strip():
        raise PydanticCustomError("blank", "不能为空", {})
    return value.strip()


def _not_text_or_bool(value: Any) -> Any:
    if isinstance(value, bool | str):
        raise PydanticCustomError(
            "decimal_type", "应为数字（不带引号），实际为{kind}", {"kind": _kind(value)}
        )
    if isinstance(value, float):
        # Python callers may pass floats; their shortest repr is what they meant.
        return Decimal(repr(value))
    return value


def _date_only(value: Any) -> Any:
    if isinstance(value, datetime.datetime) or not isinstance(value, str | datetime.date):
        raise PydanticCustomError("date_type", "应为日期，写作 YYYY-MM-DD，如 2026-01-20", {})
    return value


_NUMBERED = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、.．]|\d+[、.．])"
)


def _unnumbered(value: str) -> str:
    match = _NUMBERED.match(value)
    if match:
        raise PydanticCustomError(
            "numbered_heading",
            "标题不要带序号「{number}」，序号由 gidoc 按顺序生成",
            {"number": match.group(0).strip()},
        )
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, str):
        return f'文本 "{value}"'
    return f"{value!r}"


Count = Annotated[StrictInt, Field(ge=0, le=MAX_NUMBER)]
Fee = Annotated[
    Decimal,
    BeforeValidator(_not_text_or_bool),
    Field(ge=0, le=MAX_NUMBER, decimal_places=FEE_PLACES, allow_inf_nan=False),
]
Text = Annotated[StrictStr, AfterValidator(_xml_safe)]
Line = Annotated[StrictStr, AfterValidator(_xml_safe), AfterValidator(_single_line)]
Heading = Annotated[Line, AfterValidator(_unnumbered)]
IsoDate = Annotated[datetime.date, BeforeValidator(_date_only)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- table 三 ------------------------------------------------------------------
class ApplicantCounts(_Model):
    """One row of table 三: a count per applicant column, 总计 derived."""

    natural_person: Count = Field(0, title=L.APPLICANT_COLUMNS["natural_person"])
    commercial_enterprise: Count = Field(0, title=L.APPLICANT_COLUMNS["commercial_enterprise"])
    research_institution: Count = Field(0, title=L.APPLICANT_COLUMNS["research_institution"])
    social_welfare_organization: Count = Field(
        0, title=L.APPLICANT_COLUMNS["social_welfare_organization"]
    )
    legal_service_agency: Count = Field(0, title=L.APPLICANT_COLUMNS["legal_service_agency"])
    other: Count = Field(0, title=L.APPLICANT_COLUMNS["other"])
    total: Count | None = Field(None, title=L.TOTAL)

    def columns(self) -> dict[str, int]:
        """The six applicant counts, in table order."""
        return {key: getattr(self, key) for key in L.APPLICANT_COLUMNS}

    @property
    def derived_total(self) -> int:
        """总计: the sum of the six applicant columns."""
        return sum(self.columns().values())


class ApplicantTotals(_Model):
    """The （七）总计 row as the data may give it: only the columns given are checked."""

    natural_person: Count | None = Field(None, title=L.APPLICANT_COLUMNS["natural_person"])
    commercial_enterprise: Count | None = Field(
        None, title=L.APPLICANT_COLUMNS["commercial_enterprise"]
    )
    research_institution: Count | None = Field(
        None, title=L.APPLICANT_COLUMNS["research_institution"]
    )
    social_welfare_organization: Count | None = Field(
        None, title=L.APPLICANT_COLUMNS["social_welfare_organization"]
    )
    legal_service_agency: Count | None = Field(
        None, title=L.APPLICANT_COLUMNS["legal_service_agency"]
    )
    other: Count | None = Field(None, title=L.APPLICANT_COLUMNS["other"])
    total: Count | None = Field(None, title=L.TOTAL)


def _row(group: str, key: str) -> Any:
    return Field(default_factory=ApplicantCounts, title=L.RESULT_GROUPS[group][1][key])


def _group(group: str, model: type[_Model]) -> Any:
    return Field(default_factory=model, title=L.RESULT_GROUPS[group][0])


class Withheld(_Model):
    """（三）不予公开: eight numbered reasons."""

    state_secret: ApplicantCounts = _row("withheld", "state_secret")
    prohibited_by_law: ApplicantCounts = _row("withheld", "prohibited_by_law")
    security_and_stability: ApplicantCounts = _row("withheld", "security_and_stability")
    third_party_rights: ApplicantCounts = _row("withheld", "third_party_rights")
    internal_affairs: ApplicantCounts = _row("withheld", "internal_affairs")
    process_information: ApplicantCounts = _row("withheld", "process_information")
    law_enforcement_files: ApplicantCounts = _row("withheld", "law_enforcement_files")
    administrative_query: ApplicantCounts = _row("withheld", "administrative_query")


class UnableToProvide(_Model):
    """（四）无法提供: three numbered reasons."""

    not_held: ApplicantCounts = _row("unable_to_provide", "not_held")
    needs_new_creation: ApplicantCounts = _row("unable_to_provide", "needs_new_creation")
    unclear_after_correction: ApplicantCounts = _row(
        "unable_to_provide", "unclear_after_correction"
    )


class NotProcessed(_Model):
    """（五）不予处理: five numbered reasons."""

    complaint_petition: ApplicantCounts = _row("not_processed", "complaint_petition")
    duplicate: ApplicantCounts = _row("not_processed", "duplicate")
    publication: ApplicantCounts = _row("not_processed", "publication")
    excessive_repeated: ApplicantCounts = _row("not_processed", "excessive_repeated")
    confirm_or_reissue: ApplicantCounts = _row("not_processed", "confirm_or_reissue")


class OtherHandling(_Model):
    """（六）其他处理: three numbered items."""

    correction_overdue: ApplicantCounts = _row("other", "correction_overdue")
    fee_overdue: ApplicantCounts = _row("other", "fee_overdue")
    other: ApplicantCounts = _row("other", "other")


class Results(_Model):
    """三、本年度办理结果: the 21 result rows and the optional given （七）总计."""

    granted: ApplicantCounts = Field(default_factory=ApplicantCounts, title=L.T3_GRANTED)
    partially_granted: ApplicantCounts = Field(default_factory=ApplicantCounts, title=L.T3_PARTIAL)
    withheld: Withheld = _group("withheld", Withheld)
    unable_to_provide: UnableToProvide = _group("unable_to_provide", UnableToProvide)
    not_processed: NotProcessed = _group("not_processed", NotProcessed)
    other: OtherHandling = _group("other", OtherHandling)
    total: ApplicantTotals | None = Field(None, title=L.T3_RESULTS_TOTAL)

    def rows(self) -> Iterator[tuple[str, ApplicantCounts]]:
        """The 21 result rows in table order, each with its path below ``results``."""
        yield "granted", self.granted
        yield "partially_granted", self.partially_granted
        for group in L.RESULT_GROUPS:
            items = getattr(self, group)
            for key in L.RESULT_GROUPS[group][1]:
                yield f"{group}.{key}", getattr(items, key)

    def group_total(self, group: str) -> int:
        """总计 of all numbered items of one result group, e.g. ``withheld``."""
        items = getattr(self, group)
        return sum(getattr(items, key).derived_total for key in L.RESULT_GROUPS[group][1])

    @property
    def derived(self) -> ApplicantCounts:
        """（七）总计: per column, the sum of the 21 result rows."""
        sums = dict.fromkeys(L.APPLICANT_COLUMNS, 0)
        for _, row in self.rows():
            for key, value in row.columns().items():
                sums[key] += value
        return ApplicantCounts(**sums)


class Applications(_Model):
    """Table 三 — 收到和处理政府信息公开申请情况."""

    new_received: ApplicantCounts = Field(default_factory=ApplicantCounts, title=L.T3_NEW)
    carried_over: ApplicantCounts = Field(default_factory=ApplicantCounts, title=L.T3_CARRIED_OVER)
    results: Results = Field(default_factory=Results, title=L.T3_RESULTS)
    carried_forward: ApplicantCounts = Field(
        default_factory=ApplicantCounts, title=L.T3_CARRIED_FORWARD
    )


# -- table 二 ------------------------------------------------------------------
class DocumentCounts(_Model):
    """规章 or 行政规范性文件: issued, repealed and in force."""

    issued: Count = Field(0, title=L.T2_ISSUED)
    repealed: Count = Field(0, title=L.T2_REPEALED)
    in_force: Count = Field(0, title=L.T2_IN_FORCE)


class ActiveDisclosure(_Model):
    """Table 二 — 主动公开政府信息情况."""

    rules: DocumentCounts = Field(default_factory=DocumentCounts, title=L.T2_RULES)
    normative_documents: DocumentCounts = Field(
        default_factory=DocumentCounts, title=L.T2_NORMATIVE
    )
    administrative_licensing: Count = Field(0, title=L.T2_LICENSING)
    administrative_penalty: Count = Field(0, title=L.T2_PENALTY)
    administrative_coercion: Count = Field(0, title=L.T2_COERCION)
    administrative_fees: Fee = Field(Decimal(0), title=L.T2_FEES)


# -- table 四 ------------------------------------------------------------------
class CaseCounts(_Model):
    """One group of table 四: results and 总计 (derived)."""

    upheld: Count = Field(0, title=L.CASE_COLUMNS["upheld"])
    corrected: Count = Field(0, title=L.CASE_COLUMNS["corrected"])
    other: Count = Field(0, title=L.CASE_COLUMNS["other"])
    pending: Count = Field(0, title=L.CASE_COLUMNS["pending"])
    total: Count | None = Field(None, title=L.TOTAL)

    def columns(self) -> dict[str, int]:
        """The four result counts, in table order."""
        return {key: getattr(self, key) for key in L.CASE_COLUMNS}

    @property
    def derived_total(self) -> int:
        """总计: 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""
        return sum(self.columns().values())


class ReviewAndLitigation(_Model):
    """Table 四 — 政府信息公开行政复议、行政诉讼情况."""

    reconsideration: CaseCounts = Field(
        default_factory=CaseCounts, title=L.CASE_GROUPS["reconsideration"]
    )
    litigation_direct: CaseCounts = Field(
        default_factory=CaseCounts,
        title=f"{L.T4_LITIGATION} / {L.CASE_GROUPS['litigation_direct']}",
    )
    litigation_after_reconsideration: CaseCounts = Field(
        default_factory=CaseCounts,
        title=f"{L.T4_LITIGATION} / {L.CASE_GROUPS['litigation_after_reconsideration']}",
    )


# -- the report ----------------------------------------------------------------
class OverviewSection(_Model):
    """A numbered sub-section of 一、总体情况; the number is added when rendering."""

    heading: Heading = Field(title="小标题")
    body: Text = Field("", title="正文")


class Overview(_Model):
    """一、总体情况: summary paragraphs, then numbered sub-sections."""

    summary: Text = Field("", title="综述")
    sections: list[OverviewSection] = Field(default_factory=list, title="分项")


class Report(_Model):
    """A whole annual report on government information disclosure."""

    schema_version: Literal[1] = Field(1, title="格式版本")
    agency: Line = Field(title="报告机关名称")
    year: StrictInt = Field(ge=2008, le=2100, title="报告年度")
    title: Line | None = Field(None, title="标题")
    preamble: Text = Field("", title="前言")
    overview: Overview = Field(title=L.SECTION_1)
    active_disclosure: ActiveDisclosure = Field(default_factory=ActiveDisclosure, title=L.SECTION_2)
    applications: Applications = Field(default_factory=Applications, title=L.SECTION_3)
    review_and_litigation: ReviewAndLitigation = Field(
        default_factory=ReviewAndLitigation, title=L.SECTION_4
    )
    problems: Text = Field(title=f"{L.SECTION_5} / {L.PROBLEMS}")
    improvements: Text = Field(title=f"{L.SECTION_5} / {L.IMPROVEMENTS}")
    other_matters: Text = Field(title=L.SECTION_6)
    issuer: Line | None = Field(None, title="落款机关")
    date: IsoDate | None = Field(None, title="落款日期")

    @property
    def display_title(self) -> str:
        """The title as printed: given, or ``{agency}{year}年政府信息公开工作年度报告``."""
        return self.title or f"{self.agency}{self.year}年政府信息公开工作年度报告"
