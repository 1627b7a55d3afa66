"""Long Python work in a serving process that hands the GIL back often, so requests don't queue behind it.

A thread running Python code keeps the GIL until the interpreter asks it to let go, every
``sys.getswitchinterval()`` seconds (5 ms by default). A request thread that waits for I/O (a socket, the
database, a numpy call that releases the GIL) must then wait that long to get it back, at each wait: a
request making dozens of them while another thread opens an index generation takes hundreds of
milliseconds (a convoy). Inside ``yielding_often()`` the interval is ``SWITCH_SECONDS``: the waits shrink
to a fraction of a millisecond, for a little switching overhead in the long work.

Even so, a request and a background open share the GIL (and, beside the builder, the machine's two
cores): a 10-ms search took 60–100 ms while a generation of 100,000 fiches was opened beside it. So the
background work of a serving process also *gives way*: at each of its steps it calls ``give_way()``, which
waits while requests are in flight (``serving()``, entered by the HTTP middleware) and returns as soon as
none is, or after ``GIVE_WAY_SECONDS`` at most (the work always ends, even under a stream of requests).
A thread serving a request never waits there (it would wait for itself): the request is marked in a
context variable, which the threads a request starts don't inherit. Work the requests themselves wait for
(the first open of an index, before any generation is served) runs ``urgent()``: it never gives way either.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("fiches.search")
SWITCH_SECONDS = 0.0002
GIVE_WAY_SECONDS = 0.05  # the longest a step of background work waits for the requests in flight
_urgent: contextvars.ContextVar[bool] = contextvars.ContextVar("urgent", default=False)  # never gives way
_requests = threading.Condition()
_active = 0
_lock = threading.Lock()
_inside = 0
_saved = 0.0


@contextmanager
def yielding_often() -> Iterator[None]:
    """Run the block with a short switch interval (nested and concurrent blocks share it; the interval
    comes back when the last one ends)."""
    global _inside, _saved
    with _lock:
        if _inside == 0:
            _saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_saved, SWITCH_SECONDS))
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                sys.setswitchinterval(_saved)


@contextmanager
def urgent() -> Iterator[None]:
    """Run the block without giving way (``give_way`` returns at once in it, and in what it calls)."""
    token = _urgent.set(True)
    try:
        yield
    finally:
        _urgent.reset(token)


@contextmanager
def serving() -> Iterator[None]:
    """Mark a request in flight for its duration (background work gives way to it: ``give_way``); the
    request itself is ``urgent``."""
    global _active
    with _requests:
        _active += 1
    try:
        with urgent():
            yield
    finally:
        with _requests:
            _active -= 1
            if _active == 0:
                _requests.notify_all()


def give_way(longest: float | None = None) -> float:
    """Wait until no request is in flight, ``longest`` seconds at most (default ``GIVE_WAY_SECONDS``); at
    once in a request's own thread or other ``urgent`` work, or when none is in flight. Returns the seconds
    waited."""
    if not _active or _urgent.get():
        return 0.0
    started = time.perf_counter()
    with _requests:
        _requests.wait_for(lambda: _active == 0, timeout=GIVE_WAY_SECONDS if longest is None else longest)
    return time.perf_counter() - started


def behind(name: str, work: Callable[[], object]) -> threading.Thread:
    """Run ``work`` in a background thread that hands the GIL back often and gives way to requests at each
    of its steps; a failure is logged (the work was only ahead of need: requests do it when they need it)."""

    def run() -> None:
        try:
            with yielding_often():
                work()
        except Exception as exc:  # e.g. the snapshot was retired and closed meanwhile
            log.info("travail d'arrière-plan %s interrompu : %s: %s", name, type(exc).__name__, exc)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
