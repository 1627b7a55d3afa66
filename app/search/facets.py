"""Disjunctive facets over a hit set, from the snapshot's in-memory value columns.

OR within a facet, AND across facets. The counts of a facet are taken over the hits that pass every
*other* facet's selection, so a selected facet keeps counting its other values; selected values with no
hit stay listed with a zero count. Values are sorted by count, then by accent-insensitive label.
"""

from __future__ import annotations

from app.search.analysis import fold
from app.search.schema import FACETS


def selection_sets(snapshot, filters: dict[str, list[str]]) -> dict[str, set[int]]:
    """For each filtered facet, the documents having at least one of the selected values."""
    out: dict[str, set[int]] = {}
    for facet, values in filters.items():
        index = snapshot.value_docs[facet]
        docs: set[int] = set()
        for value in values:
            docs |= index.get(fold(value), set())
        out[facet] = docs
    return out


def apply_filters(base: set[int], selections: dict[str, set[int]], skip: str | None = None) -> set[int]:
    result = base
    for facet, docs in selections.items():
        if facet != skip:
            result = result & docs
    return result


def canonical(snapshot, facet: str, value: str) -> str:
    """The label of a selected value as the index writes it (a département code gives its name)."""
    key = fold(value)
    if facet == "departement" and key in snapshot.departement_names:
        return snapshot.departement_names[key]
    return snapshot.labels[facet].get(key, value)


def _count(snapshot, facet: str, docs: set[int]) -> dict[str, int]:
    """Hits per value: one C-level set intersection per value (cheaper than walking the hits)."""
    out = {}
    for label, members in snapshot.count_sets[facet]:
        n = len(members & docs) if len(members) < len(docs) else len(docs & members)
        if n:
            out[label] = n
    return out


def facet_counts(snapshot, base: set[int], result: set[int], filters: dict[str, list[str]],
                 selections: dict[str, set[int]]) -> dict[str, list[dict]]:
    """``{facet: [{value, count, selected}]}`` for every facet."""
    out: dict[str, list[dict]] = {}
    for facet in FACETS:
        selected = filters.get(facet, [])
        docs = apply_filters(base, selections, skip=facet) if selected else result
        counts = _count(snapshot, facet, docs)
        chosen = {fold(canonical(snapshot, facet, v)) for v in selected}
        entries = [
            {"value": value, "count": count, "selected": fold(value) in chosen} for value, count in counts.items()
        ]
        present = {fold(e["value"]) for e in entries}
        for value in selected:
            label = canonical(snapshot, facet, value)
            if fold(label) not in present:
                entries.append({"value": label, "count": 0, "selected": True})
                present.add(fold(label))
        entries.sort(key=lambda e: (-e["count"], fold(e["value"]), e["value"]))
        out[facet] = entries
    return out
