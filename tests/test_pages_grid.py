"""The form's arithmetic, as the server writes it for form.js, is the checking rules' arithmetic.

form.js adds up the inputs each total's ``data-sum`` names and compares the
two sides of each 勾稽 column; these tests hold those lists against the
derived totals of :func:`gidoc.output.context.build_context` (as printed) and the
balance errors of :func:`gidoc.checking.rules.cross_check`, on random data.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from gidoc.checking.validate import check
from gidoc.format import paths
from gidoc.format import tables as T
from gidoc.output.context import build_context
from gidoc.sources.skeleton import skeleton
from gidoc.web.pages.grid import AMOUNT_PATHS, balance_row, form_tables, summands

ROOT = Path(__file__).resolve().parents[1]


def _random_data(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    data = skeleton("某某局", 2025)
    for official in T.TABLES:
        for cell in official.value_cells():
            if not cell.derived and cell.path not in AMOUNT_PATHS:
                paths.put(data, cell.path, rng.choice([0, 0, 1, 2, 7, 30]))
    return data


@pytest.mark.parametrize("seed", range(5))
def test_every_total_adds_up_the_inputs_it_names(seed: int) -> None:
    data = _random_data(seed)
    checked = check(data, "随机")
    assert checked.report is not None
    context = build_context(checked.report)
    derived = [c for official in T.TABLES for c in official.value_cells() if c.derived]
    assert len(derived) == 25 + 6 + 3  # each row's 总计, the rest of （七）总计, table 四's three
    for cell in derived:
        named = summands(cell.path)
        assert named, cell.path
        assert all(not summands(path) for path in named)  # inputs only, never another total
        assert paths.get(context, cell.path) == str(sum(paths.get(data, p) for p in named))


@pytest.mark.parametrize("seed", range(5))
def test_the_balance_row_is_red_exactly_where_the_check_names_a_column(seed: int) -> None:
    data = _random_data(seed)
    checked = check(data, "随机")
    named = {p.path for p in checked.errors if "勾稽" in p.message}
    row = balance_row()
    assert [b.path.rsplit(".", 1)[1] for b in row["cells"]] == [c.key for c in T.TABLE_3_COLUMNS]
    for balance in row["cells"]:
        left = sum(paths.get(data, p) for p in balance.left)
        right = sum(paths.get(data, p) for p in balance.right)
        assert (left != right) == (balance.path in named)


def test_the_form_has_an_input_for_every_number_and_an_output_for_every_total() -> None:
    views = form_tables(skeleton("某某局", 2025))
    for official, view in zip(T.TABLES, views, strict=True):
        cells = [fc for row in view["head"] + view["body"] for fc in row if fc.cell.path]
        assert [fc.cell.path for fc in cells] == [c.path for c in official.value_cells()]
        assert len({fc.input_id for fc in cells}) == len(cells)
        for fc in cells:
            assert fc.cell.headers  # announced with its row and column headers
            assert fc.kind == ("amount" if fc.cell.path in AMOUNT_PATHS else "count")


def test_the_script_holds_no_label_and_no_row() -> None:
    script = (ROOT / "gidoc" / "web" / "pages" / "static" / "form.js").read_text("utf-8")
    for official in T.TABLES:
        for cell in official.cells:
            if len(cell.text) >= 2:
                assert cell.text not in script, cell.text
    for key in ("natural_person", "carried_over", "new_received", "carried_forward"):
        assert key not in script
