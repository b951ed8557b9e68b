"""A finished report (.docx) read back into report data: the reviewing office's way in.

:func:`read_report` takes a report in the official format — gidoc's own output,
or one typed by hand in Word or WPS into the official tables — and returns a
:class:`~gidoc.sources.loaded.Loaded`: the data in the data format (printed
总计 kept as given totals, so that ``gidoc check`` shows where a published
report does not add up), where each number sits in the document (``表三 第 8
行第 4 列``), and warnings about what was read leniently.

The package is read by :mod:`gidoc.ooxml.parts` (lxml, entity resolution and
network off, no python-docx); the tables by :mod:`.tables`, the texts by
:mod:`.sections`.  :func:`assemble` is the part every reader of a finished
report shares (the PDF reader feeds it paragraphs and grids of its own).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from gidoc.format import labels as L
from gidoc.ooxml.grid import P, Table, blocks
from gidoc.ooxml.parts import Parts
from gidoc.sources.docx.paragraphs import StyleSheet
from gidoc.sources.docx.sections import Document, read_texts
from gidoc.sources.docx.tables import Reader, find_tables, table_2, table_3, table_4
from gidoc.sources.files import source_bytes
from gidoc.sources.loaded import Loaded, UnreadableValues


def read_report(source: bytes | BinaryIO | str | Path, name: str | None = None) -> Loaded:
    """Read a report .docx in the official format back into report data.

    ``source`` is the file's bytes, a binary stream, or a path; ``name`` is how
    messages name it (by default the path, or ``<Word 文档>``).  ``data`` has
    the shape of the data format, with each printed ``total`` as a given total;
    ``locations`` maps each number's JSON path to its cell (``表三 第 8 行第 4
    列``); ``warnings`` are what was read leniently (a dash or blank for 0, a
    missing 规章 row, a mistyped row label, text outside the expected places).
    Raises :class:`~gidoc.errors.InputError` for a file that is not a .docx or a
    missing table, row or column; :class:`UnreadableValues` (an InputError)
    listing every cell that is not a number.
    """
    data_bytes, shown = source_bytes(source, name, "Word 文档")
    parts = Parts.open(data_bytes, shown)
    main, body = parts.main_document()
    styles = StyleSheet(parts.xml(parts.target(main, "styles", "word/styles.xml")))
    properties = parts.core_properties()
    reader = Reader(shown)
    paras = [styles.paragraph(b) for b in blocks(body) if b.tag == P]
    found = find_tables(reader, body)
    document = Document(
        paras,
        gidoc_styles={L.STYLE_SIGNATURE, L.STYLE_DATE} <= styles.names(),
        creator=properties.get("creator", ""),
        description=properties.get("description", ""),
    )
    return assemble(reader, document, found)


def assemble(reader: Reader, document: Document, found: dict[str, Table]) -> Loaded:
    """The report data from its paragraphs and its three tables (by key t2/t3/t4).

    Warnings and locations go to ``reader``; raises :class:`~gidoc.errors.InputError`
    through it, as :func:`read_report` says.
    """
    texts = read_texts(reader, document)
    data: dict[str, Any] = {"schema_version": 1, "agency": texts.agency, "year": texts.year}
    if texts.title != f"{texts.agency}{texts.year}年{L.TITLE_SUFFIX}":
        data["title"] = texts.title
    if texts.preamble:
        data["preamble"] = texts.preamble
    data["overview"] = texts.overview
    data["active_disclosure"] = table_2(reader, found["t2"])
    data["applications"] = table_3(reader, found["t3"])
    data["review_and_litigation"] = table_4(reader, found["t4"])
    data["problems"] = texts.problems
    data["improvements"] = texts.improvements
    data["other_matters"] = texts.other_matters
    if texts.issuer is not None:
        data["issuer"] = texts.issuer
    if texts.date is not None:
        data["date"] = texts.date
    loaded = Loaded(data, reader.locations, reader.warnings)
    if reader.errors:
        raise UnreadableValues(reader.name, reader.errors, loaded)
    return loaded
