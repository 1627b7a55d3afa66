"""The relevance order of a result set, sorted only as far as a page needs.

The order is by decreasing score, ties in docnum order, where the second and later members of a
near-duplicate group weigh ``DUPLICATE_DAMPING`` of their score (one action published several years
doesn't fill the first page): the key is (damped score descending, score descending, docnum). Which
members are damped is found within the groups alone; a page then sorts only the documents whose damped
score reaches its last place (``np.partition``), and the whole order is sorted only when asked for
(exports, evaluation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot

DUPLICATE_DAMPING = 0.5
PARTIAL_FROM = 512  # below this many documents, a page sorts them all
_MARGIN = 16  # documents beyond the page's own taken in a partial sort (a group's later members)

Array = np.ndarray


def damped(docs: Array, scores: Array, group_code: Array) -> Array:
    """``scores`` of ``docs`` with every group member but the best placed (highest score, then first in
    ``docs``) damped."""
    codes = group_code[docs]
    grouped = np.flatnonzero(codes >= 0)
    if not len(grouped):
        return scores
    by_group = np.lexsort((-scores[grouped], codes[grouped]))  # stable: ties stay in the order of docs
    later = np.ones(len(grouped), dtype=bool)
    sorted_codes = codes[grouped][by_group]
    later[0] = False
    later[1:] = sorted_codes[1:] == sorted_codes[:-1]
    if not later.any():
        return scores
    out = scores.copy()
    out[grouped[by_group[later]]] *= DUPLICATE_DAMPING
    return out


def sort_by_key(scores: Array, weights: Array) -> Array:
    """Positions in order of (``weights`` descending, ``scores`` descending, position): the sort is stable."""
    found: Array = np.lexsort((-scores, -weights))
    return found


def first_of_groups(ordered: Array, group_code: Array) -> Array:
    """``ordered`` with only the first (best placed) member of each group kept."""
    codes = group_code[ordered]
    grouped = np.flatnonzero(codes >= 0)
    if not len(grouped):
        return ordered
    keep = np.ones(len(ordered), dtype=bool)
    keep[grouped] = False
    _, first = np.unique(codes[grouped], return_index=True)
    keep[grouped[first]] = True
    kept: Array = ordered[keep]
    return kept


class Ranking:
    """A scored result set (``docs``, their finite ``scores``; ties are kept in the order of ``docs``:
    ascending docnums from ``scoring.score``) in relevance order."""

    __slots__ = ("docs", "scores", "weights", "group_code", "_full")

    def __init__(self, docs: Array, scores: Array, snap: Snapshot) -> None:
        self.docs = docs
        self.scores = scores
        self.group_code = snap.group_code
        self.weights = damped(docs, scores, snap.group_code)
        self._full: Array | None = None

    @property
    def nbytes(self) -> int:
        """Its bytes, the whole order included (counted before it is sorted, so a cache's bound holds)."""
        weights = self.weights.nbytes if self.weights is not self.scores else 0
        return int(self.docs.nbytes + self.scores.nbytes + weights + 4 * len(self.docs))

    def full(self) -> Array:
        """Positions (in ``docs``) of the whole set in order; sorted once, then kept."""
        if self._full is None:
            self._full = sort_by_key(self.scores, self.weights).astype(np.int32)
        return self._full

    def ordered(self) -> Array:
        """Every docnum of the set, in order."""
        found: Array = self.docs[self.full()]
        return found

    def actions(self, within: Array | None, stop: int) -> tuple[Array, int]:
        """The first ``stop`` actions (one docnum per near-duplicate group, its best placed member) of the
        set's documents that are in the mask ``within`` (None: all), in order, and the number of actions."""
        picked = np.flatnonzero(within[self.docs]) if within is not None else np.arange(len(self.docs))
        total = self._count_actions(self.docs[picked])
        if len(picked) > PARTIAL_FROM and 0 < stop + _MARGIN < len(picked):
            weights = self.weights[picked]
            last = -np.partition(-weights, stop + _MARGIN - 1)[stop + _MARGIN - 1]
            head = picked[weights >= last]  # every document at least as well placed as the last taken
            order = head[sort_by_key(self.scores[head], self.weights[head])]
            found = first_of_groups(self.docs[order], self.group_code)
            if len(found) >= stop or len(head) == len(picked):
                return found[:stop], total
        if self._full is not None:
            order = self._full[within[self.docs[self._full]]] if within is not None else self._full
        else:
            order = picked[sort_by_key(self.scores[picked], self.weights[picked])]
        return first_of_groups(self.docs[order], self.group_code)[:stop], total

    def _count_actions(self, docs: Array) -> int:
        codes = self.group_code[docs]
        grouped = codes[codes >= 0]
        return int(len(docs) - len(grouped) + (len(np.unique(grouped)) if len(grouped) else 0))
