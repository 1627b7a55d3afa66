"""One open generation of the index: a Whoosh reader plus in-memory per-document columns (numpy).

Columns (ids, stored meta, field lengths) are read once per segment and cached by segment id, so
reopening after a small sync only reads the new segment. From them the snapshot builds numpy arrays:
the live-document mask, field lengths, numbers (NaN when missing), near-duplicate groups, and the facet
columns (``facets.FacetColumns``). Result sets are boolean masks over docnums. Postings are read block by
block (Whoosh's matcher API costs a Python call per posting) under a lock, since Whoosh files are not
thread-safe, and kept decoded as numpy arrays within a budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

from app.search.analysis import fold
from app.search.facets import FacetColumns
from app.search.schema import TEXT_BOOSTS

_SEGMENT_CACHE: OrderedDict[tuple[str, str], _SegmentColumns] = OrderedDict()
_SEGMENT_CACHE_SIZE = 64
_SEGMENT_LOCK = threading.Lock()
_POSTINGS_BUDGET = 6_000_000  # decoded postings kept per snapshot (8 bytes each: about 48 MB at most)
_EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
NUMBERS = ("budget", "etp", "year")


@dataclass
class _SegmentColumns:
    ids: list[str]
    metas: list[dict]
    lengths: dict[str, np.ndarray]


def _read_segment(segreader) -> _SegmentColumns:
    n = segreader.doc_count_all()
    ids: list[str] = []
    metas: list[dict] = []
    for docnum in range(n):
        stored = segreader.stored_fields(docnum)
        ids.append(stored.get("id", ""))
        metas.append(stored.get("meta") or {})
    lengths = {f: np.fromiter((segreader.doc_field_length(d, f, 0) for d in range(n)), dtype=np.float64, count=n)
               for f in TEXT_BOOSTS}
    return _SegmentColumns(ids, metas, lengths)


def _segment_columns(gen_dir: str, segreader) -> _SegmentColumns:
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


def _leaf_postings(segreader, field: str, text: str, offset: int, ids: list, weights: list) -> None:
    try:
        m = segreader.postings(field, text)
    except TermNotFound:
        return
    if isinstance(m, W3LeafMatcher):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            block_ids = np.asarray(m._ids, dtype=np.int32)
            ids.append(block_ids + offset if offset else block_ids)
            weights.append(np.asarray(m._weights, dtype=np.float32))
            m._next_block()
    else:  # inlined postings of rare terms
        block_ids, block_weights = [], []
        while m.is_active():
            block_ids.append(m.id() + offset)
            block_weights.append(m.weight())
            m.next()
        ids.append(np.asarray(block_ids, dtype=np.int32))
        weights.append(np.asarray(block_weights, dtype=np.float32))


class Snapshot:
    """An immutable view of one index generation (plus its lazily built helpers)."""

    def __init__(self, gen_dir: Path) -> None:
        self.gen_dir = gen_dir
        self.ix = whoosh_index.open_dir(str(gen_dir))
        self.reader = self.ix.reader()
        self.generation = (str(gen_dir), self.reader.generation())
        self.lock = threading.RLock()
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached_postings = 0
        self._leaves = list(self.reader.leaf_readers())
        self._load_columns()
        self.vocabulary = None  # built on first use by spelling.py

    # -- columns ---------------------------------------------------------------------------------------
    def _load_columns(self) -> None:
        ids: list[str] = []
        metas: list[dict] = []
        lengths: dict[str, list[np.ndarray]] = {f: [] for f in TEXT_BOOSTS}
        dead: list[int] = []
        for segreader, offset in self._leaves:
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
        self.avg_length = {
            f: (float(self.lengths[f][live].mean()) if len(live) else 1.0) or 1.0 for f in TEXT_BOOSTS
        }
        live_list = live.tolist()
        self.docnum_of = {ids[d]: d for d in live_list}
        self.facets = FacetColumns(metas, live_list)
        self._build_groups(live_list)
        self.numbers = {name: np.array([np.nan if (v := metas[d].get(name)) is None else v for d in range(n)],
                                       dtype=np.float64) for name in NUMBERS}
        self.title_key = [fold(m.get("title", "")) for m in metas]
        self.orders: dict[str, np.ndarray] = {}  # precomputed sort orders (ranking.py)

    def _build_groups(self, live: list[int]) -> None:
        groups: dict[str, list[int]] = {}
        for d in live:
            groups.setdefault(self.metas[d].get("group") or self.ids[d], []).append(d)
        self.group_members = {g: members for g, members in groups.items() if len(members) > 1}
        self.group_of = {d: g for g, members in self.group_members.items() for d in members}
        self.group_code = np.full(self.n_docs, -1, dtype=np.int64)  # -1: alone
        for code, members in enumerate(self.group_members.values()):
            self.group_code[members] = code

    def in_range(self, name: str, low, high) -> np.ndarray:
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
        """(docnums, term frequencies) of a term in a field, deleted documents included."""
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
            return self.reader.doc_frequency(field, text)

    def lexicon(self, field: str):
        with self.lock:
            return list(self.reader.iter_field(field))

    def close(self) -> None:
        with self.lock:
            self.reader.close()
            self.ix.close()
