"""A faster way to write one whole Whoosh segment of documents whose text is already analysed.

Whoosh's ``SegmentWriter.add_document`` analyses every field again (its tokenizer and filters make a token
object per word), puts each posting in a pool as a tuple, sorts the pool when the segment is flushed and
hands each posting to the codec through three Python calls. A full build (``fullbuild``) knows each
document's terms already (``indexer.analysed``: one pass over the text gives the fields' terms and the
thesaurus pairs), so ``SegmentPostings`` keeps, per field and term, the document numbers and frequencies
in lists (documents come in number order: no sort but the terms'), and ``flush`` writes each term's blocks
at once. What lands on disk is what Whoosh's writer writes for the same documents, byte for byte (pinned
in ``tests/search/test_segwrite.py``): stored fields, lengths and columns still go through Whoosh's
per-document writer, fields without analysed terms (id, numbers) through Whoosh's own ``field.index``.
"""

from __future__ import annotations

import types
from array import array
from collections.abc import Mapping
from typing import Any

from whoosh import formats
from whoosh.system import pack_uint
from whoosh.util.text import utf8encode

from app.search.segments import length_table

_FREQ_BYTES = [pack_uint(i) for i in range(256)]  # a Frequency posting's value: its term count
Term = tuple[list[int], list[float], list[bytes | None]]  # a term's docnums, weights and values


class SegmentPostings:
    """The postings of one segment being written by a ``SegmentWriter`` (in place of its pool)."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        # field → term bytes → (docnums, weights, values)
        self.fields: dict[str, dict[bytes, Term]] = {}
        writer._flush_segment = types.MethodType(_flush, writer)
        writer._fast_postings = self

    def add(self, doc: Mapping[str, Any], analysed: Mapping[str, Mapping[str, int]]) -> None:
        """Add a document (field → value, as ``add_document`` takes them) whose terms of the fields in
        ``analysed`` are given there (term → count), as Whoosh's analyzers of these fields give them."""
        writer = self.writer
        writer._check_state()
        schema = writer.schema
        perdoc = writer.perdocwriter
        docnum = writer.docnum
        perdoc.start_doc(docnum)
        for name in sorted(name for name in doc if not name.startswith("_")):
            value = doc[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                terms = self.fields.get(name)
                if terms is None:
                    terms = self.fields[name] = {}
                counts = analysed.get(name)
                if counts is not None:
                    length = self._add_counts(terms, field, docnum, counts)
                else:
                    for tbytes, freq, weight, vbytes in field.index(value):
                        length += freq
                        _append(terms, tbytes, docnum, weight, vbytes)
                if not field.scorable:
                    length = 0
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        writer._added = True
        writer.docnum += 1

    @staticmethod
    def _add_counts(terms: dict[bytes, Term], field: Any, docnum: int, counts: Mapping[str, int]) -> int:
        if type(field.format) is not formats.Frequency:
            raise TypeError(f"termes analysés pour un champ de format {type(field.format).__name__}")
        boost = field.format.field_boost
        length = 0
        for text, freq in counts.items():
            length += freq
            weight = freq * boost
            vbytes = _FREQ_BYTES[freq] if freq < 256 else pack_uint(freq)
            tbytes = utf8encode(text)[0]
            found = terms.get(tbytes)
            if found is None:
                terms[tbytes] = ([docnum], [weight], [vbytes])
            else:
                found[0].append(docnum)
                found[1].append(weight)
                found[2].append(vbytes)
        return length


def _append(terms: dict[bytes, Term], tbytes: bytes, docnum: int, weight: float, vbytes: bytes | None) -> None:
    found = terms.get(tbytes)
    if found is None:
        found = terms[tbytes] = ([], [], [])
    found[0].append(docnum)
    found[1].append(weight)
    found[2].append(vbytes)


def _flush(self: Any) -> None:
    """``SegmentWriter._flush_segment`` from the ``SegmentPostings`` (fields and terms in sorted order, as
    Whoosh's sorted pool gives them)."""
    self.perdocwriter.close()
    perdoc = self.per_document_reader() if self.codec.length_stats else None
    fieldwriter = self.fieldwriter
    try:
        for name, terms in sorted(self._fast_postings.fields.items()):
            if not terms:
                continue
            field = self.schema[name]
            lengths = length_table(perdoc, name) if perdoc is not None else []
            fieldwriter.start_field(name, field)
            for tbytes in sorted(terms):
                fieldwriter.start_term(tbytes)
                _write_term(fieldwriter._postwriter, terms[tbytes], lengths)
                fieldwriter.finish_term()
            fieldwriter.finish_field()
        fieldwriter.close()
    finally:
        if perdoc is not None:
            perdoc.close()


def _write_term(postwriter: Any, term: Term, lengths: list[int | None]) -> None:
    """Give ``postwriter`` (a ``W3PostingsWriter`` started on a term) the term's postings a block at a time:
    the blocks, statistics and inlining of one ``add_posting`` call per posting."""
    docnums, weights, values = term
    limit = postwriter._blocklimit
    n = len(docnums)
    for start in range(0, n, limit):
        if start:
            postwriter._write_block()
        end = min(start + limit, n)
        ids = docnums[start:end]
        block_weights = weights[start:end]
        postwriter._ids = array("I", ids)
        postwriter._weights = array("f", block_weights)
        postwriter._values = [v for v in values[start:end] if v]
        postwriter._maxweight = max(0, max(block_weights))
        found = [length for length in (lengths[d] if d < len(lengths) else 0 for d in ids) if length]
        postwriter._minlength = min(found) if found else None
        postwriter._maxlength = max(found) if found else 0
