"""The hits of a result page: one entry per action, its short fields, its near-duplicates and a snippet.

The store is the source of truth: a fiche changed since the index was last synced shows its new text, a
deleted one is no longer listed. A page's rows come, in this order, from a cache bounded in bytes (each
row with its snippet text prepared, ``highlight.Source``, and the snippets already made for it), from the
page rows written beside the index (``pagerows``), and from the store. Each row knows a write sequence
number of the store at which it was the fiche as stored (``as_of``); a page first reads the store's last
one (one small statement): a row known as of that number is taken as it is, the others are checked by
their own sequence numbers (``Fiche.seq``, one statement), and those that moved are read again.
"""

from __future__ import annotations

import math
import sys
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from app.search import groups
from app.search.clauses import TextQuery
from app.search.highlight import Marks, Source, marks, prepare, snippet
from app.search.pagerows import HIT_FIELDS, ROW_FIELDS, Record

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot

__all__ = ["HIT_FIELDS", "ROW_FIELDS", "HitRows", "build_hits"]

OTHER_FIELDS = ("id", "title", "structure", "year")  # the other fiches of a near-duplicate group
HIT_CACHE_BYTES = 4 << 20  # rows kept (their short fields, snippet text, snippets made)
SNIPPETS_PER_ROW = 4  # snippets kept per row (one per query that showed it); then they start again
_LIST_FIELDS = ("mots_cles", "public")  # hit fields holding lists
_FIELDS_BYTES = 2304  # a row's short fields and bookkeeping beyond their texts' characters (as measured)


class _Row:
    """A fiche as its hits show it, with write sequence number ``seq``, known to be the fiche as stored
    while the store's last write sequence number is ``as_of``: its short fields, its snippet text and the
    snippets already made. (The text was kept as UTF-8, half the bytes of a ``str`` holding one character
    beyond Latin-1; decoding it again for every snippet cost 4 µs of the 60 µs a new row cost a page, and
    the cache is bounded in bytes either way.)"""

    __slots__ = ("seq", "as_of", "fields", "text", "starts", "ends", "snippets", "nbytes")

    def __init__(self, seq: int, as_of: int, fields: dict[str, Any], text: str, starts: list[int],
                 ends: list[int]) -> None:
        self.seq = seq
        self.as_of = as_of
        self.fields = fields
        self.text = text
        self.starts = starts
        self.ends = ends
        self.snippets: dict[Marks | None, str] = {}
        self.nbytes = sys.getsizeof(text) + _FIELDS_BYTES + sum(
            len(value) for value in fields.values() if isinstance(value, str))

    @classmethod
    def stored(cls, row: dict[str, Any], as_of: int) -> _Row:
        """From a store row (``ROW_FIELDS`` and ``seq``)."""
        return cls(row["seq"], as_of, {name: row.get(name) for name in HIT_FIELDS}, *prepare(row))

    @classmethod
    def recorded(cls, record: Record, as_of: int) -> _Row:
        """From a page row record (``pagerows``)."""
        seq, values, text, starts, ends = record
        return cls(seq, as_of, dict(zip(HIT_FIELDS, values)), text, starts, ends)

    def source(self) -> Source:
        return Source(self.text, self.starts, self.ends)


class HitRows:
    """The live rows of fiches by id, cached within ``max_bytes`` (snippets included), least recently used
    out first. Thread-safe."""

    def __init__(self, store: Any, max_bytes: int = HIT_CACHE_BYTES) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self._rows: OrderedDict[str, _Row] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, wanted: Mapping[str, int | None], snap: Snapshot | None = None) -> dict[str, _Row]:
        """The live fiches among ``wanted`` (fiche id → its document number in ``snap``; None: none), as
        the store holds them now."""
        if not wanted:
            return {}
        now = self.store.seq_now()
        with self._lock:
            cached = {fiche_id: row for fiche_id in wanted if (row := self._rows.get(fiche_id)) is not None}
        unsure = {fiche_id: row for fiche_id, row in cached.items() if row.as_of != now}
        out = {fiche_id: row for fiche_id, row in cached.items() if row.as_of == now}
        if snap is not None:  # a generation's page rows are the fiches as stored at its watermark
            docs = {doc: fiche_id for fiche_id, doc in wanted.items() if fiche_id not in cached and doc is not None}
            as_of = snap.watermark if snap.watermark is not None else -1
            for doc, record in snap.page_rows.get(docs).items():
                row = _Row.recorded(record, as_of)
                if row.fields["id"] == docs[doc]:
                    (out if as_of == now else unsure)[docs[doc]] = row
        missing = [fiche_id for fiche_id in wanted if fiche_id not in out and fiche_id not in unsure]
        if unsure:
            versions = self.store.fetch_rows(list(unsure), ("seq",))
            for fiche_id, row in unsure.items():
                if fiche_id not in versions:
                    continue  # deleted
                if versions[fiche_id]["seq"] == row.seq:
                    row.as_of = now
                    out[fiche_id] = row
                else:
                    missing.append(fiche_id)
        if missing:
            out.update((fiche_id, _Row.stored(row, now)) for fiche_id, row in
                       self.store.fetch_rows(missing, ("seq", *ROW_FIELDS)).items())
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
    members = {d: groups.members(snap, d, result) for d in docs}
    leaders = {d: [ids[m] for m in docnums] for d, docnums in members.items()}
    found = rows.get({ids[m]: m for docnums in members.values() for m in docnums}, snap)
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
