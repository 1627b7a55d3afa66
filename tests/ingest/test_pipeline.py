"""Parsing in a pool of processes (ingest.pipeline): the same readings, in the same order, as in one process,
whether the workers are forked from this process or from a fork server (when another thread runs)."""

from __future__ import annotations

import threading

from app.domain.records import Source
from bench.synth import generate, to_list_page
from ingest.normalize import Limits
from ingest.pipeline import read_sources
from tests.paths import FIXTURES, SEED

LIMITS = Limits(200_000, 50_000)


def _sources() -> list[Source]:
    fiches = list(generate(120, seed=3))
    sources = [Source(f"synth_{i}.txt", to_list_page(fiches[i * 30:(i + 1) * 30]).encode()) for i in range(4)]
    sources.insert(2, Source("absent.txt", error="lecture impossible (introuvable)"))
    sources.append(Source(str(SEED), SEED.read_bytes()))
    sources.append(Source("vide.txt", b""))
    sources += [Source(str(p), p.read_bytes()) for p in sorted(FIXTURES.glob("*.txt"))]
    return sources


def _flat(results) -> list[tuple]:
    return [(r.name, r.error, [(x.source, x.line, x.fiche, x.warnings, x.rejected) for x in r.readings])
            for r in results]


def test_pool_reads_as_one_process_in_order():
    sources = _sources()
    alone = _flat(read_sources(sources, LIMITS, jobs=1))
    assert [name for name, _e, _r in alone] == [s.name for s in sources]
    assert _flat(read_sources(sources, LIMITS, jobs=2)) == alone  # forked workers
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _flat(read_sources(sources, LIMITS, jobs=3)) == alone  # another thread runs: fork server
    finally:
        stop.set()
        other.join()
    assert sum(len(readings) for _n, _e, readings in alone) > 150


def test_stopping_early_leaves_no_work_behind():
    sources = _sources() * 3
    stream = read_sources(sources, LIMITS, jobs=2)
    first = next(stream)
    stream.close()  # the importer stopped (store unreachable): pending files are dropped, workers stop
    assert first.name == sources[0].name


def test_kept_sources_come_back_unread_in_their_place():
    sources = _sources()
    keep = {sources[1].name, sources[-1].name}
    for jobs in (1, 2):
        results = list(read_sources(sources, LIMITS, jobs=jobs, keep=lambda s: s.name in keep))
        assert [r.name for r in results] == [s.name for s in sources]
        for source, result in zip(sources, results):
            if source.name in keep:
                assert result.kept is source and result.readings == []
            else:
                assert result.kept is None


def test_one_file_to_parse_starts_no_pool(monkeypatch):
    from ingest import pipeline

    def no_pool(jobs):
        raise AssertionError("no pool for a single file")

    monkeypatch.setattr(pipeline, "_pool", no_pool)
    sources = [Source("absent.txt", error="introuvable"), Source(str(SEED), SEED.read_bytes())]
    results = list(read_sources(sources, LIMITS, jobs=4))
    assert [r.name for r in results] == ["absent.txt", str(SEED)] and len(results[1].readings) == 25
