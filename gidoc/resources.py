"""Where the files gidoc ships are found, installed or not (``importlib.resources``)."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from gidoc.errors import OutputError
from gidoc.output.files import write_atomic

#: File name of the default template inside the ``gidoc.templates`` package.
DEFAULT_TEMPLATE = "report.docx"
#: Where ``gidoc template export`` writes by default.
EXPORT_NAME = "gidoc-template.docx"


def default_template_bytes() -> bytes:
    """The bytes of the default Word template."""
    return (importlib.resources.files("gidoc.templates") / DEFAULT_TEMPLATE).read_bytes()


#: Where ``gidoc template export --html`` writes by default.
HTML_EXPORT_NAME = "gidoc-template.html"
#: File name of the default page template inside the ``gidoc.templates`` package.
DEFAULT_HTML_TEMPLATE = "report.html"


def default_html_template() -> str:
    """The text of the default page template."""
    files = importlib.resources.files("gidoc.templates")
    return (files / DEFAULT_HTML_TEMPLATE).read_text(encoding="utf-8")


def export_default_template(
    path: Path | None = None, *, force: bool = False, html: bool = False
) -> Path:
    """Write the default Word template (or, with ``html``, the page template) for an office to edit.

    ``path`` may be a folder; by default ./gidoc-template.docx (.html).  Refuses to
    overwrite an existing file unless ``force``; raises :class:`~gidoc.errors.OutputError`.
    """
    name = HTML_EXPORT_NAME if html else EXPORT_NAME
    path = Path(name) if path is None else path
    if path.is_dir():
        path = path / name
    if path.exists() and not force:
        raise OutputError(f"{path} 已存在；确认要覆盖时请加 --force")
    data = default_html_template().encode("utf-8") if html else default_template_bytes()
    write_atomic(path, data)
    return path
