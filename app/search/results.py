"""Scored text queries and the cache that keeps them.

A text query is scored once per index generation (``TextResult``: its ranking, its mask over every
document, its approchants); a refinement (another facet, sort or page) only filters, counts and sorts the
cached hits. The cache is an LRU bounded in entries and in bytes, keyed by generation and normalised text;
the scored terms behind them are kept by ``scoring.TermCache``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from app.search.clauses import TextQuery
from app.search.ranking import Ranking
from app.search.scoring import TermCache, finite, score

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot

RESULT_CACHE_SIZE = 64
RESULT_CACHE_BYTES = 8 << 20  # scored text queries kept (each: its hits and a mask of every document)
FACET_CACHE_SIZE = 64
FACET_CACHE_BYTES = 2 << 20  # facet counts kept
FACET_VALUE_BYTES = 200  # a counted value's dict and count (tracemalloc: 181–199 bytes at 10,000 fiches)
K = TypeVar("K")
V = TypeVar("V")


class TextResult:
    """The scored hits of one text query: their ranking (sorted as far as pages ask), their mask, and the
    approchants."""

    __slots__ = ("key", "text", "query", "ranking", "mask", "total", "near", "near_scores")

    def __init__(self, key: tuple[object, ...], text: str, query: TextQuery, snap: Snapshot,
                 terms: TermCache | None = None) -> None:
        scored = score(snap, query, terms)
        self.key = key  # what it is cached by (``SearchService._text``)
        self.text = text
        self.query = query
        self.ranking = Ranking(scored.docs.astype(np.int32), finite(scored.scores), snap)
        self.mask = np.zeros(snap.n_docs, dtype=bool)
        self.mask[scored.docs] = True
        self.total = len(scored.docs)
        self.near = scored.near.astype(np.int32)
        self.near_scores = finite(scored.near_scores).astype(np.float32)

    @property
    def ranked(self) -> np.ndarray:
        """Every hit in relevance order (sorted on first use)."""
        return self.ranking.ordered()

    @property
    def nbytes(self) -> int:
        return int(self.ranking.nbytes + self.mask.nbytes + self.near.nbytes + self.near_scores.nbytes)

    def dense_scores(self, n_docs: int) -> np.ndarray:
        out = np.zeros(n_docs, dtype=np.float32)
        out[self.ranking.docs] = self.ranking.scores
        return out


class BoundedCache(Generic[K, V]):
    """Values by key, least recently used out first beyond ``max_entries`` or ``max_bytes`` (as ``size``
    tells each value's bytes; the newest always stays). Thread-safe."""

    def __init__(self, max_entries: int, max_bytes: int, size: Callable[[V], int]) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: K, value: V) -> None:
        nbytes = self._size(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, nbytes)
            self._bytes += nbytes
            while len(self._items) > 1 and (len(self._items) > self.max_entries or self._bytes > self.max_bytes):
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def keys(self) -> list[K]:
        with self._lock:
            return list(self._items)

    def recent(self, count: int) -> list[V]:
        """The ``count`` most recently used values, oldest first."""
        with self._lock:
            return [value for value, _ in list(self._items.values())[-count:]]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


class ResultCache(BoundedCache[tuple[object, ...], TextResult]):
    """Scored text queries by generation and normalised text."""

    def __init__(self, max_entries: int = RESULT_CACHE_SIZE, max_bytes: int = RESULT_CACHE_BYTES) -> None:
        super().__init__(max_entries, max_bytes, lambda result: result.nbytes)


FacetCounts = dict[str, list[dict[str, Any]]]


class FacetCache(BoundedCache[tuple[object, ...], FacetCounts]):
    """The facet counts of recent result sets, by generation, text, filters and ranges: a refinement that
    only turns the page or changes the order would count the same set again (0.08–0.15 ms at 10,000
    fiches, 0.2–0.8 ms at 100,000). The counts are shared: callers only read them."""

    def __init__(self, max_entries: int = FACET_CACHE_SIZE, max_bytes: int = FACET_CACHE_BYTES) -> None:
        super().__init__(max_entries, max_bytes, facet_bytes)


def facet_bytes(counts: FacetCounts) -> int:
    """What the counts of a result set hold, about (the labels are the snapshot's own strings)."""
    return 256 + FACET_VALUE_BYTES * sum(len(values) for values in counts.values())
