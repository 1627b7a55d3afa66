"""The cyclic garbage collector around a server's start.

Loading the modules allocates about 125,000 objects that live as long as the process (classes, pydantic
and SQLAlchemy schemas, the routes). The collector would walk them several times while they load (about
0.3 s of a cold start here), and then walk all of them again on every full collection of the serving
process: 145 ms measured after ``import app.main`` (``bench/serve_bench.py``), a request stalled that long.
So ``paused`` turns the collector off while the modules load and then moves what they allocated straight
to the oldest generation (without that, the first collection after the block walks them all as young
objects: 120–160 ms at a server's start), and ``freeze`` moves what is alive once they have into the
permanent generation, which collections skip (``gc.freeze``). Reference counting still frees
those objects when they are dropped; only cycles among them are never collected, which is what modules
and schemas are. Call ``freeze`` before the process opens its data (the store, the index generation), so
that what a reopen retires is collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block (module imports), as it was after; what the block allocated is then
    in the oldest generation, as if it had survived the young ones (``gc.freeze`` then ``gc.unfreeze``, which
    walks nothing). Left as it is if something is already frozen (``unfreeze`` would thaw that too)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def freeze() -> int:
    """Every object alive now out of the collector's sight; returns how many the permanent generation
    holds."""
    gc.freeze()
    return gc.get_freeze_count()
