"""The facet columns' first sightings and bitsets are computed in linear time (``facets.first_seen``):
the same numbers as ``np.unique`` and as counting pair by pair."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search.facets import BITSET_EVERY, _bitsets, first_seen


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 70_000), max_size=300), st.sampled_from([5, 300, 1 << 16, 1 << 40]), st.booleans())
def test_fuzz_first_seen_is_unique_with_first_indices(numbers, bound, ordered):
    keys = np.array([n % bound for n in numbers], dtype=np.int64)
    if ordered:
        keys.sort()
    unique, first = first_seen(keys)
    expected_unique, expected_first = np.unique(keys, return_index=True)
    assert unique.tolist() == expected_unique.tolist()
    assert first.tolist() == expected_first.tolist()


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300), st.integers(1, 12), st.lists(st.tuples(st.integers(0, 299), st.integers(0, 11)), max_size=400))
def test_fuzz_bitsets_are_what_counting_pair_by_pair_gives(n_docs, n_values, drawn):
    pairs = sorted((d % n_docs, v % n_values) for d, v in drawn)  # in document order, as a column holds them
    pairs = pairs + pairs[: len(pairs) // 5]  # some pairs repeated, out of order
    docs = np.array([d for d, _ in pairs], dtype=np.int32)
    values = np.array([v for _, v in pairs], dtype=np.int32)
    dense, bits, in_bits = _bitsets(values, docs, n_values, n_docs)
    counts = [sum(1 for _, v in pairs if v == value) for value in range(n_values)]
    expected_dense = [value for value in range(n_values) if counts[value] * BITSET_EVERY >= n_docs]
    assert dense.tolist() == expected_dense
    seen: set[tuple[int, int]] = set()
    expected_in_bits = []
    for d, v in pairs:
        expected_in_bits.append(v in expected_dense and (d, v) not in seen)
        seen.add((d, v))
    assert in_bits.tolist() == expected_in_bits
    for row, value in enumerate(expected_dense):
        held = {d for d, v in pairs if v == value}
        flags = np.unpackbits(bits[row].view(np.uint8), bitorder="little")[:n_docs]
        assert set(np.flatnonzero(flags).tolist()) == held
