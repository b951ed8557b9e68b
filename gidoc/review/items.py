"""What a review is given: one item per report, and the unit each report belongs to.

A :class:`ReviewItem` needs no file: a web service builds it from an upload
(or a stored report), the command line from a file it read.  Units are
matched by :func:`unit_key`, so that 「某某区 工信局」 and 「某某区工信局」
(a space, full-width letters or brackets typed another way) are one unit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gidoc.errors import Problem


@dataclass(frozen=True)
class ReviewItem:
    """One report handed to a review or an aggregation.

    ``source`` names it in every message (a file name or a report id);
    ``data`` is the report in the data format, or None when it could not be
    read, and then ``errors`` say why (Chinese messages, e.g. ``str(InputError)``).
    ``locations`` map data paths to where values sit in the source (``表三!D4``)
    and ``warnings`` are what the reader noticed, as :class:`~gidoc.sources.loaded.Loaded`
    gives them; ``sha256`` is the digest of the source's bytes, kept in an
    aggregate's ``aggregated_from`` (when None, that of the data as JSON).
    """

    source: str
    data: Mapping[str, Any] | None
    errors: Sequence[str] = ()
    locations: Mapping[str, str] = field(default_factory=dict)
    warnings: Sequence[Problem] = ()
    sha256: str | None = None

    def digest(self) -> str:
        """The SHA-256 of the source's bytes, or of the data written as gidoc's JSON."""
        if self.sha256 is not None:
            return self.sha256
        from gidoc.sources.skeleton import to_json

        text = to_json(self.data or {})
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


_SPACE = re.compile(r"\s+")


def unit_key(agency: str) -> str:
    """An agency name normalised for matching: NFKC, no spaces, case folded.

    NFKC turns full-width letters, digits and brackets into their plain forms,
    so 「（试点）」 and 「(试点)」 match; spaces, including the full-width one,
    are removed.
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", agency)).casefold()


def agency_of(data: Mapping[str, Any] | None) -> str:
    """The agency a report's data names, or "" when it names none (or not as text)."""
    if not isinstance(data, Mapping):
        return ""
    agency = data.get("agency")
    return agency.strip() if isinstance(agency, str) else ""


def year_of(data: Mapping[str, Any] | None) -> int | None:
    """The year a report's data gives, or None when it gives none (or not as a whole number)."""
    if not isinstance(data, Mapping):
        return None
    year = data.get("year")
    return year if isinstance(year, int) and not isinstance(year, bool) else None
