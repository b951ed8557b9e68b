"""Reading a finished report (.docx) back into data: :func:`read_report`, and :func:`norm` for labels."""

from gidoc.sources.docx.compare import norm
from gidoc.sources.docx.report import read_report

__all__ = ["norm", "read_report"]
