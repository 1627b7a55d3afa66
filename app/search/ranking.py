"""Ordering a result set (pertinence, récent, budget, titre) and the key-terms query of "similar fiches"."""

from __future__ import annotations

import math
from collections import Counter

from app.search.analysis import terms
from app.search.query import Clause, TextQuery

SIMILAR_TERMS = 14
_SIMILAR_SOURCES = ("title", "mots_cles", "resume", "description_experience", "description_generale",
                    "diagnostic", "impacts")
_NONE_LAST = float("inf")


def order(snap, result: set[int], text, sort: str) -> list[int]:
    """The documents of ``result`` in the requested order (ties broken by title, then docnum)."""
    titles = snap.title_key
    if sort == "pertinence" and text is not None:
        return [d for d in text.ranked if d in result]
    if sort == "titre":
        return sorted(result, key=lambda d: (titles[d], d))
    if sort == "budget":
        budgets = snap.numbers["budget"]
        return sorted(result, key=lambda d: (-budgets[d] if budgets[d] is not None else _NONE_LAST, titles[d], d))
    # "recent", and "pertinence" without text: newest year first
    years = snap.numbers["year"]
    scores = text.scores if text is not None else {}
    return sorted(
        result,
        key=lambda d: (-years[d] if years[d] is not None else _NONE_LAST, -scores.get(d, 0.0), titles[d], d),
    )


def key_terms_query(snap, fiche: dict) -> TextQuery:
    """The fiche's most distinctive terms (tf × idf), as a query of one clause per term."""
    parts = []
    for name in _SIMILAR_SOURCES:
        value = fiche.get(name)
        if isinstance(value, list):
            value = " ".join(value)
        if value:
            parts.append(value)
    counts = Counter(terms(" ".join(parts)))
    n = max(snap.n_live, 1)
    weighted = []
    for term, tf in counts.items():
        if len(term) < 3 or term.isdigit():
            continue
        df = snap.doc_frequency("body", term) + snap.doc_frequency("title", term)
        if df < 2 or df > n * 0.5:
            continue
        weighted.append((-(1 + math.log(tf)) * math.log(n / df), term))
    weighted.sort()
    return TextQuery([Clause((term,), (term,)) for _, term in weighted[:SIMILAR_TERMS]])
