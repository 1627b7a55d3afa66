"""A snapshot copies what it serves from the memory-mapped columns and then lets go of the pages it read
(``columns.release``): they no longer count in the process's memory, and everything still reads the same
(a column read again is mapped again from the system's cache)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from app.search import columns
from app.search.service import SearchService
from app.search.snapshot import Snapshot
from tests.search.conftest import search

_HEADER = re.compile(r"^[0-9a-f]+-[0-9a-f]+ ")


def resident_kb(folder: Path, suffix: str) -> int:
    """Resident kB of this process's mappings of the files of ``folder`` whose names end with ``suffix``."""
    total, current = 0, False
    with open("/proc/self/smaps", encoding="utf-8") as handle:
        for line in handle:
            if _HEADER.match(line):
                parts = line.split(maxsplit=5)
                current = len(parts) == 6 and parts[5].strip().startswith(str(folder)) and \
                    parts[5].strip().endswith(suffix)
            elif current and line.startswith("Rss:"):
                total += int(line.split()[1])
    return total


@pytest.fixture
def generation(built_generation):
    return built_generation


def test_release_drops_the_resident_pages_and_keeps_the_values(generation):
    gen, _ = generation
    snap = Snapshot(gen)
    try:
        part = snap._parts[0]
        before = np.array(part.pairs, copy=True)
        np.asarray(part.pairs).sum()  # touched: resident
        assert resident_kb(gen, ".fc_pairs.npy") > 0
        assert columns.release(snap._parts, ("pairs",)) == len(snap._parts)
        assert resident_kb(gen, ".fc_pairs.npy") == 0
        assert np.array_equal(part.pairs, before)  # read again from the file
        assert columns.release([columns.SegmentColumns(**{name: np.zeros(1) for name in columns.ARRAYS},
                                                       facet_labels=[], dep_codes=[], group_keys=[])]) == 0
    finally:
        snap.close()


QUERIES = [{"q": "jardin"}, {"q": "jardin", "dimension": "Famille"}, {"sort": "titre"}, {"sort": "budget"},
           {"q": "repair café", "sort": "recent"}, {"q": "jeunes", "page": 2}]


def _answers(service: SearchService) -> list[dict]:
    return [{k: v for k, v in search(service, **kw).items() if k != "took_ms"} for kw in QUERIES]


def test_an_open_snapshot_holds_no_column_pages_and_answers_the_same(generation, monkeypatch):
    gen, store = generation
    service = SearchService(gen.parent, store)
    try:
        released = _answers(service)  # a title order included: the titles are read for it, then let go
        for name in columns.ARRAYS:
            assert resident_kb(gen, f".fc_{name}.npy") == 0, name
    finally:
        service.close()
    monkeypatch.setattr(columns, "release", lambda parts, names=columns.ARRAYS: 0)
    kept = SearchService(gen.parent, store)
    try:
        assert _answers(kept) == released
        assert resident_kb(gen, ".fc_pairs.npy") > 0  # what release lets go of
    finally:
        kept.close()


def test_without_the_advice_nothing_is_let_go_and_nothing_breaks(generation, monkeypatch):
    gen, store = generation
    monkeypatch.delattr(columns.mmap, "MADV_DONTNEED")  # as on Windows
    service = SearchService(gen.parent, store)
    try:
        assert search(service, q="jardin")["total"] > 0
        assert columns.release(service._open()._parts) == 0
    finally:
        service.close()
