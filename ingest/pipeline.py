"""Reading documents into normalised fiches, in this process or in a pool of processes.

Parsing and normalising (the import's CPU work) need no store, so with many files ``read_sources`` hands
each file to a worker process and yields the readings back **in the order of the files**, with at most
a few files in flight: the importer sees the same stream whatever the number of processes, so the report
and the stored rows are the same. Grouping and storing stay in the importing process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import chain

from app.domain.models import FicheCreate
from app.domain.records import ParsedFiche, Rejected, Source
from ingest.detect import parse_document
from ingest.normalize import Limits, normalize

_AHEAD = 2  # files read ahead per worker process
_PRELOAD = ["ingest.detect", "ingest.normalize", "ingest.pipeline"]


@dataclass(frozen=True)
class Reading:
    """One record of a document: a normalised fiche with its warnings, or a rejection."""

    source: str
    line: int
    fiche: FicheCreate | None = None
    warnings: tuple[str, ...] = ()
    rejected: Rejected | None = None


@dataclass(frozen=True)
class SourceReadings:
    """What one source gave: its readings, or why the whole source is unusable (and the CPU seconds of
    the process that read it, for the benchmark)."""

    name: str
    readings: list[Reading]
    error: str | None = None
    cpu: float = 0.0
    kept: Source | None = None  # a source ``read_sources`` was asked to hand back unread (``keep``)


def read_record(record: ParsedFiche | Rejected, limits: Limits) -> Reading:
    """Normalise one parsed record (a rejection stays one)."""
    if isinstance(record, Rejected):
        return Reading(record.source, record.line, rejected=record)
    result = normalize(record, limits)
    if isinstance(result, Rejected):
        return Reading(record.source, record.line, rejected=result)
    fiche, warnings = result
    return Reading(record.source, record.line, fiche=fiche, warnings=tuple(warnings))


def read_source(source: Source, limits: Limits) -> SourceReadings:
    """Parse and normalise every record of one document (what a worker process runs)."""
    if source.error:
        return SourceReadings(source.name, [], source.error)
    start = time.process_time()
    readings = [read_record(record, limits) for record in parse_document(source.content, source.name)]
    return SourceReadings(source.name, readings, cpu=time.process_time() - start)


def default_jobs() -> int:
    """The number of processes ``fiches import`` parses with by default: one per core."""
    return os.cpu_count() or 1


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes forked from this one when it runs no other thread (they start in milliseconds),
    else from a fresh server process that has imported the parsers: a fork never copies a lock another
    thread holds."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_die_with_parent, initargs=(os.getpid(),))
    if "forkserver" not in methods:  # pragma: no cover - platforms without fork
        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_die_with_parent,
                               initargs=(None,))


def _die_with_parent(parent: int | None) -> None:
    """A worker is killed with its parent (Linux): a worker that outlived a killed import would keep the
    import's database socket (inherited through fork) open, and with it the locks of its open transaction,
    until the next import timed out on them. ``parent`` is the pid the worker was forked from, if known."""
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if parent is not None and os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def read_sources(sources: Iterable[Source], limits: Limits, jobs: int = 1,
                 keep: Callable[[Source], bool] | None = None) -> Iterator[SourceReadings]:
    """The readings of each source, in the order of ``sources``; with ``jobs`` > 1, parsed by that many
    worker processes (at most ``_AHEAD`` files a worker read ahead, so memory stays bounded). A source for
    which ``keep`` is true is handed back unread, in its place (``kept``): the caller reads it itself (a
    source that needs the store, such as a structure page)."""
    items: Iterator[tuple[Source, bool]] = ((source, keep is not None and keep(source)) for source in sources)
    if jobs > 1:  # the pool starts with the second file to parse: a single file is read in this process
        head: list[tuple[Source, bool]] = []
        for item in items:
            head.append(item)
            if sum(1 for source, kept in head if not kept and not source.error) >= 2:
                break
        else:
            jobs = 1
        items = chain(head, items)
    if jobs <= 1:
        for source, kept in items:
            yield _kept(source) if kept else read_source(source, limits)
        return
    pool = _pool(jobs)
    try:
        pending: deque[tuple[Source, Future[SourceReadings] | None]] = deque()
        for source, kept in items:
            pending.append((source, _done(_kept(source)) if kept else _submit(pool, source, limits)))
            while len(pending) > jobs * _AHEAD:
                yield _result(*pending.popleft(), limits)
        while pending:
            yield _result(*pending.popleft(), limits)
    finally:  # also when the import stops early (store unreachable, interrupted): files not started are dropped
        pool.shutdown(wait=True, cancel_futures=True)


def _kept(source: Source) -> SourceReadings:
    return SourceReadings(source.name, [], source.error, kept=None if source.error else source)


def _done(result: SourceReadings) -> Future[SourceReadings]:
    future: Future[SourceReadings] = Future()
    future.set_result(result)
    return future


def _submit(pool: ProcessPoolExecutor, source: Source, limits: Limits) -> Future[SourceReadings] | None:
    if source.error:  # nothing to parse
        return None
    try:
        return pool.submit(read_source, source, limits)
    except BrokenProcessPool:  # a worker died (killed, out of memory): this process reads the rest
        return None


def _result(source: Source, future: Future[SourceReadings] | None, limits: Limits) -> SourceReadings:
    if future is None:
        return read_source(source, limits)
    try:
        return future.result()
    except BrokenProcessPool:
        return read_source(source, limits)
