"""gidoc: the annual report on government information disclosure (政府信息公开工作年度报告).

Validated data in, the official Word document out (国办公开办函〔2021〕30号)::

    from gidoc import load, validate, build_context, ReportTemplate
    report = validate(load("data.json"))
    docx_bytes = ReportTemplate().render(build_context(report))
"""

from gidoc.context import build_context
from gidoc.errors import GidocError, Problem, ReportValidationError
from gidoc.loader import load
from gidoc.models import Report
from gidoc.pipeline import check_files, render_files
from gidoc.render import ReportTemplate
from gidoc.validate import check, validate

__version__ = "0.1.0"

__all__ = [
    "GidocError",
    "Problem",
    "Report",
    "ReportTemplate",
    "ReportValidationError",
    "__version__",
    "build_context",
    "check",
    "check_files",
    "load",
    "render_files",
    "validate",
]
