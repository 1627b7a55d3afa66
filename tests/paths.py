"""Every data file the tests read, defined once. All of them live in the repo (``tests/data/``)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
FIXTURES = REPO / "tests" / "fixtures"
SEEDS = DATA / "seeds"
SEED = SEEDS / "001_e1b83866734b736b.txt"  # the 25 real SENACS fiches (also shipped as data/fiches/)
PROJET_SOCIAL = SEEDS / "002_2fcf364e08e6fce9.txt"  # a projet social: not fiches
GROUND_TRUTH = DATA / "ground-truth" / "seed-fiches.json"
SEED_QUERIES = DATA / "relevance" / "seed-queries.json"
SAMPLE_DIR = REPO / "data" / "fiches"
