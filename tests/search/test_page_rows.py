"""Page rows beside each segment: every way a segment is written keeps its fiches as the store holds them; a
page reads them, and nothing else from the store while nothing was written since the index; without them,
or with a damaged record, the store serves the page all the same."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from whoosh import index as whoosh_index

from app.search import fullbuild, indexer, pagerows
from app.search.generations import current_dir, verify, write_manifest
from app.search.hits import ROW_FIELDS, _Row
from app.search.params import SearchParams
from app.search.service import SearchService
from app.search.snapshot import Snapshot
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset, make_store

ROWS = devset_fiches()
QUERIES = ("jardin", "parents enfants", "numérique seniors", "", "théâtre")


def _segments(gen) -> list[str]:
    ix = whoosh_index.open_dir(str(gen))
    try:
        with ix.reader() as reader:
            return [r.segment().segment_id() for r, _ in reader.leaf_readers() if r.segment() is not None]
    finally:
        ix.close()


def _assert_records_are_the_store(gen, store) -> None:
    assert all(pagerows.present(gen, segment) for segment in _segments(gen))
    snap = Snapshot(gen)
    try:
        live = np.flatnonzero(snap.live_mask).tolist()
        records = snap.page_rows.get(live)
        assert sorted(records) == live
        stored = store.fetch_rows([snap.ids[d] for d in live], ("seq", *ROW_FIELDS))
        for doc, record in records.items():
            got, expected = _Row.recorded(record, 0), _Row.stored(stored[snap.ids[doc]], 0)
            assert (got.seq, got.fields, got.text, got.starts, got.ends) == (
                expected.seq, expected.fields, expected.text, expected.starts, expected.ends)
    finally:
        snap.close()


@pytest.mark.parametrize("procs", [1, 2])
def test_every_way_a_segment_is_written_keeps_its_fiches_as_stored(tmp_path, monkeypatch, procs):
    store = make_store(tmp_path)
    load_devset(store, ROWS[:45])
    monkeypatch.setattr(indexer, "SEGMENT_DOCS", 20)
    monkeypatch.setattr(fullbuild, "SEGMENT_DOCS", 20)
    monkeypatch.setattr(fullbuild, "processes", lambda: procs)
    indexer.rebuild(tmp_path / "index", store)  # whole segments: in workers (2) or committed one by one (1)
    gen = current_dir(tmp_path / "index")
    _assert_records_are_the_store(gen, store)
    for start in range(45, 60, 5):  # catch-ups: small segments, merged as they come
        load_devset(store, ROWS[start : start + 5])
        load_devset(store, [dict(ROWS[start - 40], title="Titre changé", resume="Un résumé changé.")])
        store.delete(ROWS[start - 30]["id"])
        indexer.sync(tmp_path / "index", store)
        _assert_records_are_the_store(gen, store)
    assert verify(gen, deep=True) is None  # listed in the manifest, checksums included


def _responses(service: SearchService) -> list[dict]:
    out = []
    for q in QUERIES:
        for page in (1, 2):
            found = service.search(SearchParams(q=q, size=7, page=page))
            found.pop("took_ms")
            out.append(found)
    return out


@pytest.fixture()
def built(tmp_path):
    store = make_store(tmp_path)
    load_devset(store)
    service = SearchService(tmp_path / "index", store)
    service.sync()
    expected = _responses(service)
    service.close()
    return tmp_path, store, current_dir(tmp_path / "index"), expected


def _reads(store, monkeypatch) -> list[tuple[str, ...]]:
    calls: list[tuple[str, ...]] = []
    fetch = store.fetch_rows
    monkeypatch.setattr(store, "fetch_rows", lambda ids, columns: calls.append(tuple(columns)) or fetch(ids, columns))
    return calls


def test_a_page_reads_only_the_page_rows_while_nothing_was_written(built, monkeypatch):
    folder, store, _, expected = built
    calls = _reads(store, monkeypatch)
    service = SearchService(folder / "index", store)
    try:
        assert _responses(service) == expected
        assert calls == []
        load_devset(store, ROWS[:10])  # unchanged: no write sequence number spent, the page rows still trusted
        store.delete("pas-de-telle-fiche")
        assert _responses(service) == expected and calls == []
        load_devset(store, [dict(ROWS[0], title="Un titre tout neuf")])  # not indexed yet
        hits = service.search(SearchParams(q="", size=100))["hits"]
        assert ("seq",) in calls  # a write since the index: sequence numbers first
        assert next(h for h in hits if h["id"] == ROWS[0]["id"])["title"] == "Un titre tout neuf"
    finally:
        service.close()


def test_without_page_rows_the_store_serves_the_same_pages(built, monkeypatch):
    folder, store, gen, expected = built
    for path in gen.iterdir():  # a generation written before page rows
        if path.name.endswith((pagerows.ROWS, pagerows.OFFSETS)):
            path.unlink()
    write_manifest(gen)
    calls = _reads(store, monkeypatch)
    service = SearchService(folder / "index", store)
    try:
        assert _responses(service) == expected
        assert ("seq", *ROW_FIELDS) in calls
    finally:
        service.close()


def _assert_served_from_the_store(folder, store, expected: list[dict], caplog, warning: str) -> None:
    """The same pages as before the damage, and the damage logged."""
    service = SearchService(folder / "index", store)
    try:
        with caplog.at_level(logging.WARNING, logger="fiches.search"):
            assert _responses(service) == expected
        assert warning in caplog.text
    finally:
        service.close()


def test_a_damaged_record_is_read_from_the_store(built, caplog):
    folder, store, gen, expected = built
    rows_file = next(p for p in gen.iterdir() if p.name.endswith(pagerows.ROWS))
    content = bytearray(rows_file.read_bytes())
    content[: len(content) // 2] = b"\xff" * (len(content) // 2)  # same size: the manifest's check passes
    rows_file.write_bytes(bytes(content))
    _assert_served_from_the_store(folder, store, expected, caplog, "ligne de page illisible")


def test_a_truncated_page_rows_file_is_damage(built):
    _, _, gen, _ = built
    offsets = next(p for p in gen.iterdir() if p.name.endswith(pagerows.OFFSETS))
    offsets.write_bytes(offsets.read_bytes()[:-8])
    assert "tronqué" in (verify(gen) or "")


def test_offsets_that_do_not_fit_their_file_are_read_from_the_store(built, caplog):
    folder, store, gen, expected = built
    path = next(p for p in gen.iterdir() if p.name.endswith(pagerows.OFFSETS))
    offsets = np.load(path)
    offsets[len(offsets) // 2] = 1 << 40  # same size: the manifest's check passes
    with path.open("wb") as handle:
        np.save(handle, offsets)
    assert verify(gen) is None
    _assert_served_from_the_store(folder, store, expected, caplog, "lignes de page illisibles")


def test_a_record_of_the_wrong_shape_is_refused(tmp_path):
    good = pagerows.encode({"seq": 3, "id": "a", "title": "Jardin", "resume": "Un jardin."})
    no_fields = b"[" + b",".join([b"null"] * len(pagerows.HIT_FIELDS)) + b"]"
    records = [good, b'[3, "a", "b", [0], [1]]', b'[3, %s, "texte", ["0"], [5]]' % no_fields, b'[3, [], "texte"]']
    (tmp_path / "s.fc_rows.bin").write_bytes(b"".join(records))
    with (tmp_path / "s.fc_rowoffsets.npy").open("wb") as handle:
        np.save(handle, np.cumsum([0, *map(len, records)]))
    rows = pagerows._SegmentRows(tmp_path, "s", len(records))
    try:
        assert rows.record(0)[2] == "Un jardin."
        for local in (1, 2, 3):
            with pytest.raises(ValueError):
                rows.record(local)
    finally:
        rows.close()
