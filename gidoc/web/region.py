"""The reviewing office's work on the whole region: the sum of its units, the workbook, the PDFs.

Like :mod:`gidoc.web.filing` these functions are free of HTTP: they take the
engine and the :class:`~gidoc.web.auth.Principal`, refuse with
:class:`~gidoc.web.filing.Refused` (status and Chinese text), write the audit
log, and leave the rules to :mod:`gidoc.review` (``aggregate_data``, the
review workbook) and the documents to :class:`~gidoc.web.documents.Documents`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence

from sqlalchemy.engine import Engine

from gidoc.checking.validate import check
from gidoc.errors import AggregationRefused, GidocError
from gidoc.sources.skeleton import to_json
from gidoc.web import filing
from gidoc.web.auth import Principal
from gidoc.web.db import store
from gidoc.web.db.engine import writing
from gidoc.web.documents import Documents
from gidoc.web.filing import Refused

#: Most reports summed at once: more units than a province has.
MAX_AGGREGATED = 5000
#: The text file inside the PDF zip that lists the reports without a PDF, and why.
SKIPPED_NAME = "未生成PDF的报告.txt"


def _reviewer(principal: Principal, what: str) -> None:
    if principal.user.role != "reviewer":
        raise Refused(403, f"只有审核人可以{what}")


def aggregate(
    engine: Engine,
    principal: Principal,
    report_ids: Sequence[int],
    agency: str,
    year: int,
    address: str,
) -> store.Report:
    """Sum approved reports of ``year`` into a new draft report of ``agency`` (本级 or 区域).

    The sum is :func:`gidoc.review.aggregate_data`'s (tables summed cell by
    cell, texts left blank, the units kept in ``aggregated_from``); the new
    report's first version is the reviewer's.  Refused: 422 for no report, a
    report not approved or of another year, or one aggregate_data refuses (its
    text names each); 404 for an unknown id; 409 when ``agency`` has a report
    for ``year`` already.
    """
    from gidoc.review import ReviewItem, aggregate_data

    _reviewer(principal, "汇总报告")
    name = agency.strip()
    if not name:
        raise Refused(422, "请填写汇总后报告的机关名称")
    wanted = list(dict.fromkeys(report_ids))
    if not wanted:
        raise Refused(422, "请至少选择一份要汇总的报告")
    if len(wanted) > MAX_AGGREGATED:
        raise Refused(422, f"一次最多汇总 {MAX_AGGREGATED} 份报告")
    with writing(engine) as conn:
        found = [store.report(conn, report_id) for report_id in wanted]
        heads = [head for head in found if head is not None]
        if len(heads) != len(wanted):
            raise Refused(404, filing.NOT_FOUND)
        unfit = [
            f"「{head.agency}」{head.year} 年的报告"
            + ("不是本年度的" if head.year != year else "尚未审核通过")
            for head in heads
            if head.year != year or head.status != "approved"
        ]
        if unfit:
            raise Refused(422, "只能汇总本年度已审核通过的报告：" + "；".join(unfit))
        texts = store.latest_data(conn, [head.id for head in heads])
        items = [
            ReviewItem(filing.report_source(head), filing.parse_data(texts[head.id]))
            for head in heads
        ]
        try:
            data = aggregate_data(items, name, year)
        except AggregationRefused as exc:
            raise Refused(422, str(exc)) from None
        target = store.ensure_agency(conn, name)
        try:
            created = store.create_report(conn, target.id, year, to_json(data), principal.user.id)
        except store.ReportExists as exc:
            raise Refused(
                409, f"「{name}」{year} 年的报告已经存在，不能再汇总一份", id=exc.report_id
            ) from None
        sources = ", ".join(str(head.id) for head in heads)
        store.log(conn, principal.user, "aggregate", f"report {created.id} from {sources}", address)
    return created


def workbook(engine: Engine, principal: Principal, year: int, address: str) -> bytes:
    """The year's review as gidoc.review's workbook (sheets 汇总 and 问题), reports named by unit."""
    from gidoc.review.workbook import review_workbook

    done = filing.reviewed_year(engine, principal, year, filing.report_source)
    content = review_workbook(done.review)
    with writing(engine) as conn:
        store.log(conn, principal.user, "download", f"review {year} xlsx", address)
    return content


class _Sink:
    """A write-only stream that hands out what was written since the last :meth:`take`."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to do: the parts wait for :meth:`take`."""

    def close(self) -> None:
        """Nothing to do: the response ends the stream."""

    def take(self) -> bytes:
        """What was written since the last call."""
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def pdf_names(engine: Engine, principal: Principal, year: int) -> list[store.Report]:
    """The reports of ``year`` that the PDF zip will hold or list, by unit (a reviewer only)."""
    _reviewer(principal, "下载全部报告")
    return filing.list_reports(engine, principal, year)


def pdf_zip(
    engine: Engine,
    principal: Principal,
    documents: Documents,
    reports: Sequence[store.Report],
    address: str,
) -> Iterator[bytes]:
    """A zip of each report's PDF, streamed: one PDF in memory at a time.

    Reports whose data has errors get no PDF; :data:`SKIPPED_NAME` in the zip
    names them and their first error.  The PDFs come from the service's
    LibreOffice pool, one after another.
    """
    sink = _Sink()
    skipped: list[str] = []
    with zipfile.ZipFile(sink, "w") as archive:
        for head in reports:
            opened = filing.open_report(engine, principal, head.id)
            name = f"{head.agency}{head.year}.pdf"
            checked = check(opened.data, name)
            if checked.report is None or not checked.ok:
                first = checked.errors[0].message if checked.errors else "数据无法读取"
                skipped.append(f"{head.agency}：有 {len(checked.errors)} 处错误（{first}）")
                continue
            try:
                content = documents.pdf(checked.report, name)
            except GidocError as exc:  # LibreOffice failed on this one: say so, go on
                skipped.append(f"{head.agency}：{exc}")
                continue
            archive.writestr(zipfile.ZipInfo(name, _stamp(head)), content)
            yield sink.take()
        if skipped:
            text = "以下报告没有生成 PDF：\n" + "\n".join(skipped) + "\n"
            archive.writestr(
                zipfile.ZipInfo(SKIPPED_NAME), text.encode("utf-8"), zipfile.ZIP_DEFLATED
            )
    with writing(engine) as conn:
        year = reports[0].year if reports else 0
        store.log(conn, principal.user, "download", f"review {year} pdf zip", address)
    yield sink.take()


def _stamp(head: store.Report) -> tuple[int, int, int, int, int, int]:
    at = head.updated_at
    return (max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second)
