"""Screenshots of the sample's web page for docs/: wide and narrow, in Debian's chromium.

.venv/bin/python scripts/screenshot-html.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from gidoc import render_files

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Render samples/muye-2025.json to a page and photograph it at two widths."""
    with tempfile.TemporaryDirectory() as folder:
        page_file = Path(folder) / "muye.html"
        render_files([ROOT / "samples" / "muye-2025.json"], page_file)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--no-sandbox"]
            )
            for name, width, height in (("html-page", 1100, 1400), ("html-narrow", 390, 800)):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(page_file.as_uri())
                page.evaluate("document.querySelector('#t3').scrollIntoView()")
                page.screenshot(path=str(ROOT / "docs" / f"muye-{name}.png"))
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
