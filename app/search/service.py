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

from app.search import indexer
from app.search.facets import apply_filters, facet_counts, selection_sets
from app.search.highlight import snippet
from app.search.params import SearchParams
from app.search.query import TextQuery, build_query, plain_bm25, rank, score
from app.search.ranking import key_terms_query, order
from app.search.snapshot import Snapshot
from app.search.spelling import complete, did_you_mean, vocabulary
from app.search.thesaurus import THESAURUS_PATH, load

HIT_FIELDS = ("id", "title", "structure", "departement", "departement_code", "region", "year", "dimension",
              "mots_cles", "public", "territoire", "statut", "budget_eur", "etp", "duplicate_of")
RESULT_CACHE_SIZE = 128
REOPEN_CHECK_SECONDS = 0.5
RETIRED_GRACE_SECONDS = 60.0
FEW_RESULTS = 3


class _TextResult:
    __slots__ = ("query", "ranked", "scores", "docs")

    def __init__(self, query: TextQuery | None, ranked: list[int], scores: dict[int, float]) -> None:
        self.query = query
        self.ranked = ranked
        self.scores = scores
        self.docs = frozenset(ranked)


class SearchService:
    def __init__(self, index_dir: Path, store, thesaurus_path: Path = THESAURUS_PATH) -> None:
        self.index_dir = Path(index_dir)
        self.store = store
        self.thesaurus = load(thesaurus_path)
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
        if not query.clauses:
            result = _TextResult(query, [], {})
        else:
            scores = score(snap, query)
            result = _TextResult(query, rank(scores, snap), scores)
        with self._lock:
            self._results[key] = result
            while len(self._results) > RESULT_CACHE_SIZE:
                self._results.popitem(last=False)
        return result

    def _result_set(self, snap: Snapshot, params: SearchParams):
        text = self._text(snap, params.q)
        base = set(text.docs) if text is not None else set(snap.live)
        for name, low, high, scale in (("budget", params.budget_min, params.budget_max, 1),
                                       ("etp", params.etp_min, params.etp_max, 100),
                                       ("year", params.annee_min, params.annee_max, 1)):
            if low is not None or high is not None:
                base &= snap.in_range(name, None if low is None else low * scale,
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
        page_docs = ordered[start : start + params.size]
        terms = text.query.highlight_terms() if text is not None and text.query else set()
        hits = self._hits(snap, page_docs, text.scores if text else {}, terms, result)
        suggestion = text.query.corrected if text is not None and text.query else None
        if suggestion is None and params.q and (text is None or len(text.docs) < FEW_RESULTS):
            suggestion = self._suggestion(snap, params.q, len(text.docs) if text else 0)
        return {
            "total": len(result),
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
        return [snap.ids[d] for d in order(snap, result, text, params.sort)]

    def suggest(self, q: str, limit: int = 8) -> list[str]:
        return complete(vocabulary(self._current()), q, limit=max(1, min(limit, 50)))

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
        scores = score(snap, query)
        ranked = [d for d in rank(scores, snap) if d not in excluded and snap.ids[d] not in group_ids
                  and (snap.metas[d].get("group") not in group_ids)]
        return self._hits(snap, ranked[:limit], scores, query.highlight_terms(), set())

    def ranked_ids(self, q: str, baseline: bool = False) -> list[str]:
        """Ids matching ``q`` by relevance (``baseline``: plain BM25, for evaluation only)."""
        snap = self._current()
        if baseline:
            return [snap.ids[d] for d in plain_bm25(snap, q)]
        text = self._text(snap, q)
        return [snap.ids[d] for d in text.ranked] if text is not None else []

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
    def _hits(self, snap: Snapshot, docs: list[int], scores: dict[int, float], terms: set[str],
              result: set[int]) -> list[dict]:
        fiches = {f.id: f.model_dump() for f in self.store.get_many([snap.ids[d] for d in docs])}
        hits = []
        for d in docs:
            fiche = fiches.get(snap.ids[d])
            if fiche is None:  # deleted from the store, index not yet synced
                continue
            hit = {name: fiche.get(name) for name in HIT_FIELDS}
            group = snap.group_of.get(d)
            members = snap.group_members.get(group, []) if group is not None else []
            hit["duplicates"] = [snap.ids[m] for m in members if m != d and m in result]
            hit["snippet"] = snippet(fiche, terms)
            hit["score"] = round(scores.get(d, 0.0), 4)
            hits.append(hit)
        return hits

    def _suggestion(self, snap: Snapshot, q: str, found: int) -> str | None:
        fixed = did_you_mean(vocabulary(snap), q)
        if fixed is None or fixed.casefold() == q.casefold():
            return None
        better = self._text(snap, fixed)
        return fixed if better is not None and len(better.docs) > found else None
