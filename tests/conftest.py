"""Shared fixtures and the --update-golden option."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"
# The web service's fixtures (SQLite and a throw-away PostgreSQL), in a module of their own.
pytest_plugins = ["webtest"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/*.txt from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def minimal_data() -> dict[str, Any]:
    """The smallest valid report data: only the required fields, every count 0.

    A fresh dict per test, so a test may change it freely.
    """
    return {
        "agency": "牧野区工业和信息化局",
        "year": 2025,
        "overview": {},
        "problems": "信息公开的及时性还有待提高。",
        "improvements": "加强审核，按时发布。",
        "other_matters": "本年度未收取信息处理费。",
    }


@pytest.fixture
def sample_json(tmp_path: Path) -> Path:
    """A copy of the shipped JSON sample in a fresh folder of its own."""
    source = SAMPLES / "muye-2025.json"
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    return target
