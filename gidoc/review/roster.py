"""The list of reporting units (报送单位名单): read from CSV or Excel, compared with the reports.

The 政务公开办 keeps the list in Excel or exports it as CSV: one unit a row,
its name in the first column, perhaps under a header such as 单位名称.
Names are matched with :func:`gidoc.review.items.unit_key`.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Sequence
from pathlib import PurePath

from gidoc.errors import InputError
from gidoc.review.items import unit_key
from gidoc.sources.files import EXCEL_FORMATS, Source, source_bytes

#: First-row texts that mark a header, not a unit.
HEADERS = frozenset(
    {"单位名称", "单位", "名称", "机关名称", "报告机关", "报告机关名称", "部门名称", "序号"}
)
#: A roster larger than this is not a list of units.
MAX_BYTES = 20 * 1024 * 1024
#: More rows than a province has units, by far.
MAX_UNITS = 200_000


def read_roster(source: Source, name: str | None = None) -> list[str]:
    """The unit names of a roster (.csv, .xlsx or .xlsm), in its order, without repeats.

    A first row whose first cell is a header (:data:`HEADERS`) is skipped, as
    are empty rows; a CSV may be UTF-8 (with or without BOM) or GB18030, as
    Excel saves it on a Chinese Windows.  A first column holding only a row
    number (序号) is passed over for the next.  Raises :class:`InputError`
    naming the file when it cannot be read.
    """
    raw, shown = source_bytes(source, name, "名单文件")
    if len(raw) > MAX_BYTES:
        raise InputError(f"{shown}：文件有 {len(raw)} 字节，不像是报送单位名单")
    kind = PurePath(shown).suffix.lower()
    if kind in EXCEL_FORMATS:
        rows = _excel_rows(raw, shown)
    elif kind in (".csv", ".txt"):
        rows = _csv_rows(raw, shown)
    else:
        raise InputError(f"{shown}：名单应为 .csv 或 .xlsx 文件（每行一个单位名称）")
    names: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows):
        cells = [cell.strip() for cell in row]
        if cells and cells[0].isdigit() and len(cells) > 1:
            cells = cells[1:]  # 序号 in the first column
        if not cells or not cells[0]:
            continue
        if number == 0 and cells[0] in HEADERS:
            continue
        key = unit_key(cells[0])
        if key not in seen:
            seen.add(key)
            names.append(cells[0])
        if len(names) > MAX_UNITS:
            raise InputError(f"{shown}：超过 {MAX_UNITS} 个单位，不像是报送单位名单")
    if not names:
        raise InputError(f"{shown}：名单中没有任何单位名称")
    return names


def _csv_rows(raw: bytes, shown: str) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text)))
    raise InputError(f"{shown}：不是 UTF-8 或 GB18030 编码的文字")


def _excel_rows(raw: bytes, shown: str) -> list[list[str]]:
    from openpyxl import load_workbook

    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"{shown}：这是旧版 .xls 格式或设置了打开密码的表格；请另存为 .xlsx 后再试"
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (e.g. from Excel); reading needs none.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                return [
                    ["" if value is None else str(value) for value in row]
                    for row in sheet.iter_rows(values_only=True, max_col=3)
                ]
            finally:
                workbook.close()
    except Exception:  # a damaged file breaks openpyxl in many ways, all meaning the same
        raise InputError(
            f"{shown}：不是有效的 Excel 工作簿（.xlsx），文件可能已损坏；请确认它能在 Excel/WPS 中打开"
        ) from None


def roster_gaps(
    roster: Sequence[str], agencies: Sequence[tuple[str, str]]
) -> tuple[list[str], list[tuple[str, str]]]:
    """Units of ``roster`` without a report, and reports ``(source, agency)`` of units not in it."""
    listed = {unit_key(name) for name in roster}
    reported = {unit_key(agency) for _, agency in agencies}
    missing = [name for name in roster if unit_key(name) not in reported]
    strangers = [(source, agency) for source, agency in agencies if unit_key(agency) not in listed]
    return missing, strangers
