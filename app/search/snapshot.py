"""One open generation of the index: a Whoosh reader plus in-memory per-document columns.

Columns (facet values, numbers, groups, field lengths) are read once per segment and cached by segment
id, so reopening after a small sync only reads the new segment. Postings are read block by block
(Whoosh's matcher API costs a Python call per posting) under a lock: Whoosh files are not thread-safe.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

from app.search.analysis import fold
from app.search.schema import FACETS, TEXT_BOOSTS

_SEGMENT_CACHE: "OrderedDict[tuple[str, str], _SegmentColumns]" = OrderedDict()
_SEGMENT_CACHE_SIZE = 64
_SEGMENT_LOCK = threading.Lock()
_POSTINGS_BUDGET = 2_000_000  # decoded postings kept in memory per snapshot (about 150 MB at most)


@dataclass
class _SegmentColumns:
    ids: list[str]
    metas: list[dict]
    lengths: dict[str, list[int]]


def _read_segment(segreader) -> _SegmentColumns:
    n = segreader.doc_count_all()
    ids: list[str] = []
    metas: list[dict] = []
    for docnum in range(n):
        stored = segreader.stored_fields(docnum)
        ids.append(stored.get("id", ""))
        metas.append(stored.get("meta") or {})
    lengths = {f: [segreader.doc_field_length(d, f, 0) for d in range(n)] for f in TEXT_BOOSTS}
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


def _leaf_postings(segreader, field: str, text: str, offset: int, ids: list[int], weights: list[float]) -> None:
    try:
        m = segreader.postings(field, text)
    except TermNotFound:
        return
    if isinstance(m, W3LeafMatcher):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            block_ids = m._ids
            ids.extend([i + offset for i in block_ids] if offset else block_ids)
            weights.extend(m._weights)
            m._next_block()
    else:  # inlined postings of rare terms
        while m.is_active():
            ids.append(m.id() + offset)
            weights.append(m.weight())
            m.next()


class Snapshot:
    """An immutable view of one index generation (plus its lazily built helpers)."""

    def __init__(self, gen_dir: Path) -> None:
        self.gen_dir = gen_dir
        self.ix = whoosh_index.open_dir(str(gen_dir))
        self.reader = self.ix.reader()
        self.generation = (str(gen_dir), self.reader.generation())
        self.lock = threading.RLock()
        self._postings: OrderedDict[tuple[str, str], tuple[list[int], list[float]]] = OrderedDict()
        self._cached_postings = 0
        self._leaves = list(self.reader.leaf_readers())
        self._load_columns()
        self.vocabulary = None  # built on first use by spelling.py

    # -- columns ---------------------------------------------------------------------------------------
    def _load_columns(self) -> None:
        ids: list[str] = []
        metas: list[dict] = []
        lengths: dict[str, list[int]] = {f: [] for f in TEXT_BOOSTS}
        live: list[int] = []
        for segreader, offset in self._leaves:
            cols = _segment_columns(str(self.gen_dir), segreader)
            ids.extend(cols.ids)
            metas.extend(cols.metas)
            for f in TEXT_BOOSTS:
                lengths[f].extend(cols.lengths[f])
            deleted = set(segreader.segment().deleted_docs() or ()) if segreader.has_deletions() else set()
            live.extend(offset + d for d in range(len(cols.ids)) if d not in deleted)
        self.ids = ids
        self.metas = metas
        self.lengths = lengths
        self.live = frozenset(live)
        self.n_live = len(live)
        self.avg_length = {
            f: (sum(lengths[f][d] for d in live) / len(live) if live else 1.0) or 1.0 for f in TEXT_BOOSTS
        }
        self.docnum_of = {ids[d]: d for d in live}
        self._build_facets(live)
        self._build_numbers(live)

    def _build_facets(self, live: list[int]) -> None:
        self.facet_values: dict[str, list[tuple[str, ...]]] = {}
        self.value_docs: dict[str, dict[str, set[int]]] = {}
        self.labels: dict[str, dict[str, str]] = {}
        self.count_sets: dict[str, list[tuple[str, set[int]]]] = {}
        for facet in FACETS:
            column: list[tuple[str, ...]] = [()] * len(self.ids)
            docs: dict[str, set[int]] = {}
            labels: dict[str, str] = {}
            for d in live:
                values = tuple(dict.fromkeys(self.metas[d].get("facets", {}).get(facet, ())))
                column[d] = values
                for v in values:
                    key = fold(v)
                    labels.setdefault(key, v)
                    docs.setdefault(key, set()).add(d)
            if facet == "departement":  # also filterable by code
                self.departement_names = {}
                for d in live:
                    code = self.metas[d].get("departement_code")
                    if code and column[d]:
                        docs.setdefault(fold(code), set()).add(d)
                        self.departement_names[fold(code)] = column[d][0]
            self.facet_values[facet] = column
            self.value_docs[facet] = docs
            self.labels[facet] = labels
            self.count_sets[facet] = [(label, docs[key]) for key, label in labels.items()]
        groups: dict[str, list[int]] = {}
        for d in live:
            groups.setdefault(self.metas[d].get("group") or self.ids[d], []).append(d)
        self.group_of = {d: g for g, members in groups.items() if len(members) > 1 for d in members}
        self.group_members = {g: members for g, members in groups.items() if len(members) > 1}

    def _build_numbers(self, live: list[int]) -> None:
        self.numbers: dict[str, list] = {}
        self.sorted_numbers: dict[str, tuple[list, list[int]]] = {}
        for name in ("budget", "etp", "year"):
            column = [None] * len(self.ids)
            pairs = []
            for d in live:
                value = self.metas[d].get(name)
                column[d] = value
                if value is not None:
                    pairs.append((value, d))
            pairs.sort()
            self.numbers[name] = column
            self.sorted_numbers[name] = ([p[0] for p in pairs], [p[1] for p in pairs])
        self.title_key = [fold(m.get("title", "")) for m in self.metas]

    def in_range(self, name: str, low, high) -> set[int]:
        """Live docs whose number ``name`` lies in [low, high] (either bound may be None)."""
        values, docs = self.sorted_numbers[name]
        start = 0 if low is None else bisect_left(values, low)
        end = len(values) if high is None else bisect_right(values, high)
        return set(docs[start:end])

    # -- postings --------------------------------------------------------------------------------------
    def postings(self, field: str, text: str) -> tuple[list[int], list[float]]:
        """(docnums, term frequencies) of a term in a field, deleted documents included."""
        key = (field, text)
        with self.lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
            ids: list[int] = []
            weights: list[float] = []
            for segreader, offset in self._leaves:
                _leaf_postings(segreader, field, text, offset, ids, weights)
            found = (ids, weights)
            self._postings[key] = found
            self._cached_postings += len(ids)
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
