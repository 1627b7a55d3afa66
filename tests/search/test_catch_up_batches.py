"""A catch-up replaces changed fiches through one searcher per writer, and a fiche met twice in one
catch-up (written again while it reads) is indexed once, as last written."""

from __future__ import annotations

from whoosh.index import open_dir
from whoosh.writing import SegmentWriter

from app.search import indexer
from app.search.generations import current_dir, new_generation, read_watermark
from app.search.params import SearchParams
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset, to_create

ROWS = devset_fiches()
FIRST = dict(ROWS[0], title="Atelier de réparation de vélos")
SECOND = dict(ROWS[0], title="Atelier de réparation de vélos et de trottinettes")


def _documents(gen_dir, fiche_id: str) -> list[dict]:
    """The stored documents a generation holds for ``fiche_id`` (deleted ones aside)."""
    ix = open_dir(str(gen_dir))
    try:
        with ix.searcher() as searcher:
            return [searcher.stored_fields(n) for n in searcher.document_numbers(id=fiche_id)]
    finally:
        ix.close()


def test_a_catch_up_opens_one_reader_per_writer_not_one_per_fiche(service, store, monkeypatch):
    load_devset(store)
    service.sync()
    edited = [dict(row, title=f"{row['title']} (révisée)") for row in ROWS[:40]]
    store.upsert([to_create(row) for row in edited])
    opened = []
    original = SegmentWriter.reader

    def counting(self, *args, **kwargs):
        opened.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SegmentWriter, "reader", counting)
    assert service.sync() == 40
    assert len(opened) == 1  # one writer, one reader (Whoosh's update_document: one per fiche, 40)
    monkeypatch.undo()
    gen = current_dir(service.index_dir)
    assert all(len(_documents(gen, row["id"])) == 1 for row in edited)
    assert set(service.export_ids(SearchParams(q="révisée"))) == {row["id"] for row in edited}
    assert service.check() == {"problem": None, "missing_in_index": [], "missing_in_store": []}


def _stream_twice(store, first: dict, second: dict) -> list[dict]:
    """The change stream of a catch-up that reads while ``first`` is written again as ``second``: both
    versions, the second with a later sequence number."""
    load_devset(store, [first])
    one = next(row for row in store.changes_after(0) if row["id"] == first["id"])
    store.upsert([to_create(second)])
    again = next(row for row in store.changes_after(one["seq"]) if row["id"] == second["id"])
    assert again["seq"] > one["seq"]
    return [one, again]


def test_a_fiche_rewritten_in_a_transaction_with_others_is_indexed_once(service, store):
    """The transaction that writes the fiche again also writes another one, read before it (a smaller id):
    the batch is committed before that transaction, not in its middle."""
    ordered = sorted(ROWS, key=lambda row: row["id"])
    other, again = ordered[0], dict(ordered[1], title="Atelier de réparation de trottinettes")
    load_devset(store, ordered[2:20])
    service.sync()
    gen = current_dir(service.index_dir)
    load_devset(store, [ordered[1]])
    first = next(row for row in store.changes_after(0) if row["id"] == again["id"])
    store.upsert([to_create(other), to_create(again)])  # one transaction: one sequence number
    rewritten = list(store.changes_after(first["seq"]))
    assert [row["id"] for row in rewritten] == [other["id"], again["id"]]
    assert rewritten[0]["seq"] == rewritten[1]["seq"]
    assert indexer._apply(gen, [first, *rewritten], fresh=False) == 3
    assert len(_documents(gen, again["id"])) == 1 and len(_documents(gen, other["id"])) == 1
    service._current(force=True)
    assert set(service.export_ids(SearchParams(q="trottinettes"))) == {again["id"]}
    assert read_watermark(gen) == rewritten[-1]["seq"]


def test_transactions_come_whole_or_in_parts_of_a_bounded_size():
    rows = [{"id": f"f{i}", "seq": seq} for i, seq in enumerate([1, 1, 2, 3, 3, 3, 3, 3, 4])]
    parts = list(indexer._transactions(rows, limit=3))
    assert [[row["seq"] for row in part] for part in parts] == [[1, 1], [2], [3, 3, 3], [3, 3], [4]]
    assert [row for part in parts for row in part] == rows


def test_a_fiche_met_twice_in_one_catch_up_is_indexed_once_as_last_written(service, store):
    load_devset(store, ROWS[1:20])
    service.sync()
    gen = current_dir(service.index_dir)
    stream = _stream_twice(store, FIRST, SECOND)
    assert indexer._apply(gen, stream, fresh=False) == 2
    assert [doc["id"] for doc in _documents(gen, FIRST["id"])] == [FIRST["id"]]
    service._current(force=True)  # the generation written behind its back
    assert set(service.export_ids(SearchParams(q="trottinettes"))) == {FIRST["id"]}
    assert read_watermark(gen) == stream[-1]["seq"]


def test_a_new_index_meeting_a_fiche_twice_holds_it_once(tmp_path, store):
    stream = _stream_twice(store, FIRST, SECOND)
    gen = new_generation(tmp_path / "index")
    assert indexer._apply(gen, stream, fresh=True) == 2
    assert len(_documents(gen, FIRST["id"])) == 1
    assert read_watermark(gen) == stream[-1]["seq"]
