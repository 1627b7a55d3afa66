"""A reopen merges only the small segments at the end into the lexicons it kept from the snapshot before
(``lexicons.Prefixes``): the spelling vocabulary and the prefix completions are the very ones merged from
every segment, and the big segments' lexicons are not read again. Likewise the title order: only the new
documents are sorted (``sorts.title_order``), into the very order a full sort gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search import indexer, lexicons, segments
from app.search.generations import current_dir
from app.search.schema import TEXT_BOOSTS
from app.search.snapshot import Snapshot
from app.search.sorts import title_order
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset

ROWS = devset_fiches()


def _from_scratch_stems(snap: Snapshot) -> tuple[list[str], list[int]]:
    """Every text term and its largest document frequency over the fields, counted term by term."""
    best: dict[str, int] = {}
    for field in TEXT_BOOSTS:
        found = lexicons.merged(snap.gen_dir, snap._leaves, field)
        assert found is not None
        for term, df in zip(found[0].tolist(), found[1].tolist()):
            word = term.decode("utf-8")
            best[word] = max(best.get(word, 0), df)
    words = sorted(best)
    return words, [best[w] for w in words]


def _same_as_from_scratch(snap: Snapshot) -> None:
    for field in lexicons.FIELDS:
        kept, scratch = snap._lexicons.merged(snap._leaves, field), lexicons.merged(snap.gen_dir, snap._leaves, field)
        assert kept is not None and scratch is not None
        assert kept[0].dtype == scratch[0].dtype and np.array_equal(kept[0], scratch[0]), field
        assert kept[1].dtype == scratch[1].dtype and np.array_equal(kept[1], scratch[1]), field
    assert snap.stems == _from_scratch_stems(snap)


def test_reopens_merge_the_new_small_segments_into_the_kept_lexicons(merged_build, monkeypatch):
    store, index = merged_build
    monkeypatch.setattr(segments, "SMALL_DOCS", 5)  # the build's segments of 20 are big, a catch-up small
    gen_dir = current_dir(index)
    snap = Snapshot(gen_dir)
    _same_as_from_scratch(snap)
    read: set[str] = set()
    merged = lexicons.merged

    def counted(gen_dir, leaves, field):
        read.update(segreader.segment().segment_id() for segreader, _ in leaves)
        return merged(gen_dir, leaves, field)

    monkeypatch.setattr(lexicons, "merged", counted)
    # catch-ups of 3 fiches, of 1 (beside it), of 4 (the three merged: 8, big), of 6 (a big segment after the
    # big ones: the kept lexicons are extended), then a change (a deletion in a big segment, a small one)
    steps = ((ROWS[70:73], False), (ROWS[73:74], False), (ROWS[74:78], False), (ROWS[78:84], False), ([], True))
    for rows, changed in steps:
        if changed:
            edited = {**ROWS[1], "title": ROWS[1]["title"] + " (réécrite)"}
            load_devset(store, [edited])
        else:
            load_devset(store, rows)
        indexer.sync(index, store)
        assert current_dir(index) == gen_dir
        _ = snap.title_rank
        fresh = Snapshot(gen_dir, previous=snap)
        assert fresh._earlier_titles is not None and fresh._earlier_titles[1] is not None
        titles = np.concatenate([np.asarray(part.titles) for part in fresh._parts])
        assert fresh._by_title.tolist() == np.argsort(titles, kind="stable").tolist()
        read.clear()
        stems = fresh.stems
        kept = {segreader.segment().segment_id() for segreader, _ in lexicons.Prefixes.split(snap._leaves)[0]}
        ids = [segreader.segment().segment_id() for segreader, _ in fresh._leaves]
        assert kept <= set(ids[: len(kept)]), "a catch-up leaves the big segments in front"
        assert read and not read & kept, "only the segments after the big ones seen before are read"
        assert stems == _from_scratch_stems(fresh)
        _same_as_from_scratch(fresh)
        assert any(word in fresh.stems[0] for word in ("réécrit", "reecrit", "réécrite")) or not changed
        snap.close()
        snap = fresh
    assert [segreader.doc_count_all() for segreader, _ in snap._leaves][-3:] == [8, 6, 1]
    assert len(lexicons.Prefixes.split(snap._leaves)[0]) == len(snap._leaves) - 1
    snap.close()


_TERMS = st.lists(st.binary(min_size=1, max_size=12).filter(lambda b: not b.endswith(b"\0")), max_size=30)


def _lexicon(words: list[bytes], numbers: list[int]) -> lexicons.Lexicon:
    unique = sorted(set(words))
    width = max((len(w) for w in unique), default=1)
    return np.array(unique, dtype=f"S{width}"), np.array(numbers[: len(unique)] + [1] * (len(unique) - len(numbers)),
                                                          dtype=np.int64)


@settings(max_examples=300, deadline=None)
@given(_TERMS, _TERMS, st.lists(st.integers(1, 10**6), max_size=30), st.lists(st.integers(1, 10**6), max_size=30))
def test_fuzz_combining_two_lexicons_is_merging_them_from_scratch(big_words, small_words, big_n, small_n):
    big, small = _lexicon(big_words, big_n), _lexicon(small_words, small_n)
    added, replaced = lexicons.combine(big, small, add=True), lexicons.combine(big, small, add=False)
    expected_add: dict[bytes, int] = {}
    expected_set: dict[bytes, int] = {}
    for terms, numbers, replace in ((big[0], big[1], False), (small[0], small[1], True)):
        for term, number in zip(terms.tolist(), numbers.tolist()):
            expected_add[term] = expected_add.get(term, 0) + number
            expected_set[term] = number if replace or term not in expected_set else expected_set[term]
    width = max(big[0].dtype.itemsize, small[0].dtype.itemsize)
    for (terms, numbers), expected in ((added, expected_add), (replaced, expected_set)):
        assert terms.dtype == np.dtype(f"S{width}") and numbers.dtype == np.int64
        assert terms.tolist() == sorted(expected)
        assert numbers.tolist() == [expected[t] for t in sorted(expected)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"atelier", b"jardin", b"jardin partage", b"", b"zumba", b"\xc3\xa9t\xc3\xa9"]),
                max_size=40), st.data())
def test_fuzz_a_title_order_extended_is_a_full_sort(words, data):
    titles = np.array(words, dtype="S16")
    kept = data.draw(st.integers(0, len(titles)))
    old_tail = data.draw(st.lists(st.sampled_from([b"jardin", b"b", b"zz"]), max_size=5))
    before = np.concatenate([titles[:kept], np.array(old_tail, dtype="S16")])  # the snapshot before's documents
    earlier = np.argsort(before, kind="stable")
    assert title_order(titles, earlier, kept).tolist() == np.argsort(titles, kind="stable").tolist()
