"""A full build saves each text term's field sums for its merged segments (``app.search.termsums``): a term
scores every bit as it does from its field postings; a catch-up's documents are read from their fields with
the build's averages; a generation without sums (or with unusable ones) reads every field as before."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from app.search import indexer, lexicons, postings, segments, termsums
from app.search.clauses import build_query
from app.search.generations import current_dir, verify
from app.search.schema import TEXT_BOOSTS
from app.search.scoring import Term, score, term_scores
from app.search.service import SearchService
from app.search.snapshot import Snapshot
from app.search.thesaurus import load
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset
from tests.search.test_scoring_exact import dense_term

ROWS = devset_fiches()
QUERIES = ["jardin", "repair café", "jeunes théâtre", "numérique seniors rural", "aide aux devoirs", "enfants",
           "atelier Marseille", "familles", "xyzzy jardin", "parentalité", "isolement"]


@pytest.fixture()
def built(merged_build):
    return merged_build


def _text_terms(gen_dir) -> list[str]:
    found = lexicons.terms(gen_dir, postings.MERGED, postings.SUMS)
    assert found is not None and len(found) > 100
    return [t.decode("utf-8") for t in found] + ["absent-du-lexique"]


def _by_fields(snap: Snapshot, term: str):
    """The term scored from its field postings alone (the generation's averages kept)."""
    snap.summed = False
    try:
        return term_scores(snap, term)
    finally:
        snap.summed = True


def _same_terms(snap: Snapshot, terms: list[str]) -> None:
    for term in terms:
        summed, fields = term_scores(snap, term), _by_fields(snap, term)
        assert summed.idf == fields.idf, term
        assert np.array_equal(summed.present, fields.present), term
        assert summed.scores.tobytes() == fields.scores.tobytes(), term  # bit for bit


def test_every_term_scores_every_bit_as_from_its_fields(built):
    _, index = built
    gen_dir = current_dir(index)
    assert verify(gen_dir, deep=True) is None  # the sums are in the manifest
    snap = Snapshot(gen_dir)
    try:
        assert snap.summed and snap.tail_start == snap.n_docs == 70
        # a full build's averages are its live documents' own
        assert snap.avg_length == {f: termsums.average(snap.lengths[f][snap.live_mask]) for f in TEXT_BOOSTS}
        terms = _text_terms(gen_dir)
        _same_terms(snap, terms)
        for term in terms[::25]:  # and the formula written out over every document
            scores, present, idf = dense_term(snap, term)
            found = term_scores(snap, term)
            assert found.scores.tobytes() == scores.tobytes() and found.idf == idf, term
    finally:
        snap.close()


def test_a_catch_up_is_read_from_its_fields_with_the_build_averages(built, monkeypatch):
    store, index = built
    monkeypatch.setattr(segments, "SMALL_DOCS", 5)  # the new segment stays beside the merged ones
    gen_dir = current_dir(index)
    before = Snapshot(gen_dir)
    averages = dict(before.avg_length)
    before.close()
    load_devset(store, ROWS[70:85])
    indexer.sync(index, store)
    assert current_dir(index) == gen_dir  # caught up in place: the merged segments lead still
    snap = Snapshot(gen_dir)
    try:
        assert snap._postings_reader.merged == 4 and len(snap._postings_reader.leaves) == 5
        assert snap.summed and snap.avg_length == averages
        assert snap.tail_start == 70 and snap.n_docs > 70
        terms = _text_terms(gen_dir)
        _same_terms(snap, terms)
        new_docs = set(range(70, snap.n_docs))
        assert any(new_docs & set(np.flatnonzero(term_scores(snap, t).present).tolist()) for t in terms[:200])
    finally:
        snap.close()


def test_once_whoosh_merged_the_segments_away_the_live_averages_are_back(built):
    store, index = built
    gen_dir = current_dir(index)
    load_devset(store, ROWS[70:85])
    indexer.sync(index, store)  # every segment is small here: Whoosh merges them into a new one
    snap = Snapshot(gen_dir)
    try:
        assert snap._postings_reader.merged == 0 and not snap.summed
        assert snap.avg_length == {f: termsums.average(snap.lengths[f][snap.live_mask]) for f in TEXT_BOOSTS}
        for term in _text_terms(gen_dir)[::20]:
            scores, _, idf = dense_term(snap, term)
            found = term_scores(snap, term)
            assert found.scores.tobytes() == scores.tobytes() and found.idf == idf, term
    finally:
        snap.close()


@pytest.mark.parametrize("damage", ["stats", "segments", "arrays"])
def test_without_usable_sums_every_field_is_read_and_the_results_are_the_same(built, damage):
    store, index = built
    gen_dir = current_dir(index)
    thesaurus = load()
    snap = Snapshot(gen_dir)
    expected = {q: score(snap, build_query(q, snap, thesaurus)) for q in QUERIES}
    snap.close()
    stats = gen_dir / termsums.STATS
    if damage == "stats":
        stats.unlink()
    elif damage == "segments":  # sums of other segments than the merged ones in use
        content = json.loads(stats.read_text())
        content["segments"] = content["segments"][:-1]
        stats.write_text(json.dumps(content))
    else:
        postings.array_path(gen_dir, postings.MERGED, postings.SUMS, "pw").write_bytes(b"not an array")
    snap = Snapshot(gen_dir)
    try:
        if damage != "arrays":
            assert not snap.summed  # the averages of the live documents again
        for q, found in expected.items():
            again = score(snap, build_query(q, snap, thesaurus))
            assert np.array_equal(again.docs, found.docs), q
            assert again.scores.tobytes() == found.scores.tobytes(), q
    finally:
        snap.close()


def test_the_sums_are_the_same_whatever_the_chunk(built, monkeypatch):
    _, index = built
    gen_dir = current_dir(index)
    names = [postings.array_path(gen_dir, postings.MERGED, postings.SUMS, n) for n in postings.ARRAYS]
    whole = [np.load(path) for path in names]
    monkeypatch.setattr(termsums, "CHUNK_POSTINGS", 7)  # a chunk of a term or two
    ix = whoosh_index.open_dir(str(gen_dir))
    try:
        with ix.reader() as reader:
            leaves = [(s.segment().segment_id(), int(o)) for s, o in reader.leaf_readers()]
            termsums.write_for(gen_dir, reader, leaves)
    finally:
        ix.close()
    for path, before in zip(names, whole):
        after = np.load(path)
        assert after.dtype == before.dtype and np.array_equal(after, before), path.name
    assert not [p for p in gen_dir.iterdir() if p.name.endswith((".raw", ".tmp"))]  # no temporary left


def test_a_service_over_a_summed_generation_finds_what_the_fields_find(built):
    store, index = built
    service = SearchService(index, store)
    try:
        snap = service._open()
        assert snap.summed
        totals = {q: service.ranked_ids(q) for q in QUERIES}
        snap.summed = False
        service.clear_cache()
        service._terms.clear()
        assert {q: service.ranked_ids(q) for q in QUERIES} == totals
        assert any(totals.values())
    finally:
        service.close()


@settings(max_examples=200, deadline=None)
@given(runs=st.lists(st.lists(st.floats(min_value=1e-6, max_value=1e6, allow_nan=False), min_size=1, max_size=4),
                     max_size=40))
def test_fuzz_run_sums_add_left_to_right(runs):
    """Each (term, document)'s fields are added in order from the first, as into an array of zeros."""
    values = np.array([v for run in runs for v in run], dtype=np.float64)
    starts = np.cumsum([0] + [len(run) for run in runs[:-1]]).astype(np.int64) if runs else np.zeros(0, np.int64)
    expected = []
    for run in runs:
        total = 0.0
        for v in run:
            total += v
        expected.append(total)
    found = termsums._sequential_sums(values, starts) if runs else np.zeros(0)
    assert found.tobytes() == np.array(expected, dtype=np.float64).tobytes()


@settings(max_examples=200, deadline=None)
@given(held=st.sets(st.integers(0, 199), max_size=120), asked=st.sets(st.integers(0, 199), max_size=60),
       gathered=st.booleans())
def test_fuzz_a_term_looked_up_at_some_documents(held, asked, gathered):
    """``Term.at`` by binary search and by gathering from its arrays give the same documents and scores."""
    docs = np.array(sorted(held), dtype=np.int64)
    term = Term(docs, np.arange(1, len(docs) + 1, dtype=np.float64) / 7, 1.0, 200)
    if gathered:
        _ = term.present  # made: ``at`` gathers from the arrays
    found, values = term.at(np.array(sorted(asked), dtype=np.int64))
    expected = np.array(sorted(held & asked), dtype=np.int64)
    assert np.array_equal(found, expected)
    assert values.tobytes() == term.scores[expected].tobytes()
