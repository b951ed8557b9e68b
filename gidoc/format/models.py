"""Pydantic models of the report data format, version 1 (``shared/spec/data-format.md``).

The models are strict and closed: counts are non-negative integers (never
strings, floats or booleans), the fee is a decimal kept as written, unknown
keys are rejected and text may hold only characters that XML allows.  Every
field's ``title`` is its official Chinese label from :mod:`gidoc.format.labels`, so
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
    WithJsonSchema,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from gidoc.format import labels as L
from gidoc.format.tables import RESULT_ROWS

#: Largest count or fee a report can hold; larger numbers are typing mistakes.
MAX_NUMBER = 10**12
#: Decimal places allowed in the fee (万元 to the 分).
FEE_PLACES = 6
#: Characters a text field may hold.  A whole report is some 20,000; Word's XML, as gidoc
#: reads it back, holds at most 10 MB in one paragraph, and check refuses what render cannot write.
MAX_TEXT = 100_000
#: Characters all the texts of a report may hold together (25 times a long report): more
#: takes render past its time limit, which would blame the template.
MAX_TOTAL_TEXT = 500_000
#: Sub-sections of 一、总体情况: they are numbered （一）…（九十九）.
MAX_SECTIONS = 99


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


def _bounded(value: Any) -> Any:
    # Before the character checks, which would otherwise walk 70 million characters.
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise PydanticCustomError(
            "string_too_long",
            "文字过长：{length} 个字符，最多 {max_length} 个字符",
            {"length": len(value), "max_length": MAX_TEXT},
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


class Paragraphs:
    """Marks a text field whose value is paragraphs (may span lines), as opposed to one line."""


#: The marker instance found in a text field's ``metadata``; see :func:`is_paragraphs`.
PARAGRAPHS = Paragraphs()

Count = Annotated[StrictInt, Field(ge=0, le=MAX_NUMBER)]
Fee = Annotated[
    Decimal,
    BeforeValidator(_not_text_or_bool),
    Field(ge=0, le=MAX_NUMBER, decimal_places=FEE_PLACES, allow_inf_nan=False),
    # pydantic would describe a Decimal as number-or-string with its own non-standard
    # keywords; the data format takes only a plain number (strings are rejected above).
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": MAX_NUMBER}),
]
Text = Annotated[StrictStr, BeforeValidator(_bounded), AfterValidator(_xml_safe), PARAGRAPHS]
Line = Annotated[
    StrictStr,
    BeforeValidator(_bounded),
    AfterValidator(_xml_safe),
    AfterValidator(_single_line),
    # For editors: one line with something other than spaces in it.
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"^[^\r\n]*\S[^\r\n]*$"}),
]
Heading = Annotated[Line, AfterValidator(_unnumbered)]
IsoDate = Annotated[datetime.date, BeforeValidator(_date_only)]


def is_paragraphs(field: FieldInfo) -> bool:
    """True for a field of paragraphs (``Text``): written as a block, split into paragraphs."""
    return any(item is PARAGRAPHS for item in field.metadata)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- descriptions -------------------------------------------------------------------
# Field descriptions say what to fill in; they show in editors through the JSON Schema
# (gidoc.schema).  Labels quoted in them come from gidoc.labels.
_DERIVED = "由 gidoc 推算，可不填；填写时必须与推算值相等"
_PARAGRAPHS = "每个非空行印成一段"
_APPLICANT_HELP = {
    "natural_person": "自然人（公民个人）提出的申请件数",
    "commercial_enterprise": f"{L.T3_LEGAL_PERSONS}中，商业企业提出的申请件数",
    "research_institution": f"{L.T3_LEGAL_PERSONS}中，科研机构提出的申请件数",
    "social_welfare_organization": f"{L.T3_LEGAL_PERSONS}中，社会公益组织提出的申请件数",
    "legal_service_agency": f"{L.T3_LEGAL_PERSONS}中，法律服务机构（如律师事务所）提出的申请件数",
    "other": f"{L.T3_LEGAL_PERSONS}中，不属于以上四类的其他法人或组织提出的申请件数",
}


def _applicant(key: str) -> Any:
    return Field(0, title=L.APPLICANT_COLUMNS[key], description=_APPLICANT_HELP[key])


def _given_total(key: str) -> Any:
    column = L.APPLICANT_COLUMNS.get(key, L.TOTAL)
    return Field(
        None,
        title=column,
        description=f"「{L.T3_RESULTS_TOTAL}」行「{column}」列：21 项办理结果之和，{_DERIVED}",
    )


# -- table 三 ------------------------------------------------------------------
class ApplicantCounts(_Model):
    """One row of table 三: a count per applicant column, 总计 derived."""

    natural_person: Count = _applicant("natural_person")
    commercial_enterprise: Count = _applicant("commercial_enterprise")
    research_institution: Count = _applicant("research_institution")
    social_welfare_organization: Count = _applicant("social_welfare_organization")
    legal_service_agency: Count = _applicant("legal_service_agency")
    other: Count = _applicant("other")
    total: Count | None = Field(None, title=L.TOTAL, description=f"本行总计：六列之和，{_DERIVED}")

    def columns(self) -> dict[str, int]:
        """The six applicant counts, in table order."""
        return {key: getattr(self, key) for key in L.APPLICANT_COLUMNS}

    @property
    def derived_total(self) -> int:
        """总计: the sum of the six applicant columns."""
        return sum(self.columns().values())


class ApplicantTotals(_Model):
    """The （七）总计 row as the data may give it: only the columns given are checked."""

    natural_person: Count | None = _given_total("natural_person")
    commercial_enterprise: Count | None = _given_total("commercial_enterprise")
    research_institution: Count | None = _given_total("research_institution")
    social_welfare_organization: Count | None = _given_total("social_welfare_organization")
    legal_service_agency: Count | None = _given_total("legal_service_agency")
    other: Count | None = _given_total("other")
    total: Count | None = _given_total("total")


def _row(group: str, key: str) -> Any:
    name, items = L.RESULT_GROUPS[group]
    return Field(
        default_factory=ApplicantCounts,
        title=items[key],
        description=f"办理结果为「{name} {items[key]}」的申请件数，按申请人分列",
    )


def _group(group: str, model: type[_Model]) -> Any:
    name, items = L.RESULT_GROUPS[group]
    return Field(
        default_factory=model,
        title=name,
        description=f"办理结果为「{name}」的申请，分 {len(items)} 项按申请人填写",
    )


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

    granted: ApplicantCounts = Field(
        default_factory=ApplicantCounts,
        title=L.T3_GRANTED,
        description=f"办理结果为「{L.T3_GRANTED}」的申请件数，按申请人分列",
    )
    partially_granted: ApplicantCounts = Field(
        default_factory=ApplicantCounts,
        title=L.T3_PARTIAL,
        description="办理结果为部分公开的申请件数，按申请人分列；一件申请区分处理的，只计入本项",
    )
    withheld: Withheld = _group("withheld", Withheld)
    unable_to_provide: UnableToProvide = _group("unable_to_provide", UnableToProvide)
    not_processed: NotProcessed = _group("not_processed", NotProcessed)
    other: OtherHandling = _group("other", OtherHandling)
    total: ApplicantTotals | None = Field(
        None,
        title=L.T3_RESULTS_TOTAL,
        description=f"21 项办理结果之和，{_DERIVED}（只核对填写了的列）",
    )

    def rows(self) -> Iterator[tuple[str, ApplicantCounts]]:
        """The 21 result rows in table order, each with its path below ``results``."""
        for path in RESULT_ROWS:
            yield path, self.row(path)

    def row(self, path: str) -> ApplicantCounts:
        """One result row by its path below ``results``: ``withheld.state_secret``."""
        node: Any = self
        for part in path.split("."):
            node = getattr(node, part)
        assert isinstance(node, ApplicantCounts), path
        return node

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

    new_received: ApplicantCounts = Field(
        default_factory=ApplicantCounts,
        title=L.T3_NEW,
        description="本年新收的政府信息公开申请件数，不含上年结转，按申请人分列",
    )
    carried_over: ApplicantCounts = Field(
        default_factory=ApplicantCounts,
        title=L.T3_CARRIED_OVER,
        description="上年未办结、结转到本年继续办理的申请件数，按申请人分列；"
        f"应等于上年度报告表三的「{L.T3_CARRIED_FORWARD}」",
    )
    results: Results = Field(
        default_factory=Results,
        title=L.T3_RESULTS,
        description="本年度办结的申请按办理结果分列，每件申请只计入一种结果；"
        f"各列须满足：一 + 二 = 三{L.T3_RESULTS_TOTAL} + 四",
    )
    carried_forward: ApplicantCounts = Field(
        default_factory=ApplicantCounts,
        title=L.T3_CARRIED_FORWARD,
        description="本年未办结、结转下年度继续办理的申请件数，按申请人分列",
    )

    def row(self, path: str) -> ApplicantCounts:
        """A row of numbers of table 三 by its path below ``applications``.

        ``new_received`` or ``results.withheld.state_secret``; （七）总计
        (``results.total``) is the derived sum.
        """
        if path == "results.total":
            return self.results.derived
        if path.startswith("results."):
            return self.results.row(path.removeprefix("results."))
        node = getattr(self, path)
        assert isinstance(node, ApplicantCounts), path
        return node


# -- table 二 ------------------------------------------------------------------
class DocumentCounts(_Model):
    """规章 or 行政规范性文件: issued, repealed and in force."""

    issued: Count = Field(0, title=L.T2_ISSUED, description="本年新制定发布的件数")
    repealed: Count = Field(0, title=L.T2_REPEALED, description="本年废止的件数")
    in_force: Count = Field(
        0,
        title=L.T2_IN_FORCE,
        description="截至本年底现行有效的件数；一般为上年现行有效件数 + 本年制发 − 本年废止",
    )


class ActiveDisclosure(_Model):
    """Table 二 — 主动公开政府信息情况."""

    rules: DocumentCounts = Field(
        default_factory=DocumentCounts,
        title=L.T2_RULES,
        description=f"{L.T2_GROUP_1}：规章的制发、废止和现行有效件数；没有规章的填 0",
    )
    normative_documents: DocumentCounts = Field(
        default_factory=DocumentCounts,
        title=L.T2_NORMATIVE,
        description=f"{L.T2_GROUP_1}：{L.T2_NORMATIVE}的制发、废止和{L.T2_IN_FORCE}",
    )
    administrative_licensing: Count = Field(
        0, title=L.T2_LICENSING, description=f"{L.T2_GROUP_5}：本年作出的行政许可决定数量"
    )
    administrative_penalty: Count = Field(
        0, title=L.T2_PENALTY, description=f"{L.T2_GROUP_6}：本年作出的行政处罚决定数量"
    )
    administrative_coercion: Count = Field(
        0, title=L.T2_COERCION, description=f"{L.T2_GROUP_6}：本年作出的行政强制决定数量"
    )
    administrative_fees: Fee = Field(
        Decimal(0),
        title=L.T2_FEES,
        description=f"{L.T2_GROUP_8}：本年行政事业性收费金额，单位万元；填不带引号的数字，"
        f"最多 {FEE_PLACES} 位小数（精确到分），如 24252.311082；按原样印出，不四舍五入；"
        "未收费填 0",
        # The default as a JSON number: pydantic would write the Decimal as the string "0".
        json_schema_extra={"default": 0},
    )


# -- table 四 ------------------------------------------------------------------
class CaseCounts(_Model):
    """One group of table 四: results and 总计 (derived)."""

    upheld: Count = Field(
        0, title=L.CASE_COLUMNS["upheld"], description="本年审结、结果为维持原行政行为的件数"
    )
    corrected: Count = Field(
        0,
        title=L.CASE_COLUMNS["corrected"],
        description="本年审结、结果为纠正的件数（如撤销、变更、确认违法、责令履行）",
    )
    other: Count = Field(
        0,
        title=L.CASE_COLUMNS["other"],
        description="本年审结、结果既非维持也非纠正的件数（如驳回、终止）",
    )
    pending: Count = Field(
        0, title=L.CASE_COLUMNS["pending"], description="截至本年底尚未审结的件数"
    )
    total: Count | None = Field(
        None, title=L.TOTAL, description=f"本组总计：前四项之和，{_DERIVED}"
    )

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
        default_factory=CaseCounts,
        title=L.CASE_GROUPS["reconsideration"],
        description="以本机关为被申请人的政府信息公开行政复议案件",
    )
    litigation_direct: CaseCounts = Field(
        default_factory=CaseCounts,
        title=f"{L.T4_LITIGATION} / {L.CASE_GROUPS['litigation_direct']}",
        description="以本机关为被告、未经行政复议直接起诉的政府信息公开行政诉讼案件",
    )
    litigation_after_reconsideration: CaseCounts = Field(
        default_factory=CaseCounts,
        title=f"{L.T4_LITIGATION} / {L.CASE_GROUPS['litigation_after_reconsideration']}",
        description="以本机关为被告、经行政复议后起诉的政府信息公开行政诉讼案件",
    )


# -- the report ----------------------------------------------------------------
class OverviewSection(_Model):
    """A numbered sub-section of 一、总体情况; the number is added when rendering."""

    heading: Heading = Field(
        title="小标题",
        description="分项小标题，不带序号（序号（一）（二）…由 gidoc 生成），"
        f"如「{L.OVERVIEW_TOPICS[0]}」",
    )
    body: Text = Field("", title="正文", description=f"分项正文；{_PARAGRAPHS}")


class Overview(_Model):
    """一、总体情况: summary paragraphs, then numbered sub-sections."""

    summary: Text = Field(
        "", title="综述", description=f"「{L.SECTION_1}」开头、分项之前的综述；{_PARAGRAPHS}"
    )
    sections: list[OverviewSection] = Field(
        default_factory=list,
        max_length=MAX_SECTIONS,
        title="分项",
        description="依次编号为（一）（二）…的分项；官方格式要求的五项为："
        + "、".join(L.OVERVIEW_TOPICS),
    )


Sha256 = Annotated[
    StrictStr,
    Field(pattern=r"^[0-9a-f]{64}$"),
]


class AggregatedSource(_Model):
    """One unit's report summed into an aggregate (``aggregated_from``)."""

    agency: Line = Field(title="单位名称", description="被汇总单位的报告机关名称")
    file: Line = Field(title="文件", description="被汇总的报告文件名（或报告编号）")
    sha256: Sha256 = Field(
        title="文件摘要（SHA-256）",
        description="被汇总的报告文件内容的 SHA-256（64 位小写十六进制），用于核对汇总时用的是哪一份",
    )


class Report(_Model):
    """A whole annual report on government information disclosure."""

    schema_version: Literal[1] = Field(
        1, title="格式版本", description="数据格式的版本，目前只能为 1"
    )
    agency: Line = Field(
        title="报告机关名称", description="报告机关的全称，如 牧野区工业和信息化局；用于标题"
    )
    year: StrictInt = Field(
        ge=2008, le=2100, title="报告年度", description="所报告的年度（公历年份），如 2025"
    )
    title: Line | None = Field(
        None,
        title="标题",
        description="报告标题；不填（null）则按机关名称和年度生成，"
        f"如「牧野区工业和信息化局2025年{L.TITLE_SUFFIX}」",
    )
    preamble: Text = Field(
        "",
        title="前言",
        description=f"标题下、「{L.SECTION_1}」前的说明段落（编制依据、统计期限、联系方式等），"
        f"可为空；{_PARAGRAPHS}",
    )
    overview: Overview = Field(title=L.SECTION_1, description=f"「{L.SECTION_1}」：综述和各分项")
    active_disclosure: ActiveDisclosure = Field(
        default_factory=ActiveDisclosure,
        title=L.SECTION_2,
        description=f"表二「{L.SECTION_2}」的数字；不填的为 0",
    )
    applications: Applications = Field(
        default_factory=Applications,
        title=L.SECTION_3,
        description=f"表三「{L.SECTION_3}」的数字；不填的为 0，总计由 gidoc 推算",
    )
    review_and_litigation: ReviewAndLitigation = Field(
        default_factory=ReviewAndLitigation,
        title=L.SECTION_4,
        description=f"表四「{L.SECTION_4}」的数字；不填的为 0，总计由 gidoc 推算",
    )
    problems: Text = Field(
        title=f"{L.SECTION_5} / {L.PROBLEMS}",
        description=f"「{L.PROBLEMS}」的正文：如实写明本年度工作存在的问题；{_PARAGRAPHS}",
    )
    improvements: Text = Field(
        title=f"{L.SECTION_5} / {L.IMPROVEMENTS}",
        description=f"「{L.IMPROVEMENTS}」的正文：针对上述问题的改进措施；{_PARAGRAPHS}",
    )
    other_matters: Text = Field(
        title=L.SECTION_6,
        description=f"「{L.SECTION_6}」的正文，如收取信息处理费的情况；{_PARAGRAPHS}",
    )
    issuer: Line | None = Field(
        None, title="落款机关", description="落款处的机关名称；不填（null）时用报告机关名称"
    )
    date: IsoDate | None = Field(
        None,
        title="落款日期",
        description="落款日期，写作 YYYY-MM-DD，如 2026-01-20；不填（null）则不印日期",
    )
    aggregated_from: list[AggregatedSource] | None = Field(
        None,
        title="汇总来源",
        description="汇总报告（gidoc aggregate 生成）所汇总的各单位报告；"
        "单位自己的报告不填（null）。不印在报告中",
    )

    @property
    def display_title(self) -> str:
        """The title as printed: given, or ``{agency}{year}年政府信息公开工作年度报告``."""
        return self.title or f"{self.agency}{self.year}年{L.TITLE_SUFFIX}"
