"""How the index is written: segments of bounded size, a merge policy that leaves big segments alone, and
a faster read of field lengths while a segment is flushed.

Whoosh's default policy (``MERGE_SMALL``) merges every segment while there are fewer than five: each
catch-up of a single fiche rewrote the whole index into one giant segment. Here a commit merges only the
small segments (catch-ups) together, and a big one only when many of its documents are deleted; a build
commits every ``SEGMENT_DOCS`` documents, so each segment's postings fit in the writer's memory
(``LIMIT_MB``) and are sorted there instead of spilling to temporary files.

While flushing a segment, Whoosh reads a document's field length for every posting through several
layers of Python (a third of a build); ``fast_flush`` gives it the lengths read once per field instead.
"""

from __future__ import annotations

import types
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length

SEGMENT_DOCS = 5_000  # documents per segment written by a build
LIMIT_MB = 512  # the writer's posting pool: a segment of SEGMENT_DOCS fiches sorts in memory
SMALL_DOCS = 1_000  # segments below this size are merged together at each commit
DELETED_SHARE = 0.3  # a segment with more deleted documents than this is merged (compacted)
_LENGTHS = [byte_to_length(b) if b else None for b in range(256)]


def merge_policy(writer: Any, segments: list[Any]) -> list[Any]:
    """Merge the small segments together (and the ones mostly deleted); leave the others alone."""
    merge = [s for s in segments if s.doc_count_all() < SMALL_DOCS
             or s.deleted_count() > DELETED_SHARE * max(s.doc_count_all(), 1)]
    if len(merge) < 2 and not any(s.deleted_count() for s in merge):
        return segments
    for segment in merge:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in merge]


def no_merge(writer: Any, segments: list[Any]) -> list[Any]:
    return segments


class _Lengths:
    """``doc_field_length`` from tables read once per field (what Whoosh's per-document reader gives)."""

    def __init__(self, perdoc: Any) -> None:
        self._perdoc = perdoc
        self._tables: dict[str, list[int | None]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        table = self._tables.get(fieldname)
        if table is None:
            table = self._tables[fieldname] = length_table(self._perdoc, fieldname)
        return table[docnum] if docnum < len(table) else default

    def close(self) -> None:
        self._perdoc.close()


def length_table(perdoc: Any, fieldname: str) -> list[int | None]:
    """Every document's length of a field (None for 0, as Whoosh gives it), from one read of its column."""
    reader = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if reader is None:
        return []
    raw = reader._dbfile.get(reader._basepos, reader._count) if reader._count else b""
    table = [_LENGTHS[b] for b in raw]
    return table + [None] * (reader._doccount - len(table))


def _flush_segment(self: Any) -> None:
    """``SegmentWriter._flush_segment`` with the field lengths read once (see ``_Lengths``)."""
    self.perdocwriter.close()
    lengths = _Lengths(self.per_document_reader()) if self.codec.length_stats else None
    self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
    self.fieldwriter.close()
    if lengths is not None:
        lengths.close()


def fast_flush(writer: Any) -> Any:
    """The writer, flushing its segment with ``_flush_segment`` above."""
    writer._flush_segment = types.MethodType(_flush_segment, writer)
    return writer
