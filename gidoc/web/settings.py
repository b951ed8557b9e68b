"""What an administrator can set when starting ``gidoc serve``, in one frozen record."""

from __future__ import annotations

import os
from dataclasses import dataclass

#: The embedded default: an SQLite file in the working folder.
DEFAULT_DB_URL = "sqlite:///gidoc.db"


@dataclass(frozen=True)
class Settings:
    """The service's settings.

    ``db_url`` is an SQLAlchemy URL (``sqlite:///gidoc.db`` or
    ``postgresql://user@host/db``); ``secure_cookies`` marks the session cookie
    ``Secure`` (off only for plain-HTTP tests on 127.0.0.1); ``session_minutes``
    is how long a login lasts without use; ``max_body`` bounds a JSON request
    body and ``max_upload`` an uploaded file, in bytes; ``pdf_workers`` is the
    number of LibreOffice processes kept warm for PDFs (never more than the
    cores); the login throttle allows ``max_failures`` wrong passwords for one
    account (``max_address_failures`` from one client address) within
    ``throttle_minutes``.
    """

    db_url: str = DEFAULT_DB_URL
    secure_cookies: bool = True
    session_minutes: int = 8 * 60
    max_body: int = 5 * 1024 * 1024
    max_upload: int = 20 * 1024 * 1024
    pdf_workers: int = 1
    max_failures: int = 5
    max_address_failures: int = 20
    throttle_minutes: int = 15

    @property
    def pdf_pool_size(self) -> int:
        """Warm LibreOffice processes: as asked, at least one, at most the cores."""
        return max(1, min(self.pdf_workers, os.cpu_count() or 1))
