"""Page rows: what a hit shows of each fiche, written beside each segment and read for a page without the store.

A page of hits shows each fiche's short fields and a snippet of its texts. Read from the store, a row cost
about 27 µs (SQLite's pages and the decoding of twelve text columns) and its snippet text 5 µs more to
prepare: two fifths of a refinement at 10,000 fiches (``bench/serve_bench.py``). So the writer keeps beside
each segment, in document order, each fiche's row as the store holds it when the segment is written:

    <segment>.fc_rows.bin          one JSON record per document: [write sequence number, the hit's short
                                   fields (``HIT_FIELDS`` order), the snippet text (``highlight.prepare``),
                                   where each of its texts starts, where each ends]; none (0 bytes) for a
                                   fiche the store no longer held
    <segment>.fc_rowoffsets.npy    int64 (n + 1): where each record starts (written last: it marks them
                                   complete)

A page reads each record with one ``pread``. The files are index files: listed in the manifest with their
size and checksum, and named like the segment's own, so Whoosh deletes them with it after a merge. A
segment without them (written by an older version) is read from the store, as is a record that cannot be
read.

When is a record the fiche as the store holds it now? The record was read after its fiche was indexed, and
a fiche written since has its document deleted in any generation that applied the write. So while nothing
was written after a generation's watermark, every live document's record is its fiche as it is now
(``hits.HitRows`` trusts it when the store's last write sequence number is the watermark, and compares
sequence numbers first otherwise).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from bisect import bisect_right
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from app.search import npy
from app.search.highlight import prepare
from app.search.schema import SNIPPET_SOURCES

log = logging.getLogger("fiches.search")

HIT_FIELDS = ("id", "title", "structure", "departement", "departement_code", "region", "year", "dimension",
              "mots_cles", "public", "territoire", "statut", "budget_eur", "etp", "duplicate_of", "truncated")
ROW_FIELDS = tuple(dict.fromkeys(HIT_FIELDS + SNIPPET_SOURCES))  # what a hit's row is made of
ROWS = "fc_rows.bin"
OFFSETS = "fc_rowoffsets.npy"
_READ_CHUNK = 500  # fiches read from the store at a time when a segment's records are written

# (write sequence number, short fields in HIT_FIELDS order, snippet text, its texts' starts, their ends)
Record = tuple[int, list[Any], str, list[int], list[int]]


def _path(gen_dir: Path, segment_id: str, name: str) -> Path:
    return gen_dir / f"{segment_id}.{name}"


def present(gen_dir: Path, segment_id: str) -> bool:
    return _path(gen_dir, segment_id, OFFSETS).exists()


def encode(row: dict[str, Any] | None) -> bytes:
    """The record of a store row (``ROW_FIELDS`` and ``seq``); none for a fiche the store no longer holds."""
    if row is None:
        return b""
    joined, starts, ends = prepare(row)
    return json.dumps([int(row.get("seq") or 0), [row.get(name) for name in HIT_FIELDS], joined, starts, ends],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write(gen_dir: Path, segment_id: str, rows: Iterable[dict[str, Any] | None]) -> None:
    """Write the records of a segment's documents (``rows``, in document order), each file atomically, the
    offsets last."""
    offsets = [0]
    records = _path(gen_dir, segment_id, ROWS)
    tmp = records.with_name(f".{records.name}.{uuid.uuid4().hex[:8]}.tmp")
    with tmp.open("wb") as handle:
        for row in rows:
            offsets.append(offsets[-1] + handle.write(encode(row)))
    os.replace(tmp, records)
    done = _path(gen_dir, segment_id, OFFSETS)
    tmp = done.with_name(f".{done.name}.{uuid.uuid4().hex[:8]}.tmp")
    with tmp.open("wb") as handle:
        np.save(handle, np.asarray(offsets, dtype=np.int64), allow_pickle=False)
    os.replace(tmp, done)


def from_store(gen_dir: Path, store: Any) -> Callable[[str, list[str]], None]:
    """A writer of a segment's records (given its fiche ids, in document order) from the store's rows."""
    def write_from_store(segment_id: str, ids: list[str]) -> None:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), _READ_CHUNK):
            found.update(store.fetch_rows(ids[start : start + _READ_CHUNK], ("seq", *ROW_FIELDS)))
        write(gen_dir, segment_id, (found.get(fiche_id) for fiche_id in ids))

    return write_from_store


def _read_at(fd: int, size: int, offset: int) -> bytes:
    """``size`` bytes at ``offset`` (``os.pread``; where there is none, Windows, a seek and a read: the
    reads of a file are one at a time, under ``PageRows``' lock)."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


class _SegmentRows:
    """One segment's records, opened on first use."""

    def __init__(self, gen_dir: Path, segment_id: str, doc_count: int) -> None:
        offsets = npy.load(_path(gen_dir, segment_id, OFFSETS), mmap=False)
        if offsets.shape != (doc_count + 1,) or offsets.dtype.kind not in "iu":
            raise ValueError(f"{segment_id} : {len(offsets) - 1} lignes de page pour {doc_count} documents")
        self.fd = os.open(_path(gen_dir, segment_id, ROWS), os.O_RDONLY | getattr(os, "O_BINARY", 0))
        if offsets[0] != 0 or np.any(np.diff(offsets) < 0) or offsets[-1] != os.fstat(self.fd).st_size:
            os.close(self.fd)
            raise ValueError(f"{segment_id} : positions des lignes de page incohérentes avec leur fichier")
        self.offsets = offsets

    def record(self, local: int) -> Record | None:
        start, end = int(self.offsets[local]), int(self.offsets[local + 1])
        if end <= start:
            return None
        seq, fields, joined, starts, ends = json.loads(_read_at(self.fd, end - start, start))
        if not (isinstance(seq, int) and isinstance(fields, list) and len(fields) == len(HIT_FIELDS)
                and isinstance(joined, str) and isinstance(starts, list) and isinstance(ends, list)
                and len(starts) == len(ends) and all(isinstance(v, int) for v in (*starts, *ends))):
            raise ValueError("enregistrement de ligne de page mal formé")
        return seq, fields, joined, starts, ends

    def close(self) -> None:
        os.close(self.fd)


class PageRows:
    """The records of a generation's segments, by document number (``segments``: each segment's first
    document number, id and document count, in order). Thread-safe."""

    def __init__(self, gen_dir: Path, segments: list[tuple[int, str, int]]) -> None:
        self.gen_dir = gen_dir
        self._segments = segments
        self._firsts = [first for first, _, _ in segments]
        self._opened: dict[int, _SegmentRows | None] = {}
        self._lock = threading.Lock()
        self._closed = False

    def get(self, docs: Iterable[int]) -> dict[int, Record]:
        """The records of ``docs`` that can be read (the others are read from the store)."""
        out: dict[int, Record] = {}
        with self._lock:  # a file is never closed under a read (``close``)
            if self._closed:
                return out
            for doc in docs:
                index = bisect_right(self._firsts, doc) - 1
                rows = self._open(index) if index >= 0 else None
                if rows is None:
                    continue
                try:
                    found = rows.record(doc - self._firsts[index])
                except (OSError, ValueError, TypeError, IndexError) as exc:  # never a reason not to serve
                    log.warning("ligne de page illisible (document %d de %s) : %s", doc, self.gen_dir.name, exc)
                    continue
                if found is not None:
                    out[doc] = found
        return out

    def _open(self, index: int) -> _SegmentRows | None:
        if index not in self._opened:
            _, segment_id, doc_count = self._segments[index]
            rows = None
            if present(self.gen_dir, segment_id):
                try:
                    rows = _SegmentRows(self.gen_dir, segment_id, doc_count)
                except (OSError, ValueError) as exc:
                    log.warning("lignes de page illisibles (%s de %s) : %s", segment_id, self.gen_dir.name, exc)
            self._opened[index] = rows
        return self._opened[index]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for rows in self._opened.values():
                if rows is not None:
                    rows.close()
            self._opened.clear()
