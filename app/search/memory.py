"""The serving process's heap (glibc's allocator; nothing happens elsewhere).

``limit_arenas``: glibc gives each thread that contends for the heap an arena of its own (up to 8 per
core), each keeping its freed pages; a serving process has the event loop, the request threads, the
catch-up loop and the generation opener. Two arenas are what ``MALLOC_ARENA_MAX=2`` gives
(docker-compose sets it): RSS 277 → 261 MB at 100,000 fiches (bench/serve_bench.py). An explicit
``MALLOC_ARENA_MAX`` in the environment wins.
``map_large_blocks``: glibc serves a block of 128 KB or more from a mapping of its own, given back when
freed, but after the first such free it raises that threshold (up to 32 MB), and later blocks come from the
heap, whose freed pages stay resident. A fixed threshold of 4 MB keeps the blocks larger than that mapped:
RSS −10 MB at 100,000 fiches after 200 fresh queries through the service. Not lower: a query's
per-document arrays (8 bytes a document: 800 KB at 100,000) would each be mapped and faulted in again,
and at 256 KB the CPU of a fresh query doubled; above 500,000 fiches those arrays reach 4 MB too.
``MALLOC_MMAP_THRESHOLD_`` in the environment wins.
``release_free_memory``: opening a generation leaves tens of megabytes of freed temporaries that the
allocator would otherwise keep.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

_LIBC_NAME = ctypes.util.find_library("c")
_LIBC = ctypes.CDLL(_LIBC_NAME) if _LIBC_NAME else None
_M_ARENA_MAX = -8  # mallopt's parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3
SERVING_ARENAS = 2
MMAP_THRESHOLD = 4 << 20


def limit_arenas(count: int = SERVING_ARENAS) -> bool:
    """Cap the heap arenas of this process (before its threads start); whether the cap was set."""
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is None or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    return bool(mallopt(_M_ARENA_MAX, count))


def map_large_blocks(threshold: int = MMAP_THRESHOLD) -> bool:
    """Give every block of ``threshold`` bytes or more a mapping of its own; whether it was set."""
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is None or os.environ.get("MALLOC_MMAP_THRESHOLD_"):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, threshold))


def release_free_memory() -> None:
    """Give the heap's free pages back to the system (``malloc_trim``)."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)
