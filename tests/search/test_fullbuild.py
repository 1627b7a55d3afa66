"""A full build in worker processes gives the index a single-process build gives."""

import numpy as np
from whoosh import index as whoosh_index

from app.search import fullbuild, indexer
from app.search.generations import current_dir, read_watermark, verify
from app.search.params import SearchParams
from app.search.service import SearchService
from app.search.snapshot import Snapshot
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset, make_store


def _built(folder, monkeypatch, procs: int):
    store = make_store(folder)
    load_devset(store)
    store.delete(devset_fiches()[3]["id"])  # a tombstone: nothing to index
    monkeypatch.setattr(indexer, "SEGMENT_DOCS", 20)
    monkeypatch.setattr(fullbuild, "SEGMENT_DOCS", 20)
    monkeypatch.setattr(fullbuild, "processes", lambda: procs)
    count = indexer.rebuild(folder / "index", store)
    return store, count, current_dir(folder / "index")


def test_a_build_in_worker_processes_matches_a_single_process_build(tmp_path, monkeypatch):
    store, count, parallel = _built(tmp_path / "p", monkeypatch, procs=2)
    _, serial_count, serial = _built(tmp_path / "s", monkeypatch, procs=1)
    assert count == serial_count == len(devset_fiches()) - 1
    assert verify(parallel, deep=True) is None
    assert read_watermark(parallel) == store.last_seq()
    ix = whoosh_index.open_dir(str(parallel))
    with ix.reader() as reader:
        assert len(list(reader.leaf_readers())) == -(-count // 20)  # a segment per batch, none merged
    ix.close()
    a, b = Snapshot(parallel), Snapshot(serial)
    try:
        assert a.n_docs == b.n_docs == count
        assert [a.ids[d] for d in range(a.n_docs)] == [b.ids[d] for d in range(b.n_docs)]  # same docnums
        for field, term in (("body", "enfant"), ("title", "atelier"), ("kw", "famill")):
            assert np.array_equal(a.postings(field, term)[0], b.postings(field, term)[0])
        assert a.vocabulary.folded == b.vocabulary.folded
    finally:
        a.close()
        b.close()
    service = SearchService(tmp_path / "p" / "index", store)
    try:
        assert service.sync() == 0  # the watermark is the store's: nothing to catch up
        found = service.search(SearchParams(q="enfants"))
        assert found["total"] > 0
    finally:
        service.close()
