"""The official Chinese texts of the report, in one place.

Every row, column and heading text of 国办公开办函〔2021〕30号 lives here and
only here: the models take their field titles from it, the template builder
writes it into the tables, and error messages name fields with it.  The
characters are exact: full-width （）、：，, ASCII ``1.`` in numbered items and
curly quotes in “三安全一稳定”.
"""

from __future__ import annotations

from typing import Final

#: What every title ends with: 「{机关}{年度}年政府信息公开工作年度报告」.
TITLE_SUFFIX: Final = "政府信息公开工作年度报告"
#: The format a report follows, as gidoc writes it into the document's properties.
DOCUMENT_SUBJECT: Final = "国办公开办函〔2021〕30号 " + TITLE_SUFFIX

# -- the six sections --------------------------------------------------------
SECTION_1: Final = "一、总体情况"
SECTION_2: Final = "二、主动公开政府信息情况"
SECTION_3: Final = "三、收到和处理政府信息公开申请情况"
SECTION_4: Final = "四、政府信息公开行政复议、行政诉讼情况"
SECTION_5: Final = "五、存在的主要问题及改进情况"
SECTION_6: Final = "六、其他需要报告的事项"
#: 五 as the 2019 trial format words it (国办公开办函〔2019〕60号).
SECTION_5_2019: Final = "五、政府信息公开工作存在的主要问题及改进情况"
SECTIONS: Final = (SECTION_1, SECTION_2, SECTION_3, SECTION_4, SECTION_5, SECTION_6)
PROBLEMS: Final = "（一）存在的主要问题"
IMPROVEMENTS: Final = "（二）改进情况"

#: The five sub-sections of 一 that the official format names.
OVERVIEW_TOPICS: Final = (
    "主动公开",
    "依申请公开",
    "政府信息管理",
    "政府信息公开平台建设",
    "监督保障",
)

# -- table 二 -----------------------------------------------------------------
T2_ITEM: Final = "信息内容"
T2_GROUP_1: Final = "第二十条第（一）项"
T2_GROUP_5: Final = "第二十条第（五）项"
T2_GROUP_6: Final = "第二十条第（六）项"
T2_GROUP_8: Final = "第二十条第（八）项"
T2_ISSUED: Final = "本年制发件数"
T2_REPEALED: Final = "本年废止件数"
T2_IN_FORCE: Final = "现行有效件数"
T2_DECISIONS: Final = "本年处理决定数量"
T2_FEES_AMOUNT: Final = "本年收费金额（单位：万元）"
T2_RULES: Final = "规章"
T2_NORMATIVE: Final = "行政规范性文件"
T2_LICENSING: Final = "行政许可"
T2_PENALTY: Final = "行政处罚"
T2_COERCION: Final = "行政强制"
T2_FEES: Final = "行政事业性收费"

#: Columns of the 规章 / 行政规范性文件 rows: data key → header.
DOCUMENT_COLUMNS: Final = {
    "issued": T2_ISSUED,
    "repealed": T2_REPEALED,
    "in_force": T2_IN_FORCE,
}

# -- table 三 -----------------------------------------------------------------
T3_NOTE: Final = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS: Final = "申请人情况"
T3_LEGAL_PERSONS: Final = "法人或其他组织"
TOTAL: Final = "总计"

#: Applicant columns of table 三, in table order: data key → header.
APPLICANT_COLUMNS: Final = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "social_welfare_organization": "社会公益组织",
    "legal_service_agency": "法律服务机构",
    "other": "其他",
}
#: Columns whose header sits under 法人或其他组织.
LEGAL_PERSON_KEYS: Final = tuple(list(APPLICANT_COLUMNS)[1:])

T3_NEW: Final = "一、本年新收政府信息公开申请数量"
#: 一 and 二 as the balance check names them.
T3_NEW_SHORT: Final = "一、本年新收"
T3_CARRIED_OVER_SHORT: Final = "二、上年结转"
T3_CARRIED_OVER: Final = "二、上年结转政府信息公开申请数量"
T3_RESULTS: Final = "三、本年度办理结果"
T3_GRANTED: Final = "（一）予以公开"
#: （二）部分公开 without its note, as messages name the row.
T3_PARTIAL_SHORT: Final = "（二）部分公开"
T3_PARTIAL: Final = T3_PARTIAL_SHORT + "（区分处理的，只计这一情形，不计其他情形）"
T3_RESULTS_TOTAL: Final = "（七）总计"
T3_CARRIED_FORWARD: Final = "四、结转下年度继续办理"

#: The four result groups with numbered items: data key → (group label, items).
RESULT_GROUPS: Final[dict[str, tuple[str, dict[str, str]]]] = {
    "withheld": (
        "（三）不予公开",
        {
            "state_secret": "1.属于国家秘密",
            "prohibited_by_law": "2.其他法律行政法规禁止公开",
            "security_and_stability": "3.危及“三安全一稳定”",
            "third_party_rights": "4.保护第三方合法权益",
            "internal_affairs": "5.属于三类内部事务信息",
            "process_information": "6.属于四类过程性信息",
            "law_enforcement_files": "7.属于行政执法案卷",
            "administrative_query": "8.属于行政查询事项",
        },
    ),
    "unable_to_provide": (
        "（四）无法提供",
        {
            "not_held": "1.本机关不掌握相关政府信息",
            "needs_new_creation": "2.没有现成信息需要另行制作",
            "unclear_after_correction": "3.补正后申请内容仍不明确",
        },
    ),
    "not_processed": (
        "（五）不予处理",
        {
            "complaint_petition": "1.信访举报投诉类申请",
            "duplicate": "2.重复申请",
            "publication": "3.要求提供公开出版物",
            "excessive_repeated": "4.无正当理由大量反复申请",
            "confirm_or_reissue": "5.要求行政机关确认或重新出具已获取信息",
        },
    ),
    "other": (
        "（六）其他处理",
        {
            "correction_overdue": (
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
            ),
            "fee_overdue": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "other": "3.其他",
        },
    ),
}

# -- table 四 -----------------------------------------------------------------
T4_RECONSIDERATION: Final = "行政复议"
T4_LITIGATION: Final = "行政诉讼"
T4_DIRECT: Final = "未经复议直接起诉"
T4_AFTER: Final = "复议后起诉"

#: Result columns of each table 四 group, in table order: data key → header.
CASE_COLUMNS: Final = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
}

#: The three groups of table 四: data key → header.
CASE_GROUPS: Final = {
    "reconsideration": T4_RECONSIDERATION,
    "litigation_direct": T4_DIRECT,
    "litigation_after_reconsideration": T4_AFTER,
}

# -- the styles of the 落款 (GB/T 9704-2012 terms; the template defines them) -----------
STYLE_SIGNATURE: Final = "落款"
STYLE_DATE: Final = "成文日期"

# -- Chinese numbering ---------------------------------------------------------
_DIGITS: Final = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Write 1..99 in Chinese numerals as headings number them: 1 → 一, 10 → 十, 21 → 二十一."""
    if not 1 <= n <= 99:
        raise ValueError(f"heading numbers run from 1 to 99, got {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def sub_heading_number(n: int) -> str:
    """The （一）-style number of the n-th sub-section (1-based)."""
    return f"（{chinese_number(n)}）"
