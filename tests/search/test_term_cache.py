"""Scored terms kept between queries: the same scores as computed afresh, within their byte bound, and
never served for another generation."""

import tracemalloc
from collections import Counter

import numpy as np

from app.search.clauses import build_query
from app.search.scoring import TermCache, _Scorer, score, term_scores, term_uses

QUERIES = ["jardin", "repair café", "jeunes théâtre", "numérique seniors rural", "aide aux devoirs",
           "jardin partagé quartier", "café des parents", "xyzzy jardin"]


def test_scores_with_the_cache_equal_the_scores_without(devset_service):
    snap = devset_service._open()
    cache = TermCache()
    for _ in range(2):  # the second pass reads every term from the cache
        for q in QUERIES:
            query = build_query(q, snap, devset_service.thesaurus)
            fresh, cached = score(snap, query), score(snap, query, cache)
            for name in ("docs", "scores", "near", "near_scores"):
                assert np.array_equal(getattr(fresh, name), getattr(cached, name)), (q, name)
    assert cache._terms, "the terms were kept"


def test_a_cached_term_is_the_term_scored_afresh(devset_service):
    snap = devset_service._open()
    cache = TermCache()
    term = term_scores(snap, "jardin")
    cache.put(snap.generation, "jardin", term)
    again = cache.get(snap.generation, "jardin", snap.n_docs)
    assert again is not None and again.idf == term.idf
    assert np.array_equal(again.scores, term.scores) and np.array_equal(again.present, term.present)
    assert cache.get(snap.generation, "absent", snap.n_docs) is None
    assert cache.get(("another", 1), "jardin", snap.n_docs) is None


def test_the_cache_keeps_within_its_bytes(devset_service):
    snap = devset_service._open()
    terms = {t: term_scores(snap, t) for t in ("jardin", "jeun", "parent", "cafe", "quarti")}
    one = max(int(np.count_nonzero(t.present)) for t in terms.values()) * 12 + 100
    cache = TermCache(max_bytes=2 * one)
    for name, term in terms.items():
        cache.put(snap.generation, name, term)
        assert cache._bytes <= cache.max_bytes
    assert 1 <= len(cache._terms) <= 2
    assert (snap.generation, "quarti") in cache._terms  # the newest stays, the oldest went first


def test_a_query_lets_go_of_each_term_after_its_last_use(devset_service):
    snap = devset_service._open()
    for q in QUERIES:
        query = build_query(q, snap, devset_service.thesaurus)
        uses = term_uses(query)
        asked = [t for clause in query.clauses for t in (*clause.typed, *(t for a in clause.alternatives for t in a.terms))]
        assert uses == Counter(asked)
        kept, released = _Scorer(snap), _Scorer(snap, None, Counter(uses))
        for clause in query.clauses:
            for name, one, two in zip(("hit", "score", "met"), kept.clause(clause), released.clause(clause)):
                assert np.array_equal(one, two), (q, name)
        assert released.cache == {}, q  # every term let go after its last use
        assert set(kept.cache) <= set(uses)


def test_a_fresh_query_holds_less_memory_at_its_peak(devset_service):
    snap = devset_service._open()
    query = build_query("jardin partagé quartier café des parents", snap, devset_service.thesaurus)
    assert len(term_uses(query)) > 6  # typed words and their expansions

    def peak(uses: Counter | None) -> int:
        scorer = _Scorer(snap, None, uses)
        tracemalloc.start()
        try:
            for clause in query.clauses:
                scorer.clause(clause)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    score(snap, query)  # the snapshot's lazy data and postings cache first: neither peak pays for them
    assert peak(term_uses(query)) < peak(None)
