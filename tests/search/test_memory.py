"""The serving process's heap: arenas capped at start (glibc), unless the environment already says how many."""

from __future__ import annotations

import os
import subprocess
import sys

from app.search import memory

_PROBE = """
from app.search.memory import limit_arenas
print(limit_arenas())
"""


def test_a_serving_process_caps_its_arenas_unless_the_environment_says():
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
    done = subprocess.run([sys.executable, "-c", _PROBE], env=dict(env, MALLOC_ARENA_MAX="4"), capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "False"  # the operator's setting stands
    memory.release_free_memory()  # harmless at any time


_MAPPED_PROBE = """
import ctypes, ctypes.util, sys
from app.search.memory import map_large_blocks
print(map_large_blocks())
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = libc.realloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]

def rss_kb():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1])

block = libc.malloc(16 << 20)  # a first large block, freed: glibc then raises its threshold to 16 MB
libc.free(block)
base = rss_kb()
blocks = [libc.malloc(8 << 20) for _ in range(9)]  # 64 MB in blocks of 8 MB (and one), touched, then freed
for b in blocks:
    ctypes.memset(b, 1, 8 << 20)
for b in blocks[:-1]:  # the last one stays: below it, freed heap pages can't be trimmed
    libc.free(b)
print(rss_kb() - base > 32 << 10)  # still resident after the frees?
"""


def test_large_blocks_go_back_to_the_system_when_freed():
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"}
    done = subprocess.run([sys.executable, "-c", _MAPPED_PROBE], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]
    done = subprocess.run([sys.executable, "-c", _MAPPED_PROBE.replace("print(map_large_blocks())", "print(None)")],
                          env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["None", "True"]  # glibc's own threshold: the freed blocks stay resident
    done = subprocess.run([sys.executable, "-c", _MAPPED_PROBE], env=dict(env, MALLOC_MMAP_THRESHOLD_="131072"),
                          capture_output=True, text=True, check=True)
    assert done.stdout.split()[0] == "False"  # the operator's setting stands
