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
