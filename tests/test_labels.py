"""Each official label is spelt in one module only: gidoc/format/labels.py.

Everything else — the template builder, the Excel form, the readers, the
checks, the messages — takes the text from there, so a label fixed once is
fixed everywhere.  Docstrings may quote labels; code may not.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from gidoc.format import labels as L
from gidoc.format import tables as T

ROOT = Path(__file__).resolve().parents[1]
#: Labels shorter than this are words ordinary messages use (总计, 其他, 规章).
MIN_LENGTH = 5


def _label_texts() -> set[str]:
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)

    for name in dir(L):
        if name.isupper() and not name.startswith("_"):
            walk(getattr(L, name))
    # Data keys (LEGAL_PERSON_KEYS) are ASCII; labels are Chinese.
    return {text for text in found if len(text) >= MIN_LENGTH and not text.isascii()}


_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")


def _typed(label: str, value: str) -> bool:
    """Whether a string in code spells ``label``: all of it, at its start or end, or a
    numbered label (一、… （三）… 2.…) anywhere.  A label's words inside a sentence
    (经行政复议后起诉的案件) are prose, not the label."""
    if label not in value:
        return False
    return (
        value == label
        or value.startswith(label)
        or value.endswith(label)
        or bool(_NUMBERED.match(label))
    )


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _strings(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def _modules() -> list[Path]:
    labels = ROOT / "gidoc" / "format" / "labels.py"
    paths = [*sorted((ROOT / "gidoc").rglob("*.py")), *sorted((ROOT / "templates").glob("*.py"))]
    return [path for path in paths if path != labels]


def test_labels_are_collected() -> None:
    texts = _label_texts()
    assert L.T3_NEW in texts
    assert L.RESULT_GROUPS["withheld"][1]["state_secret"] in texts
    assert len(texts) > 60


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_official_label_is_typed_outside_labels_py(module: Path) -> None:
    texts = _label_texts()
    typed = [
        f"{module.relative_to(ROOT)}:{line}: 「{label}」"
        for line, value in _strings(module)
        for label in texts
        if _typed(label, value)
    ]
    assert not typed, "official labels typed again instead of taken from gidoc.format.labels"


def test_the_scanner_finds_a_label_typed_in_code(tmp_path: Path) -> None:
    module = tmp_path / "copy.py"
    module.write_text(f'"""Docstring may say {L.T3_NEW}."""\nX = "表三 {L.T3_NEW}"\n', "utf-8")
    found = [value for _, value in _strings(module) if _typed(L.T3_NEW, value)]
    assert found == [f"表三 {L.T3_NEW}"]
    assert not _typed(L.T4_AFTER, "以本机关为被告、经行政复议后起诉的案件")
    assert _typed(L.T4_AFTER, L.T4_AFTER)


def test_every_table_label_is_a_cell_of_its_declared_table() -> None:
    cell_texts = {cell.text for table in T.TABLES for cell in table.cells}
    for label in (L.T3_NEW, L.T3_PARTIAL, L.T4_AFTER, L.T2_FEES_AMOUNT, L.T3_NOTE):
        assert label in cell_texts
    for _, (group, items) in L.RESULT_GROUPS.items():
        assert group in cell_texts
        assert set(items.values()) <= cell_texts
