"""Builds the index from the store: the document of a fiche, catch-up by write sequence, rebuild-and-swap.

The generations on disk (``current``, watermark, manifest, verification) are ``app.search.generations``.
Every writer gets ``compound=False``: compound segments copy the postings into every process's RAM.
The watermark is the store's write sequence number (``Fiche.seq``), not a clock: no skew can hide a row.
Writes take Whoosh's write lock, so several processes may share one index directory.
"""

from __future__ import annotations

import gc
import logging
import math
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import groupby, islice
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from app.domain.store import Store
from app.search import fullbuild, pagerows
from app.search.analysis import LINE_BREAK, WORD_PATTERN, line_terms, pairs_in
from app.search.columns import RowsWriter
from app.search.generations import (
    current_dir,
    ensure_index,
    new_generation,
    point_current,
    read_watermark,
    remove_old_generations,
    verify,
    write_columns,
    write_watermark,
)
from app.search.handoff import BUILDER
from app.search.schema import BODY_SOURCES, FACETS, KW_SOURCES
from app.search.segments import LIMIT_MB, SEGMENT_DOCS, fast_flush, merge_policy, no_merge
from app.search.thesaurus import load

LOCK_TIMEOUT = 60.0
log = logging.getLogger("fiches.index")
_WORD = re.compile(WORD_PATTERN)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value if v)
    return str(value)


def fiche_to_doc(fiche: dict[str, Any]) -> dict[str, Any]:
    """The index document of a fiche (a store row as a dict). Pure function."""
    return analysed(fiche)[0]


def analysed(fiche: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Counter[str]]]:
    """The index document of a fiche and the terms of its analysed fields (field → term → count: what the
    fields' analyzers give for the document's text, for ``segwrite``). The text is analysed once: its
    terms give the text fields' terms and the thesaurus pairs. Pure function."""
    title = _text(fiche.get("title"))
    kw = "\n".join(_text(fiche.get(name)) for name in KW_SOURCES)
    resume = _text(fiche.get("resume"))
    body = "\n".join(_text(fiche.get(name)) for name in BODY_SOURCES)
    budget = fiche.get("budget_eur")
    etp = fiche.get("etp")
    year = fiche.get("year")
    facets = {}
    for name, spec in FACETS.items():
        facets[name] = spec.values_of(fiche)
    meta = {
        "facets": facets,
        "departement_code": fiche.get("departement_code"),
        "budget": _rounded(budget, 1),
        "etp": _rounded(etp, 100),
        "year": year,
        "title": title,
        "group": fiche.get("duplicate_of") or fiche["id"],
        "updated": _stamp(fiche.get("updated_at")),
    }
    # the spelling vocabulary: each word once, from the fields that name the action (the long body
    # texts would double the postings to write for little: their words rarely are what people type)
    spell_words = set(_WORD.findall(f"{title}\n{kw}\n{resume}".lower()))
    counts: dict[str, Counter[str]] = {}
    wanted = _phrase_pairs()
    found_pairs: set[str] = set()
    for name, text in (("title", title), ("kw", kw), ("resume", resume), ("body", body)):
        found = line_terms(text)
        found_pairs |= pairs_in(found, wanted)
        counts[name] = Counter(found)
        counts[name].pop(LINE_BREAK, None)
    pair_text = " ".join(sorted(found_pairs))
    counts["spell"] = Counter(word.lower() for word in spell_words)  # its analyzer lowercases each word
    counts["pairs"] = Counter(pair_text.split())
    doc = {"id": fiche["id"], "title": title, "kw": kw, "resume": resume, "body": body,
           "spell": " ".join(spell_words), "pairs": pair_text, "meta": meta}
    if meta["budget"] is not None:
        doc["budget"] = meta["budget"]
    if meta["etp"] is not None:
        doc["etp_centi"] = meta["etp"]
    if year is not None:
        doc["year"] = int(year)
    return doc, counts


def _phrase_pairs() -> frozenset[str]:
    """The stem pairs of the thesaurus' phrases (the file as it is when the fiche is indexed: a phrase added
    to the thesaurus later matches once the index is rebuilt with ``fiches reindex``)."""
    return load().pair_terms


def _rounded(value: object, scale: int) -> int | None:
    """A number as an int (times ``scale``), None when missing or not finite."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return None
    return round(float(value) * scale)


def _stamp(value: object) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


# -- writing ----------------------------------------------------------------------------------------

def _apply(gen_dir: Path, changes: Iterable[dict[str, Any]], fresh: bool, page_rows: RowsWriter | None = None) -> int:
    """Apply store rows (tombstones included, in write order) to the index in ``gen_dir``.

    Returns the number applied. A commit comes every ``SEGMENT_DOCS`` rows (at a sequence boundary), so a
    segment's postings sort in memory; a build never merges its segments, a catch-up merges only the small
    ones (``segments.merge_policy``). The watermark moves to the last committed row's sequence number only
    after its commit, and the manifest is rewritten with it: a crash in between re-applies rows, which is
    harmless. ``page_rows`` writes each new segment's page rows (``pagerows``).

    A changed fiche's old document is found through one searcher per writer (``_Batch``), not through
    Whoosh's ``update_document``, which opens a reader over every segment for each document (three quarters
    of a 1,000-fiche catch-up at 100,000 fiches, profiled; 15-17 s → 6.6-8.0 s unprofiled, alternated).
    Whoosh deletes only committed documents, so the rows come one store transaction at a time, and a
    transaction that writes a fiche the batch holds already (it was written again while the catch-up read)
    commits the batch first."""
    ix = whoosh_index.open_dir(str(gen_dir))
    batch: _Batch | None = None
    committed: set[str] = set()  # a new index: the fiches of its earlier commits (the only ones to replace)
    changed = 0
    last = read_watermark(gen_dir) or 0
    merge = no_merge if fresh else merge_policy
    try:
        for rows in _transactions(changes, SEGMENT_DOCS):
            seq = int(rows[0]["seq"])
            if batch is not None and seq > last and (
                    len(batch.ids) >= SEGMENT_DOCS or not batch.ids.isdisjoint(row["id"] for row in rows)):
                batch.commit(gen_dir, last, merge, page_rows)
                if fresh:
                    committed |= batch.ids
                batch = None
            if batch is None:
                batch = _Batch(ix)
            for fiche in rows:
                look = not fresh or fiche["id"] in committed
                if fiche.get("deleted_at") is not None:
                    if not look:
                        continue  # nothing to remove from a new index
                    batch.delete(fiche["id"])
                else:
                    batch.add(fiche, look)
                changed += 1
            last = max(last, seq)
        if batch is not None:
            batch.commit(gen_dir, last, merge, page_rows)
            batch = None
    finally:
        if batch is not None:
            batch.cancel()
        ix.close()
    return changed


def _transactions(changes: Iterable[dict[str, Any]], limit: int) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``changes`` by store transaction (one write sequence number each, in order), at most
    ``limit`` rows at a time: a larger transaction comes in several parts."""
    for _, rows in groupby(changes, key=lambda fiche: int(fiche["seq"])):
        while part := list(islice(rows, limit)):
            yield part


class _Batch:
    """One writer's rows. The documents they replace are looked up in the segments the writer started from,
    through one searcher opened at the first lookup."""

    def __init__(self, ix: Any) -> None:
        self.writer = _open_writer(ix)
        self.searcher: Any = None
        self.ids: set[str] = set()  # the fiches written or deleted (a store transaction writes each once)

    def delete(self, fiche_id: str, look: bool = True) -> None:
        """Remove the fiche's committed document (``look``: there may be one)."""
        if look:
            if self.searcher is None:
                self.searcher = self.writer.searcher()
            self.writer.delete_by_term("id", fiche_id, searcher=self.searcher)
        self.ids.add(fiche_id)

    def add(self, fiche: dict[str, Any], look: bool) -> None:
        """Index the fiche, replacing its committed document (``look``: there may be one)."""
        self.delete(fiche["id"], look)
        self.writer.add_document(**fiche_to_doc(fiche))

    def commit(self, gen_dir: Path, last: int, merge: Any, page_rows: RowsWriter | None) -> None:
        self._close_searcher()
        _commit(gen_dir, self.writer, last, merge, page_rows)

    def cancel(self) -> None:
        self._close_searcher()
        self.writer.cancel()

    def _close_searcher(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None


def _commit(gen_dir: Path, writer: Any, last: int, merge: Any, page_rows: RowsWriter | None) -> None:
    writer.commit(mergetype=merge)
    write_columns(gen_dir, rows=page_rows)
    write_watermark(gen_dir, last)


class IndexWriteError(OSError):
    """The index's disk refused a write (read-only, full, gone)."""


def _open_writer(ix: Any) -> Any:
    """A Whoosh writer (non-compound: see the module docstring).

    Whoosh takes its write lock before it creates the new segment's files: when the disk refuses them
    (read-only or full), the half-built writer keeps the lock's file open until it is garbage collected,
    and every later writer would wait for it. So the failure is reported only after a collection."""
    problem = None
    try:
        return fast_flush(ix.writer(timeout=LOCK_TIMEOUT, limitmb=LIMIT_MB, compound=False))
    except OSError as exc:
        problem = f"{type(exc).__name__} : {exc}"
    gc.collect()  # outside the except block: the traceback no longer holds the half-built writer
    raise IndexWriteError(problem)


def sync(index_dir: Path, store: Store, elsewhere: bool = False) -> int:
    """Bring the current generation up to the store; a damaged one is replaced by a rebuilt generation.

    ``elsewhere`` (a serving worker): this process only looks (verification, pending rows, counts); every
    write, a catch-up as a rebuild, runs in the builder process (``app.search.builder``), so the worker's
    requests never wait for Whoosh's pure-Python writing. Returns the number of rows applied (or indexed)."""
    gen_dir = ensure_index(index_dir)
    problem = verify(gen_dir)
    mark = read_watermark(gen_dir)
    if problem is None and mark is None and _doc_count(gen_dir) > 0:
        problem = "filigrane de l'index absent"
    if problem is not None:
        log.warning("index %s à reconstruire : %s", gen_dir.name, problem)
        return _rebuild(index_dir, store, elsewhere)
    if elsewhere:
        if store.pending_after(mark or 0)[0]:
            return build_elsewhere(index_dir, store, "sync")  # it checks the counts after applying
        changed = 0
    else:
        changed = _apply(gen_dir, store.changes_after(mark or 0), fresh=mark is None,
                         page_rows=pagerows.from_store(gen_dir, store))
    problem = _count_mismatch(gen_dir, store)
    if problem is not None:
        log.warning("index %s à reconstruire : %s", gen_dir.name, problem)
        return _rebuild(index_dir, store, elsewhere)
    return changed


def _rebuild(index_dir: Path, store: Store, elsewhere: bool) -> int:
    return build_elsewhere(index_dir, store, "rebuild") if elsewhere else rebuild(index_dir, store)


def build_elsewhere(index_dir: Path, store: Store, task: str) -> int:
    """Run ``sync`` or ``rebuild`` in this process's builder process (``app.search.builder``) and wait."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return rebuild(index_dir, store) if task == "rebuild" else sync(index_dir, store)  # nothing to share
    log.info("index %s : %s confié à un processus de construction", index_dir, task)
    return BUILDER.run(task, index_dir, url.render_as_string(hide_password=False))


_COUNTED: dict[Path, tuple[int, int]] = {}  # generation → (watermark, live fiches) when last found in step


def _count_mismatch(gen_dir: Path, store: Store) -> str | None:
    """When the index has applied every write and none came meanwhile, it must hold every live fiche
    (counted once per watermark: the index only changes with a write, which moves it)."""
    mark = read_watermark(gen_dir)
    before = store.last_seq()
    if mark != before or mark is None:
        return None  # writes came in meanwhile: compared at a quieter catch-up
    live = store.count()
    if store.last_seq() != before:
        return None
    if _COUNTED.get(gen_dir) == (mark, live):
        return None
    held = _live_doc_count(gen_dir)
    if held != live:
        return f"{held} fiches dans l'index pour {live} dans la base"
    if len(_COUNTED) > 64:
        _COUNTED.clear()
    _COUNTED[gen_dir] = (mark, live)
    return None


def rebuild(index_dir: Path, store: Store) -> int:
    """Build a new generation from the whole store, then swap ``current`` atomically.

    Never reads the old generation: a damaged index is rebuilt all the same, and it keeps serving readers
    (if it can) until the swap."""
    previous = current_dir(index_dir)
    path = new_generation(index_dir)
    try:
        count = _build(path, store)
        if read_watermark(path) is None:  # an empty store: nothing was committed
            write_watermark(path, store.last_seq())
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    point_current(index_dir, path)
    remove_old_generations(index_dir, keep={path.name, previous.name if previous else ""})
    return count


def _build(gen_dir: Path, store: Store) -> int:
    """Index the whole store into the new generation ``gen_dir``: in several processes when there are
    several cores and more than one segment to write (``app.search.fullbuild``), else in this one."""
    procs = fullbuild.processes()
    page_rows = pagerows.from_store(gen_dir, store)
    if procs > 1 and store.count() > SEGMENT_DOCS:
        return fullbuild.build(gen_dir, store.changes_after(0), procs, analysed,
                               lambda again: _apply(gen_dir, again, fresh=False, page_rows=page_rows))
    count = _apply(gen_dir, store.changes_after(0), fresh=True, page_rows=page_rows)
    if count > SEGMENT_DOCS:  # several segments: their postings merged, as after a build in processes
        write_columns(gen_dir, merge_postings=True)
    return count


def check(index_dir: Path) -> str | None:
    """A deep verification of the current generation (checksums included): what is wrong, or None."""
    return verify(current_dir(index_dir), deep=True)


def _doc_count(gen_dir: Path) -> int:
    ix = whoosh_index.open_dir(str(gen_dir))
    try:
        return int(ix.doc_count_all())
    finally:
        ix.close()


def _live_doc_count(gen_dir: Path) -> int:
    ix = whoosh_index.open_dir(str(gen_dir))
    try:
        return int(ix.doc_count())  # deleted documents left out
    finally:
        ix.close()
