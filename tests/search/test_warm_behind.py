"""A first snapshot's derived data (vocabulary, title order, prefixes) is made behind its first request, in
a thread that gives way to requests; requests asking for the same data meanwhile wait for it, never for
each other forever."""

from __future__ import annotations

import threading
import time

from app.search import gil
from app.search.generations import current_dir
from app.search.snapshot import Snapshot
from tests.search.conftest import load_devset, search


def test_the_first_snapshot_is_warmed_behind_the_first_request(tmp_path, store):
    from app.search.service import SearchService

    load_devset(store)
    service = SearchService(tmp_path / "index", store)
    try:
        service.sync()
        assert search(service, q="jardin")["total"] > 0
        snap = service._snapshot
        assert snap is not None
        deadline = time.monotonic() + 30
        while "stems" not in snap.__dict__ and time.monotonic() < deadline:
            time.sleep(0.02)
        assert {"vocabulary", "_by_title", "title_rank", "stems"} <= set(snap.__dict__)
        assert "recent" in snap._orders
    finally:
        service.close()
    assert service._warming is not None and not service._warming.is_alive()  # closing waits for it


def _ask(snap: Snapshot, answers: list[object]) -> None:
    answers.extend([snap.static_order("titre"), snap.completions("jar", 5)])


def test_a_warm_up_and_requests_on_the_same_snapshot_never_wait_for_each_other_forever(tmp_path, store):
    from app.search.service import SearchService

    load_devset(store)
    service = SearchService(tmp_path / "index", store)
    service.sync()
    gen_dir = current_dir(tmp_path / "index")
    service.close()
    for _ in range(30):
        snap = Snapshot(gen_dir)
        answers: list[object] = []
        warm = threading.Thread(target=snap.warm)
        ask = threading.Thread(target=_ask, args=(snap, answers))
        warm.start()
        ask.start()
        warm.join(timeout=20)
        ask.join(timeout=20)
        assert not warm.is_alive() and not ask.is_alive(), "a warm-up and a request waited for each other"
        assert len(answers) == 2 and answers[1]
        snap.close()


def test_a_warm_up_never_gives_way_while_it_holds_what_a_request_waits_for(tmp_path, store, monkeypatch):
    """The warm-up gives way to requests between two steps, not inside one: a request waiting for the
    snapshot's lock would wait for the warm-up, which would wait for the request (50 ms at each give-way)."""
    from app.search.service import SearchService

    load_devset(store)
    service = SearchService(tmp_path / "index", store)
    service.sync()
    gen_dir = current_dir(tmp_path / "index")
    service.close()
    snap = Snapshot(gen_dir)
    waits: list[float] = []
    stepping = threading.Event()
    in_flight = threading.Event()
    give_way = gil.give_way

    def spied(longest: float | None = None) -> float:
        stepping.set()
        waits.append(give_way(longest))
        return waits[-1]

    monkeypatch.setattr(gil, "give_way", spied)

    def request() -> None:
        with gil.serving():
            in_flight.set()
            stepping.wait(timeout=10)
            snap.static_order("titre")

    asking = threading.Thread(target=request)
    asking.start()
    in_flight.wait(timeout=10)
    with gil.yielding_often():
        _ = snap.stems  # the step of the warm-up that used to give way inside
    asking.join(timeout=20)
    assert waits and max(waits) == 0.0, "a step gave way while holding the snapshot's lock"
    snap.close()
