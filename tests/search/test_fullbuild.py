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


def test_a_fiche_written_again_during_a_build_in_processes_is_indexed_once_as_it_is_now(tmp_path, monkeypatch):
    """The store's rows are read page by page while the build runs: a fiche rewritten meanwhile comes again
    (its new sequence number is further on), a fiche deleted meanwhile comes back as a tombstone. The index
    holds each live fiche once, as it is now, and none of the deleted ones."""
    store = make_store(tmp_path)
    rows = devset_fiches()
    load_devset(store, rows)
    monkeypatch.setattr(indexer, "SEGMENT_DOCS", 20)
    monkeypatch.setattr(fullbuild, "SEGMENT_DOCS", 20)
    monkeypatch.setattr(fullbuild, "processes", lambda: 2)
    by_id = {row["id"]: row for row in rows}
    handed: list[str] = []
    read = store.changes_after

    def writes_meanwhile(seq: int, batch: int = 1000):
        for row in read(seq, batch=10):  # small pages: the writes below come in later ones
            yield row
            handed.append(row["id"])
            if len(handed) == 13:  # two fiches already handed out: one rewritten, one deleted
                load_devset(store, [dict(by_id[handed[3]], title="Zéphyrin réécrit", resume="Texte réécrit.")])
                store.delete(handed[5])

    monkeypatch.setattr(store, "changes_after", writes_meanwhile)
    count = indexer.rebuild(tmp_path / "index", store)
    changed, deleted = handed[3], handed[5]
    assert handed.count(changed) == 2 and handed.count(deleted) == 2  # each came again
    gen = current_dir(tmp_path / "index")
    snap = Snapshot(gen)
    try:
        live = [snap.ids[d] for d in range(snap.n_docs) if snap.live_mask[d]]
        assert sorted(live) == sorted(store.live_ids()) and count == len(live) == len(rows) - 1
        assert snap.ids.docnum(deleted) is None
        record = snap.page_rows.get([snap.ids.docnum(changed)])
        assert list(record.values())[0][1][1] == "Zéphyrin réécrit"
    finally:
        snap.close()
    assert read_watermark(gen) == store.last_seq()
    service = SearchService(tmp_path / "index", store)
    try:
        assert [h["id"] for h in service.search(SearchParams(q="zéphyrin"))["hits"]] == [changed]
    finally:
        service.close()
