"""A start verifies the columns (``generations.verify`` → ``columns.check_all``) and the snapshot opened next
takes them as checked, while their files are the same; a column file changed since is read and checked
again, so damage is still found before the generation is served."""

from __future__ import annotations

import os

import numpy as np
import pytest

from app.search import columns
from app.search.generations import current_dir, verify
from app.search.service import SearchService
from app.search.snapshot import Snapshot
from tests.search.conftest import load_devset, make_store


@pytest.fixture
def generation(tmp_path):
    store = make_store(tmp_path)
    load_devset(store)
    service = SearchService(tmp_path / "index", store)
    service.sync()
    service.close()
    gen = current_dir(tmp_path / "index")
    assert gen is not None
    return gen


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
