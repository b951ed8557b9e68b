"""Shared fixtures and the --update-golden option."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"
# The web service's fixtures (SQLite and a throw-away PostgreSQL), and the browser tests' live
# service and chromium, in modules of their own.
pytest_plugins = ["webtest", "browser"]


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


# -- reports of many units (gidoc review) ---------------------------------------------
_POOL = (
    "的一是在了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发动同工也能下过子"
    "说产种面而方后多定学法所民得经之进着等部家电力里如水化高自理起小物现实加量都两体机当使点从"
    "业本去把性好应开它合还因由其些然前外天四日那社义事平形相全表间样与关各重线内数正心反你明看"
    "原又么利比或但质气第向道命此变条只没结解问意建月系军很情者最立代想已通并直题党程展果料象员"
)


def unit_text(seed: int | str, length: int = 150) -> str:
    """A text of its own for each seed: no digits, nothing a check rule reads."""
    rng = random.Random(str(seed))
    return "".join(rng.choice(_POOL) for _ in range(length)) + "。"


def unit_report(agency: str, year: int = 2025, seed: str | None = None) -> dict[str, Any]:
    """Valid report data of ``agency`` with texts nobody else has."""
    seed = seed or f"{agency}{year}"
    return {
        "agency": agency,
        "year": year,
        "overview": {
            "summary": unit_text(seed + "一"),
            "sections": [{"heading": "主动公开", "body": unit_text(seed + "主动")}],
        },
        "problems": unit_text(seed + "问题"),
        "improvements": unit_text(seed + "改进"),
        "other_matters": unit_text(seed + "其他"),
    }
