"""A new generation is opened beside the requests: a request is served the open generation while a
background thread opens and warms the new one, and the long work hands the GIL back often."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from app.search import gil
from app.search.params import SearchParams
from app.search.service import SearchService
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset

ROWS = devset_fiches()


@pytest.fixture()
def pair(tmp_path, store):
    """A writer and a reader of one index, over a store of 20 fiches the writer has indexed."""
    load_devset(store, ROWS[:20])
    writer = SearchService(tmp_path / "index", store)
    reader = SearchService(tmp_path / "index", store)
    writer.sync()
    yield writer, reader
    writer.close()
    reader.close()


def test_a_request_never_opens_a_new_generation_itself(pair, store):
    writer, reader = pair
    first = reader._current()
    load_devset(store, ROWS[20:30])
    writer.sync()
    reader._checked_at = 0.0  # the next request looks at the disk
    assert reader._current() is first  # the request is served at once, from the open generation
    with reader._opening:  # held by the background open until the new generation is served
        pass
    fresh = reader._current()
    assert fresh is not first and fresh.ids.n_live == 30
    assert {"vocabulary", "title_rank", "stems"} <= set(vars(fresh))  # warmed before it was served
    assert reader.search(SearchParams(q="jardin"))["total"] >= 1


def test_an_idle_reader_follows_the_index_and_its_next_request_sees_the_new_generation(pair, store):
    writer, reader = pair
    first = reader._current()
    assert reader.search(SearchParams(q="", size=100))["total"] == 20
    load_devset(store, ROWS[20:30])
    writer.sync()
    reader._checked_at = 0.0
    reader.follow()  # what the catch-up loop's tick does, with no request in sight
    with reader._opening:  # the background open is over
        pass
    reader._checked_at = time.monotonic()  # the next request does not look at the disk itself
    assert reader._snapshot is not first
    assert reader.search(SearchParams(q="", size=100))["total"] == 30
    served = reader._snapshot
    reader._checked_at = 0.0
    reader.follow()  # nothing new on disk: nothing opened
    assert not reader._opening.locked() and reader._snapshot is served


def test_yielding_often_shortens_the_switch_interval_and_gives_it_back():
    before = sys.getswitchinterval()
    inside: list[float] = []
    both = threading.Barrier(2)

    def work() -> None:
        with gil.yielding_often():
            both.wait()
            inside.append(sys.getswitchinterval())
            both.wait()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inside == pytest.approx([gil.SWITCH_SECONDS] * 2)  # concurrent blocks share it
    assert sys.getswitchinterval() == before  # back when the last one ended


def test_the_recent_queries_are_scored_on_a_reopened_generation_before_it_is_served(pair, store):
    writer, reader = pair
    for q in ("jardin", "café des parents", "  Jeunes   théâtre "):
        reader.search(SearchParams(q=q))
    first = reader._current()
    load_devset(store, ROWS[20:30])
    writer.sync()
    reader._checked_at = 0.0
    reader._current()
    with reader._opening:  # the background open is over
        pass
    fresh = reader._current()
    assert fresh is not first
    cached = {key[1] for key in reader._results.keys() if key[0] == fresh.generation}
    assert cached == {"jardin", "café des parents", "jeunes théâtre"}
    scored = reader._results.get(next(k for k in reader._results.keys() if k[0] == fresh.generation
                                      and k[1] == "jardin"))
    assert scored is not None and scored.total == writer.search(SearchParams(q="jardin"))["total_fiches"]


def test_writes_count_as_lag_until_this_process_serves_them(pair, store):
    writer, reader = pair
    assert reader.status()["lag_writes"] == 0
    load_devset(store, ROWS[20:30])
    writer.sync()  # the index on disk holds them; the reader still serves the generation it opened
    assert writer.status()["lag_writes"] == 0
    with reader._opening:  # no background open meanwhile
        assert reader.status()["lag_writes"] == 10
    reader._current(force=True)
    assert reader.status()["lag_writes"] == 0


def test_the_heap_is_trimmed_by_the_loop_after_searches_only(pair, monkeypatch):
    from app.search import service as service_module

    _, reader = pair
    reader._current()  # opened (an open gives the heap back itself)
    trims: list[int] = []
    monkeypatch.setattr(service_module, "release_free_memory", lambda: trims.append(1))
    monkeypatch.setattr(service_module, "TRIM_EVERY_SECONDS", 0.0)
    reader.search(SearchParams(q="jardin"))
    reader.follow()
    reader.follow()  # no search since: nothing to give back
    assert len(trims) == 1
    monkeypatch.setattr(service_module, "TRIM_EVERY_SECONDS", 3600.0)
    reader.search(SearchParams(q="jardin"))
    reader.follow()  # too soon after the last one
    assert len(trims) == 1


def test_a_reader_waits_for_the_new_segments_serving_files_before_it_switches(pair, store, monkeypatch):
    """Between a catch-up's commit and its serving files (columns, lexicons, postings) the table of contents
    already names the new segment. A reader that opened it then would derive its columns from Whoosh's
    stored fields, in pure Python, while its requests wait: it keeps serving the open generation instead."""
    from app.search import columns, indexer

    writer, reader = pair
    first = reader._current()
    unfinished: list = []
    # the writer stopped right after its commit
    monkeypatch.setattr(indexer, "write_columns", lambda gen_dir, **_: unfinished.append(gen_dir))
    load_devset(store, ROWS[20:30])
    writer.sync()
    assert len(unfinished) == 1
    derived: list = []
    real = columns.from_stored
    monkeypatch.setattr(columns, "from_stored", lambda segreader: derived.append(1) or real(segreader))
    for _ in range(2):  # each look finds the same unfinished segment
        reader._checked_at = 0.0
        assert reader._current() is first
        with reader._opening:  # the background open is over
            pass
        assert reader._snapshot is first
    assert reader.search(SearchParams(q="", size=100))["total"] == 20
    assert derived == []
    monkeypatch.undo()
    indexer.write_columns(unfinished[0])  # the writer finishes
    reader._checked_at = 0.0
    reader._current()
    with reader._opening:
        pass
    assert reader._snapshot is not first and reader._snapshot.ids.n_live == 30
    assert reader.search(SearchParams(q="", size=100))["total"] == 30


def test_a_first_open_serves_an_unfinished_generation_rather_than_nothing(pair, store, monkeypatch):
    from app.search import indexer

    writer, _ = pair
    monkeypatch.setattr(indexer, "write_columns", lambda gen_dir, **_: None)
    load_devset(store, ROWS[20:30])
    writer.sync()
    monkeypatch.undo()
    cold = SearchService(writer.index_dir, store)
    try:
        assert cold.search(SearchParams(q="", size=100))["total"] == 30  # columns read from the stored fields
    finally:
        cold.close()


def test_closing_while_a_new_generation_opens_leaves_no_generation_open(pair, store, monkeypatch):
    from app.search.snapshot import Snapshot

    writer, reader = pair
    first = reader._current()
    load_devset(store, ROWS[20:30])
    writer.sync()
    opened: list[Snapshot] = []
    warming, go_on = threading.Event(), threading.Event()
    real_warm = Snapshot.warm

    def slow_warm(snap: Snapshot) -> None:
        opened.append(snap)
        warming.set()
        go_on.wait(10)
        real_warm(snap)

    monkeypatch.setattr(Snapshot, "warm", slow_warm)
    reader._checked_at = 0.0
    assert reader._current() is first  # the background open starts
    assert warming.wait(10)
    closer = threading.Thread(target=reader.close)
    closer.start()
    closer.join(0.2)
    assert closer.is_alive()  # close() waits for the open under way
    go_on.set()
    closer.join(10)
    assert not closer.is_alive()
    assert reader._snapshot is None and reader._retired == []
    assert opened and opened[0].reader.is_closed and first.reader.is_closed


def test_a_reopen_reads_the_columns_of_its_new_segments_only(pair, store, monkeypatch):
    """A segment's files never change once written: a reopen takes the columns of the segments it shares with
    the generation served until then as they are, and serves what a cold open serves."""
    from app.search import columns

    writer, reader = pair
    first = reader._current()
    load_devset(store, ROWS[20:30])
    writer.sync()
    read: list[str] = []
    real = columns.load
    monkeypatch.setattr(columns, "load", lambda gen_dir, segreader: read.append(segreader.segment().segment_id())
                        or real(gen_dir, segreader))
    fresh = reader._current(force=True)
    assert fresh is not first
    shared = set(fresh._segment_columns) & set(first._segment_columns)
    assert shared  # the first 20 fiches' segment is still there
    assert all(fresh._segment_columns[key] is first._segment_columns[key] for key in shared)
    assert sorted(read) == sorted(segment for segment, _ in set(fresh._segment_columns) - shared)
    monkeypatch.undo()
    cold = SearchService(writer.index_dir, store)
    try:
        for params in (SearchParams(q="", size=100), SearchParams(q="jardin", size=100),
                       SearchParams.from_query([("q", "enfants"), ("sort", "titre")])):
            warm, again = reader.search(params), cold.search(params)
            assert [h["id"] for h in warm["hits"]] == [h["id"] for h in again["hits"]]
            assert warm["facets"] == again["facets"] and warm["total"] == again["total"]
    finally:
        cold.close()
