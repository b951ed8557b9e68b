"""Comparing a document's text with the official labels, the way a person reads them.

Labels are compared after :func:`norm`: NFKC, no whitespace, no quotes,
``1、``/``1．`` → ``1.``, so ``(一)`` matches ``（一）`` and ``商业⏎企业``
matches ``商业企业``.  The official labels in :mod:`gidoc.format.labels` are
only ever compared with, never changed.
"""

from __future__ import annotations

import re
import unicodedata

#: Whitespace, including the zero-width characters Word and WPS leave in text.
SPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_QUOTES = re.compile("[\"'`\u2018\u2019\u201c\u201d\u300c\u300d\u300e\u300f]")
_DIGIT_SEPARATOR = re.compile(r"(\d)[、.]")
_CHINESE_NUMBER_SEPARATOR = re.compile(r"^([一二三四五六七八九十]+)[、.,]")
_NOTE = re.compile(r"\([^()]*\)$")


def norm(text: str) -> str:
    """A label as compared: NFKC, no whitespace or quotes, ``1、``/``1．`` → ``1.``, ``一．`` → ``一、``.

    Only for comparing; the official labels themselves are never changed.
    """
    s = unicodedata.normalize("NFKC", text)
    s = SPACE.sub("", s)
    s = _QUOTES.sub("", s)
    s = _DIGIT_SEPARATOR.sub(r"\1.", s)
    return _CHINESE_NUMBER_SEPARATOR.sub(r"\1、", s)


def same(text: str, *labels: str) -> bool:
    """Whether a cell or paragraph reads as one of ``labels``; a trailing （…） note may be missing.

    ``（二）部分公开`` matches ``（二）部分公开（区分处理的，…）`` and
    ``规章（设区的市…应提供相关数据）`` matches ``规章``.
    """
    got = norm(text)
    if not got:
        return False
    bare = _NOTE.sub("", got)
    for label in labels:
        want = norm(label)
        if got == want or got == _NOTE.sub("", want) or bare == want:
            return True
    return False


def one_line(text: str) -> str:
    """Text with its lines joined, each stripped: how a cell's text is quoted in a message."""
    return "".join(line.strip() for line in text.splitlines())
