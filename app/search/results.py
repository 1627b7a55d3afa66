"""Scored text queries and the cache that keeps them.

A text query is scored once per index generation (``TextResult``: its ranking, its mask over every
document, its approchants); a refinement (another facet, sort or page) only filters, counts and sorts the
cached hits. The cache is an LRU bounded in entries and in bytes, keyed by generation and normalised text;
the scored terms behind them are kept by ``scoring.TermCache``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

from app.search.clauses import TextQuery
from app.search.ranking import Ranking
from app.search.scoring import TermCache, finite, score

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot

RESULT_CACHE_SIZE = 64
RESULT_CACHE_BYTES = 8 << 20  # scored text queries kept (each: its hits and a mask of every document)


class TextResult:
    """The scored hits of one text query: their ranking (sorted as far as pages ask), their mask, and the
    approchants."""

    __slots__ = ("text", "query", "ranking", "mask", "total", "near", "near_scores")

    def __init__(self, text: str, query: TextQuery, snap: Snapshot, terms: TermCache | None = None) -> None:
        scored = score(snap, query, terms)
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


class ResultCache:
    """Text results by key, least recently used out first beyond ``max_entries`` or ``max_bytes`` (the
    newest always stays). Thread-safe."""

    def __init__(self, max_entries: int = RESULT_CACHE_SIZE, max_bytes: int = RESULT_CACHE_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._results: OrderedDict[tuple[object, ...], TextResult] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> TextResult | None:
        with self._lock:
            found = self._results.get(key)
            if found is not None:
                self._results.move_to_end(key)
            return found

    def put(self, key: tuple[object, ...], result: TextResult) -> None:
        with self._lock:
            old = self._results.pop(key, None)
            if old is not None:
                self._bytes -= old.nbytes
            self._results[key] = result
            self._bytes += result.nbytes
            while len(self._results) > 1 and (len(self._results) > self.max_entries or self._bytes > self.max_bytes):
                _, dropped = self._results.popitem(last=False)
                self._bytes -= dropped.nbytes

    def recent(self, count: int) -> list[str]:
        """The texts of the ``count`` most recently used results, oldest first."""
        with self._lock:
            return [result.text for result in list(self._results.values())[-count:]]

    def clear(self) -> None:
        with self._lock:
            self._results.clear()
            self._bytes = 0
