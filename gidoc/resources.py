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


def export_default_template(path: Path, *, force: bool = False) -> Path:
    """Write the default template to ``path`` for an office to edit in Word or WPS.

    Refuses to overwrite an existing file unless ``force``; raises
    :class:`~gidoc.errors.OutputError`.
    """
    if path.is_dir():
        path = path / EXPORT_NAME
    if path.exists() and not force:
        raise OutputError(f"{path} 已存在；确认要覆盖时请加 --force")
    write_atomic(path, default_template_bytes())
    return path
