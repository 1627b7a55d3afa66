"""A first snapshot's derived data (vocabulary, title order, prefixes) is made behind its first request, in
a thread that gives way to requests; requests asking for the same data meanwhile wait for it, never for
each other forever."""

from __future__ import annotations

import threading
import time

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
