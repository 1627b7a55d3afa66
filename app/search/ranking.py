"""Ordering a result set (pertinence, récent, budget, titre) and the key-terms query of "similar fiches".

The orders that don't depend on the query (titre, budget, récent without text) are computed once per
index snapshot; ordering a result set is then one pass of a boolean mask over a precomputed permutation.
"""

from __future__ import annotations

import math
import threading
from collections import Counter

import numpy as np

from app.search.analysis import terms
from app.search.query import Clause, TextQuery

SIMILAR_TERMS = 14
_SIMILAR_SOURCES = ("title", "mots_cles", "resume", "description_experience", "description_generale",
                    "diagnostic", "impacts")
_LOCK = threading.Lock()


def _title_rank(snap) -> np.ndarray:
    """Position of each document in (folded title, docnum) order."""
    found = snap.orders.get("title_rank")
    if found is None:
        by_title = sorted(range(snap.n_docs), key=snap.title_key.__getitem__)  # stable: docnum breaks ties
        found = np.empty(snap.n_docs, dtype=np.int64)
        found[by_title] = np.arange(snap.n_docs)
        snap.orders["title_rank"] = found
    return found


def _descending(column: np.ndarray) -> np.ndarray:
    """Sort key of a number column, largest first, missing values (NaN) last."""
    return np.where(np.isnan(column), np.inf, -column)


def _static_order(snap, sort: str) -> np.ndarray:
    """Every docnum in the order ``sort`` gives (ties: title, then docnum)."""
    found = snap.orders.get(sort)
    if found is not None:
        return found
    with _LOCK:
        titles = _title_rank(snap)
        if sort == "titre":
            found = np.argsort(titles, kind="stable")
        else:
            column = snap.numbers["budget" if sort == "budget" else "year"]
            found = np.lexsort((titles, _descending(column)))
        snap.orders[sort] = found
    return found


def order(snap, result: np.ndarray, text, sort: str) -> np.ndarray:
    """The documents of the mask ``result`` in the requested order (ties broken by title, then docnum)."""
    if sort == "pertinence" and text is not None:
        return text.ranked[result[text.ranked]]
    if sort == "recent" and text is not None:  # newest year first, then the most relevant
        docs = np.flatnonzero(result)
        scores = text.dense_scores(snap.n_docs)[docs]
        keys = (_title_rank(snap)[docs], -scores, _descending(snap.numbers["year"])[docs])
        return docs[np.lexsort(keys)]
    static = _static_order(snap, "recent" if sort == "pertinence" else sort)
    return static[result[static]]


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
