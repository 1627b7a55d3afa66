"""Scoring computes only what it returns (a term's saturation on the documents holding it, the final score
of the documents asked for), and every bit is what the plain dense formulas over every document give."""

import math

import numpy as np
import pytest

from app.search.clauses import build_query
from app.search.schema import TEXT_BOOSTS
from app.search.scoring import COORDINATION_POWER, K1, PLACE_LEAD, _Scorer, finite, score, term_scores, term_uses
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
