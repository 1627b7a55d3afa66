"""The hits of a result page: one entry per action, its short fields, its near-duplicates and a snippet.

The rows of the hits are read from the store (the source of truth: a fiche changed since the index was
last synced shows its new text) and kept in a cache bounded in bytes, each with its snippet text
prepared (``highlight.Source``) and the snippets already made for it. A page first reads the write
sequence number (``Fiche.seq``) of its cached fiches — one small statement — and reads in full only the
rows it lacks or whose sequence moved: a changed fiche is read again, a deleted one is no longer listed.
"""

from __future__ import annotations

import math
import sys
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np

from app.search import groups
from app.search.clauses import TextQuery
from app.search.highlight import Marks, Source, marks, prepare, snippet
from app.search.schema import SNIPPET_SOURCES

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot

HIT_FIELDS = ("id", "title", "structure", "departement", "departement_code", "region", "year", "dimension",
              "mots_cles", "public", "territoire", "statut", "budget_eur", "etp", "duplicate_of", "truncated")
ROW_FIELDS = tuple(dict.fromkeys(HIT_FIELDS + SNIPPET_SOURCES))
OTHER_FIELDS = ("id", "title", "structure", "year")  # the other fiches of a near-duplicate group
HIT_CACHE_BYTES = 4 << 20  # rows kept (their short fields, snippet text, snippets made)
SNIPPETS_PER_ROW = 4  # snippets kept per row (one per query that showed it); then they start again
_LIST_FIELDS = ("mots_cles", "public")  # hit fields holding lists
_FIELDS_BYTES = 2304  # a row's short fields and bookkeeping beyond their texts' characters (as measured)


class _Row:
    """A fiche as its hits show it, valid while its write sequence number is ``seq``: its short fields,
    its snippet text and the snippets already made. (The text was kept as UTF-8, half the bytes of a
    ``str`` holding one character beyond Latin-1; decoding it again for every snippet cost 4 µs of the
    60 µs a new row costs a page, and the cache is bounded in bytes either way.)"""

    __slots__ = ("seq", "fields", "text", "starts", "ends", "snippets", "nbytes")

    def __init__(self, row: dict[str, Any]) -> None:
        joined, self.starts, self.ends = prepare(row)
        self.seq = row["seq"]
        self.fields: dict[str, Any] = {name: row.get(name) for name in HIT_FIELDS}
        self.text = joined
        self.snippets: dict[Marks | None, str] = {}
        self.nbytes = sys.getsizeof(self.text) + _FIELDS_BYTES + sum(
            len(value) for value in self.fields.values() if isinstance(value, str))

    def source(self) -> Source:
        return Source(self.text, self.starts, self.ends)


class HitRows:
    """The live rows of fiches by id, read from ``store`` and cached within ``max_bytes`` (snippets
    included), least recently used out first. Thread-safe."""

    def __init__(self, store: Any, max_bytes: int = HIT_CACHE_BYTES) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self._rows: OrderedDict[str, _Row] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, ids: list[str]) -> dict[str, _Row]:
        """The live fiches among ``ids``, as they are in the store now: the sequence numbers of those
        cached are read first (one small statement), then in full the others and those that changed. (A
        cached row kept is worth more than the statement: its snippets are made already.)"""
        if not ids:
            return {}
        with self._lock:
            cached = {fiche_id: row for fiche_id in ids if (row := self._rows.get(fiche_id)) is not None}
        out: dict[str, _Row] = {}
        missing = ids
        if cached:
            versions = self.store.fetch_rows(list(cached), ("seq",))
            out = {fiche_id: row for fiche_id, row in cached.items()
                   if fiche_id in versions and versions[fiche_id]["seq"] == row.seq}
            # not cached, or changed since (a cached fiche no longer in the store is deleted)
            missing = [fiche_id for fiche_id in ids if fiche_id not in out and (
                fiche_id not in cached or fiche_id in versions)]
        if missing:
            fresh = {fiche_id: _Row(row) for fiche_id, row in
                     self.store.fetch_rows(missing, ("seq", *ROW_FIELDS)).items()}
            out.update(fresh)
        with self._lock:
            for fiche_id, row in out.items():
                old = self._rows.get(fiche_id)
                if old is not row:
                    self._bytes += row.nbytes - (old.nbytes if old is not None else 0)
                self._rows[fiche_id] = row
                self._rows.move_to_end(fiche_id)
            self._trim()
        return out

    def snippet(self, row: _Row, wanted: Marks | None) -> str:
        """The snippet of ``row`` for these marks, made once."""
        found = row.snippets.get(wanted)
        if found is not None:
            return found
        found = snippet(row.source(), wanted)
        with self._lock:
            delta = sys.getsizeof(found)
            if len(row.snippets) >= SNIPPETS_PER_ROW:
                delta -= sum(sys.getsizeof(v) for v in row.snippets.values())
                row.snippets.clear()
            row.snippets[wanted] = found
            row.nbytes += delta
            if self._rows.get(row.fields["id"]) is row:  # still cached: its bytes count
                self._bytes += delta
                self._trim()
        return found

    def _trim(self) -> None:
        while self._bytes > self.max_bytes and self._rows:
            _, old = self._rows.popitem(last=False)
            self._bytes -= old.nbytes

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
            self._bytes = 0


def build_hits(snap: Snapshot, rows: HitRows, docs: list[int], scores: np.ndarray | None,
               query: TextQuery | None, result: np.ndarray) -> list[dict[str, Any]]:
    """One hit per document of ``docs``; a document of a near-duplicate group is replaced by the group's
    most recent fiche in ``result``, the others listed in ``autres`` with a label saying what differs."""
    ids = snap.ids
    leaders = {d: [ids[m] for m in groups.members(snap, d, result)] for d in docs}
    found = rows.get(list(dict.fromkeys(fiche_id for members in leaders.values() for fiche_id in members)))
    wanted = marks(query)
    page_scores = scores[docs].tolist() if scores is not None else [0.0] * len(docs)
    hits = []
    for d, value in zip(docs, page_scores):
        lead, *rest = leaders[d]
        row = found.get(lead)
        if row is None:  # deleted from the store, index not yet synced
            continue
        hit = dict(row.fields)
        for name in _LIST_FIELDS:  # the caller's own lists: the cached row stays as read
            if isinstance(hit[name], list):
                hit[name] = list(hit[name])
        group = [found[m].fields for m in rest if m in found]
        hit["duplicates"] = [r["id"] for r in group]
        hit["autres"] = [{name: r.get(name) for name in OTHER_FIELDS} for r in group]
        hit["libelle_doublons"] = groups.label(row.fields, group)
        hit["snippet"] = rows.snippet(row, wanted)
        hit["score"] = round(value, 4) if math.isfinite(value) else 0.0  # the group's place in the ranking
        hits.append(hit)
    return hits
