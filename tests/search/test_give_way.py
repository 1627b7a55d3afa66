"""Background work in a serving process gives way to the requests in flight (``app.search.gil``): each
step of a background open waits while a request is served, never longer than ``GIVE_WAY_SECONDS``, and
never in the request's own thread; the HTTP middleware marks every request; the builder process runs
behind the serving worker from its very start."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest

from app.api.logs import RequestId
from app.search import gil
from app.search.handoff import BUILDER, NICENESS
from app.search.service import SearchService
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset

ROWS = devset_fiches()


class Request:
    """A request in flight in another thread until ``end()``."""

    def __init__(self) -> None:
        self._started, self._end = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._serve)
        self._thread.start()
        assert self._started.wait(5)

    def _serve(self) -> None:
        with gil.serving():
            self._started.set()
            self._end.wait(30)

    def end(self) -> None:
        self._end.set()
        self._thread.join(5)


def test_with_no_request_in_flight_background_work_goes_on_at_once():
    assert gil.give_way(longest=5) == 0.0


def test_a_step_waits_for_the_request_in_flight_and_goes_on_when_it_ends():
    request = Request()
    threading.Timer(0.3, request.end).start()
    waited = gil.give_way(longest=10)
    assert 0.25 <= waited < 5
    assert gil.give_way(longest=10) == 0.0  # nothing in flight any more


def test_a_step_never_waits_longer_than_its_bound():
    request = Request()
    try:
        started = time.perf_counter()
        waited = gil.give_way(longest=0.2)
        assert 0.15 <= waited < 2 and time.perf_counter() - started < 2
    finally:
        request.end()


def test_a_request_never_waits_for_itself_but_a_thread_it_starts_does():
    waits: list[float] = []
    with gil.serving():
        assert gil.give_way(longest=5) == 0.0  # the request's own thread (and its context)
        thread = threading.Thread(target=lambda: waits.append(gil.give_way(longest=0.2)))  # a background open
        thread.start()
        thread.join(5)
    assert waits and waits[0] >= 0.15


def test_the_middleware_marks_each_request_in_flight():
    seen: list[tuple[int, bool]] = []

    async def app(scope, receive, send):
        seen.append((gil._active, gil._urgent.get()))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    # a thread of its own: another test of this process may have left an event loop running in this one
    thread = threading.Thread(target=asyncio.run, args=(RequestId(app)({"type": "http", "headers": []}, receive, send),))
    thread.start()
    thread.join(10)
    assert seen == [(1, True)]
    assert gil._active == 0 and gil.give_way(longest=5) == 0.0


def test_a_background_open_waits_while_a_request_is_served(tmp_path, store, monkeypatch):
    """With a request in flight, the reader keeps serving the open generation: the new one is opened
    step by step between requests, and served once the request is over."""
    load_devset(store, ROWS[:20])
    writer, reader = SearchService(tmp_path / "index", store), SearchService(tmp_path / "index", store)
    try:
        writer.sync()
        first = reader._current()
        load_devset(store, ROWS[20:30])
        writer.sync()
        monkeypatch.setattr(gil, "GIVE_WAY_SECONDS", 30.0)
        request = Request()
        try:
            reader._checked_at = 0.0
            assert reader._current() is first  # starts the background open
            time.sleep(0.5)
            assert reader._snapshot is first  # still waiting at its first step
        finally:
            request.end()
        with reader._opening:  # the open resumes and ends
            pass
        assert reader._current() is not first and reader._current().ids.n_live == 30
    finally:
        writer.close()
        reader.close()


def test_the_builder_runs_behind_its_worker_from_its_start(tmp_path, store):
    load_devset(store, ROWS[:3])
    worker = SearchService(tmp_path / "index", store)
    worker.build_elsewhere = True
    try:
        worker.sync()
        pid = BUILDER.pid
        assert pid is not None
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(own + NICENESS, 19)
    finally:
        worker.close()
        BUILDER.close()


@pytest.fixture(autouse=True)
def _no_request_left():
    yield
    assert gil._active == 0


def test_a_first_open_never_gives_way_since_the_requests_wait_for_it(tmp_path, store, monkeypatch):
    """With no generation served yet, the requests in flight wait for the first open (``_opening``): it
    must not wait for them in turn, whichever thread runs it (here the catch-up loop's)."""
    load_devset(store, ROWS[:20])
    writer, reader = SearchService(tmp_path / "index", store), SearchService(tmp_path / "index", store)
    try:
        writer.sync()
        monkeypatch.setattr(gil, "GIVE_WAY_SECONDS", 30.0)
        request = Request()
        try:
            started = time.perf_counter()
            first = reader._current(force=True)
            assert time.perf_counter() - started < 10 and first.ids.n_live == 20
        finally:
            request.end()
    finally:
        writer.close()
        reader.close()
