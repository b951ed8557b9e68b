"""The default template ships as package data and is found from a built wheel, anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT, SAMPLES
from gidoc.resources import default_template_bytes


def test_template_found_in_editable_install() -> None:
    data = default_template_bytes()
    assert data == (ROOT / "templates" / "report.docx").read_bytes()


def test_wheel_carries_the_template_and_renders_from_another_folder(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("gidoc-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "gidoc/templates/report.docx" in names
    assert "gidoc/templates/report.html" in names
    assert "gidoc/templates/__init__.py" in names
    assert "gidoc/fonts.conf" in names
    for page_file in ("templates/base.html", "templates/report.html", "static/form.js",
                      "static/gidoc.css", "static/htmx.min.js", "static/favicon.svg"):  # fmt: skip
        assert f"gidoc/web/pages/{page_file}" in names
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = elsewhere / "report.json"
    data.write_bytes((SAMPLES / "muye-2025.json").read_bytes())
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = (
        "import gidoc, sys; assert gidoc.__file__.startswith(sys.argv[1]), gidoc.__file__;"
        "from gidoc.cli import main; main(['render', 'report.json'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(target)],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "report.docx").stat().st_size > 10_000
