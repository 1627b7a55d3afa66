"""Long Python work in a serving process that hands the GIL back often, so requests don't queue behind it.

A thread running Python code keeps the GIL until the interpreter asks it to let go, every
``sys.getswitchinterval()`` seconds (5 ms by default). A request thread that waits for I/O (a socket, the
database, a numpy call that releases the GIL) must then wait that long to get it back, at each wait: a
request making dozens of them while another thread opens an index generation takes hundreds of
milliseconds (a convoy). Inside ``yielding_often()`` the interval is ``SWITCH_SECONDS``: the waits shrink
to a fraction of a millisecond, for a little switching overhead in the long work.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SWITCH_SECONDS = 0.0002
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
