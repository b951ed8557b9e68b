"""Writing reports from one template: the unchanged parts are compressed once, not per report.

Most of a .docx (styles, numbering, theme, settings, font table) is the same
in every report of a template.  :class:`Package` deflates those parts once
into the start of a zip; each report then copies those bytes as they are and
appends only its own parts (body, footers, document properties), compressed
anew.  ``zipfile`` in append mode does exactly that: it keeps the entries it
finds and writes the new ones and a new central directory after them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from gidoc.ooxml import fingerprint, properties

#: Parts written once per template: compress them well.  Parts written per report
#: are small next to them and compressed fast.
_ONCE_LEVEL = 6
_EACH_LEVEL = 1


def _entry(name: str, like: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    """A fresh zip entry for ``name``, with the date and permissions of the template's entry."""
    if like is None:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o600 << 16
    else:
        info = zipfile.ZipInfo(name, date_time=like.date_time)
        info.external_attr = like.external_attr
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


class Package:
    """A template's zip, fixed once (:func:`gidoc.ooxml.properties.prepare`), ready to fill.

    ``entries`` are the template's zip entries with their bytes; ``per_report``
    names the parts each report replaces (the rendered text parts).
    """

    def __init__(
        self, entries: Iterable[tuple[zipfile.ZipInfo, bytes]], per_report: Iterable[str]
    ) -> None:
        entries = list(entries)
        infos = {info.filename: info for info, _ in entries}
        own = [name for name in infos if name in set(per_report)]
        self.prepared = properties.prepare(
            {info.filename: data for info, data in entries}, text_parts=own
        )
        per_document = (properties.CORE_NAME, properties.APP_NAME, fingerprint.CUSTOM_NAME)
        late = {*own, *per_document}
        # Per-report parts go last, in the template's order, then the properties.
        self._late = [name for name in self.prepared.parts if name in late]
        self._late += [name for name in per_document if name not in self._late]
        self._infos = infos
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in self.prepared.parts.items():
                if name not in late:
                    archive.writestr(_entry(name, infos.get(name)), data, compresslevel=_ONCE_LEVEL)
        self._static = buffer.getvalue()

    def write(
        self,
        rendered: Mapping[str, bytes],
        context: Mapping[str, Any],
        now: datetime | None = None,
    ) -> bytes:
        """The .docx of one report: the template's parts with ``rendered`` and its own properties,
        fingerprinted (:mod:`gidoc.ooxml.fingerprint`).

        A per-report part missing from ``rendered`` keeps the template's bytes.
        """
        parts = {**self.prepared.parts, **rendered, **properties.document_properties(context, now)}
        # Last: the fingerprint covers every other part, so that render knows this file again.
        parts = fingerprint.with_fingerprint(parts)
        out = io.BytesIO(self._static)
        with zipfile.ZipFile(out, "a") as archive:
            for name in self._late:
                archive.writestr(
                    _entry(name, self._infos.get(name)), parts[name], compresslevel=_EACH_LEVEL
                )
        return out.getvalue()
