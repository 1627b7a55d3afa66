"""The search service: the only thing the API and the CLI call.

The scored text query is cached (LRU keyed by index generation and normalised text), so a refinement
(another facet, sort or page) only filters, counts and sorts the cached hit set. Facets are counted
from in-memory value columns. Reads are thread-safe; ``sync()`` may run while reads happen, and several
processes may share the index directory (each reopens its reader when the index changed).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np

from app.domain.fields import RANGES
from app.search import indexer
from app.search.analysis import fold
from app.search.facets import apply_filters, facet_counts, selection_sets
from app.search.highlight import snippet
from app.search.params import SearchParams
from app.search.query import TextQuery, build_query, plain_bm25, rank, score
from app.search.ranking import key_terms_query, order
from app.search.schema import RANGE_COLUMNS, SNIPPET_SOURCES
from app.search.snapshot import Snapshot
from app.search.spelling import complete, did_you_mean, vocabulary
from app.search.thesaurus import THESAURUS_PATH, display_terms, load

HIT_FIELDS = ("id", "title", "structure", "departement", "departement_code", "region", "year", "dimension",
              "mots_cles", "public", "territoire", "statut", "budget_eur", "etp", "duplicate_of")
ROW_FIELDS = tuple(dict.fromkeys(HIT_FIELDS + SNIPPET_SOURCES))
RESULT_CACHE_SIZE = 64
REOPEN_CHECK_SECONDS = 0.5
RETIRED_GRACE_SECONDS = 60.0
FEW_RESULTS = 3


class _TextResult:
    """The scored hits of one text query: docnums by rank, their scores, and their mask."""

    __slots__ = ("query", "ranked", "scores", "mask", "total")

    def __init__(self, query: TextQuery | None, ranked: np.ndarray, scores: np.ndarray, n_docs: int) -> None:
        self.query = query
        self.ranked = ranked.astype(np.int32)
        self.scores = scores.astype(np.float32)
        self.mask = np.zeros(n_docs, dtype=bool)
        self.mask[ranked] = True
        self.total = len(ranked)

    def dense_scores(self, n_docs: int) -> np.ndarray:
        out = np.zeros(n_docs, dtype=np.float32)
        out[self.ranked] = self.scores
        return out


SUGGEST_TRIES = 6  # thesaurus phrases tried per autocompletion request


class SearchService:
    def __init__(self, index_dir: Path, store, thesaurus_path: Path = THESAURUS_PATH) -> None:
        self.index_dir = Path(index_dir)
        self.store = store
        self.thesaurus = load(thesaurus_path)
        self.thesaurus_path = thesaurus_path
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._checked_at = 0.0
        self._retired: list[tuple[float, Snapshot]] = []
        self._results: OrderedDict[tuple, _TextResult] = OrderedDict()

    # -- snapshot management ---------------------------------------------------------------------------
    def _current(self, force: bool = False) -> Snapshot:
        now = time.monotonic()
        snap = self._snapshot
        if snap is not None and not force and now - self._checked_at < REOPEN_CHECK_SECONDS:
            return snap
        with self._lock:
            snap = self._snapshot
            gen_dir = indexer.ensure_index(self.index_dir)
            stale = snap is None or snap.gen_dir != gen_dir or snap.ix.latest_generation() != snap.generation[1]
            if stale:
                fresh = Snapshot(gen_dir)
                if snap is not None:
                    self._retired.append((now, snap))
                self._snapshot = snap = fresh
            self._checked_at = now
            self._close_retired(now)
            return snap

    def _close_retired(self, now: float) -> None:
        keep = []
        for retired_at, snap in self._retired:
            if now - retired_at > RETIRED_GRACE_SECONDS:
                snap.close()
            else:
                keep.append((retired_at, snap))
        self._retired = keep

    # -- text query, cached ----------------------------------------------------------------------------
    def _text(self, snap: Snapshot, q: str) -> _TextResult | None:
        """Scored hits of ``q`` (None when there is no text: every fiche matches)."""
        norm = " ".join(q.casefold().split())
        if not norm:
            return None
        key = (snap.generation, norm)
        with self._lock:
            found = self._results.get(key)
            if found is not None:
                self._results.move_to_end(key)
                return found
        query = build_query(norm, snap, self.thesaurus)
        result = _TextResult(query, *rank(*score(snap, query), snap), snap.n_docs)
        with self._lock:
            self._results[key] = result
            while len(self._results) > RESULT_CACHE_SIZE:
                self._results.popitem(last=False)
        return result

    def _result_set(self, snap: Snapshot, params: SearchParams):
        text = self._text(snap, params.q)
        base = text.mask if text is not None else snap.live_mask
        for spec in RANGES:
            low, high = params.bounds(spec.name)
            if low is not None or high is not None:
                column, scale = RANGE_COLUMNS[spec.kind]
                base = base & snap.in_range(column, None if low is None else low * scale,
                                            None if high is None else high * scale)
        filters = params.filters()
        selections = selection_sets(snap, filters)
        result = apply_filters(base, selections)
        return text, base, filters, selections, result

    # -- public API ------------------------------------------------------------------------------------
    def search(self, params: SearchParams) -> dict:
        started = time.perf_counter()
        snap = self._current()
        text, base, filters, selections, result = self._result_set(snap, params)
        ordered = order(snap, result, text, params.sort)
        start = (params.page - 1) * params.size
        page_docs = ordered[start : start + params.size].tolist()
        scores = text.dense_scores(snap.n_docs) if text is not None else None
        hits = self._hits(snap, page_docs, scores, text.query if text is not None else None, result)
        suggestion = text.query.corrected if text is not None and text.query else None
        if suggestion is None and params.q and (text is None or text.total < FEW_RESULTS):
            suggestion = self._suggestion(snap, params.q, text.total if text else 0)
        return {
            "total": int(np.count_nonzero(result)),
            "page": params.page,
            "size": params.size,
            "hits": hits,
            "facets": facet_counts(snap, base, result, filters, selections),
            "suggestion": suggestion,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
        }

    def export_ids(self, params: SearchParams) -> list[str]:
        snap = self._current()
        text, _, _, _, result = self._result_set(snap, params)
        ids = snap.ids
        return [ids[d] for d in order(snap, result, text, params.sort).tolist()]

    def suggest(self, q: str, limit: int = 8) -> list[str]:
        """Field phrases from the thesaurus that start like ``q`` and find fiches, then word completions."""
        limit = max(1, min(limit, 50))
        prefix = " ".join(fold(q).split())
        phrases: list[str] = []
        if len(prefix) >= 2:
            candidates = [term for term, folded in display_terms(self.thesaurus_path) if folded.startswith(prefix)]
            for term in candidates[:SUGGEST_TRIES]:  # each try is a (cached) search: keep them few
                if self.search(SearchParams(q=term, size=1))["total"]:
                    phrases.append(term)
                    if len(phrases) >= min(3, limit):
                        break
        words = complete(vocabulary(self._current()), q, limit=limit)
        seen = {fold(p) for p in phrases} | {prefix}
        return (phrases + [w for w in words if fold(w) not in seen])[:limit]

    def similar(self, fiche_id: str, limit: int = 6) -> list[dict]:
        snap = self._current()
        fiche = self.store.get(fiche_id)
        if fiche is None:
            return []
        query = key_terms_query(snap, fiche.model_dump())
        if not query.clauses:
            return []
        own = snap.docnum_of.get(fiche_id)
        excluded = {own} | set(snap.group_members.get(snap.group_of.get(own), ())) if own is not None else set()
        group_ids = {fiche_id, fiche.duplicate_of} - {None}
        ranked, ranked_scores = rank(*score(snap, query), snap)
        scores = np.zeros(snap.n_docs, dtype=np.float32)
        scores[ranked] = ranked_scores
        chosen = []
        for d in ranked.tolist():
            if d not in excluded and snap.ids[d] not in group_ids and snap.metas[d].get("group") not in group_ids:
                chosen.append(d)
                if len(chosen) == limit:
                    break
        return self._hits(snap, chosen, scores, query, np.zeros(snap.n_docs, dtype=bool))

    def ranked_ids(self, q: str, baseline: bool = False) -> list[str]:
        """Ids matching ``q`` by relevance (``baseline``: plain BM25, for evaluation only)."""
        snap = self._current()
        if baseline:
            return [snap.ids[d] for d in plain_bm25(snap, q).tolist()]
        text = self._text(snap, q)
        return [snap.ids[d] for d in text.ranked.tolist()] if text is not None else []

    def sync(self) -> int:
        changed = indexer.sync(self.index_dir, self.store)
        if changed:
            self._current(force=True)
        return changed

    def rebuild(self) -> int:
        count = indexer.rebuild(self.index_dir, self.store)
        self._current(force=True)
        return count

    def check(self) -> dict[str, list[str]]:
        snap = self._current(force=True)
        in_index = set(snap.docnum_of)
        in_store = self.store.live_ids()
        return {"missing_in_index": sorted(in_store - in_index), "missing_in_store": sorted(in_index - in_store)}

    def status(self) -> dict[str, object]:
        """The generation this process serves, its size, and how far it lags behind the store."""
        snap = self._current()
        mark_ts, _ = indexer.read_watermark(snap.gen_dir)
        pending, oldest = self.store.pending_since(mark_ts)
        lag = (time.time() - oldest.timestamp()) if oldest is not None else 0.0
        return {"generation": snap.gen_dir.name, "documents": len(snap.docnum_of),
                "lag_writes": pending, "lag_seconds": round(max(0.0, lag), 1)}

    def close(self) -> None:
        with self._lock:
            for _, snap in self._retired:
                snap.close()
            self._retired = []
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None
            self._results.clear()

    # -- helpers ---------------------------------------------------------------------------------------
    def _hits(self, snap: Snapshot, docs: list[int], scores: np.ndarray | None, query: TextQuery | None,
              result: np.ndarray) -> list[dict]:
        rows = self.store.get_rows([snap.ids[d] for d in docs], ROW_FIELDS)
        hits = []
        for d in docs:
            row = rows.get(snap.ids[d])
            if row is None:  # deleted from the store, index not yet synced
                continue
            hit = {name: row.get(name) for name in HIT_FIELDS}
            group = snap.group_of.get(d)
            members = snap.group_members.get(group, []) if group is not None else []
            hit["duplicates"] = [snap.ids[m] for m in members if m != d and result[m]]
            hit["snippet"] = snippet(row, query)
            hit["score"] = round(float(scores[d]), 4) if scores is not None else 0.0
            hits.append(hit)
        return hits

    def _suggestion(self, snap: Snapshot, q: str, found: int) -> str | None:
        fixed = did_you_mean(vocabulary(snap), q)
        if fixed is None or fixed.casefold() == q.casefold():
            return None
        better = self._text(snap, fixed)
        return fixed if better is not None and better.total > found else None
