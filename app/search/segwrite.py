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
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from whoosh import formats
from whoosh.util.text import utf8encode

from app.search import postings as saved_postings
from app.search.segments import length_table

Term = tuple[list[int], list[float], list[bytes | None]]  # a term's docnums, weights and values
_SHIFT = 32  # an analysed posting is one int: docnum << _SHIFT | term count in the document
_FREQ_MASK = (1 << _SHIFT) - 1


class SegmentPostings:
    """The postings of one segment being written by a ``SegmentWriter`` (in place of its pool)."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.counted: dict[str, defaultdict[str, list[int]]] = {}  # analysed field → term → postings
        self.other: dict[str, dict[bytes, Term]] = {}  # other indexed field → term bytes → postings
        # once flushed: the postings of ``postings.FIELDS``, term by term (``postings.write`` saves them)
        self.arrays: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {}
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
                counts = analysed.get(name)
                if counts is not None:
                    length = self._add_counts(name, field, docnum, counts)
                else:
                    for tbytes, freq, weight, vbytes in field.index(value):
                        length += freq
                        _append(self.other.setdefault(name, {}), tbytes, docnum, weight, vbytes)
                if not field.scorable:
                    length = 0
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        writer._added = True
        writer.docnum += 1

    def _add_counts(self, name: str, field: Any, docnum: int, counts: Mapping[str, int]) -> int:
        if type(field.format) is not formats.Frequency:
            raise TypeError(f"termes analysés pour un champ de format {type(field.format).__name__}")
        terms = self.counted.get(name)
        if terms is None:
            terms = self.counted[name] = defaultdict(list)
        base = docnum << _SHIFT
        length = 0
        for text, freq in counts.items():
            length += freq
            terms[text].append(base | freq)
        if length > _FREQ_MASK:
            raise ValueError("document trop long pour l'index")
        return length


def _append(terms: dict[bytes, Term], tbytes: bytes, docnum: int, weight: float, vbytes: bytes | None) -> None:
    found = terms.get(tbytes)
    if found is None:
        found = terms[tbytes] = ([], [], [])
    found[0].append(docnum)
    found[1].append(weight)
    found[2].append(vbytes)


def _flush(self: Any) -> None:
    """``SegmentWriter._flush_segment`` from the ``SegmentPostings``: fields and terms in sorted order, as
    Whoosh's sorted pool gives them (UTF-8 bytes sort as their strings do)."""
    self.perdocwriter.close()
    perdoc = self.per_document_reader() if self.codec.length_stats else None
    fieldwriter = self.fieldwriter
    postings: SegmentPostings = self._fast_postings
    try:
        for name in sorted(set(postings.counted) | set(postings.other)):
            kept: tuple[list[np.ndarray], list[np.ndarray]] | None = None
            if name in saved_postings.FIELDS:
                kept = postings.arrays[name] = ([], [])
            field = self.schema[name]
            table = length_table(perdoc, name) if perdoc is not None else []
            lengths = np.array([length or 0 for length in table], dtype=np.int64)
            counted = postings.counted.get(name)
            terms = _counted_terms(counted, field.format.field_boost) if counted else \
                _other_terms(postings.other.get(name, {}))
            started = False
            for tbytes, docs, weights, values, joined in terms:
                if not started:
                    fieldwriter.start_field(name, field)
                    started = True
                fieldwriter.start_term(tbytes)
                _write_term(fieldwriter._postwriter, docs, weights, values, joined, lengths)
                fieldwriter.finish_term()
                if kept is not None:
                    kept[0].append(docs)
                    kept[1].append(np.asarray(weights, dtype=np.float32))
            if started:
                fieldwriter.finish_field()
        fieldwriter.close()
    finally:
        if perdoc is not None:
            perdoc.close()


Decoded = tuple[bytes, np.ndarray, list[float], list[Any], bool]  # term, docnums, weights, values, joined


def _counted_terms(terms: Mapping[str, list[int]], boost: float) -> Iterator[Decoded]:
    """An analysed field's terms in order, each with its docnums, weights (count × the field's boost) and
    values (the packed counts, joined in one item)."""
    for text in sorted(terms):
        packed = np.asarray(terms[text], dtype=np.int64)
        freqs = packed & _FREQ_MASK
        yield utf8encode(text)[0], packed >> _SHIFT, (freqs * boost).tolist(), [freqs.astype(">u4").tobytes()], True


def _other_terms(terms: Mapping[bytes, Term]) -> Iterator[Decoded]:
    for tbytes in sorted(terms):
        docs, weights, values = terms[tbytes]
        yield tbytes, np.asarray(docs, dtype=np.int64), weights, [v for v in values if v], False


def _write_term(postwriter: Any, docs: np.ndarray, weights: list[float], values: list[Any], joined: bool,
                lengths: np.ndarray) -> None:
    """Give ``postwriter`` (a ``W3PostingsWriter`` started on a term) the term's postings a block at a time:
    the blocks, statistics and inlining of one ``add_posting`` call per posting. ``values``: the postings'
    non-empty values or, ``joined``, their concatenation in one item (a format of fixed-size values, which
    the block joins anyway)."""
    limit = postwriter._blocklimit
    n = len(docs)
    size = postwriter._format.fixed_value_size() or 0
    if joined and size <= 0:
        raise ValueError("valeurs jointes pour un format sans taille fixe")
    for start in range(0, n, limit):
        if start:
            postwriter._write_block()
        end = min(start + limit, n)
        block = docs[start:end]
        block_weights = weights[start:end]
        postwriter._ids = array("I", block.tolist())
        postwriter._weights = array("f", block_weights)
        if joined:
            postwriter._values = [values[0][start * size : end * size]]
        else:
            postwriter._values = values[start:end]
        postwriter._maxweight = max(0, max(block_weights))
        found = lengths[block[block < len(lengths)]] if len(lengths) else np.zeros(0, dtype=np.int64)
        found = found[found > 0]
        postwriter._minlength = int(found.min()) if len(found) else None
        postwriter._maxlength = int(found.max()) if len(found) else 0
