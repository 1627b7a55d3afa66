"""A full build merges its segments' postings into one set of arrays per field (``app.search.merged``):
every term reads the same postings from them as segment by segment; a catch-up's new segment is read
beside them; a generation whose segments changed, or whose merged arrays are unreadable, is read
segment by segment again."""

from __future__ import annotations

import json

import numpy as np
import pytest
from whoosh import index as whoosh_index

from app.search import lexicons, merged, postings, segments
from app.search.generations import current_dir, verify
from app.search.params import SearchParams
from app.search.service import SearchService
from app.search.snapshot import Snapshot
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset

ROWS = devset_fiches()


@pytest.fixture()
def built(merged_build):
    return merged_build


def _segment_by_segment(reader: postings.Reader) -> postings.Reader:
    alone = postings.Reader(reader.gen_dir, reader.leaves)
    alone.merged = 0
    return alone


def _every_term(gen_dir, reader: postings.Reader, field: str) -> set[str]:
    out: set[str] = set()
    for segreader, _ in reader.leaves:
        terms = lexicons.terms(gen_dir, segreader.segment().segment_id(), field)
        out |= {t.decode("utf-8") for t in terms}
    return out


def test_every_term_reads_the_same_postings_merged_as_segment_by_segment(built):
    _, index = built
    gen_dir = current_dir(index)
    assert verify(gen_dir, deep=True) is None  # the merged arrays are in the manifest
    snap = Snapshot(gen_dir)
    try:
        reader = snap._postings_reader
        assert reader.merged == len(reader.leaves) == 4  # 70 fiches in segments of 20
        alone = _segment_by_segment(reader)
        for field in postings.FIELDS:
            words = _every_term(gen_dir, reader, field)
            assert words
            for word in sorted(words) + ["absent-du-lexique", "zzzz"]:
                a, b = reader.read(field, word), alone.read(field, word)
                if b is None:
                    assert a is None, (field, word)
                    continue
                assert a is not None, (field, word)
                assert a[0].dtype == b[0].dtype and a[1].dtype == b[1].dtype
                assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]), (field, word)
        alone.close()
    finally:
        snap.close()


def _same_reads(reader: postings.Reader, field: str = "body") -> None:
    alone = _segment_by_segment(reader)
    try:
        for word in _every_term(reader.gen_dir, reader, field):
            a, b = reader.read(field, word), alone.read(field, word)
            assert (a is None) == (b is None)
            if a is not None and b is not None:
                assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    finally:
        alone.close()


@pytest.mark.parametrize("small_docs", [5, segments.SMALL_DOCS])
def test_a_catch_up_segment_is_read_beside_the_merged_arrays_or_merges_them_away(built, monkeypatch, small_docs):
    store, index = built
    monkeypatch.setattr(segments, "SMALL_DOCS", small_docs)
    service = SearchService(index, store)
    try:
        assert service._current()._postings_reader.merged == 4  # 70 fiches: 20, 20, 20 and 10
        load_devset(store, ROWS[70:90])
        assert service.sync() == 20
        snap = service._current(force=True)
        reader = snap._postings_reader
        if small_docs == 5:  # the new segment beside the merged ones
            assert reader.merged == 4 and len(reader.leaves) == 5
        else:  # every segment is small here: Whoosh merged them into a new one, no longer the merged arrays'
            assert reader.merged == 0
        _same_reads(reader)
        title = ROWS[85]["title"]
        assert any(hit["id"] == ROWS[85]["id"] for hit in service.search(SearchParams(q=title))["hits"])
    finally:
        service.close()


def test_changed_segments_or_unreadable_arrays_are_read_segment_by_segment(built):
    _, index = built
    gen_dir = current_dir(index)
    listed = gen_dir / postings.MERGED_SEGMENTS
    segments = json.loads(listed.read_text())
    listed.write_text(json.dumps(segments[1:]))  # no longer the generation's first segments
    snap = Snapshot(gen_dir)
    assert snap._postings_reader.merged == 0
    expected = snap.postings("body", "enfant")
    snap.close()
    listed.write_text(json.dumps(segments))
    postings.array_path(gen_dir, postings.MERGED, "body", "pd").write_bytes(b"\x93NUMPY tronque")
    snap = Snapshot(gen_dir)
    try:
        assert snap._postings_reader.merged == 4
        found = snap.postings("body", "enfant")  # the merged body arrays are unreadable: segment by segment
        assert np.array_equal(found[0], expected[0]) and np.array_equal(found[1], expected[1])
    finally:
        snap.close()


def test_a_segment_without_its_arrays_leaves_nothing_merged(built):
    _, index = built
    gen_dir = current_dir(index)
    ix = whoosh_index.open_dir(str(gen_dir))
    try:
        with ix.reader() as reader:
            first = next(iter(reader.leaf_readers()))[0].segment().segment_id()
            postings.array_path(gen_dir, first, "kw", "pw").unlink()
            assert merged.merge(gen_dir, reader) is False
            assert not (gen_dir / postings.MERGED_SEGMENTS).exists()
    finally:
        ix.close()
