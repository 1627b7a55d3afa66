"""A full build in several processes: each writes whole segments, the parent commits them all at once.

A full build (``indexer.rebuild``) of a new generation needs no catch-up semantics: nobody reads the
generation before it is complete. So the parent reads the store's rows in write order and hands each batch
of ``SEGMENT_DOCS`` live rows to a pool of worker processes (one per core). A worker analyses its rows
(``indexer.analysed``: each text once), writes one Whoosh segment from their terms (``segwrite``: the bytes
Whoosh's writer would write, without its per-token and per-posting Python; without taking the index's write
lock, as Whoosh's own ``MpWriter`` sub-writers do) and that segment's serving columns, lexicons, postings
arrays (from the postings in memory) and page rows (from its rows), and returns the segment. The parent
waits for every worker, then writes one table of contents listing the segments in the rows' order (so
document numbers are what a single-process build gives), under the write lock, then applies the fiches
written again during the build as a catch-up would, and writes the manifest and the watermark.

No table of contents is written while workers run: Whoosh deletes the files of any segment a new table
doesn't list. A failure in a worker fails the build (the caller removes the unfinished generation).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from app.search import columns, pagerows, postings
from app.search.generations import write_columns, write_watermark
from app.search.segments import LIMIT_MB, SEGMENT_DOCS
from app.search.segwrite import SegmentPostings

LOCK_TIMEOUT = 60.0


def processes() -> int:
    """Worker processes for a full build: one per core the process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


Analyse = Callable[[dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]]


def write_segment(gen_dir: str, rows: list[dict[str, Any]], analyse: Analyse) -> Any:
    """Write one segment of ``rows`` (live store rows; ``analyse`` gives a row's document and the terms of
    its analysed fields, ``indexer.analysed``) into the index at ``gen_dir``, with its serving columns,
    lexicons and postings arrays; return the segment (not yet listed in the index's table of contents)."""
    ix = whoosh_index.open_dir(gen_dir)
    writer = SegmentWriter(ix, _lk=False, limitmb=LIMIT_MB, compound=False)
    try:
        built = SegmentPostings(writer)
        for row in rows:
            built.add(*analyse(row))
        segment = writer._finalize_segment()  # its pool's files removed, not the shared temporary folder
    except BaseException:
        writer._close_segment()  # its pool files go; the temporary folder is shared with the other workers
        raise
    reader = SegmentReader(ix.storage, ix.schema, segment)
    setattr(reader, postings.BUILT, built.arrays)  # the postings arrays saved from memory, not read back

    def page_rows(segment_id: str, ids: list[str]) -> None:  # the rows in hand: the segment's documents
        if ids != [row["id"] for row in rows]:
            raise ValueError(f"{segment_id} : documents et lignes dans un ordre différent")
        pagerows.write(Path(gen_dir), segment_id, rows)

    try:
        columns.write_segment(Path(gen_dir), reader, page_rows)
    finally:
        reader.close()
        ix.close()
    return segment


def build(gen_dir: Path, changes: Iterable[dict[str, Any]], procs: int, analyse: Analyse,
          apply: Callable[[list[dict[str, Any]]], Any]) -> int:
    """Index ``changes`` (every store row in write order, tombstones included; ``analyse`` makes a row the
    index document and its analysed terms, a module-level function) into the new, empty generation
    ``gen_dir`` with ``procs`` worker processes. Returns the number of fiches indexed.

    The rows are read while the build runs: a fiche written again meanwhile comes again further on (its
    new write sequence number), a fiche deleted meanwhile comes back as a tombstone. Only the first row of
    each fiche goes to a worker; the last of the later ones is handed to ``apply`` once the segments are
    committed (``indexer``'s catch-up: it replaces or removes the fiche's document), so the index holds each
    live fiche once, as it is now."""
    count = last = 0
    pending: deque[Future[Any]] = deque()
    segments: list[Any] = []
    batch: list[dict[str, Any]] = []
    handed: set[str] = set()  # the fiches given to a worker
    again: dict[str, dict[str, Any]] = {}  # their rows that came again, the last one of each
    context = multiprocessing.get_context("spawn")  # no fork of a process holding database connections
    with ProcessPoolExecutor(max_workers=procs, mp_context=context) as pool:
        def submit() -> None:
            pending.append(pool.submit(write_segment, str(gen_dir), batch, analyse))
            while len(pending) > procs:  # bounded: the parent holds at most procs + 1 batches of rows
                segments.append(pending.popleft().result())

        for row in changes:
            last = max(last, int(row["seq"]))
            if row["id"] in handed:
                again[row["id"]] = row
                continue
            if row.get("deleted_at") is not None:
                continue  # nothing to remove from a new index
            handed.add(row["id"])
            batch.append(row)
            count += 1
            if len(batch) >= SEGMENT_DOCS:
                submit()
                batch = []
        if batch:
            submit()
        while pending:
            segments.append(pending.popleft().result())
    _commit_segments(gen_dir, segments)
    if again:
        apply(sorted(again.values(), key=lambda row: (int(row["seq"]), row["id"])))
        count -= sum(row.get("deleted_at") is not None for row in again.values())
    write_watermark(gen_dir, last)
    return count


def _commit_segments(gen_dir: Path, segments: list[Any]) -> None:
    """List ``segments`` after the generation's own in a new table of contents (under the write lock),
    then write the missing columns and the manifest."""
    ix = whoosh_index.open_dir(str(gen_dir))
    try:
        writer = SegmentWriter(ix, timeout=LOCK_TIMEOUT, compound=False)
        try:
            writer._close_segment()  # its own (empty) segment is never listed
            writer._commit_toc(list(writer.segments) + segments)
        finally:
            writer._finish()
    finally:
        ix.close()
    write_columns(gen_dir, merge_postings=True)
