"""Where the files gidoc ships are found, installed or not (``importlib.resources``)."""

from __future__ import annotations

import importlib.resources

#: File name of the default template inside the ``gidoc.templates`` package.
DEFAULT_TEMPLATE = "report.docx"


def default_template_bytes() -> bytes:
    """The bytes of the default Word template."""
    return (importlib.resources.files("gidoc.templates") / DEFAULT_TEMPLATE).read_bytes()
