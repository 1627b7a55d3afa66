"""Sort orders of a result set: pertinence, récent, budget (both ways), titre (``app.domain.fields.SORTS``).

The orders that don't depend on the query (titre, budget, récent without text) are computed once per
index snapshot (``Snapshot.static_order``); ordering a result set is then one pass of a boolean mask over
a precomputed permutation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from app.domain.fields import SORTS_BY_NAME
from app.search import groups
from app.search.ranking import Ranking

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot


class RankedText(Protocol):
    """The scored hits of a text query, as ``order()`` and ``page()`` need them."""

    @property
    def ranked(self) -> np.ndarray: ...

    @property
    def ranking(self) -> Ranking: ...

    def dense_scores(self, n_docs: int) -> np.ndarray: ...


def title_order(title_keys: np.ndarray, earlier: np.ndarray | None = None, kept: int = 0) -> np.ndarray:
    """Every docnum in (folded title, docnum) order. ``title_keys`` are the folded titles in UTF-8 (bytes
    order is code point order, as for ``str``). ``earlier``: the order of an earlier set of documents whose
    first ``kept`` are the first ones here (the same segments): only the others are sorted, then put in
    place by binary search (a catch-up's reopen sorts its new documents, not the 100,000 others)."""
    if earlier is None or kept == 0:
        found: np.ndarray = np.argsort(title_keys, kind="stable")  # stable: docnum breaks ties
        return found
    head = earlier[earlier < kept]  # the kept documents keep their order
    new = np.argsort(title_keys[kept:], kind="stable") + kept
    at = np.searchsorted(title_keys[head], title_keys[new], side="right")  # after equal titles: larger docnums
    merged: np.ndarray = np.insert(head, at, new)
    return merged


def title_rank(by_title: np.ndarray) -> np.ndarray:
    """Position of each document in the order ``by_title`` (``title_order``)."""
    found = np.empty(len(by_title), dtype=np.int64)
    found[by_title] = np.arange(len(by_title))
    return found


def descending(column: np.ndarray) -> np.ndarray:
    """Sort key of a number column, largest first, missing values (NaN) last."""
    return np.where(np.isnan(column), np.inf, -column)


def ascending(column: np.ndarray) -> np.ndarray:
    """Sort key of a number column, smallest first, missing values (NaN) last."""
    return np.where(np.isnan(column), np.inf, column)


def static_order(sort: str, titles: np.ndarray, numbers: dict[str, np.ndarray]) -> np.ndarray:
    """Every docnum in the order ``sort`` gives, without text (ties: title, then docnum)."""
    spec = SORTS_BY_NAME.get(sort)
    if spec is None or spec.column is None:  # titre (pertinence without text is served as récent)
        found: np.ndarray = np.argsort(titles, kind="stable")
        return found
    column = numbers[spec.column]
    found = np.lexsort((titles, ascending(column) if spec.ascending else descending(column)))
    return found


def order(snap: Snapshot, result: np.ndarray, text: RankedText | None, sort: str) -> np.ndarray:
    """The documents of the mask ``result`` in the requested order (ties broken by title, then docnum)."""
    if sort == "pertinence" and text is not None:
        relevant: np.ndarray = text.ranked[result[text.ranked]]
        return relevant
    if sort == "recent" and text is not None:  # newest year first, then the most relevant
        docs = np.flatnonzero(result)
        scores = text.dense_scores(snap.n_docs)[docs]
        keys = (snap.title_rank[docs], -scores, descending(snap.numbers["year"])[docs])
        ranked: np.ndarray = docs[np.lexsort(keys)]
        return ranked
    static = snap.static_order("recent" if sort == "pertinence" else sort)
    kept: np.ndarray = static[result[static]]
    return kept


def page(snap: Snapshot, result: np.ndarray, text: RankedText | None, sort: str, stop: int) -> tuple[np.ndarray, int]:
    """The first ``stop`` actions of the result set in order (one docnum each, near-duplicates folded as
    ``groups.collapse`` folds them) and the number of actions. Only what the page needs is sorted: by
    relevance, the hits that may reach the page (``ranking``); the orders without text are precomputed
    permutations; « récent » with text sorts only the years that reach the page (``np.partition``)."""
    if sort == "pertinence" and text is not None:
        return text.ranking.actions(result, stop)
    keep = groups.leaders(snap, result)
    total = int(np.count_nonzero(keep))
    if sort == "recent" and text is not None:
        docs = np.flatnonzero(keep)
        years = descending(snap.numbers["year"])[docs]
        if 0 < stop < len(docs):
            within = years <= np.partition(years, stop - 1)[stop - 1]
            docs, years = docs[within], years[within]
        scores = text.dense_scores(snap.n_docs)[docs]
        ranked: np.ndarray = docs[np.lexsort((snap.title_rank[docs], -scores, years))]
        return ranked[:stop], total
    static = snap.static_order("recent" if sort == "pertinence" else sort)
    kept: np.ndarray = static[keep[static]]
    return kept[:stop], total
