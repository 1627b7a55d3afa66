"""The garbage collector around a server's start (``app.domain.collector``): the modules load with it
paused, what they allocated goes straight to the oldest generation, and ``fiches serve`` freezes it before
the store and index are opened. Run in a subprocess: the test process's own collector is left alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.paths import REPO

PROBE = """
import gc, json
from app.domain.collector import paused

out = {}
with paused():
    out["inside"] = gc.isenabled()
    made = [[i] for i in range(50_000)]  # containers the collector tracks
out["after"] = gc.isenabled()
old = {id(obj) for obj in gc.get_objects(generation=2)}
out["aged"] = sum(id(obj) in old for obj in made)
out["young"] = sum(gc.get_count()[:2])
gc.disable()
with paused():
    pass
out["stays_off"] = not gc.isenabled()
gc.enable()

import app.main
calls = []
app.main.freeze = lambda: calls.append(gc.get_count()) or 0
app.main.create_served_app()
out["served_freezes"] = len(calls)
app.main.create_app()
out["tests_do_not_freeze"] = len(calls)
out["cli_imports_frozen_nothing"] = gc.get_freeze_count()
print(json.dumps(out))
"""


def test_paused_ages_what_the_block_allocated_and_serve_freezes_before_opening_anything(tmp_path):
    env = dict(os.environ, FICHES_DATABASE_URL=f"sqlite:///{tmp_path / 'f.db'}", FICHES_INDEX_DIR=str(tmp_path / "ix"),
               FICHES_SEED_ON_START="false")
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["inside"] is False and out["after"] is True and out["stays_off"] is True
    assert out["aged"] == 50_000  # in the oldest generation at once: no young collection walks them
    assert out["young"] < 1_000
    assert out["served_freezes"] == 1 and out["tests_do_not_freeze"] == 1
    assert out["cli_imports_frozen_nothing"] == 0  # paused() ages, it does not freeze
