"""Per-segment lexicons as arrays: the terms of each searchable field and their document frequencies.

The spelling vocabulary and the prefix completions need every term of a few fields with its document
frequency. Read through Whoosh, that is a Python merge of every segment's term file (seconds at 100,000
fiches, paid by the first query after each open); so the writer saves each new segment's lexicons next to
its columns (``<segment id>.fc_lex_<field>.npy``: sorted UTF-8 terms; ``.fc_df_<field>.npy``: their
document frequencies, deleted documents included as Whoosh counts them), and a reader merges them with
numpy. A segment without them is read through Whoosh instead.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from app.search import gil, npy, segments
from app.search.schema import TEXT_BOOSTS

FIELDS = ("spell", *TEXT_BOOSTS, "pairs")


def _paths(gen_dir: Path, segment_id: str, field: str) -> tuple[Path, Path]:
    return gen_dir / f"{segment_id}.fc_lex_{field}.npy", gen_dir / f"{segment_id}.fc_df_{field}.npy"


def terms_path(gen_dir: Path, segment_id: str, field: str) -> Path:
    """Where a segment's saved terms of ``field`` are."""
    return _paths(gen_dir, segment_id, field)[0]


def write(gen_dir: Path, segreader: Any, save: Any) -> None:
    """Save a segment's lexicons with ``save(path, array)`` (atomic, from ``columns``)."""
    segment_id = segreader.segment().segment_id()
    names = set(segreader.indexed_field_names())
    for field in FIELDS:
        terms: list[bytes] = []
        dfs: list[int] = []
        if field in names:
            for text, info in segreader.iter_field(field):
                terms.append(text if isinstance(text, bytes) else str(text).encode("utf-8"))
                dfs.append(int(info.doc_frequency()))
        width = max((len(t) for t in terms), default=1)
        terms_path, df_path = _paths(gen_dir, segment_id, field)
        save(df_path, np.asarray(dfs, dtype=np.int64))
        save(terms_path, np.array(terms, dtype=f"S{max(width, 1)}"))


def terms(gen_dir: Path, segment_id: str, field: str) -> np.ndarray | None:
    """One segment's saved terms of a field (memory-mapped), None when it has none."""
    try:
        found: np.ndarray = npy.load(_paths(gen_dir, segment_id, field)[0])
    except (OSError, ValueError):
        return None
    return found


def merged(gen_dir: Path, leaves: list[tuple[Any, int]], field: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(sorted unique terms, summed document frequencies) of a field over every segment; None when a
    segment has no saved lexicon."""
    terms: list[np.ndarray] = []
    dfs: list[np.ndarray] = []
    for segreader, _ in leaves:
        segment = segreader.segment()
        if segment is None:
            continue
        terms_path, df_path = _paths(gen_dir, segment.segment_id(), field)
        try:
            part_terms = npy.load(terms_path)
            part_dfs = npy.load(df_path)
        except (OSError, ValueError):
            return None
        if part_terms.shape != part_dfs.shape:
            return None
        terms.append(np.asarray(part_terms))
        dfs.append(np.asarray(part_dfs))
    if not terms:
        return np.zeros(0, dtype="S1"), np.zeros(0, dtype=np.int64)
    unique, inverse = np.unique(np.concatenate(terms), return_inverse=True)
    return unique, np.bincount(inverse.ravel(), weights=np.concatenate(dfs), minlength=len(unique)).astype(np.int64)


class _Info:
    __slots__ = ("df",)

    def __init__(self, df: int) -> None:
        self.df = df

    def doc_frequency(self) -> int:
        return self.df


def as_lexicon(found: tuple[np.ndarray, np.ndarray]) -> list[tuple[str, _Info]]:
    """``(word, term info)`` pairs, as Whoosh's ``iter_field`` gives them."""
    terms, dfs = found
    return [(t.decode("utf-8"), _Info(int(d))) for t, d in zip(terms.tolist(), dfs.tolist())]


Lexicon = tuple[np.ndarray, np.ndarray]  # sorted unique UTF-8 terms, a number for each


def _union(parts: list[Lexicon]) -> Lexicon:
    """Every term of several lexicons, with its largest number over them."""
    terms = np.concatenate([p[0] for p in parts])
    unique, inverse = np.unique(terms, return_inverse=True)
    best = np.zeros(len(unique), dtype=np.int64)
    np.maximum.at(best, inverse.ravel(), np.concatenate([p[1] for p in parts]))
    return unique, best


def combine(big: Lexicon, small: Lexicon, add: bool) -> Lexicon:
    """``big`` with the terms of ``small`` (both sorted and unique): a term of both gets the sum of its
    numbers (``add``) or the number in ``small``; the others are inserted in their place. The same arrays
    (and dtype) as merging both from scratch, for a binary search per term of ``small``."""
    dtype = f"S{max(big[0].dtype.itemsize, small[0].dtype.itemsize, 1)}"
    terms, values = np.asarray(big[0], dtype=dtype), np.array(big[1], dtype=np.int64)
    news, numbers = np.asarray(small[0], dtype=dtype), np.asarray(small[1], dtype=np.int64)
    at = np.searchsorted(terms, news)
    same = np.zeros(len(news), dtype=bool)
    inside = at < len(terms)
    same[inside] = terms[at[inside]] == news[inside]
    if add:
        values[at[same]] += numbers[same]  # ``news`` is unique: each position once
    else:
        values[at[same]] = numbers[same]
    fresh = ~same
    return np.insert(terms, at[fresh], news[fresh]), np.insert(values, at[fresh], numbers[fresh])


Leaves = list[tuple[Any, int]]  # (segment reader, first docnum) of each segment


def _ids(leaves: Leaves) -> tuple[str, ...]:
    return tuple(segreader.segment().segment_id() for segreader, _ in leaves)


class Prefixes:
    """The lexicons of a generation merged over its leading big segments, kept from one snapshot to the
    next (the snapshot hands this object to the one that replaces it). A catch-up rewrites only the small
    segments at the end (``segments.merge_policy``) or adds a big one after the others, so a reopen merges
    those few into the kept arrays instead of loading every segment's lexicons (some 200 files) and sorting
    every term again: 150 ms of a reopen at 100,000 fiches. When a big segment is merged away, the
    lexicons are merged from scratch again."""

    def __init__(self, gen_dir: Path) -> None:
        self.gen_dir = gen_dir
        self._kept: dict[str, tuple[tuple[str, ...], Lexicon]] = {}  # field or "stems" → (segment ids, lexicon)
        self._lock = threading.Lock()

    @staticmethod
    def split(leaves: Leaves) -> tuple[Leaves, Leaves]:
        """The leading segments of ``SMALL_DOCS`` documents or more, and the others."""
        leaves = [leaf for leaf in leaves if leaf[0].segment() is not None]
        cut = 0
        while cut < len(leaves) and leaves[cut][0].doc_count_all() >= segments.SMALL_DOCS:
            cut += 1
        return leaves[:cut], leaves[cut:]

    def _kept_before(self, key: str, big: Leaves) -> tuple[Lexicon | None, Leaves]:
        """What is kept under ``key`` if it covers the first segments of ``big``, and the segments after."""
        with self._lock:
            kept = self._kept.get(key)
        if kept is None or _ids(big[: len(kept[0])]) != kept[0]:
            return None, big
        return kept[1], big[len(kept[0]):]

    def _keep(self, key: str, big: Leaves, found: Lexicon) -> Lexicon:
        with self._lock:
            self._kept[key] = (_ids(big), found)
        return found

    def _head(self, field: str, big: Leaves) -> Lexicon | None:
        """A field's lexicon over the big segments (the kept one, extended with the big segments after it)."""
        kept, added = self._kept_before(field, big)
        if kept is not None and not added:
            return kept
        found = merged(self.gen_dir, added, field)
        if found is None:
            return None
        return self._keep(field, big, found if kept is None else combine(kept, found, add=True))

    def merged(self, leaves: Leaves, field: str) -> Lexicon | None:
        """``merged(gen_dir, leaves, field)``, from the kept lexicon."""
        big, tail = self.split(leaves)
        head = self._head(field, big)
        rest = merged(self.gen_dir, tail, field) if tail else None
        if head is None or (tail and rest is None):
            return None
        return head if rest is None else combine(head, rest, add=True)

    def _added(self, added: Leaves) -> list[Lexicon] | None:
        """The text fields' lexicons over the ``added`` segments."""
        parts = [merged(self.gen_dir, added, field) for field in TEXT_BOOSTS]
        return None if any(p is None for p in parts) else [p for p in parts if p is not None]

    @staticmethod
    def _restem(stems: Lexicon, parts: list[Lexicon], fields: list[Lexicon]) -> Lexicon:
        """``stems`` with the terms of ``parts`` (the text fields' lexicons over segments added since), each
        numbered with its largest document frequency in ``fields`` (the text fields' lexicons over every
        segment, the added ones included)."""
        touched = np.unique(np.concatenate([p[0] for p in parts]))
        best = np.zeros(len(touched), dtype=np.int64)
        for terms, dfs in fields:
            if len(terms):
                at = np.minimum(np.searchsorted(terms, touched), len(terms) - 1)
                np.maximum(best, np.where(terms[at] == touched, dfs[at], 0), out=best)
        return combine(stems, (touched, best), add=False)

    def stems(self, leaves: Leaves) -> tuple[list[str], list[int]] | None:
        """Every term of the text fields, sorted, with its largest document frequency over the fields."""
        big, tail = self.split(leaves)
        heads = []
        for field in TEXT_BOOSTS:
            gil.give_way()  # a background open waits for the requests in flight between two fields
            heads.append(self._head(field, big))
        known = [h for h in heads if h is not None]
        rests = self._added(tail) if tail else []
        if len(known) < len(heads) or rests is None:
            return None
        kept, added = self._kept_before("stems", big)
        if kept is None:
            found = _union(known)
        elif added:
            parts = self._added(added)
            if parts is None:
                return None
            found = self._restem(kept, parts, known)
        else:
            found = kept
        found = self._keep("stems", big, found)
        if rests:
            found = self._restem(found, rests, [combine(h, r, add=True) for h, r in zip(known, rests)])
        return [t.decode("utf-8") for t in found[0].tolist()], found[1].tolist()
