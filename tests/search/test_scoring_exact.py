"""Scoring computes only what it returns (a term's saturation on the documents holding it, the final score
of the documents asked for), and every bit is what the plain dense formulas over every document give."""

import math

import numpy as np
import pytest

from app.search import scoring
from app.search.analysis import pair_term
from app.search.clauses import build_query
from app.search.schema import TEXT_BOOSTS
from app.search.scoring import (
    ALT_BONUS,
    CONTROLLED_WEIGHT,
    COORDINATION_POWER,
    K1,
    PLACE_LEAD,
    _Scorer,
    finite,
    score,
    term_scores,
    term_uses,
)
from app.search.termsums import B

QUERIES = ["jardin", "repair café", "jeunes théâtre", "numérique seniors rural", "aide aux devoirs", "enfants",
           "atelier Marseille", "jeunes 94", "Lyon", "familles Val-de-Marne jardin", "xyzzy jardin", "aînés"]


def dense_term(snap, term):
    """BM25F of ``term`` over every document, as written in the module's docstring."""
    acc = np.zeros(snap.n_docs)
    for fname, boost in TEXT_BOOSTS.items():
        ids, tfs = snap.postings(fname, term)
        k, c = (1.0 - B[fname]) / boost, B[fname] / (snap.avg_length[fname] * boost)
        acc[ids] += tfs / (k + c * snap.lengths[fname][ids])
    present = acc > 0.0
    n = max(snap.n_live, 1)
    df = int(np.count_nonzero(present & snap.live_mask))
    idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
    return idf * (K1 + 1.0) * acc / (K1 + acc), present, idf


def dense_final(snap, query):
    """The final scores of the result set, computed over every document."""
    scorer = _Scorer(snap)
    n = snap.n_docs
    total, matched, satisfied, lead, weight_sum = np.zeros(n), np.zeros(n), np.zeros(n, dtype=np.int64), \
        np.zeros(n, dtype=bool), 0.0
    for clause in query.clauses:
        hit, clause_score, met, weight = scorer.clause(clause)
        weight_sum += weight
        total += clause_score
        matched += weight * np.minimum(met, 1.0)
        satisfied += hit
        if clause.place is not None:
            lead |= snap.facets.mask("departement", clause.place.departement)
    final = finite(total * (matched / max(weight_sum, 1e-9)) ** COORDINATION_POWER)
    if lead.any():
        top = float(final.max()) or 1.0
        final = np.where(lead, final / top + PLACE_LEAD, final / top)
    docs = np.flatnonzero((satisfied == len(query.clauses)) & snap.live_mask)
    return docs, final[docs]


def test_a_term_scores_every_bit_as_the_dense_formula(devset_service):
    snap = devset_service._open()
    terms = {t for q in QUERIES for t in term_uses(build_query(q, snap, devset_service.thesaurus))}
    assert len(terms) > 20
    for term in sorted(terms):
        found = term_scores(snap, term)
        scores, present, idf = dense_term(snap, term)
        assert found.idf == idf, term
        assert np.array_equal(found.present, present), term
        assert found.scores.tobytes() == scores.tobytes(), term  # bit for bit


@pytest.mark.parametrize("q", QUERIES)
def test_the_final_scores_are_every_bit_the_dense_ones(devset_service, q):
    snap = devset_service._open()
    query = build_query(q, snap, devset_service.thesaurus)
    scored = score(snap, query)
    docs, final = dense_final(snap, query)
    assert np.array_equal(scored.docs, docs)
    assert scored.scores.tobytes() == final.tobytes()


def test_a_place_still_leads_with_scores_divided_by_the_best(devset_service):
    snap = devset_service._open()
    led = []
    for q, code in [("atelier Marseille", "13"), ("jeunes 94", "94"), ("jardin Lyon", "69"), ("Lyon", "69"),
                    ("familles Val-de-Marne", "94"), ("Marseille", "13"), ("théâtre Marseille", "13")]:
        scored = score(snap, build_query(q, snap, devset_service.thesaurus))
        in_place = snap.facets.mask("departement", code)[scored.docs]
        assert (scored.scores[in_place] >= PLACE_LEAD).all(), q
        assert (scored.scores[~in_place] <= 1.0).all(), q
        if in_place.any():
            led.append(q)
    assert len(led) >= 5, "the places' fiches were found (the lead path was taken)"


def dense_clause(snap, clause):
    """A clause scored over every document with dense arrays only, as written in ``_Scorer.clause``'s
    docstrings (the reference for its sparse paths)."""
    n = snap.n_docs
    typed = [dense_term(snap, t) for t in clause.typed]
    weight = max((idf for _, _, idf in typed), default=1.0)
    typed_hit = np.logical_and.reduce([p for _, p, _ in typed]) if typed else np.zeros(n, dtype=bool)
    typed_score = sum(s for s, _, _ in typed) if typed else np.zeros(n)
    met, best_alt = typed_hit.astype(np.float64), np.zeros(n)
    for alt in clause.alternatives:
        terms = [dense_term(snap, t) for t in alt.terms]
        weight = max(weight, alt.weight * max(idf for _, _, idf in terms))
        alt_met = np.logical_and.reduce([p for _, p, _ in terms])
        if alt.phrase and len(alt.terms) > 1:
            for first, second in zip(alt.terms, alt.terms[1:]):
                alt_met &= snap.has_term("pairs", pair_term(first, second))
        alt_score = alt.weight * sum(s for s, _, _ in terms) / len(terms) ** 0.5
        best_alt = np.maximum(best_alt, np.where(alt_met, alt_score, 0.0))
        met = np.maximum(met, np.where(alt_met, alt.weight, 0.0))
    for facet, value in clause.controlled:
        holds = snap.facets.mask(facet, value)
        met = np.maximum(met, np.where(holds, CONTROLLED_WEIGHT, 0.0))
        best_alt = np.maximum(best_alt, np.where(holds, CONTROLLED_WEIGHT * weight, 0.0))
    score = np.where(typed_hit, typed_score + ALT_BONUS * best_alt, best_alt)
    if clause.place is not None:
        met = np.maximum(met, snap.facets.mask("departement", clause.place.departement))
    return met > 0.0, score, met, weight


PHRASES = ["café des parents", "lien social", "parentalité", "aide aux devoirs", "accès aux droits", "seniors",
           "jardin partagé", "isolement des aînés", "soutien scolaire"]


@pytest.mark.parametrize("sparse", ["always", "never", "as shipped"])
def test_every_clause_is_every_bit_the_dense_one(devset_service, monkeypatch, sparse):
    """Phrases and rare alternatives are applied at their documents only, a phrase's words looked up there
    by binary search or gathered: every path gives the bits of the dense formulas."""
    if sparse != "as shipped":  # (0, 0): always sparse, binary searches; (huge, huge): dense, gathers
        value = 0 if sparse == "always" else 10**9
        monkeypatch.setattr(scoring, "SPARSE_ALTERNATIVE", value)
        monkeypatch.setattr(scoring, "SPARSE_LOOKUP", value)
    snap = devset_service._open()
    checked = 0
    for q in QUERIES + PHRASES:
        query = build_query(q, snap, devset_service.thesaurus)
        scorer = _Scorer(snap)
        for clause in query.clauses:
            found, expected = scorer.clause(clause), dense_clause(snap, clause)
            for name, a, b in zip(("hit", "score", "met"), found[:3], expected[:3]):
                assert a.tobytes() == b.tobytes(), (q, name)
            assert found[3] == expected[3], q
            checked += len(clause.alternatives)
    assert checked > 40  # alternatives (phrases among them) were scored
