"""gidoc: the annual report on government information disclosure (政府信息公开工作年度报告).

Validated data in, the official Word document out (国办公开办函〔2021〕30号)::

    from gidoc import load, build_context, ReportTemplate

    from gidoc import validate
    report = validate(load("data.json"))
    docx_bytes = ReportTemplate().render(build_context(report))
"""

from gidoc.checking.validate import check, validate
from gidoc.errors import GidocError, Problem, ReportValidationError
from gidoc.format.models import Report
from gidoc.output.context import build_context
from gidoc.output.docx import ReportTemplate
from gidoc.pipeline import check_files, render_files
from gidoc.sources.load import load

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
