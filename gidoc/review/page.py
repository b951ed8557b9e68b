"""The review as one self-contained web page: the same two tables as the workbook.

No script and nothing loaded from elsewhere; the style is in the page, as on
the report page (:mod:`gidoc.output.html`).  Each report's file name links to its
problems, and the problems are grouped by report, so that the page reads in a
browser as the workbook reads in Excel.
"""

from __future__ import annotations

from html import escape

from gidoc.format import labels as L
from gidoc.review.result import STATUS_TEXT, Review
from gidoc.review.workbook import (
    NOT_REPORTED,
    PROBLEMS_COLUMNS,
    SUMMARY_COLUMNS,
    problem_rows,
    summary_rows,
)

TITLE = f"{L.TITLE_SUFFIX}审核结果"

_STYLE = """
body { font-family: 'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', sans-serif;
  margin: 1.5em; color: #000; background: #fff; line-height: 1.5; }
h1 { font-size: 1.6em; font-weight: normal; }
h2 { font-size: 1.25em; margin-top: 1.5em; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #666; padding: 0.25em 0.5em; vertical-align: top; text-align: left; }
thead th { background: #eee; position: sticky; top: 0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.errors, .unreadable { background: #ffc7ce; }
.warnings { background: #ffeb9c; }
.missing { background: #d9d9d9; }
a { color: #0645ad; }
@media print { thead { display: table-header-group; } tr { break-inside: avoid; } }
"""
_CLASSES: dict[str, str] = {text: key for key, text in STATUS_TEXT.items()}
_CLASSES[NOT_REPORTED] = "missing"


def _cell(value: object, numeric: bool = False) -> str:
    text = "" if value is None else (format(value, "f") if isinstance(value, float) else str(value))
    if isinstance(value, float):
        text = text.rstrip("0").rstrip(".")
    return f'<td class="n">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def review_page(review: Review) -> str:
    """The review as an HTML page (UTF-8 text), ``lang="zh-CN"``, with a ``main`` and an ``h1``."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(TITLE)}</title><style>{_STYLE}</style></head>",
        "<body><main>",
        f"<h1>{escape(TITLE)}</h1>",
        f"<p>{escape(review.summary_line())}</p>",
        '<h2 id="summary">各单位情况</h2>',
        '<div class="scroll"><table>',
        "<thead><tr>"
        + "".join(f'<th scope="col">{escape(h)}</th>' for h, _ in SUMMARY_COLUMNS)
        + "</tr></thead><tbody>",
    ]
    status_at = [h for h, _ in SUMMARY_COLUMNS].index("状态")
    for number, row in enumerate(summary_rows(review)):
        status = str(row[status_at])
        css = _CLASSES.get(status, "")
        cells = []
        for index, value in enumerate(row):
            if index == 0 and number < len(review.reports) and review.reports[number].findings:
                cells.append(f'<td><a href="#r{number}">{escape(str(value))}</a></td>')
            elif index == status_at:
                cells.append(f'<td class="{css}">{escape(status)}</td>')
            else:
                cells.append(_cell(value, isinstance(value, int | float) and index != 2))
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    out.append('<h2 id="problems">问题清单</h2>')
    rows = problem_rows(review)
    if not rows:
        out.append("<p>没有发现问题。</p>")
    else:
        out.append('<div class="scroll"><table>')
        out.append(
            "<thead><tr>"
            + "".join(f'<th scope="col">{escape(h)}</th>' for h, _ in PROBLEMS_COLUMNS)
            + "</tr></thead><tbody>"
        )
        first_of: dict[str, int] = {}
        for number, item in enumerate(review.reports):
            if item.findings:
                first_of.setdefault(item.source, number)
        anchored: set[str] = set()
        for row in rows:
            source = row[0]
            anchor = ""
            if source not in anchored and source in first_of:
                anchored.add(source)
                anchor = f' id="r{first_of[source]}"'
            out.append(f"<tr{anchor}>" + "".join(_cell(value) for value in row) + "</tr>")
        out.append("</tbody></table></div>")
    if review.unusable_previous:
        out.append("<h2>无法用于比对的上年报告</h2><ul>")
        out += [f"<li>{escape(p.message)}</li>" for p in review.unusable_previous]
        out.append("</ul>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
