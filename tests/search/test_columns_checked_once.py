"""A start verifies the columns (``generations.verify`` → ``columns.check_all``) and the snapshot opened next
takes them as checked, while their files are the same; a column file changed since is read and checked
again, so damage is still found before the generation is served. A catch-up tick opens the generation
again only when one of its files moved, and counts its live fiches once per watermark."""

from __future__ import annotations

import os

import numpy as np
import pytest

from app.search import columns, generations, indexer
from app.search.generations import verify
from app.search.params import SearchParams
from app.search.service import SearchService
from app.search.snapshot import Snapshot
from tests.search.conftest import load_devset, make_store


@pytest.fixture
def generation(built_generation):
    return built_generation[0]


def _segments(snap: Snapshot) -> list[tuple[str, int]]:
    return [(r.segment().segment_id(), r.doc_count_all()) for r, _ in snap.reader.leaf_readers() if r.segment()]


def test_verified_columns_are_read_once(generation):
    assert verify(generation) is None
    snap = Snapshot(generation)
    try:
        for segment_id, count in _segments(snap):
            again = columns.read(generation, segment_id, count)
            assert again is columns.read(generation, segment_id, count)  # the checked columns, kept
            assert any(part.ids is again.ids for part in snap._parts)  # the snapshot's own
    finally:
        snap.close()


def test_a_column_changed_after_the_verification_is_checked_again(generation):
    assert verify(generation) is None
    snap = Snapshot(generation)
    segment_id, count = _segments(snap)[0]
    snap.close()
    path = generation / f"{segment_id}.fc_codes.npy"
    codes = np.load(path)
    codes[:, 0] = 10_000  # a département number no label has: same size, other content
    stat = path.stat()
    with path.open("wb") as handle:
        np.save(handle, codes)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # mtime moves, as any write's does
    with pytest.raises(ValueError, match="code de département"):
        columns.read(generation, segment_id, count)
    assert verify(generation) is not None


def test_a_generation_is_opened_once_while_its_files_stay_the_same(generation, monkeypatch):
    opened: list[str] = []
    real_open = generations.whoosh_index.open_dir
    monkeypatch.setattr(generations.whoosh_index, "open_dir", lambda path: opened.append(path) or real_open(path))
    generations._OPENED.clear()
    for _ in range(3):  # three catch-up ticks with nothing written
        assert verify(generation) is None
    assert len(opened) == 1
    assert verify(generation, deep=True) is None  # a deep verification always opens it
    assert len(opened) == 2
    path = next(generation.glob("*.fc_titles.npy"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a file written again
    assert verify(generation) is None
    assert len(opened) == 3


def test_the_live_fiches_are_counted_once_per_watermark(tmp_path, monkeypatch):
    store = make_store(tmp_path)
    load_devset(store)
    service = SearchService(tmp_path / "index", store)
    counted: list[object] = []
    real_count = indexer._live_doc_count
    monkeypatch.setattr(indexer, "_live_doc_count", lambda gen: counted.append(gen) or real_count(gen))
    try:
        service.sync()
        for _ in range(3):  # idle catch-ups
            assert service.sync() == 0
        assert len(counted) == 1
        store.delete(service.search(SearchParams())["hits"][0]["id"])
        assert service.sync() == 1  # the watermark moved: counted again
        assert len(counted) == 2
    finally:
        service.close()
