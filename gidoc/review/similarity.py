"""Text that repeats: last year's report of the same unit, or another unit's report this year.

Texts are compared as sets of character shingles (5 characters in a row)
after normalisation — NFKC, no spaces or punctuation, every number as 0 — so
that changing 「2024年」 to 「2025年」 or a count does not hide a copy.

Between units, sections are never compared pair by pair (10,000 units would
make 50 million pairs): each section's MinHash goes into a locality-sensitive
hashing index (:class:`datasketch.MinHashLSH`), which yields only the pairs
likely to be near-identical, and each such pair is confirmed on its exact
shingle sets.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

#: A set of shingle hashes: sorted, unique, 4 bytes each (10,000 reports' texts fit in memory).
Shingles: TypeAlias = npt.NDArray[np.uint32]
#: The shingles of a text too short to compare.
NONE: Shingles = np.empty(0, dtype=np.uint32)

#: Characters in a shingle.
SHINGLE = 5
#: Normalised characters a section needs before it is compared at all: short texts such as
#: 「本年度未收取信息处理费。」 are the same everywhere for good reason.
MIN_CHARS = 50
#: Share of a section's shingles found in last year's report that makes a warning.
REPEAT_SHARE = 0.8
#: Jaccard similarity of two units' sections that makes them near-identical.
COPY_SIMILARITY = 0.8
#: Permutations of each MinHash, and the index's bands × rows: 10 bands of 6 make a pair of
#: similarity 0.8 a candidate with probability 0.95, of 0.85 with 0.99, of 0.3 with 0.007.
#: Candidates are confirmed exactly, so the index errs towards too many.
NUM_PERM = 64
BANDS = (10, 6)

_DROP = re.compile(r"[\s\W_]+")
_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """``text`` as compared: NFKC, without spaces and punctuation, each number written 0."""
    return _DIGITS.sub("0", _DROP.sub("", unicodedata.normalize("NFKC", text)))


def shingles(text: str, without: str = "") -> Shingles:
    """The CRC-32 of every run of :data:`SHINGLE` characters of the normalised text.

    ``without`` (the unit's own name) is taken out first: a text the office
    handed out differs between units mostly by the name written into it.
    Empty when the normalised text is shorter than :data:`MIN_CHARS`.
    """
    flat = normalise(text)
    name = normalise(without)
    if name:
        flat = flat.replace(name, "")
    if len(flat) < MIN_CHARS:
        return NONE
    count = len(flat) - SHINGLE + 1
    hashes = np.fromiter(
        (zlib.crc32(flat[i : i + SHINGLE].encode("utf-8")) for i in range(count)),
        dtype=np.uint32,
        count=count,
    )
    return np.unique(hashes)


def union(sets: Iterable[Shingles]) -> Shingles:
    """The shingles of several texts together."""
    given = [s for s in sets if s.size]
    return np.unique(np.concatenate(given)) if given else NONE


def repeated_share(this: Shingles, last: Shingles) -> float:
    """The share of ``this`` section's shingles that last year's report also has (0 to 1)."""
    if not this.size:
        return 0.0
    return float(np.isin(this, last, assume_unique=True).sum()) / this.size


def jaccard(a: Shingles, b: Shingles) -> float:
    """|a ∩ b| / |a ∪ b|; 0 when either is empty."""
    if not a.size or not b.size:
        return 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


def _same(value: int) -> int:
    """The shingle's hash is already a 32-bit hash: MinHash uses it as it is."""
    return value


def signature(shingle_set: Shingles) -> Any:
    """The MinHash of a shingle set, as a :class:`datasketch.LeanMinHash` (small, picklable)."""
    from datasketch import LeanMinHash, MinHash

    minhash = MinHash(num_perm=NUM_PERM, hashfunc=_same)
    minhash.update_batch(shingle_set.tolist())
    return LeanMinHash(minhash)


@dataclass(frozen=True)
class Section:
    """One section of one report, as the cross-unit comparison sees it."""

    owner: int
    shingles: Shingles
    signature: Any


@dataclass(frozen=True)
class Copies:
    """Other owners whose section of the same kind is near-identical to section ``section``.

    ``others`` are (owner, similarity), most similar first, at most
    :data:`MAX_NAMED`; ``count`` is how many other owners were found in all.
    """

    section: int
    others: tuple[tuple[int, float], ...]
    count: int


#: Other units named in one warning; the rest are counted.
MAX_NAMED = 3
#: Candidates from the index confirmed on their exact shingles, per distinct text: bounds the
#: time a large family of near-identical texts can take.
MAX_CHECKS = 64


def near_duplicates(sections: Sequence[Section]) -> Iterator[Copies]:
    """For each section that has near-identical sections of other owners, those owners.

    Sections of one kind (all 五（一）, say) are given together.  Identical
    texts are grouped first (a template text the office handed out may be in
    thousands of reports) and each distinct text is indexed once; candidates
    come from the LSH index, and each is kept only if its exact Jaccard
    similarity is at least :data:`COPY_SIMILARITY`.
    """
    groups: dict[bytes, list[int]] = {}
    for number, section in enumerate(sections):
        if section.shingles.size:
            groups.setdefault(section.shingles.tobytes(), []).append(number)
    if sum(len(members) for members in groups.values()) < 2:
        return
    texts = [(sections[members[0]].shingles, members) for members in groups.values()]
    from datasketch import MinHashLSH

    index = MinHashLSH(num_perm=NUM_PERM, params=BANDS)
    hashes = []
    for number, (_, members) in enumerate(texts):
        minhash = sections[members[0]].signature
        hashes.append(minhash)
        index.insert(number, minhash, check_duplication=False)
    for number, (shingle_set, members) in enumerate(texts):
        found: dict[int, float] = {sections[m].owner: 1.0 for m in members}
        checked = 0
        for other in index.query(hashes[number]):
            if other == number:
                continue
            if checked == MAX_CHECKS:
                break
            checked += 1
            other_set, other_members = texts[other]
            similarity = jaccard(shingle_set, other_set)
            if similarity >= COPY_SIMILARITY:
                for m in other_members:
                    owner = sections[m].owner
                    found[owner] = max(found.get(owner, 0.0), similarity)
        if len(found) < 2:
            continue
        ranked = sorted(found.items(), key=lambda pair: (-pair[1], pair[0]))
        for m in members:
            owner = sections[m].owner
            others = [pair for pair in ranked if pair[0] != owner]
            if others:
                yield Copies(m, tuple(others[:MAX_NAMED]), len(others))
