"""A page of the relevance order, sorted only as far as it needs, is the page of the whole order."""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.search import ranking as ranking_module
from app.search.ranking import DUPLICATE_DAMPING, Ranking


def _reference(docs, scores, group_code, within, stop):
    """The whole order by the rule itself (stable sorts, as the engine ranked before), then one entry per
    group, cut at ``stop``."""
    by_score = np.argsort(-scores, kind="stable")
    ordered, ordered_scores = docs[by_score], scores[by_score]
    weights = ordered_scores.copy()
    seen: set[int] = set()
    for i, d in enumerate(ordered):
        code = int(group_code[d])
        if code >= 0:
            if code in seen:
                weights[i] *= DUPLICATE_DAMPING
            seen.add(code)
    ordered = ordered[np.argsort(-weights, kind="stable")]
    if within is not None:
        ordered = ordered[within[ordered]]
    actions, groups = [], set()
    for d in ordered.tolist():
        code = int(group_code[d])
        if code >= 0:
            if code in groups:
                continue
            groups.add(code)
        actions.append(d)
    return actions[:stop], len(actions)


@st.composite
def _cases(draw):
    n = draw(st.integers(1, 1500))
    levels = draw(st.integers(1, 40))  # few distinct scores: many ties
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    docs = np.sort(rng.choice(n * 2, size=n, replace=False)).astype(np.int32)
    scores = rng.integers(0, levels, size=n).astype(np.float64) / 3.0
    group_code = np.full(n * 2, -1, dtype=np.int64)
    grouped = rng.random(n * 2) < draw(st.floats(0.0, 0.9))
    group_code[grouped] = rng.integers(0, max(1, n // draw(st.integers(1, 6))), size=int(grouped.sum()))
    within = rng.random(n * 2) < draw(st.floats(0.05, 1.0)) if draw(st.booleans()) else None
    stop = draw(st.integers(1, 120))
    return docs, scores, group_code, within, stop


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases())
def test_a_page_is_the_page_of_the_whole_order(case):
    docs, scores, group_code, within, stop = case
    snap = SimpleNamespace(group_code=group_code)
    ranking = Ranking(docs, scores, snap)
    expected, total = _reference(docs, scores, group_code, within, stop)
    found, count = ranking.actions(within, stop)
    assert found.tolist() == expected and count == total
    with pytest.MonkeyPatch.context() as patch:  # the partial sort even on small sets, its fallback too
        patch.setattr(ranking_module, "PARTIAL_FROM", 0)
        assert Ranking(docs, scores, snap).actions(within, stop)[0].tolist() == expected
    everything, _ = _reference(docs, scores, group_code, None, len(docs))
    assert ranking_module.first_of_groups(ranking.ordered(), group_code).tolist() == everything
    again, _ = ranking.actions(within, stop)  # after the whole order was sorted, the same page
    assert again.tolist() == expected


def test_a_large_set_is_not_sorted_whole_for_its_first_page(monkeypatch):
    n = 20_000
    rng = np.random.default_rng(3)
    docs = np.arange(n, dtype=np.int32)
    scores = rng.random(n)
    ranking = Ranking(docs, scores, SimpleNamespace(group_code=np.full(n, -1, dtype=np.int64)))
    sorted_sizes = []
    real = ranking_module.sort_by_key
    monkeypatch.setattr(ranking_module, "sort_by_key", lambda s, w: sorted_sizes.append(len(s)) or real(s, w))
    found, total = ranking.actions(None, 20)
    assert total == n and found.tolist() == np.argsort(-scores, kind="stable")[:20].tolist()
    assert sorted_sizes and max(sorted_sizes) < 100
