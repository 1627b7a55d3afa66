"""Disjunctive facets over a hit set, from per-facet value columns (numpy).

OR within a facet, AND across facets. The counts of a facet are taken over the hits that pass every
*other* facet's selection, so a selected facet keeps counting its other values; selected values with no
hit stay listed with a zero count. Values are sorted by count, then by accent-insensitive label.

A facet column is a list of (docnum, value number) pairs (from the serving columns, ``columns``), so one
``bincount`` over the pairs whose document is in the hit mask counts every value of the facet at once.
To count every facet of a page, the frequent values (met in one document in ``BITSET_EVERY`` or more)
are bitsets instead, counted by a popcount of their bits and the hit mask's: the cost no longer grows
with the size of the hit set.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np

from app.domain.places import Place
from app.domain.text import fold
from app.search import gil
from app.search.schema import FACETS

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot


MASK_CACHE_BYTES = 8 << 20  # value masks kept per snapshot (one byte per document each)
BITSET_EVERY = 64  # a value met in one document in 64 or more is counted by bitset (smaller than its pairs)


class _Column:
    __slots__ = ("labels", "folded", "index", "pair_docs", "pair_values")

    def __init__(self) -> None:
        self.labels: list[str] = []  # value number → label (the first spelling met)
        self.folded: list[str] = []
        self.index: dict[str, int] = {}  # folded label (or département code) → value number
        self.pair_docs: np.ndarray = np.zeros(0, dtype=np.int32)
        self.pair_values: np.ndarray = np.zeros(0, dtype=np.int32)


FacetPairs = tuple[np.ndarray, np.ndarray, list[str]]  # documents, label numbers, labels


def first_seen(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_index=True)`` for non-negative integers, in linear time when they are small
    (a stable sort of 16-bit numbers is a radix sort) or come nearly in order (timsort merges the runs)."""
    keys = np.asarray(keys)
    if not len(keys):
        return keys.astype(np.int64), np.zeros(0, dtype=np.int64)
    small = keys.max() < 1 << 16 and keys.min() >= 0
    order = np.argsort(keys.astype(np.uint16) if small else keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[starts], order[starts].astype(np.int64)


def _number_values(column: _Column, docs: np.ndarray, raw: np.ndarray, raw_labels: list[str]) -> None:
    """Value numbers by folded label, in order of first appearance (document-major); a value's label is
    its first spelling met."""
    key_index: dict[str, int] = {}
    folded_raw = [fold(label) for label in raw_labels]
    key_of_raw = np.array([key_index.setdefault(k, len(key_index)) for k in folded_raw], dtype=np.int64)
    keys = key_of_raw[raw] if len(raw) else np.zeros(0, dtype=np.int64)
    unique, first = first_seen(keys)
    by_first = np.argsort(first, kind="stable")
    value_of_key = np.full(len(key_index) or 1, -1, dtype=np.int32)
    value_of_key[unique[by_first]] = np.arange(len(unique), dtype=np.int32)
    column.pair_docs = docs.astype(np.int32)
    column.pair_values = value_of_key[keys] if len(keys) else np.zeros(0, dtype=np.int32)
    for raw_number in raw[first[by_first]].tolist():
        column.index[folded_raw[raw_number]] = len(column.labels)
        column.labels.append(raw_labels[raw_number])
        column.folded.append(folded_raw[raw_number])


class FacetColumns:
    """The value columns of every facet, built once per index snapshot from the serving columns."""

    def __init__(self, n_docs: int, live: np.ndarray, pairs: dict[str, FacetPairs], dep_codes: np.ndarray,
                 code_labels: list[str]) -> None:
        self.n_docs = n_docs
        self.columns: dict[str, _Column] = {}
        self.departement_names: dict[str, str] = {}  # folded code → label « Nom (code) »
        self._masks: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
        for facet in FACETS:
            gil.give_way()  # a background open waits for the requests in flight at each step
            docs, raw, raw_labels = pairs[facet]
            kept = live[docs] if len(docs) else np.zeros(0, dtype=bool)
            column = _Column()
            _number_values(column, docs[kept], raw[kept], raw_labels)
            self.columns[facet] = column
        self.starts: dict[str, int] = {}
        start = 0
        for facet, column in self.columns.items():
            self.starts[facet] = start
            start += len(column.labels)
        self._n_values = start
        dense, bits, held = [], [], []  # the bitsets, facet by facet (a background open gives way between two)
        for facet, column in self.columns.items():
            gil.give_way()
            found = _bitsets(column.pair_values, column.pair_docs, len(column.labels), n_docs)
            dense.append(found[0] + self.starts[facet])
            bits.append(found[1])
            held.append(found[2])
        self._dense, self._bits, in_bits = np.concatenate(dense), np.concatenate(bits), np.concatenate(held)
        all_values = np.concatenate([c.pair_values + self.starts[f] for f, c in self.columns.items()])
        self._all_docs = np.concatenate([c.pair_docs for c in self.columns.values()])
        gil.give_way()
        rest = np.flatnonzero(~in_bits)
        by_doc = rest[np.argsort(self._all_docs[rest], kind="stable")]
        self._all_values = all_values[by_doc]
        self._all_docs = self._all_docs[by_doc]
        self._doc_start = np.searchsorted(self._all_docs, np.arange(self.n_docs + 1))
        self._doc_sizes = np.diff(self._doc_start)
        gil.give_way()
        self._name_departements(dep_codes, code_labels)
        # every value in display order within its facet (by count, then label): its facet, its label's place
        self.facet_of = np.repeat(np.arange(len(self.columns)), [len(c.labels) for c in self.columns.values()])
        self.labels = [label for column in self.columns.values() for label in column.labels]
        self.folded = [key for column in self.columns.values() for key in column.folded]
        self.label_rank = np.empty(self._n_values, dtype=np.int64)
        self.label_rank[sorted(range(self._n_values), key=lambda i: (self.folded[i], self.labels[i]))] = np.arange(
            self._n_values)

    def _name_departements(self, dep_codes: np.ndarray, code_labels: list[str]) -> None:
        """A département shows its code (« Nord (59) ») and is filterable by it."""
        departements = self.columns["departement"]
        if not len(departements.pair_docs):
            return
        docs, first = np.unique(departements.pair_docs, return_index=True)
        numbers = departements.pair_values[first].astype(np.int64)
        codes = dep_codes[docs].astype(np.int64)
        coded = codes >= 0
        numbers, codes = numbers[coded], codes[coded]
        combos = codes * (len(departements.labels) + 1) + numbers
        _, first_seen = np.unique(combos, return_index=True)
        for i in np.sort(first_seen).tolist():
            code, number = code_labels[codes[i]], int(numbers[i])
            if fold(code) not in departements.index:
                departements.index[fold(code)] = number
                label = f"{departements.labels[number]} ({code})"
                departements.labels[number] = label
                departements.folded[number] = fold(label)
                departements.index.setdefault(fold(label), number)
        _, last_seen = np.unique(combos[::-1], return_index=True)
        for i in np.sort(len(combos) - 1 - last_seen).tolist():
            self.departement_names[fold(code_labels[codes[i]])] = departements.labels[int(numbers[i])]

    def mask(self, facet: str, value: str) -> np.ndarray:
        """Documents having this value (a shared array: never modify it). Masks are cached within a
        budget in bytes (``MASK_CACHE_BYTES``), least recently used out first."""
        column = self.columns[facet]
        number = column.index.get(fold(value))
        if number is None:
            return np.zeros(self.n_docs, dtype=bool)
        key = (facet, number)
        found = self._masks.get(key)
        if found is not None:
            self._masks.move_to_end(key)
            return found
        found = np.zeros(self.n_docs, dtype=bool)
        found[column.pair_docs[column.pair_values == number]] = True
        self._masks[key] = found
        while len(self._masks) * max(self.n_docs, 1) > MASK_CACHE_BYTES and len(self._masks) > 1:
            self._masks.popitem(last=False)
        return found

    def counts(self, facet: str, docs: np.ndarray) -> np.ndarray:
        """Hits per value number for the hit mask ``docs``."""
        column = self.columns[facet]
        return np.bincount(column.pair_values[docs[column.pair_docs]], minlength=len(column.labels))

    def all_counts(self, docs: np.ndarray) -> np.ndarray:
        """``counts()`` of every facet at once, one vector (facet ``f``'s values from ``starts[f]``): the
        frequent values by their bitsets (a popcount of the hit mask's bits and theirs), the others from
        their pairs."""
        hits = np.flatnonzero(docs)
        if len(hits) * 4 > self.n_docs:
            values = self._all_values[np.repeat(docs, self._doc_sizes)]
        else:
            first, sizes = self._doc_start[hits], self._doc_start[hits + 1] - self._doc_start[hits]
            ends = np.cumsum(sizes)
            values = self._all_values[np.repeat(first - ends + sizes, sizes) + np.arange(ends[-1] if len(ends) else 0)]
        counts = np.bincount(values, minlength=self._n_values)
        if len(self._dense):
            counts[self._dense] += np.bitwise_count(self._bits & _pack(docs)).sum(axis=1, dtype=np.int64)
        return counts


def _pack(mask: np.ndarray) -> np.ndarray:
    """A boolean mask as bits in 64-bit words (bit i of word w: document 64·w + i)."""
    packed = np.packbits(mask, bitorder="little")
    words = np.zeros(-(-len(packed) // 8) * 8, dtype=np.uint8)
    words[: len(packed)] = packed
    return words.view(np.uint64)


def _bitsets(values: np.ndarray, docs: np.ndarray, n_values: int, n_docs: int) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """(the values frequent enough to count by bitset, their bitsets, the pairs they hold). A value is
    frequent when its bitset is smaller than its pairs (one document in ``BITSET_EVERY`` or more); a pair
    repeated within a document stays a pair, so counts are what the pairs alone give."""
    counts = np.bincount(values, minlength=n_values) if len(values) else np.zeros(n_values, dtype=np.int64)
    dense = np.flatnonzero(counts * BITSET_EVERY >= max(n_docs, 1))
    row = np.full(n_values, -1, dtype=np.int64)
    row[dense] = np.arange(len(dense))
    first = np.zeros(len(values), dtype=bool)
    # each (document, value) pair once: the pairs come in document order, so their keys nearly in order
    first[first_seen(docs.astype(np.int64) * max(n_values, 1) + values)[1]] = True
    in_bits = first & (row[values] >= 0)
    width = -(-max(n_docs, 1) // 64) * 8  # bytes per bitset, whole 64-bit words
    chosen_docs = docs[in_bits].astype(np.int64)
    where = row[values[in_bits]] * width + (chosen_docs >> 3)
    packed = np.bincount(where, weights=np.left_shift(1, chosen_docs & 7), minlength=len(dense) * width)
    return dense, packed.astype(np.uint8).reshape(len(dense), width).view(np.uint64), in_bits


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
    facets = snapshot.facets
    counts = facets.all_counts(result)
    for facet in filters:  # a selected facet counts over the hits that pass the other facets' selections
        start = facets.starts[facet]
        counts[start : start + len(facets.columns[facet].labels)] = facets.counts(
            facet, apply_filters(base, selections, skip=facet))
    found = np.flatnonzero(counts)
    found = found[np.lexsort((facets.label_rank[found], -counts[found], facets.facet_of[found]))]
    bounds = np.searchsorted(facets.facet_of[found], np.arange(len(FACETS) + 1)).tolist()
    numbers, found_list = counts[found].tolist(), found.tolist()
    labels, folded = facets.labels, facets.folded
    out: dict[str, list[dict[str, Any]]] = {}
    for f, facet in enumerate(FACETS):
        values, hits = found_list[bounds[f] : bounds[f + 1]], numbers[bounds[f] : bounds[f + 1]]
        selected = filters.get(facet)
        if not selected:
            out[facet] = [{"value": labels[i], "count": n, "selected": False} for i, n in zip(values, hits)]
            continue
        chosen = {fold(canonical(snapshot, facet, v)) for v in selected}
        entries = [(-n, folded[i], labels[i]) for i, n in zip(values, hits)]
        present = {entry[1] for entry in entries}
        missing = False
        for value in selected:
            label = canonical(snapshot, facet, value)
            if fold(label) not in present:
                entries.append((0, fold(label), label))
                present.add(fold(label))
                missing = True
        if missing:  # selected values with no hit: listed after the others, by label
            entries.sort()
        out[facet] = [{"value": label, "count": -neg, "selected": key in chosen} for neg, key, label in entries]
    return out


def offered_places(snapshot: Snapshot, places: list[Place], filters: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The départements named in the query, as filters to offer (``selected``: already applied)."""
    chosen = {canonical(snapshot, "departement", v) for v in filters.get("departement", [])}
    out: dict[str, dict[str, Any]] = {}
    for place in places:
        out.setdefault(place.departement, {
            "code": place.departement, "nom": place.departement_name,
            "commune": place.name if place.commune else None,
            "selected": canonical(snapshot, "departement", place.departement) in chosen,
        })
    return list(out.values())
