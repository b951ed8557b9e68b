"""Reading a finished report back: gidoc's own output round-trips, hand-typed variants read."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_properties import TEXT, reports

from conftest import SAMPLES
from gidoc import ReportTemplate, ReportValidationError, build_context, load, validate
from gidoc.checking.validate import check
from gidoc.errors import InputError
from gidoc.format import labels as L
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.format.models import MAX_NUMBER, Report
from gidoc.output.context import paragraphs
from gidoc.sources.docx import norm, read_report

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".json", ".yaml", ".yml"))
TEMPLATE = ReportTemplate()


def render_to(data: dict[str, Any], path: Path) -> Path:
    path.write_bytes(TEMPLATE.render(build_context(validate(data))))
    return path


def _drop_totals(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_totals(v) for k, v in value.items() if k != "total"}
    if isinstance(value, list):
        return [_drop_totals(v) for v in value]
    return value


def _largest_total(report: Report) -> int:
    rows = [report.applications.row(row.path) for row in T.TABLE_3_ROWS if not row.derived]
    rows.append(report.applications.results.derived)
    cases = [getattr(report.review_and_litigation, group) for group in L.CASE_GROUPS]
    return max(
        *(row.derived_total for row in rows),
        *(case.derived_total for case in cases),
        *report.applications.results.derived.columns().values(),
    )


def _printed_totals(dump: dict[str, Any]) -> None:
    """Every 总计 gidoc prints, as the reader keeps it: a given total equal to the derived one."""
    report = Report.model_validate(dump)
    apps = dump["applications"]
    for row in T.TABLE_3_ROWS:
        if not row.derived:
            node = paths.get(apps, row.path)
            node["total"] = report.applications.row(row.path).derived_total
    derived = report.applications.results.derived
    apps["results"]["total"] = {**derived.columns(), "total": derived.derived_total}
    for group in L.CASE_GROUPS:
        counts = getattr(report.review_and_litigation, group)
        dump["review_and_litigation"][group]["total"] = counts.derived_total


def _text(value: str) -> str:
    return "\n".join(paragraphs(value))


def expected_dump(data: dict[str, Any]) -> dict[str, Any]:
    """What reading the rendered report must give: texts as rendered, the printed totals, the 落款 as printed."""
    report = validate(_drop_totals(copy.deepcopy(data)))
    dump = report.model_dump()
    _printed_totals(dump)
    for key in ("preamble", "problems", "improvements", "other_matters"):
        dump[key] = _text(dump[key])
    dump["overview"]["summary"] = _text(dump["overview"]["summary"])
    for section in dump["overview"]["sections"]:
        section["body"] = _text(section["body"])
    if dump["title"] == f"{report.agency}{report.year}年政府信息公开工作年度报告":
        dump["title"] = None
    if report.issuer is not None or report.date is not None:
        dump["issuer"] = report.issuer or report.agency
    return dump


def assert_round_trip(data: dict[str, Any], path: Path) -> None:
    loaded = read_report(render_to(data, path))
    assert loaded.warnings == []
    assert validate(loaded.data).model_dump() == expected_dump(data)


# -- round trips ------------------------------------------------------------------
@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_round_trip(sample: Path, tmp_path: Path) -> None:
    assert_round_trip(load(sample), tmp_path / "report.docx")


def test_locations_name_the_cell_a_person_counts(tmp_path: Path) -> None:
    loaded = read_report(render_to(load(SAMPLES / "fingerprint-2025.yaml"), tmp_path / "r.docx"))
    where = loaded.locations
    assert (
        where["applications.results.withheld.state_secret.natural_person"] == "表三 第 8 行第 4 列"
    )
    assert where["applications.new_received.other"] == "表三 第 4 行第 9 列"
    assert where["applications.carried_forward.natural_person"] == "表三 第 28 行第 4 列"
    assert where["active_disclosure.rules.issued"] == "表二 第 3 行第 2 列"
    assert where["active_disclosure.administrative_fees"] == "表二 第 14 行第 2 列"
    assert where["review_and_litigation.litigation_after_reconsideration.pending"] == (
        "表四 第 4 行第 14 列"
    )
    # every number has a location, every printed total too
    assert len(where) == 6 + 4 + 24 * 6 + 3 * 4 + 24 + 7 + 3
    assert where["applications.results.total.total"] == "表三 第 27 行第 10 列"
    data = loaded.data
    assert data["active_disclosure"]["administrative_fees"] == Decimal("24252.311082")
    assert data["issuer"] == "示例市数据管理局办公室"
    assert data["date"] == "2026-01-20"
    assert "title" not in data


def test_title_and_signature_variants_round_trip(
    minimal_data: dict[str, Any], tmp_path: Path
) -> None:
    data = dict(minimal_data, title="2025年度牧野区工业和信息化局政府信息公开工作年度报告")
    data["date"] = "2026-01-05"  # no issuer: the 落款 prints the agency
    loaded = read_report(render_to(data, tmp_path / "r.docx"))
    assert loaded.data["agency"] == "牧野区工业和信息化局"
    assert loaded.data["year"] == 2025
    assert loaded.data["title"] == data["title"]
    assert loaded.data["issuer"] == "牧野区工业和信息化局"
    assert loaded.data["date"] == "2026-01-05"
    assert_round_trip(data, tmp_path / "r2.docx")


def test_issuer_without_date(minimal_data: dict[str, Any], tmp_path: Path) -> None:
    data = dict(minimal_data, issuer="牧野区工业和信息化局办公室")
    loaded = read_report(render_to(data, tmp_path / "r.docx"))
    assert loaded.data["issuer"] == "牧野区工业和信息化局办公室"
    assert "date" not in loaded.data
    assert loaded.data["other_matters"] == minimal_data["other_matters"]


#: One line of text (category Cc, which the property generator leaves out, holds \n and \r).
LINE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(str.strip)


@st.composite
def full_reports(draw: st.DrawFn) -> dict[str, Any]:
    """The property generator's reports, with a preamble, sub-sections, a title and a 落款."""
    data = draw(reports())
    data["preamble"] = draw(TEXT)
    sections = draw(st.lists(st.fixed_dictionaries({"heading": LINE, "body": TEXT}), max_size=4))
    data["overview"]["sections"] = sections
    if draw(st.booleans()):
        data["title"] = f"{data['agency'].strip()}{data['year']}年政府信息公开工作年度报告"
    if draw(st.booleans()):
        data["issuer"] = draw(LINE)
    if draw(st.booleans()):
        day = draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)))
        data["date"] = day.isoformat()
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(full_reports())
def test_generated_reports_round_trip(tmp_path_factory: pytest.TempPathFactory, data: Any) -> None:
    try:
        report = validate(data)
    except ReportValidationError:
        assume(False)  # e.g. U+FFFE, which XML forbids, or a heading typed with a number
    # The printed totals are read back as given totals, which are counts like any other.
    assume(_largest_total(report) <= MAX_NUMBER)
    assert_round_trip(data, tmp_path_factory.mktemp("rt") / "report.docx")


# -- a report typed by hand ---------------------------------------------------------
def hand_label(label: str) -> str:
    """A label as people type it: half-width brackets, 1、 for 1., straight quotes."""
    out = label.replace("（", "(").replace("）", ")").replace("“", '"').replace("”", '"')
    for digit in "123456789":
        out = out.replace(f"{digit}.", f"{digit}、")
    return out


def put(table: Table, top: int, left: int, text: str, down: int = 1, across: int = 1) -> None:
    cell = table.cell(top, left)
    if down > 1 or across > 1:
        cell = cell.merge(table.cell(top + down - 1, left + across - 1))
    lines = text.split("\n\n")  # a blank line: a new paragraph; a single \n: a line break
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


#: Cells of the hand-typed tables: JSON path → text typed; every other value cell is "0".
HAND_VALUES = {
    "active_disclosure.normative_documents.issued": "2",
    "active_disclosure.normative_documents.repealed": "—",
    "active_disclosure.normative_documents.in_force": "15",
    "active_disclosure.administrative_licensing": "1,234",
    "active_disclosure.administrative_penalty": "５６",
    "active_disclosure.administrative_coercion": "",
    "active_disclosure.administrative_fees": "1,234.50",
    "applications.new_received.natural_person": "1,234",
    "applications.new_received.commercial_enterprise": "—",
    "applications.new_received.research_institution": "",
    "applications.new_received.other": "3",
    "applications.results.granted.natural_person": "1000",
    "applications.results.withheld.state_secret.commercial_enterprise": "/",
    "applications.results.not_processed.duplicate.other": "３",
    "applications.results.other.other.legal_service_agency": "／",
    "applications.results.unable_to_provide.not_held.natural_person": "-",
    "applications.carried_forward.natural_person": "234",
    "review_and_litigation.reconsideration.upheld": "2",
    "review_and_litigation.reconsideration.corrected": "1",
    "review_and_litigation.litigation_direct.upheld": "/",
    "review_and_litigation.litigation_direct.corrected": "/",
    "review_and_litigation.litigation_direct.other": "/",
    "review_and_litigation.litigation_direct.pending": "/",
    "review_and_litigation.litigation_after_reconsideration.pending": "",
}
#: The printed totals: right except the 行政复议 总计 (3, printed 4).
HAND_TOTALS = {
    "applications.new_received": "1,237",
    "applications.results.granted": "1000",
    "applications.results.not_processed.duplicate": "3",
    "applications.carried_forward": "234",
    "review_and_litigation.reconsideration": "4",
    "review_and_litigation.litigation_direct": "/",
}
#: The printed （七）总计 row, column by column.
HAND_RESULTS_TOTAL = ["1000", "0", "0", "0", "0", "3", "1003"]
ZERO_MARKS = {path for path, text in HAND_VALUES.items() if text in ("", "—", "-", "/", "／")}


def _value(path: str) -> str:
    return HAND_VALUES.get(path, "0")


def table_2(doc: Any, values: dict[str, str]) -> None:
    t = doc.add_table(rows=13, cols=4)
    t.style = "Table Grid"
    ad = "active_disclosure"
    put(t, 0, 0, hand_label(L.T2_GROUP_1), across=4)
    for col, text in enumerate((L.T2_ITEM, *L.DOCUMENT_COLUMNS.values())):
        put(t, 1, col, text)
    put(t, 2, 0, "规范性文件")  # 2022 龙口镇: no 规章 row, 规范性文件 for 行政规范性文件
    for col, key in enumerate(L.DOCUMENT_COLUMNS, start=1):
        put(t, 2, col, values.get(f"{ad}.normative_documents.{key}", "0"))
    row = 3
    for group, header, items in (
        (L.T2_GROUP_5, L.T2_DECISIONS, [("administrative_licensing", L.T2_LICENSING)]),
        (
            L.T2_GROUP_6,
            L.T2_DECISIONS,
            [("administrative_penalty", L.T2_PENALTY), ("administrative_coercion", L.T2_COERCION)],
        ),
        (L.T2_GROUP_8, hand_label(L.T2_FEES_AMOUNT), [("administrative_fees", L.T2_FEES)]),
    ):
        put(t, row, 0, hand_label(group), across=4)
        put(t, row + 1, 0, L.T2_ITEM)
        put(t, row + 1, 1, header, across=3)
        row += 2
        for key, label in items:
            put(t, row, 0, label)
            put(t, row, 1, values.get(f"{ad}.{key}", "0"), across=3)
            row += 1


def table_3(doc: Any, values: dict[str, str], totals: dict[str, str]) -> None:
    t = doc.add_table(rows=28, cols=10)
    t.style = "Table Grid"
    cells = t._cells  # the numbers first, while every cell is its own (table.cell() is slow)

    def numbers(row: int, path: str) -> None:
        for col, key in enumerate(L.APPLICANT_COLUMNS, start=3):
            cells[row * 10 + col].text = values.get(f"applications.{path}.{key}", "0")
        cells[row * 10 + 9].text = totals.get(f"applications.{path}", "")

    put(t, 0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）", 3, 3)
    put(t, 0, 3, L.T3_APPLICANTS, across=7)
    put(t, 1, 3, "自然人", down=2)
    put(t, 1, 4, L.T3_LEGAL_PERSONS, across=5)
    put(t, 1, 9, "总 计", down=2)
    for col, text in enumerate(
        ("商业\n企业", "科研\n机构", "社会公益\n组织", "法律服务\n机构", "其他"), 4
    ):
        put(t, 2, col, text)

    for row, label, path in (
        (3, L.T3_NEW, "new_received"),
        (4, L.T3_CARRIED_OVER, "carried_over"),
        (27, L.T3_CARRIED_FORWARD, "carried_forward"),
    ):
        put(t, row, 0, hand_label(label), across=3)
        numbers(row, path)
    put(t, 5, 0, L.T3_RESULTS, down=22)
    put(t, 5, 1, hand_label(L.T3_GRANTED), across=2)
    numbers(5, "results.granted")
    put(t, 6, 1, "(二)部分公开\n\n(区分处理的，只计这一情形，不计其他情形)", across=2)
    numbers(6, "results.partially_granted")
    row = 7
    for group, (name, items) in L.RESULT_GROUPS.items():
        put(t, row, 1, hand_label(name), down=len(items))
        for key, label in items.items():
            put(t, row, 2, hand_label(label))
            numbers(row, f"results.{group}.{key}")
            row += 1
    put(t, 26, 1, hand_label(L.T3_RESULTS_TOTAL), across=2)
    for col, text in enumerate(HAND_RESULTS_TOTAL, start=3):
        cells[26 * 10 + col].text = text


def table_4(doc: Any, values: dict[str, str], totals: dict[str, str]) -> None:
    t = doc.add_table(rows=4, cols=15)
    t.style = "Table Grid"
    put(t, 0, 0, L.T4_RECONSIDERATION, across=5)
    put(t, 0, 5, L.T4_LITIGATION, across=10)
    headers = [*L.CASE_COLUMNS.values(), L.TOTAL]
    for col, text in enumerate(headers):
        put(t, 1, col, text, down=2)
    put(t, 1, 5, L.T4_DIRECT, across=5)
    put(t, 1, 10, L.T4_AFTER, across=5)
    for offset in (5, 10):
        for col, text in enumerate(headers, start=offset):
            put(t, 2, col, text)
    for index, group in enumerate(L.CASE_GROUPS):
        path = f"review_and_litigation.{group}"
        for col, key in enumerate(L.CASE_COLUMNS, start=index * 5):
            put(t, 3, col, values.get(f"{path}.{key}", "0"))
        put(t, 3, index * 5 + 4, totals.get(path, "0"))


def hand_typed(
    path: Path,
    values: dict[str, str] | None = None,
    *,
    tables: tuple[str, ...] = ("二", "三", "四"),
) -> Path:
    """A report as an office types it in Word: plain paragraphs, half-width brackets, dashes."""
    values = HAND_VALUES if values is None else values
    doc = Document()
    doc.add_paragraph(
        "示例县农业农村局2024年政府信息公开工作年度报告"
    ).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("本报告依据《中华人民共和国政府信息公开条例》编制。")
    doc.add_paragraph("")
    doc.add_paragraph("一、 总体情况")
    doc.add_paragraph("　　2024年，我局认真贯彻落实《条例》。")
    doc.add_paragraph("(一)主动公开")
    doc.add_paragraph("全年主动公开政府信息56条。")
    doc.add_paragraph("（二）依申请公开。全年新收申请1237件。")
    doc.add_paragraph("（三）政府信息管理")
    doc.add_paragraph("严格审核。\n专人负责。")
    doc.add_paragraph("二、主动公开政府信息情况")
    doc.add_paragraph("单位：件")
    if "二" in tables:
        table_2(doc, values)
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    if "三" in tables:
        table_3(doc, values, HAND_TOTALS)
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    if "四" in tables:
        table_4(doc, values, HAND_TOTALS)
    doc.add_paragraph("五、政府信息公开工作存在的主要问题及改进情况")
    doc.add_paragraph("（一）存在的主要问题")
    doc.add_paragraph("信息公开的及时性有待提高。")
    doc.add_paragraph("(二)改进情况")
    doc.add_paragraph("加强审核，按时发布。")
    doc.add_paragraph("六、其他需要报告的事项")
    doc.add_paragraph("本年度未收取信息处理费。")
    doc.add_paragraph("")
    doc.add_paragraph("示例县农业农村局").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("2025年1月20日").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.save(str(path))
    return path


def hand_expected() -> dict[str, Any]:
    """The hand-typed report's data: its numbers and the totals it prints."""
    data = _hand_numbers()
    for path, text in HAND_TOTALS.items():
        if path.startswith("applications."):
            paths.get(data, path)["total"] = (
                0 if text in ("/", "—") else int(norm(text).replace(",", ""))
            )
    for group in L.CASE_GROUPS:
        printed = HAND_TOTALS.get(f"review_and_litigation.{group}", "0")
        data["review_and_litigation"][group]["total"] = 0 if printed == "/" else int(printed)
    columns = [*L.APPLICANT_COLUMNS, "total"]
    data["applications"]["results"]["total"] = {
        key: int(text) for key, text in zip(columns, HAND_RESULTS_TOTAL, strict=True)
    }
    return data


def _hand_numbers() -> dict[str, Any]:
    def count(path: str) -> int:
        text = _value(path)
        return 0 if path in ZERO_MARKS else int(norm(text).replace(",", ""))

    def applicants(path: str) -> dict[str, int]:
        return {key: count(f"applications.{path}.{key}") for key in L.APPLICANT_COLUMNS}

    results: dict[str, Any] = {
        "granted": applicants("results.granted"),
        "partially_granted": applicants("results.partially_granted"),
    }
    for group, (_, items) in L.RESULT_GROUPS.items():
        results[group] = {key: applicants(f"results.{group}.{key}") for key in items}
    ad = "active_disclosure"
    return {
        "schema_version": 1,
        "agency": "示例县农业农村局",
        "year": 2024,
        "preamble": "本报告依据《中华人民共和国政府信息公开条例》编制。",
        "overview": {
            "summary": "2024年，我局认真贯彻落实《条例》。",
            "sections": [
                {"heading": "主动公开", "body": "全年主动公开政府信息56条。"},
                {"heading": "依申请公开", "body": "全年新收申请1237件。"},
                {"heading": "政府信息管理", "body": "严格审核。\n专人负责。"},
            ],
        },
        "active_disclosure": {
            "rules": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {
                key: count(f"{ad}.normative_documents.{key}") for key in L.DOCUMENT_COLUMNS
            },
            "administrative_licensing": 1234,
            "administrative_penalty": 56,
            "administrative_coercion": 0,
            "administrative_fees": Decimal("1234.50"),
        },
        "applications": {
            "new_received": applicants("new_received"),
            "carried_over": applicants("carried_over"),
            "results": results,
            "carried_forward": applicants("carried_forward"),
        },
        "review_and_litigation": {
            group: {key: count(f"review_and_litigation.{group}.{key}") for key in L.CASE_COLUMNS}
            for group in L.CASE_GROUPS
        },
        "problems": "信息公开的及时性有待提高。",
        "improvements": "加强审核，按时发布。",
        "other_matters": "本年度未收取信息处理费。",
        "issuer": "示例县农业农村局",
        "date": "2025-01-20",
    }


def test_hand_typed_report_reads_with_warnings(tmp_path: Path) -> None:
    loaded = read_report(hand_typed(tmp_path / "hand.docx"))
    assert loaded.data == hand_expected()
    assert loaded.data["applications"]["new_received"]["natural_person"] == 1234
    # 勾稽关系 hold; the one published inconsistency is the printed 行政复议 总计
    checked = check(loaded.data, "hand.docx", loaded.locations)
    (error,) = checked.errors
    assert error.path == "review_and_litigation.reconsideration.total"
    assert error.label == "行政复议 / 总计"
    assert "填写的总计 4" in error.message
    assert "= 3" in error.message
    assert error.cell == "表四 第 4 行第 5 列"
    assert all(w.severity == "warning" for w in loaded.warnings)
    by_path: dict[str, list[Any]] = {}
    for warning in loaded.warnings:
        by_path.setdefault(warning.path, []).append(warning)
    assert set(by_path) == ZERO_MARKS | {
        "active_disclosure",  # 单位：件 under 二 is not read
        "active_disclosure.rules",
        "active_disclosure.normative_documents",
    }
    (zero,) = by_path["applications.new_received.commercial_enterprise"]
    assert zero.cell == "表三 第 4 行第 5 列"
    for needle in ("表三", L.T3_NEW, "商业企业", "「—」", "按 0 读取"):
        assert needle in zero.message
    (blank,) = by_path["active_disclosure.administrative_coercion"]
    for needle in ("表二", L.T2_COERCION, L.T2_DECISIONS, "空白"):
        assert needle in blank.message
    (dash,) = by_path["review_and_litigation.litigation_direct.other"]
    for needle in ("表四", L.T4_DIRECT, "其他结果", "「/」"):
        assert needle in dash.message
    (rules,) = by_path["active_disclosure.rules"]
    assert "规章" in rules.message
    assert loaded.locations["applications.new_received.commercial_enterprise"] == (
        "表三 第 4 行第 5 列"
    )
    assert "active_disclosure.rules.issued" not in loaded.locations


def test_a_date_that_is_not_right_aligned_stays_text(tmp_path: Path) -> None:
    """A date at the end of 六 that is not right-aligned stays text, not the 落款."""
    doc = Document(str(hand_typed(tmp_path / "hand.docx")))
    for paragraph in doc.paragraphs[-2:]:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    doc.save(str(tmp_path / "left.docx"))
    data = read_report(tmp_path / "left.docx").data
    assert "date" not in data
    assert "issuer" not in data
    assert data["other_matters"].endswith("示例县农业农村局\n2025年1月20日")


def test_a_cell_that_is_not_a_number_names_table_row_and_column(tmp_path: Path) -> None:
    values = dict(HAND_VALUES)
    values["applications.results.not_processed.duplicate.research_institution"] = "abc"
    with pytest.raises(InputError) as caught:
        read_report(hand_typed(tmp_path / "hand.docx", values))
    message = str(caught.value)
    for needle in ("表三", "2.重复申请", "科研机构", "abc", "第 20 行第 6 列"):
        assert needle in message


def test_a_fee_that_is_not_a_number(tmp_path: Path) -> None:
    values = dict(HAND_VALUES)
    values["active_disclosure.administrative_fees"] = "约3.5"
    with pytest.raises(InputError, match=r"表二.*行政事业性收费.*约3\.5"):
        read_report(hand_typed(tmp_path / "hand.docx", values))


def test_a_unit_typed_in_a_cell_is_read_with_a_warning(tmp_path: Path) -> None:
    values = dict(HAND_VALUES)
    values["active_disclosure.administrative_fees"] = "3.5万元"
    values["applications.results.granted.natural_person"] = "1000件"
    values["applications.carried_over.other"] = "无"
    loaded = read_report(hand_typed(tmp_path / "hand.docx", values))
    assert loaded.data["active_disclosure"]["administrative_fees"] == Decimal("3.5")
    assert loaded.data["applications"]["results"]["granted"]["natural_person"] == 1000
    assert loaded.data["applications"]["carried_over"]["other"] == 0
    by_path = {w.path: w for w in loaded.warnings}
    fee = by_path["active_disclosure.administrative_fees"]
    assert "「3.5万元」" in fee.message
    assert "按 3.5 读取" in fee.message
    granted = by_path["applications.results.granted.natural_person"]
    assert "「1000件」" in granted.message
    assert granted.cell == "表三 第 6 行第 4 列"
    assert "「无」" in by_path["applications.carried_over.other"].message


@pytest.mark.parametrize(
    ("missing", "about"), [("四", "行政复议"), ("二", "主动公开"), ("三", "申请")]
)
def test_a_missing_table_is_named(tmp_path: Path, missing: str, about: str) -> None:
    kept = tuple(t for t in ("二", "三", "四") if t != missing)
    with pytest.raises(InputError, match=f"表{missing}.*{about}"):
        read_report(hand_typed(tmp_path / "hand.docx", tables=kept))


def test_not_a_docx(tmp_path: Path) -> None:
    bad = tmp_path / "report.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 old binary Word")
    with pytest.raises(InputError, match="另存为” .docx"):
        read_report(bad)
    with pytest.raises(InputError, match="不存在"):
        read_report(tmp_path / "missing.docx")


def test_norm_compares_the_variants() -> None:
    assert norm("(一)予以公开") == norm(L.T3_GRANTED)
    assert norm("1、属于国家秘密") == norm("1．属于国家秘密") == norm("1.属于国家秘密")
    assert norm('3.危及"三安全一稳定"') == norm(
        L.RESULT_GROUPS["withheld"][1]["security_and_stability"]
    )
    assert norm("商业\n企业") == norm("商业 企业") == "商业企业"
    assert norm("一．总体情况") == norm(L.SECTION_1)


def test_title_on_two_lines_numbered_heading_and_chinese_date(tmp_path: Path) -> None:
    """A title wrapped into two paragraphs, Word's automatic numbering, a date in Chinese numerals."""
    doc = Document(str(hand_typed(tmp_path / "hand.docx")))
    title = doc.paragraphs[0]
    title.text = "示例县农业农村局"
    doc.paragraphs[1].insert_paragraph_before("2024年度政府信息公开工作年度报告")
    heading = next(p for p in doc.paragraphs if p.text == L.SECTION_6)
    heading.text = "其他需要报告的事项"  # the 六、 comes from the list numbering
    heading.style = doc.styles["List Number"]
    doc.paragraphs[-1].text = "二〇二五年一月二十日"
    doc.save(str(tmp_path / "variant.docx"))
    data = read_report(tmp_path / "variant.docx").data
    assert (data["agency"], data["year"]) == ("示例县农业农村局", 2024)
    assert data["title"] == "示例县农业农村局2024年度政府信息公开工作年度报告"
    assert data["preamble"] == hand_expected()["preamble"]
    assert data["improvements"] == "加强审核，按时发布。"
    assert data["other_matters"] == "本年度未收取信息处理费。"
    assert data["date"] == "2025-01-20"


def test_year_first_title(tmp_path: Path) -> None:
    doc = Document(str(hand_typed(tmp_path / "hand.docx")))
    doc.paragraphs[0].text = "2024年示例县农业农村局政府信息公开工作年度报告"
    doc.save(str(tmp_path / "variant.docx"))
    data = read_report(tmp_path / "variant.docx").data
    assert (data["agency"], data["year"]) == ("示例县农业农村局", 2024)
    assert data["title"] == "2024年示例县农业农村局政府信息公开工作年度报告"


def test_custom_title_takes_the_agency_from_gidocs_document_properties(
    minimal_data: dict[str, Any], tmp_path: Path
) -> None:
    data = dict(minimal_data, title="牧野区工信局关于2025年度政府信息公开工作情况的报告")
    loaded = read_report(render_to(data, tmp_path / "r.docx"))
    assert (loaded.data["agency"], loaded.data["year"]) == ("牧野区工业和信息化局", 2025)
    assert loaded.data["title"] == data["title"]
    assert_round_trip(data, tmp_path / "r2.docx")


def test_a_title_without_agency_and_year_is_an_input_error(tmp_path: Path) -> None:
    doc = Document(str(hand_typed(tmp_path / "hand.docx")))
    doc.paragraphs[0].text = "政府信息公开工作年度报告"
    doc.save(str(tmp_path / "untitled.docx"))
    with pytest.raises(
        InputError, match="无法从标题「政府信息公开工作年度报告」读出机关名称和年度"
    ):
        read_report(tmp_path / "untitled.docx")
