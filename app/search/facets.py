"""Disjunctive facets over a hit set, from per-facet value columns (numpy).

OR within a facet, AND across facets. The counts of a facet are taken over the hits that pass every
*other* facet's selection, so a selected facet keeps counting its other values; selected values with no
hit stay listed with a zero count. Values are sorted by count, then by accent-insensitive label.

A facet column is a list of (docnum, value number) pairs, so one ``bincount`` over the pairs whose
document is in the hit mask counts every value of the facet at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from app.domain.text import fold
from app.search.schema import FACETS

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot


class _Column:
    __slots__ = ("labels", "folded", "index", "pair_docs", "pair_values", "masks")

    def __init__(self) -> None:
        self.labels: list[str] = []  # value number → label (the first spelling met)
        self.folded: list[str] = []
        self.index: dict[str, int] = {}  # folded label (or département code) → value number
        self.pair_docs: np.ndarray = np.zeros(0, dtype=np.int32)
        self.pair_values: np.ndarray = np.zeros(0, dtype=np.int32)
        self.masks: dict[int, np.ndarray] = {}

    def value(self, label: str) -> int:
        key = fold(label)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.labels)
            self.labels.append(label)
            self.folded.append(key)
        return found


class FacetColumns:
    """The value columns of every facet, built once per index snapshot from the stored ``meta``."""

    def __init__(self, metas: list[dict[str, Any]], live: list[int]) -> None:
        self.n_docs = len(metas)
        self.columns: dict[str, _Column] = {}
        self.departement_names: dict[str, str] = {}  # folded code → label « Nom (code) »
        for facet in FACETS:
            column = _Column()
            docs: list[int] = []
            values: list[int] = []
            for d in live:
                for v in dict.fromkeys(metas[d].get("facets", {}).get(facet, ())):
                    docs.append(d)
                    values.append(column.value(v))
            column.pair_docs = np.asarray(docs, dtype=np.int32)
            column.pair_values = np.asarray(values, dtype=np.int32)
            self.columns[facet] = column
        self._all_docs = np.concatenate([c.pair_docs for c in self.columns.values()])
        self.starts: dict[str, int] = {}
        shifted: list[np.ndarray] = []
        start = 0
        for facet, column in self.columns.items():
            self.starts[facet] = start
            shifted.append(column.pair_values + start)
            start += len(column.labels)
        self._n_values = start
        # every (document, value) pair, document-major: a small hit set reads only its own pairs
        by_doc = np.argsort(self._all_docs, kind="stable")
        self._all_values = np.concatenate(shifted)[by_doc]
        self._all_docs = self._all_docs[by_doc]
        self._doc_start = np.searchsorted(self._all_docs, np.arange(self.n_docs + 1))
        departements = self.columns["departement"]
        for d in live:  # a département shows its code (« Nord (59) ») and is filterable by it
            code = metas[d].get("departement_code")
            names = metas[d].get("facets", {}).get("departement")
            if code and names:
                number = departements.index[fold(names[0])]
                if fold(code) not in departements.index:
                    departements.index[fold(code)] = number
                    label = f"{departements.labels[number]} ({code})"
                    departements.labels[number] = label
                    departements.folded[number] = fold(label)
                    departements.index.setdefault(fold(label), number)
                self.departement_names[fold(code)] = departements.labels[number]

    def mask(self, facet: str, value: str) -> np.ndarray:
        """Documents having this value (a shared array: never modify it)."""
        column = self.columns[facet]
        number = column.index.get(fold(value))
        if number is None:
            return np.zeros(self.n_docs, dtype=bool)
        found = column.masks.get(number)
        if found is None:
            found = np.zeros(self.n_docs, dtype=bool)
            found[column.pair_docs[column.pair_values == number]] = True
            column.masks[number] = found
        return found

    def counts(self, facet: str, docs: np.ndarray) -> np.ndarray:
        """Hits per value number for the hit mask ``docs``."""
        column = self.columns[facet]
        return np.bincount(column.pair_values[docs[column.pair_docs]], minlength=len(column.labels))

    def all_counts(self, docs: np.ndarray) -> dict[str, np.ndarray]:
        """``counts()`` of every facet at once (one pass over all the pairs)."""
        hits = np.flatnonzero(docs)
        if len(hits) * 4 > self.n_docs:
            values = self._all_values[docs[self._all_docs]]
        else:
            first, sizes = self._doc_start[hits], self._doc_start[hits + 1] - self._doc_start[hits]
            ends = np.cumsum(sizes)
            values = self._all_values[np.repeat(first - ends + sizes, sizes) + np.arange(ends[-1] if len(ends) else 0)]
        counts = np.bincount(values, minlength=self._n_values)
        return {facet: counts[start : start + len(self.columns[facet].labels)]
                for facet, start in self.starts.items()}


def selection_sets(snapshot: Snapshot, filters: dict[str, list[str]]) -> dict[str, np.ndarray]:
    """For each filtered facet, the mask of documents having at least one of the selected values."""
    out: dict[str, np.ndarray] = {}
    for facet, values in filters.items():
        masks = [snapshot.facets.mask(facet, value) for value in values]
        out[facet] = np.logical_or.reduce(masks) if len(masks) > 1 else masks[0]
    return out


def apply_filters(base: np.ndarray, selections: dict[str, np.ndarray], skip: str | None = None) -> np.ndarray:
    result = base
    for facet, docs in selections.items():
        if facet != skip:
            result = result & docs
    return result


def canonical(snapshot: Snapshot, facet: str, value: str) -> str:
    """The label of a selected value as the index writes it (a département code gives its name)."""
    key = fold(value)
    if facet == "departement" and key in snapshot.facets.departement_names:
        return snapshot.facets.departement_names[key]
    column = snapshot.facets.columns[facet]
    number = column.index.get(key)
    return value if number is None else str(column.labels[number])


def facet_counts(snapshot: Snapshot, base: np.ndarray, result: np.ndarray, filters: dict[str, list[str]],
                 selections: dict[str, np.ndarray]) -> dict[str, list[dict[str, Any]]]:
    """``{facet: [{value, count, selected}]}`` for every facet."""
    out: dict[str, list[dict[str, Any]]] = {}
    shared = snapshot.facets.all_counts(result)
    for facet in FACETS:
        column = snapshot.facets.columns[facet]
        selected = filters.get(facet, [])
        if selected:
            counts = snapshot.facets.counts(facet, apply_filters(base, selections, skip=facet))
        else:
            counts = shared[facet]
        chosen = {fold(canonical(snapshot, facet, v)) for v in selected}
        found = np.flatnonzero(counts).tolist()
        numbers = counts[found].tolist()
        entries = [(-n, column.folded[i], column.labels[i]) for i, n in zip(found, numbers)]
        present = {column.folded[i] for i in found}
        for value in selected:
            label = canonical(snapshot, facet, value)
            if fold(label) not in present:
                entries.append((0, fold(label), label))
                present.add(fold(label))
        entries.sort()
        out[facet] = [{"value": label, "count": -neg, "selected": key in chosen} for neg, key, label in entries]
    return out
