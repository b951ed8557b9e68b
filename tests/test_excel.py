"""gidoc.excel: the Excel form, written and read back, by openpyxl, Excel-like edits and LibreOffice."""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import signal
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import gidoc
from conftest import SAMPLES
from gidoc.checking.validate import Checked, check
from gidoc.errors import InputError
from gidoc.format import labels as L
from gidoc.output.excel import write_form
from gidoc.sources import excel, excel_layout
from gidoc.sources.load import Loaded

Data = dict[str, Any]
NEW_NATURAL = "applications.new_received.natural_person"


def form_of(tmp_path: Path, data: Data | None = None, name: str = "form.xlsx") -> Path:
    path = tmp_path / name
    write_form(path, data)
    return path


def edit(path: Path, changes: dict[str, Any]) -> None:
    """Set cells (``"表三!D4": value``) as a clerk would, and save with openpyxl (no cached totals)."""
    workbook = openpyxl.load_workbook(path)
    for where, value in changes.items():
        sheet, coord = where.split("!")
        workbook[sheet][coord] = value
    workbook.save(path)


def checked(loaded: Loaded) -> Checked:
    return check(loaded.data, "form.xlsx", loaded.locations)


def errors_by_cell(loaded: Loaded) -> dict[str, str]:
    return {p.cell: p.path for p in checked(loaded).errors}


def without_totals(value: Any) -> Any:
    """A model dump without the ``total`` keys: given totals are checked, then derived by the form."""
    if isinstance(value, dict):
        return {k: without_totals(v) for k, v in value.items() if k != "total"}
    if isinstance(value, list):
        return [without_totals(v) for v in value]
    return value


def sample_data(name: str) -> Data:
    return gidoc.load(SAMPLES / name)


SAMPLE_NAMES = ["muye-2025.json", "fingerprint-2025.yaml"]


# -- round trip ----------------------------------------------------------------------
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_round_trips(tmp_path: Path, name: str) -> None:
    original = sample_data(name)
    loaded = excel.read_form(form_of(tmp_path, original))
    assert loaded.warnings == []
    want = gidoc.validate(original)
    got = gidoc.validate(loaded.data)
    assert without_totals(got.model_dump()) == without_totals(want.model_dump())
    assert got.applications.results.derived == want.applications.results.derived
    assert str(got.active_disclosure.administrative_fees) == str(
        want.active_disclosure.administrative_fees
    )


def test_fee_and_date_read_exactly(tmp_path: Path) -> None:
    loaded = excel.read_form(form_of(tmp_path, sample_data("fingerprint-2025.yaml")))
    fee = loaded.data["active_disclosure"]["administrative_fees"]
    assert isinstance(fee, Decimal)
    assert str(fee) == "24252.311082"
    assert loaded.data["date"] == datetime.date(2026, 1, 20)
    assert loaded.data["year"] == 2025
    assert type(loaded.data["applications"]["new_received"]["natural_person"]) is int


def test_locations_name_cells_as_excel_shows_them(tmp_path: Path) -> None:
    loc = excel.read_form(form_of(tmp_path, sample_data("fingerprint-2025.yaml"))).locations
    assert loc["agency"] == "封面!B2"
    assert loc["year"] == "封面!B3"
    assert loc["date"] == "封面!B6"
    assert loc[NEW_NATURAL] == "表三!D4"
    assert loc["applications.carried_over.other"] == "表三!I5"
    assert loc["applications.results.granted.natural_person"] == "表三!D6"
    assert loc["applications.results.withheld.state_secret.natural_person"] == "表三!D8"
    assert loc["applications.results.other.other.other"] == "表三!I26"
    assert loc["applications.carried_forward.research_institution"] == "表三!F28"
    assert loc["applications.new_received.total"] == "表三!J4"
    assert loc["applications.*.research_institution"] == "表三!F29"
    assert loc["applications.*.total"] == "表三!J29"
    assert loc["active_disclosure.rules.issued"] == "表二!B3"
    assert loc["active_disclosure.normative_documents.in_force"] == "表二!D4"
    assert loc["active_disclosure.administrative_fees"] == "表二!B14"
    assert loc["review_and_litigation.reconsideration.upheld"] == "表四!A4"
    assert loc["review_and_litigation.litigation_after_reconsideration.pending"] == "表四!N4"
    assert loc["review_and_litigation.litigation_direct.total"] == "表四!J4"
    assert loc["preamble"] == "文字!B2"
    assert loc["overview.summary"] == "文字!B3"
    assert loc["overview.sections[0].heading"] == "文字!B4"
    assert loc["overview.sections[4].body"] == "文字!B13"
    assert loc["other_matters"] == "文字!B26"


# -- the empty form ------------------------------------------------------------------
def test_empty_form_lacks_only_the_required_texts(tmp_path: Path) -> None:
    loaded = excel.read_form(form_of(tmp_path))
    assert errors_by_cell(loaded) == {
        "封面!B2": "agency",
        "封面!B3": "year",
        "文字!B24": "problems",
        "文字!B25": "improvements",
        "文字!B26": "other_matters",
    }
    assert loaded.data["applications"]["new_received"]["other"] == 0
    assert loaded.data["overview"] == {"summary": "", "sections": []}


def test_filled_empty_form_is_valid(tmp_path: Path) -> None:
    path = form_of(tmp_path)
    edit(
        path,
        {
            "封面!B2": "牧野区工业和信息化局",
            "封面!B3": 2025,
            "封面!B6": "2026-01-20",
            "表三!D4": 2,
            "表三!D6": 1,
            "表三!D28": 1,
            "文字!B24": "无明显问题。",
            "文字!B25": "继续改进。",
            "文字!B26": "本年度未收取信息处理费。",
        },
    )
    loaded = excel.read_form(path)
    assert loaded.data["date"] == "2026-01-20"
    report = gidoc.validate(loaded.data)
    assert report.date == datetime.date(2026, 1, 20)
    assert report.applications.results.derived.derived_total == 1


# -- bad values, each named with its cell --------------------------------------------
@pytest.mark.parametrize(
    ("where", "value", "path", "label"),
    [
        pytest.param("表三!D4", "3", NEW_NATURAL, L.T3_NEW, id="text"),
        pytest.param("表三!D4", 1.5, NEW_NATURAL, L.T3_NEW, id="fraction"),
        pytest.param("表三!D4", -1, NEW_NATURAL, L.T3_NEW, id="negative"),
        pytest.param(
            "表三!H20",
            "五",
            "applications.results.not_processed.duplicate.legal_service_agency",
            "2.重复申请",
            id="text-in-result-row",
        ),
        pytest.param(
            "表二!B14", "一万", "active_disclosure.administrative_fees", L.T2_FEES, id="fee-text"
        ),
        pytest.param(
            "表四!K4",
            2.5,
            "review_and_litigation.litigation_after_reconsideration.upheld",
            L.T4_AFTER,
            id="table-4",
        ),
        pytest.param("封面!B3", "二〇二五", "year", "报告年度", id="year"),
    ],
)
def test_bad_cell_is_named(tmp_path: Path, where: str, value: Any, path: str, label: str) -> None:
    form = form_of(tmp_path, sample_data("muye-2025.json"))
    edit(form, {where: value})
    (problem,) = checked(excel.read_form(form)).errors
    assert problem.cell == where
    assert problem.path == path
    assert label in problem.label
    assert where in str(problem)


def test_whole_float_reads_as_int(tmp_path: Path) -> None:
    form = form_of(tmp_path, sample_data("muye-2025.json"))
    edit(form, {"表三!D4": 3.0, "表三!D6": 3.0, "表二!B14": 7.0})
    data = excel.read_form(form).data
    assert type(data["applications"]["new_received"]["natural_person"]) is int
    assert data["active_disclosure"]["administrative_fees"] == Decimal(7)
    assert gidoc.check(data).ok


def test_empty_count_means_zero(tmp_path: Path) -> None:
    form = form_of(tmp_path, sample_data("muye-2025.json"))
    edit(form, {"表三!D4": None, "表三!E4": "  "})
    loaded = excel.read_form(form)
    assert "natural_person" not in loaded.data["applications"]["new_received"]
    assert "commercial_enterprise" not in loaded.data["applications"]["new_received"]
    assert checked(loaded).ok


def test_broken_balance_names_the_check_row(tmp_path: Path) -> None:
    form = form_of(tmp_path, sample_data("muye-2025.json"))
    edit(form, {"表三!F4": 5})
    problems = checked(excel.read_form(form)).errors
    assert {(p.path, p.cell) for p in problems} == {
        ("applications.*.research_institution", "表三!F29"),
        ("applications.*.total", "表三!J29"),
    }


def test_formula_typed_into_an_input_cell(tmp_path: Path) -> None:
    form = form_of(tmp_path, sample_data("muye-2025.json"))
    edit(form, {"表三!D4": "=2+3"})
    # Saved by openpyxl the formula has no value yet: it is reported, never read as 0.
    (problem,) = checked(excel.read_form(form)).errors
    assert problem.cell == "表三!D4"
    assert "=2+3" in problem.message


# -- texts and sections --------------------------------------------------------------
def test_sections_skip_empty_rows_and_keep_their_cells(tmp_path: Path) -> None:
    form = form_of(tmp_path, sample_data("muye-2025.json"))
    # Section （三） emptied, （七） filled: the data has five sections, the last from row 16/17.
    edit(form, {"文字!B8": None, "文字!B9": None, "文字!B16": "其他", "文字!B17": "补充。"})
    loaded = excel.read_form(form)
    sections = loaded.data["overview"]["sections"]
    assert [s["heading"] for s in sections] == [
        "主动公开",
        "依申请公开",
        "政府信息公开平台建设",
        "监督保障",
        "其他",
    ]
    assert loaded.locations["overview.sections[2].heading"] == "文字!B10"
    assert loaded.locations["overview.sections[4].body"] == "文字!B17"
    assert checked(loaded).ok


def test_body_without_heading_names_the_heading_cell(tmp_path: Path) -> None:
    form = form_of(tmp_path, sample_data("muye-2025.json"))
    edit(form, {"文字!B15": "没有小标题的正文。"})
    (problem,) = checked(excel.read_form(form)).errors
    assert problem.path == "overview.sections[5].heading"
    assert problem.cell == "文字!B14"


def test_more_sections_than_the_form_offers(tmp_path: Path) -> None:
    data = sample_data("muye-2025.json")
    data["overview"]["sections"] = [{"heading": f"分项{n}", "body": f"正文{n}"} for n in range(12)]
    loaded = excel.read_form(form_of(tmp_path, data))
    assert loaded.data["overview"]["sections"] == data["overview"]["sections"]
    assert loaded.locations["problems"] == "文字!B28"


def test_texts_keep_their_characters(tmp_path: Path) -> None:
    data = sample_data("muye-2025.json")
    data["overview"]["sections"][0]["heading"] = "=SUM(1,2)"
    data["preamble"] = "第一段。\n第二段：“引号”&<尖括号>\n"
    data["title"] = "2025"
    loaded = excel.read_form(form_of(tmp_path, data))
    assert loaded.data["overview"]["sections"][0]["heading"] == "=SUM(1,2)"
    assert loaded.data["preamble"] == data["preamble"]
    assert loaded.data["title"] == "2025"


def test_number_typed_into_a_text_cell_reads_as_text(tmp_path: Path) -> None:
    form = form_of(tmp_path, sample_data("muye-2025.json"))
    edit(form, {"封面!B5": 2025, "文字!B26": 12})
    data = excel.read_form(form).data
    assert data["issuer"] == "2025"
    assert data["other_matters"] == "12"


# -- the workbook itself ---------------------------------------------------------------
@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("form") / "form.xlsx"
    write_form(path, gidoc.load(SAMPLES / "fingerprint-2025.yaml"))
    return openpyxl.load_workbook(path)


def test_sheets(workbook: Any) -> None:
    assert workbook.sheetnames == ["封面", "表二", "表三", "表四", "文字"]


def test_totals_are_formulas(workbook: Any) -> None:
    t3, t4 = workbook["表三"], workbook["表四"]
    for row in [*range(4, 27), 28]:
        assert t3[f"J{row}"].data_type == "f"
        assert t3[f"J{row}"].value == f"=SUM(D{row}:I{row})"
    for column in "DEFGHIJ":
        assert t3[f"{column}27"].value == f"=SUM({column}6:{column}26)"
        check_cell = t3[f"{column}29"]
        assert check_cell.data_type == "f"
        assert check_cell.value == (f'=IF({column}4+{column}5={column}27+{column}28,"✓","✗")')
    assert t3["A29"].value == excel_layout.CHECK_LABEL
    assert [t4[c].value for c in ("E4", "J4", "O4")] == [
        "=SUM(A4:D4)",
        "=SUM(F4:I4)",
        "=SUM(K4:N4)",
    ]
    assert t3["D4"].data_type == "n"


def test_check_row_turns_red(workbook: Any) -> None:
    formatting = workbook["表三"].conditional_formatting
    rules = [
        (str(area.sqref), rule.operator, rule.formula) for area in formatting for rule in area.rules
    ]
    assert ("D29:J29", "equal", ['"✗"']) in rules
    bad = next(r for a in formatting for r in a.rules if r.formula == ['"✗"'])
    assert bad.dxf.fill.bgColor.rgb.endswith("FFC7CE")


def test_merges_follow_the_official_tables(workbook: Any) -> None:
    def merged(name: str) -> set[str]:
        return {str(r) for r in workbook[name].merged_cells.ranges}

    assert {
        "A1:C3",
        "D1:J1",
        "D2:D3",
        "E2:I2",
        "J2:J3",
        "A4:C4",
        "A5:C5",
        "A6:A27",
        "B6:C6",
        "B7:C7",
        "B8:B15",
        "B16:B18",
        "B19:B23",
        "B24:B26",
        "B27:C27",
        "A28:C28",
    } <= merged("表三")
    assert {"A1:D1", "A5:D5", "A8:D8", "A12:D12", "B6:D6", "B7:D7", "B13:D13", "B14:D14"} <= (
        merged("表二")
    )
    assert {"A1:E1", "F1:O1", "A2:A3", "E2:E3", "F2:J2", "K2:O2"} <= merged("表四")


def test_labels_are_the_official_ones(workbook: Any) -> None:
    t2, t3, t4 = workbook["表二"], workbook["表三"], workbook["表四"]
    assert t3["A1"].value == L.T3_NOTE
    assert t3["A4"].value == L.T3_NEW
    assert t3["A6"].value == L.T3_RESULTS
    assert t3["B7"].value == L.T3_PARTIAL
    assert t3["C10"].value == L.RESULT_GROUPS["withheld"][1]["security_and_stability"]
    assert t3["B27"].value == L.T3_RESULTS_TOTAL
    assert t3["A28"].value == L.T3_CARRIED_FORWARD
    assert [t3[f"{c}3"].value for c in "EFGHI"] == [
        L.APPLICANT_COLUMNS[k] for k in L.LEGAL_PERSON_KEYS
    ]
    assert t2["A12"].value == L.T2_GROUP_8
    assert t2["B13"].value == L.T2_FEES_AMOUNT
    assert t4["K2"].value == L.T4_AFTER


def test_formats_borders_and_validation(workbook: Any) -> None:
    t2, t3 = workbook["表二"], workbook["表三"]
    assert t3["D4"].number_format == "0"
    assert t2["B14"].number_format == "0.######"
    assert t2["B14"].value == pytest.approx(24252.311082)
    assert workbook["封面"]["B6"].number_format == "yyyy-mm-dd"
    # Merged ranges keep their outer edges; every other cell of the table has all four.
    for coord in ("D4", "J29", "C26", "I28"):
        border = t3[coord].border
        sides = (border.left, border.right, border.top, border.bottom)
        assert {side.style for side in sides} == {"thin"}, coord
    assert t3["A1"].border.left.style == t3["A1"].border.top.style == "thin"
    assert t3["C3"].border.right.style == t3["C3"].border.bottom.style == "thin"
    assert t3["A27"].border.bottom.style == "thin"
    assert t3["A4"].alignment.wrap_text
    assert t3.column_dimensions["C"].width >= 30
    rules = {dv.type: dv for dv in t3.data_validations.dataValidation}
    assert "D4" in rules["whole"].sqref
    assert "J4" not in rules["whole"].sqref
    assert "整数" in rules["whole"].error
    assert {dv.type for dv in t2.data_validations.dataValidation} == {"whole", "decimal"}


def test_only_input_cells_are_unlocked(workbook: Any, tmp_path: Path) -> None:
    path = form_of(tmp_path, sample_data("fingerprint-2025.yaml"))
    locations = excel.read_form(path).locations
    # Every location but the derived totals, the check row and "overview" is an input cell.
    inputs = {
        cell
        for field, cell in locations.items()
        if "*" not in field and ".total" not in field and field != "overview"
    }
    for sheet in workbook.worksheets:
        assert sheet.protection.sheet, sheet.title
        assert not sheet.protection.password
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate}"
                if where in inputs:
                    assert not cell.protection.locked, where
                elif cell.value is not None:
                    assert cell.protection.locked, where
    assert workbook.security.lockStructure


# -- saved again by other programs ---------------------------------------------------
def test_saved_again_by_openpyxl(tmp_path: Path) -> None:
    original = sample_data("fingerprint-2025.yaml")
    form = form_of(tmp_path, original)
    before = excel.read_form(form)
    edit(form, {"表三!D4": 10536, "表三!D28": 599})
    after = excel.read_form(form)
    assert after.locations == before.locations
    before.data["applications"]["new_received"]["natural_person"] = 10536
    before.data["applications"]["carried_forward"]["natural_person"] = 599
    assert after.data == before.data
    assert checked(after).ok


def _calc_missing(soffice: str) -> bool:
    """True when LibreOffice is there without Calc (Debian's writer-only packages)."""
    program = Path(soffice).resolve().parent
    return (program / "soffice.bin").exists() and not any(program.glob("libsclo*"))


def _resave_with_libreoffice(files: list[Path], out: Path, profile: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if _calc_missing(soffice):
        pytest.skip("LibreOffice Calc is not installed (Debian: libreoffice-calc-nogui)")
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=180)
    finally:
        # soffice.bin may outlive the wrapper; end its whole process group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_saved_again_by_libreoffice(tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    forms = [form_of(inbox, sample_data(name), Path(name).stem + ".xlsx") for name in SAMPLE_NAMES]
    typed = form_of(inbox, sample_data("muye-2025.json"), "typed.xlsx")
    edit(typed, {"表三!D4": "=2+3", "表三!D6": 5})
    _resave_with_libreoffice([*forms, typed], out, tmp_path / "profile")
    for form in forms:
        again = out / form.name
        assert again.exists(), f"LibreOffice did not save {form.name}"
        before, after = excel.read_form(form), excel.read_form(again)
        assert after.data == before.data
        assert after.locations == before.locations
    # LibreOffice computes formulas on saving: the totals are cached, the check row shows ✓.
    cached = openpyxl.load_workbook(out / "fingerprint-2025.xlsx", data_only=True)["表三"]
    assert cached["J4"].value == 69013
    assert {cached[f"{c}29"].value for c in "DEFGHIJ"} == {"✓"}
    # A formula typed into an input cell is read as its computed value once a program cached it.
    loaded = excel.read_form(out / "typed.xlsx")
    assert loaded.data["applications"]["new_received"]["natural_person"] == 5
    assert checked(loaded).ok


# -- files that are not the form -------------------------------------------------------
def test_missing_sheet(tmp_path: Path) -> None:
    form = form_of(tmp_path)
    workbook = openpyxl.load_workbook(form)
    del workbook["表四"]
    workbook.save(form)
    with pytest.raises(InputError, match="表四") as caught:
        excel.read_form(form)
    assert "gidoc init -o x.xlsx" in str(caught.value)
    assert str(form) in str(caught.value)


def test_changed_label(tmp_path: Path) -> None:
    form = form_of(tmp_path)
    edit(form, {"表三!A4": "一、本年新收申请"})
    with pytest.raises(InputError) as caught:
        excel.read_form(form)
    message = str(caught.value)
    assert "表三" in message
    assert "A4" in message
    assert L.T3_NEW in message
    assert "\n" not in message


def test_moved_rows(tmp_path: Path) -> None:
    form = form_of(tmp_path, sample_data("muye-2025.json"))
    workbook = openpyxl.load_workbook(form)
    workbook["表三"].delete_rows(5)
    workbook.save(form)
    with pytest.raises(InputError, match="表三.*A5"):
        excel.read_form(form)


def test_moved_text_rows(tmp_path: Path) -> None:
    form = form_of(tmp_path, sample_data("muye-2025.json"))
    workbook = openpyxl.load_workbook(form)
    workbook["文字"].insert_rows(6)
    workbook.save(form)
    with pytest.raises(InputError, match="文字.*A6"):
        excel.read_form(form)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        pytest.param(b"agency: x\n", "不是有效的 Excel 工作簿", id="text"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".xls", id="old-xls"),
        pytest.param(b"", "不是有效的 Excel 工作簿", id="empty"),
    ],
)
def test_not_a_workbook(tmp_path: Path, content: bytes, said: str) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError, match=said) as caught:
        excel.read_form(path)
    assert str(path) in str(caught.value)


def test_damaged_workbook(tmp_path: Path) -> None:
    form = form_of(tmp_path)
    form.write_bytes(form.read_bytes()[:2000])
    with pytest.raises(InputError, match="不是有效的 Excel 工作簿"):
        excel.read_form(form)
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(InputError, match="不是有效的 Excel 工作簿"):
        excel.read_form(other)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="文件不存在"):
        excel.read_form(tmp_path / "none.xlsx")
    with pytest.raises(InputError, match="文件夹"):
        excel.read_form(tmp_path)


def test_suffixes() -> None:
    assert excel_layout.EXCEL_SUFFIXES == (".xlsx", ".xlsm")


def test_write_is_atomic_into_new_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "form.xlsx"
    write_form(path)
    assert zipfile.is_zipfile(path)
    assert [p.name for p in path.parent.iterdir()] == ["form.xlsx"]
