"""The search service: the only thing the API and the CLI call.

The scored text query is cached (LRU keyed by index generation and normalised text, bounded in entries
and in bytes), so a refinement (another facet, sort or page) only filters, counts and sorts the cached
hit set. Facets are counted from in-memory value columns, once per result set (another page or order
reuses the counts). The hits' rows come from a cache, the page rows beside the index or the store, as
the store holds them now (``hits``). The result set holds the fiches that satisfy every concept of the query;
near-duplicates are folded into one entry per action (``total`` counts actions, ``total_fiches``
fiches), and when no fiche satisfies every concept, or after the last hits of a short set, the closest
fiches come apart as ``approchants``. Reads are thread-safe; ``sync()`` may run while reads happen, and
several processes may share the index directory (each reopens its reader when the index changed).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from app.domain.errors import IndexUnavailable
from app.domain.fields import RANGES
from app.domain.places import find_places
from app.domain.text import fold
from app.search import gil, groups, indexer
from app.search.analysis import query_words
from app.search.clauses import build_query, document_frequency
from app.search.facets import apply_filters, facet_counts, offered_places, selection_sets
from app.search.generations import ensure_index, read_watermark
from app.search.gil import yielding_often
from app.search.handoff import BUILDER
from app.search.hits import HitRows, build_hits
from app.search.memory import release_free_memory
from app.search.params import SearchParams
from app.search.results import FacetCache, FacetCounts, ResultCache, TextResult
from app.search.schema import RANGE_COLUMNS
from app.search.scoring import TermCache, plain_bm25
from app.search.similar import similar_docs
from app.search.snapshot import GenerationUnfinished, Snapshot
from app.search.sorts import order, page
from app.search.spelling import complete, did_you_mean
from app.search.thesaurus import THESAURUS_PATH, display_terms, load

log = logging.getLogger("fiches.search")
REOPEN_CHECK_SECONDS = 0.5
RETIRED_GRACE_SECONDS = 60.0
FEW_RESULTS = 3
RESCORED_ON_REOPEN = 8  # recent text queries scored on a reopened generation before it is served
TRIM_EVERY_SECONDS = 1.0  # at most this often, after searches, the heap's free pages go back to the system


SUGGEST_TRIES = 6  # thesaurus phrases tried per autocompletion request


class SearchService:
    def __init__(self, index_dir: Path, store: Any, thesaurus_path: Path = THESAURUS_PATH) -> None:
        self.index_dir = Path(index_dir)
        self.store = store
        self.thesaurus = load(thesaurus_path)
        self.thesaurus_path = thesaurus_path
        self.build_elsewhere = False  # a serving worker: large builds run in a builder process
        self._lock = threading.RLock()
        self._opening = threading.Lock()  # one thread opens a new generation at a time
        self._snapshot: Snapshot | None = None
        self._checked_at = 0.0
        self._retired: list[tuple[float, Snapshot]] = []
        self._results = ResultCache()
        self._facet_counts = FacetCache()  # the facet counts of recent result sets (shared: read only)
        self._rows = HitRows(store)  # the hits' rows (page rows, then the store), checked by write sequence
        self._terms = TermCache()  # the scored terms of the snapshot served
        self._warming: threading.Thread | None = None  # the first snapshot's warm-up (``gil.behind``)
        self._searched = False  # a search ran since the heap was last trimmed
        self._trimmed_at = time.monotonic()

    # -- snapshot management ---------------------------------------------------------------------------
    def _current(self, force: bool = False) -> Snapshot:
        """The snapshot to serve. A request never opens a generation while there is one to serve: every
        ``REOPEN_CHECK_SECONDS`` one looks whether the index changed and, if so, a background thread opens
        and warms the new generation (``Snapshot.warm``) while the requests are served the previous one,
        until it is ready. After this process's own catch-up (``force``) the writer's thread opens it and
        returns once it is served. Only the first snapshot is opened by the request that needs it."""
        now = time.monotonic()
        snap = self._snapshot
        if snap is None or force:
            with self._opening:
                return self._refresh(now)
        if now - self._checked_at >= REOPEN_CHECK_SECONDS:
            self._checked_at = now
            if self._stale(snap) and self._opening.acquire(blocking=False):
                try:
                    threading.Thread(target=self._refresh_in_background, name="index-open", daemon=True).start()
                except BaseException:
                    self._opening.release()
                    raise
        return snap

    def follow(self) -> None:
        """Open the index's new generation in the background if the one served is stale (the catch-up
        loop calls this on every tick, so an idle worker serves the latest generation from its next
        request on, not only from the one after). Nothing happens before the first snapshot is served.
        Every ``TRIM_EVERY_SECONDS`` after searches, the heap's free pages go back to the system: a query's
        temporaries (arrays of every document) leave them behind, 32 MB after 1,000 queries at 100,000
        fiches (``bench/serve_bench.py``); ``malloc_trim`` runs without the GIL. A builder process that has
        ended on its own is collected (``handoff.Builder.reap``)."""
        if self._snapshot is not None:
            self._current()
        BUILDER.reap()
        now = time.monotonic()
        if self._searched and now - self._trimmed_at >= TRIM_EVERY_SECONDS:
            self._searched = False
            self._trimmed_at = now
            release_free_memory()

    def _stale(self, snap: Snapshot) -> bool:
        """Whether the index on disk is no longer ``snap`` (or cannot be looked at: the refresh says why)."""
        try:
            return snap.gen_dir != ensure_index(self.index_dir) or snap.ix.latest_generation() != snap.generation[1]
        except Exception:
            return True

    def _refresh_in_background(self) -> None:
        try:
            self._refresh(time.monotonic())
        except Exception:  # a snapshot was there to serve: _refresh keeps it (and logs why)
            log.exception("ouverture de l'index impossible")
        finally:
            self._opening.release()

    def _refresh(self, now: float) -> Snapshot:
        snap = self._snapshot
        first = snap is None
        try:
            fresh = None
            if snap is None or self._stale(snap):
                # the requests served meanwhile keep the GIL's share they need; a reopen gives way to them
                # (``gil.give_way``), a first open doesn't (they wait for it)
                with yielding_often(), gil.urgent() if snap is None else contextlib.nullcontext():
                    # a reopen waits until the writer has finished the new segments' serving files
                    fresh = Snapshot(ensure_index(self.index_dir), finished_only=snap is not None, previous=snap)
                    if snap is not None:  # a reopen (a cold start builds them when asked)
                        fresh.warm()
                        self._rescore_recent(fresh)
        except GenerationUnfinished:  # only on a reopen: the open generation is served until the next look
            self._checked_at = now
            assert snap is not None
            return snap
        except Exception as exc:  # a damaged generation: keep serving the last good one
            self._checked_at = now
            if snap is not None:
                log.error("index illisible, l'ancienne génération reste servie : %s : %s", type(exc).__name__, exc)
                return snap
            raise IndexUnavailable("L'index de recherche est en reconstruction. Réessayez dans quelques "
                                   "secondes.", headers={"Retry-After": "5"}) from exc
        with self._lock:
            if fresh is not None:
                if snap is not None:
                    self._retired.append((now, snap))
                self._snapshot = snap = fresh
            self._checked_at = now
            self._close_retired(now)
        if fresh is not None:
            release_free_memory()
            if first:  # its derived data made behind the first request (the next reopen extends them)
                self._warming = gil.behind("index-warm", fresh.warm)
        assert snap is not None
        return snap

    def _rescore_recent(self, fresh: Snapshot) -> None:
        """Score the most recent text queries on ``fresh`` before it is served: the pages people are
        turning keep coming from the cache across a catch-up."""
        for text in [result.text for result in self._results.recent(RESCORED_ON_REOPEN)]:
            gil.give_way()  # each query waits for the requests in flight
            try:
                self._text(fresh, text)
            except Exception:  # a query is never a reason not to serve a generation
                log.exception("requête non recalculée à la réouverture : %r", text)

    def _open(self) -> Snapshot:
        """The current snapshot; if there is none readable yet, the index is healed once (rebuilt from the
        store by whoever writes it) and opened again."""
        try:
            return self._current()
        except IndexUnavailable:
            self.sync()
            return self._current(force=True)

    def _close_retired(self, now: float) -> None:
        keep = []
        for retired_at, snap in self._retired:
            if now - retired_at > RETIRED_GRACE_SECONDS:
                snap.close()
            else:
                keep.append((retired_at, snap))
        self._retired = keep

    # -- text query, cached ----------------------------------------------------------------------------
    def _text(self, snap: Snapshot, q: str) -> TextResult | None:
        """Scored hits of ``q`` (None when there is no text: every fiche matches)."""
        spaced = " ".join(q.split())
        if not spaced:
            return None
        # places are recognised on the text as typed (a capital tells « Nord » from « nord »)
        key = (snap.generation, spaced.casefold(), tuple(m.place for m in find_places(spaced)))
        found = self._results.get(key)
        if found is None:
            found = TextResult(key, spaced, build_query(spaced, snap, self.thesaurus), snap, self._terms)
            self._results.put(key, found)
        return found

    def _facets(self, snap: Snapshot, params: SearchParams, text: TextResult | None, base: np.ndarray,
                result: np.ndarray, filters: dict[str, list[str]], selections: dict[str, np.ndarray]) -> FacetCounts:
        """The facet counts of the result set, counted once for all the pages and orders of a query."""
        key = (text.key if text is not None else (snap.generation,),
               tuple((f, tuple(v)) for f, v in sorted(filters.items())),
               tuple(params.bounds(spec.name) for spec in RANGES))
        found = self._facet_counts.get(key)
        if found is None:
            found = facet_counts(snap, base, result, filters, selections)
            self._facet_counts.put(key, found)
        return found

    def _result_set(self, snap: Snapshot, params: SearchParams) -> tuple[
            TextResult | None, np.ndarray, dict[str, list[str]], dict[str, np.ndarray], np.ndarray]:
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
    def search(self, params: SearchParams) -> dict[str, Any]:
        started = time.perf_counter()
        self._searched = True
        snap = self._open()
        text, base, filters, selections, result = self._result_set(snap, params)
        start = (params.page - 1) * params.size
        top, total = page(snap, result, text, params.sort, start + params.size)
        page_docs = top[start:].tolist()
        scores = text.dense_scores(snap.n_docs) if text is not None else None
        query = text.query if text is not None else None
        hits = build_hits(snap, self._rows, page_docs, scores, query, result)
        near: list[dict[str, Any]] = []
        # close results: when nothing matches every concept, or after the last hits of a short, unfiltered set
        last_page = start < total <= start + params.size and not filters and all(
            params.bounds(spec.name) == (None, None) for spec in RANGES)
        if text is not None and len(text.near) and (text.total == 0 or last_page):
            near_scores = np.zeros(snap.n_docs, dtype=np.float32)
            near_scores[text.near] = text.near_scores
            near_docs = groups.collapse(snap, text.near.astype(np.int64)).tolist()
            near_mask = np.zeros(snap.n_docs, dtype=bool)
            near_mask[text.near] = True
            near = build_hits(snap, self._rows, near_docs, near_scores, query, near_mask)
        suggestion = text.query.corrected if text is not None else None
        if suggestion is None and params.q and (text is None or text.total < FEW_RESULTS):
            suggestion = self._suggestion(snap, params.q, text.total if text else 0)
        return {
            "total": total,
            "total_fiches": int(np.count_nonzero(result)),
            "page": params.page,
            "size": params.size,
            "hits": hits,
            "approchants": near,
            "lieux": offered_places(snap, query.places if query is not None else [], filters),
            "facets": self._facets(snap, params, text, base, result, filters, selections),
            "suggestion": suggestion,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
        }

    def export_ids(self, params: SearchParams) -> list[str]:
        """Every fiche of the result set, in order, each near-duplicate group led by its newest fiche."""
        snap = self._open()
        text, _, _, _, result = self._result_set(snap, params)
        ids = snap.ids
        actions = self._actions(snap, result, text, params.sort)
        return [ids[d] for d in groups.expand(snap, actions, result)]

    @staticmethod
    def _actions(snap: Snapshot, result: np.ndarray, text: TextResult | None, sort: str) -> np.ndarray:
        """One docnum per action, in order: by relevance a group stands at its best member's place; in the
        other orders, at its leader's."""
        ordered = order(snap, result, text, sort)
        return groups.collapse(snap, ordered, None if sort == "pertinence" and text is not None else result)

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
        words = complete(self._open().vocabulary, q, limit=limit)
        seen = {fold(p) for p in phrases} | {prefix}
        return (phrases + [w for w in words if fold(w) not in seen])[:limit]

    def similar(self, fiche_id: str, limit: int = 6) -> list[dict[str, Any]]:
        """The fiches most similar to ``fiche_id`` (never its near-duplicates), each with ``commun``: what
        it shares with it (distinctive words, mots clés, dimension, public)."""
        snap = self._open()
        fiche = self.store.get(fiche_id)
        if fiche is None:
            return []
        own = snap.ids.docnum(fiche_id)
        group = fiche.duplicate_of or fiche_id  # the group key (see Snapshot._build_groups)
        excluded = {d for d in (own, snap.ids.docnum(group)) if d is not None}
        excluded.update(snap.group_members.get(group, ()))
        found = similar_docs(snap, fiche.model_dump(), excluded, limit)
        scores = np.zeros(snap.n_docs, dtype=np.float32)
        for d, value, _ in found:
            scores[d] = value
        hits = build_hits(snap, self._rows, [d for d, _, _ in found], scores, None, np.zeros(snap.n_docs, dtype=bool))
        shared = {snap.ids[d]: commun for d, _, commun in found}
        for hit in hits:
            hit["commun"] = shared.get(hit["id"], [])
        return hits

    def ranked_ids(self, q: str, baseline: bool = False, near: bool = False) -> list[str]:
        """Ids of the result set of ``q`` by relevance, then (``near``) its close results as listed
        (``baseline``: plain BM25 over any word, for evaluation only)."""
        snap = self._open()
        if baseline:
            return [snap.ids[d] for d in plain_bm25(snap, q).tolist()]
        text = self._text(snap, q)
        if text is None:
            return []
        return [snap.ids[d] for d in (text.ranked.tolist() + (text.near.tolist() if near else []))]

    def sync(self) -> int:
        """Bring the index up to the store (a serving worker: in its builder process, ``build_elsewhere``;
        what this process does meanwhile, verifying the index, hands the GIL back often), then serve it."""
        with yielding_often():
            changed = indexer.sync(self.index_dir, self.store, elsewhere=self.build_elsewhere)
        if changed:
            self._current(force=True)
        return changed

    def rebuild(self) -> int:
        count = indexer.rebuild(self.index_dir, self.store)
        self._current(force=True)
        return count

    def check(self) -> dict[str, Any]:
        """The current generation verified in depth (checksums), then its ids against the store's."""
        problem = indexer.check(self.index_dir)
        if problem is not None:
            return {"problem": problem, "missing_in_index": [], "missing_in_store": []}
        snap = self._current(force=True)
        in_index = set(snap.ids.live())
        in_store = self.store.live_ids()
        return {"problem": None, "missing_in_index": sorted(in_store - in_index),
                "missing_in_store": sorted(in_index - in_store)}

    def status(self) -> dict[str, object]:
        """The generation this process serves, its size, and how far it lags behind the store."""
        snap = self._current()
        # while this process still serves an older table of contents (a reopen under way), the writes it
        # doesn't serve yet count as lag, even if the index on disk holds them
        mark = snap.watermark if self._stale(snap) else read_watermark(snap.gen_dir)
        pending, oldest = self.store.pending_after(mark or 0)
        lag = (time.time() - oldest.timestamp()) if oldest is not None else 0.0
        return {"generation": snap.gen_dir.name, "documents": snap.ids.n_live,
                "lag_writes": pending, "lag_seconds": round(max(0.0, lag), 1)}

    def clear_cache(self) -> None:
        """Forget the scored text queries and their facet counts (benchmarks of fresh queries)."""
        self._results.clear()
        self._facet_counts.clear()

    def close(self) -> None:
        """Close every generation this service holds. A background open or warm-up under way is waited for
        first: closed before it is served, its generation would stay open with nothing left to close it."""
        if self._warming is not None:  # the first snapshot's warm-up ends before it is closed
            self._warming.join(timeout=30)
        with self._opening, self._lock:
            for _, snap in self._retired:
                snap.close()
            self._retired = []
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None
        self.clear_cache()
        self._rows.clear()

    # -- helpers ---------------------------------------------------------------------------------------
    def _known(self, snap: Snapshot, word: str) -> bool:
        """A word of the index or of the thesaurus (never "corrected")."""
        found = query_words(word)
        if not found:
            return True
        stem = found[0][1]
        return (stem in self.thesaurus.words or snap.vocabulary.frequency(word) > 0
                or document_frequency(snap, stem) > 0)

    def _suggestion(self, snap: Snapshot, q: str, found: int) -> str | None:
        fixed = did_you_mean(snap.vocabulary, q, lambda word: self._known(snap, word))
        if fixed is None or fixed.casefold() == q.casefold():
            return None
        better = self._text(snap, fixed)
        return fixed if better is not None and better.total > found else None
