"""One open generation of the index: a Whoosh reader plus in-memory per-document columns (numpy).

Columns (ids, stored meta, field lengths) are read once per segment and cached by segment id, so
reopening after a small sync only reads the new segment. From them the snapshot builds numpy arrays:
the live-document mask, field lengths, numbers (NaN when missing), near-duplicate groups, and the facet
columns (``facets.FacetColumns``). Result sets are boolean masks over docnums. Postings are read block by
block (Whoosh's matcher API costs a Python call per posting) under a lock, since Whoosh files are not
thread-safe, and kept decoded as numpy arrays within a budget.

Whoosh gives ``None`` as the length of an empty field: every length is read as a finite number (0 for an
empty or missing field), so no statistic derived from them can be NaN. The snapshot also owns the data
derived from it (spelling vocabulary, completions, sort orders), each built once under its own lock.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

from app.domain.text import fold
from app.search.facets import FacetColumns
from app.search.schema import TEXT_BOOSTS
from app.search.sorts import static_order, title_rank
from app.search.spelling import Vocabulary, build_vocabulary

_SEGMENT_CACHE: OrderedDict[tuple[str, str], _SegmentColumns] = OrderedDict()
_SEGMENT_CACHE_SIZE = 64
_SEGMENT_LOCK = threading.Lock()
_POSTINGS_BUDGET = 6_000_000  # decoded postings kept per snapshot (8 bytes each: about 48 MB at most)
_EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
NUMBERS = ("budget", "etp", "year")


@dataclass
class _SegmentColumns:
    ids: list[str]
    metas: list[dict[str, Any]]
    lengths: dict[str, np.ndarray]


def _length(segreader: Any, docnum: int, field: str) -> float:
    """A field's length in a document: 0 when the field is empty or missing (Whoosh says None)."""
    value = segreader.doc_field_length(docnum, field, 0)
    return float(value) if isinstance(value, (int, float)) and np.isfinite(value) and value > 0 else 0.0


def _read_segment(segreader: Any) -> _SegmentColumns:
    n = segreader.doc_count_all()
    ids: list[str] = []
    metas: list[dict[str, Any]] = []
    for docnum in range(n):
        stored = segreader.stored_fields(docnum)
        ids.append(stored.get("id", ""))
        metas.append(stored.get("meta") or {})
    lengths = {f: np.fromiter((_length(segreader, d, f) for d in range(n)), dtype=np.float64, count=n)
               for f in TEXT_BOOSTS}
    return _SegmentColumns(ids, metas, lengths)


def _segment_columns(gen_dir: str, segreader: Any) -> _SegmentColumns:
    key = (gen_dir, segreader.segment().segment_id())
    with _SEGMENT_LOCK:
        found = _SEGMENT_CACHE.get(key)
        if found is not None:
            _SEGMENT_CACHE.move_to_end(key)
            return found
    found = _read_segment(segreader)
    with _SEGMENT_LOCK:
        _SEGMENT_CACHE[key] = found
        while len(_SEGMENT_CACHE) > _SEGMENT_CACHE_SIZE:
            _SEGMENT_CACHE.popitem(last=False)
    return found


def _leaf_postings(segreader: Any, field: str, text: str, offset: int, ids: list[np.ndarray],
                   weights: list[np.ndarray]) -> None:
    try:
        m = segreader.postings(field, text)
    except TermNotFound:
        return
    if isinstance(m, W3LeafMatcher):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            block = np.asarray(m._ids, dtype=np.int32)
            ids.append(block + offset if offset else block)
            weights.append(np.asarray(m._weights, dtype=np.float32))
            m._next_block()
    else:  # inlined postings of rare terms
        block_ids: list[int] = []
        block_weights: list[float] = []
        while m.is_active():
            block_ids.append(m.id() + offset)
            block_weights.append(m.weight())
            m.next()
        ids.append(np.asarray(block_ids, dtype=np.int32))
        weights.append(np.asarray(block_weights, dtype=np.float32))


class Snapshot:
    """An immutable view of one index generation (plus the data derived from it, built on first use)."""

    def __init__(self, gen_dir: Path) -> None:
        self.gen_dir = gen_dir
        self.ix = whoosh_index.open_dir(str(gen_dir))
        self.reader = self.ix.reader()
        self.generation = (str(gen_dir), self.reader.generation())
        self.lock = threading.RLock()  # Whoosh's files
        self._derive_lock = threading.RLock()  # the derived data below
        self._orders: dict[str, np.ndarray] = {}
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached_postings = 0
        self._leaves = list(self.reader.leaf_readers())
        self.fields = frozenset(self.ix.schema.names())
        self._load_columns()

    # -- columns ---------------------------------------------------------------------------------------
    def _load_columns(self) -> None:
        ids: list[str] = []
        metas: list[dict[str, Any]] = []
        lengths: dict[str, list[np.ndarray]] = {f: [] for f in TEXT_BOOSTS}
        dead: list[int] = []
        for segreader, offset in self._leaves:
            if segreader.segment() is None:  # an index that never held a document has one empty reader
                continue
            cols = _segment_columns(str(self.gen_dir), segreader)
            ids.extend(cols.ids)
            metas.extend(cols.metas)
            for f in TEXT_BOOSTS:
                lengths[f].append(cols.lengths[f])
            if segreader.has_deletions():
                dead.extend(offset + d for d in segreader.segment().deleted_docs() or ())
        n = len(ids)
        self.ids = ids
        self.metas = metas
        self.n_docs = n
        self.live_mask = np.ones(n, dtype=bool)
        if dead:
            self.live_mask[np.asarray(dead, dtype=np.int64)] = False
        live = np.flatnonzero(self.live_mask)
        self.n_live = len(live)
        self.lengths = {f: np.concatenate(parts) if parts else np.zeros(0) for f, parts in lengths.items()}
        self.avg_length = {f: _average(self.lengths[f][live]) for f in TEXT_BOOSTS}
        live_list = live.tolist()
        self.docnum_of = {ids[d]: d for d in live_list}
        self.facets = FacetColumns(metas, live_list)
        self._build_groups(live_list)
        self.numbers = {name: np.array([_number(metas[d].get(name)) for d in range(n)], dtype=np.float64)
                        for name in NUMBERS}
        self.title_key = [fold(m.get("title") or "") for m in metas]

    def _build_groups(self, live: list[int]) -> None:
        groups: dict[str, list[int]] = {}
        for d in live:
            groups.setdefault(self.metas[d].get("group") or self.ids[d], []).append(d)
        self.group_members = {g: members for g, members in groups.items() if len(members) > 1}
        self.group_of = {d: g for g, members in self.group_members.items() for d in members}
        self.group_code = np.full(self.n_docs, -1, dtype=np.int64)  # -1: alone
        for code, members in enumerate(self.group_members.values()):
            self.group_code[members] = code

    # -- derived data, built once under the snapshot's own lock ---------------------------------------------
    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The spelling vocabulary (unstemmed words of the ``spell`` field)."""
        with self._derive_lock:
            return build_vocabulary(self.lexicon("spell"))

    @cached_property
    def stems(self) -> tuple[list[str], list[int]]:
        """Every term of the text fields, sorted, and the number of documents having it (for prefixes)."""
        with self._derive_lock:
            df: dict[str, int] = {}
            for fname in TEXT_BOOSTS:
                for text, info in self.lexicon(fname):
                    term = text.decode("utf-8") if isinstance(text, bytes) else str(text)
                    df[term] = max(df.get(term, 0), info.doc_frequency())
            keys = sorted(df)
            return keys, [df[k] for k in keys]

    def completions(self, prefix: str, limit: int) -> list[str]:
        """Index terms of the words starting with the folded ``prefix``: the words of the vocabulary that
        start with it (through their stems) and the terms that do, most frequent first."""
        found: dict[str, int] = {}
        vocab = self.vocabulary
        for i in range(bisect_left(vocab.folded, prefix), len(vocab.folded)):
            if not vocab.folded[i].startswith(prefix):
                break
            for term in vocab.stems[i]:
                found[term] = max(found.get(term, 0), vocab.df[i])
        keys, dfs = self.stems
        for i in range(bisect_left(keys, prefix), len(keys)):
            if not keys[i].startswith(prefix):
                break
            found[keys[i]] = max(found.get(keys[i], 0), dfs[i])
        return sorted(found, key=lambda t: (-found[t], t))[:limit]

    @cached_property
    def title_rank(self) -> np.ndarray:
        with self._derive_lock:
            return title_rank(self.title_key)

    def static_order(self, sort: str) -> np.ndarray:
        """Every docnum in the order ``sort`` gives (ties: title, then docnum), computed once."""
        found = self._orders.get(sort)
        if found is None:
            with self._derive_lock:
                found = self._orders.get(sort)
                if found is None:
                    found = self._orders[sort] = static_order(sort, self.title_rank, self.numbers)
        return found

    def has_term(self, field: str, term: str) -> np.ndarray:
        """Mask of the documents having ``term`` in ``field``."""
        mask = np.zeros(self.n_docs, dtype=bool)
        mask[self.postings(field, term)[0]] = True
        return mask

    def in_range(self, name: str, low: float | None, high: float | None) -> np.ndarray:
        """Mask of the docs whose number ``name`` lies in [low, high] (either bound may be None)."""
        column = self.numbers[name]
        mask = ~np.isnan(column)
        if low is not None:
            mask &= column >= low
        if high is not None:
            mask &= column <= high
        return mask & self.live_mask

    # -- postings --------------------------------------------------------------------------------------
    def postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, term frequencies) of a term in a field, deleted documents included (none when the index
        predates the field: it matches again once rebuilt with ``fiches reindex``)."""
        if field not in self.fields:
            return _EMPTY
        key = (field, text)
        with self.lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
            ids: list[np.ndarray] = []
            weights: list[np.ndarray] = []
            for segreader, offset in self._leaves:
                _leaf_postings(segreader, field, text, offset, ids, weights)
            found = (np.concatenate(ids), np.concatenate(weights)) if ids else _EMPTY
            self._postings[key] = found
            self._cached_postings += len(found[0])
            while self._cached_postings > _POSTINGS_BUDGET and len(self._postings) > 1:
                _, (old_ids, _) = self._postings.popitem(last=False)
                self._cached_postings -= len(old_ids)
            return found

    def doc_frequency(self, field: str, text: str) -> int:
        with self.lock:
            return int(self.reader.doc_frequency(field, text))

    def lexicon(self, field: str) -> list[tuple[Any, Any]]:
        with self.lock:
            return list(self.reader.iter_field(field))

    def close(self) -> None:
        with self.lock:
            self.reader.close()
            self.ix.close()


def _average(lengths: np.ndarray) -> float:
    """Mean field length, 1.0 when there is nothing to average (never 0, never NaN)."""
    if not len(lengths):
        return 1.0
    mean = float(lengths.mean())
    return mean if np.isfinite(mean) and mean > 0 else 1.0


def _number(value: object) -> float:
    """A stored number as a float; NaN when missing or not a finite number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value):
        return float(value)
    return float("nan")
