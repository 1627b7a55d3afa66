"""A term's postings in one segment, read straight from Whoosh's postings file into numpy arrays.

Whoosh's matcher decodes a posting list block by block (128 postings a block) with a Python loop over the
document numbers of each block (``delta_decode``) and over its weights. Here the term's whole extent is
read at once, each block's pickled header and zlib-compressed data are unpacked (C calls), and the
delta-coded document numbers of every block are summed in one ``np.cumsum``. Same result as Whoosh's
``W3LeafMatcher`` (the format of ``whoosh.codec.whoosh3.W3PostingsWriter``), deleted documents included.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import zlib
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib import format as npy_format
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE, unpack_int

from app.search import lexicons, npy

Postings = tuple[np.ndarray, np.ndarray]  # (docnums int64, weights float32)


def read_term(segreader: Any, field: str, text: str) -> Postings | None:
    """(docnums in the segment, weights) of a term, or None when the segment hasn't the term."""
    terms = segreader._terms
    try:
        info = terms.term_info(field, segreader._text_to_bytes(field, text))
    except (TermNotFound, KeyError):
        return None
    if info.is_inlined():
        ids, weights, _ = info.inlined_postings()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)
    offset, length = info.extent()
    if isinstance(length, tuple):  # Whoosh 2.7 reads it back as ``struct.unpack``'s tuple
        length = length[0]
    return decode(terms._postfile.get(offset, length))


def decode(raw: bytes) -> Postings:
    """Every block of one posting list (as ``W3PostingsWriter`` writes it) as two arrays."""
    if raw[: len(WHOOSH3_HEADER_MAGIC)] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("en-tête de bloc de postings invalide")
    stream = io.BytesIO(raw)
    pos = len(WHOOSH3_HEADER_MAGIC)
    deltas: list[tuple[int, ...]] = []
    weights: list[Any] = []
    counts: list[int] = []
    last_ids: list[int] = []
    while True:
        (size,) = unpack_int(raw[pos : pos + _INT_SIZE])
        start = pos + _INT_SIZE
        end = start + abs(size)
        stream.seek(start)
        count, last_id, _, compression, _, _ = pickle.load(stream)  # the block's header
        data = raw[stream.tell() : end]
        block_ids, block_weights, _ = pickle.loads(zlib.decompress(data) if compression else data)
        deltas.append(block_ids)
        weights.append(block_weights)
        counts.append(count)
        last_ids.append(last_id)
        pos = end
        if size < 0 or pos >= len(raw):  # a negative size marks the last block
            break
    total = sum(counts)
    ids = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=total)
    if len(counts) > 1:  # each block's first number is absolute: undo the previous blocks' sum
        starts = np.cumsum(counts[:-1])
        ids[starts] -= np.asarray(last_ids[:-1], dtype=np.int64)
    np.cumsum(ids, out=ids)
    return ids, _weights(weights, counts, total)


def _weights(blocks: list[Any], counts: list[int], total: int) -> np.ndarray:
    """A block's weights are None (all 1), one float (all equal) or one per posting."""
    if all(isinstance(b, tuple) for b in blocks):
        return np.fromiter(chain.from_iterable(blocks), dtype=np.float32, count=total)
    out = np.empty(total, dtype=np.float32)
    at = 0
    for block, count in zip(blocks, counts):
        out[at : at + count] = 1.0 if block is None else block
        at += count
    return out


# -- postings as arrays next to each segment ----------------------------------------------------------

FIELDS = ("title", "kw", "resume", "body", "pairs")  # the fields search reads postings of
ARRAYS = ("po", "pd", "pw")  # offsets (into the two others) by term, docnums, weights


def array_path(gen_dir: Path, segment_id: str, field: str, name: str) -> Path:
    return gen_dir / f"{segment_id}.fc_{name}_{field}.npy"


MERGED = "merged"  # the segment id of a generation's merged postings (``app.search.merged``)
SUMS = "sums"  # the field of the merged segments' term sums (``app.search.termsums``)
MERGED_SEGMENTS = f"{MERGED}.fc_segments.json"  # the segments they hold: [[segment id, document offset], …]
BUILT = "built_postings"  # a segment reader's attribute: field → (docnums, weights) of each term, in order


def write(gen_dir: Path, segreader: Any, save: Any) -> None:
    """Save a segment's postings of ``FIELDS`` with ``save(path, array)``, term by term in the order of its
    lexicon (``lexicons``, saved beside): offsets, docnums (uint16 when the segment allows) and weights
    (uint16 when they are term counts, else float32). A field's postings are read from the segment's
    postings file, or taken from the reader's ``BUILT`` attribute when the writer left them there (a full
    build: ``segwrite`` has them in memory)."""
    segment_id = segreader.segment().segment_id()
    names = set(segreader.indexed_field_names())
    small = segreader.doc_count_all() <= 1 << 16
    built = getattr(segreader, BUILT, None) or {}
    for field in FIELDS:
        docs: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        if field in built:
            docs, weights = built[field]
        elif field in names:
            for text, _ in segreader.iter_field(field):
                found = read_term(segreader, field, text.decode("utf-8") if isinstance(text, bytes) else text)
                if found is not None:
                    docs.append(found[0])
                    weights.append(found[1])
        offsets = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum([len(d) for d in docs], out=offsets[1:])
        all_docs = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
        all_weights = np.concatenate(weights) if weights else np.zeros(0, dtype=np.float32)
        counts = bool(np.all((all_weights >= 0) & (all_weights < 1 << 16) & (all_weights == np.round(all_weights))))
        save(array_path(gen_dir, segment_id, field, "po"), offsets)
        save(array_path(gen_dir, segment_id, field, "pd"), all_docs.astype(np.uint16 if small else np.uint32))
        save(array_path(gen_dir, segment_id, field, "pw"), all_weights.astype(np.uint16 if counts else np.float32))


class SegmentPostings:
    """One segment's saved postings of a field, looked up by term. The terms and offsets are memory-mapped;
    a term's docnums and weights are read with ``os.pread`` (copies the size of the answer), so the pages of
    the big arrays are never mapped into the serving process (its RSS)."""

    def __init__(self, gen_dir: Path, segment_id: str, field: str, terms: np.ndarray) -> None:
        self.terms = terms
        self.offsets = npy.load(array_path(gen_dir, segment_id, field, "po"))
        self._files = [_Column(array_path(gen_dir, segment_id, field, name)) for name in ("pd", "pw")]
        docs, weights = self._files
        if (self.offsets.shape != (len(terms) + 1,) or docs.length != weights.length
                or int(self.offsets[-1]) != docs.length):
            self.close()
            raise ValueError(f"postings enregistrées incohérentes : {segment_id} {field}")

    def get(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(docnums, weights) of a term as saved (uint16 or uint32, uint16 or float32), or None."""
        key = text.encode("utf-8")
        i = int(np.searchsorted(self.terms, key))
        if i >= len(self.terms) or self.terms[i] != key:
            return None
        lo, hi = int(self.offsets[i]), int(self.offsets[i + 1])
        docs, weights = self._files
        return docs.read(lo, hi), weights.read(lo, hi)

    def close(self) -> None:
        for column in self._files:
            os.close(column.fd)


class _Column:
    """A one-dimensional ``.npy`` file read by slices (``os.pread``)."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDONLY)
        try:
            with open(path, "rb") as handle:
                version = npy_format.read_magic(handle)
                read_header = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
                shape, fortran, self.dtype = read_header(handle)
                self.start = handle.tell()
            if len(shape) != 1 or fortran or self.dtype.hasobject:
                raise ValueError(f"tableau de postings inattendu : {path.name}")
            self.length = int(shape[0])
            if os.fstat(self.fd).st_size < self.start + self.length * self.dtype.itemsize:
                raise ValueError(f"tableau de postings tronqué : {path.name}")
        except BaseException:
            os.close(self.fd)
            raise

    def read(self, lo: int, hi: int) -> np.ndarray:
        size = self.dtype.itemsize
        return np.frombuffer(os.pread(self.fd, (hi - lo) * size, self.start + lo * size), dtype=self.dtype)


def saved(gen_dir: Path, segment_id: str, field: str, terms: np.ndarray | None) -> SegmentPostings | None:
    """A segment's saved postings of ``field`` (``terms``: its saved lexicon), or None when it has none (an
    index written by an older version) or they don't match it: its postings are then read from Whoosh's file."""
    if terms is None or field not in (*FIELDS, SUMS):
        return None
    try:
        return SegmentPostings(gen_dir, segment_id, field, terms)
    except (OSError, ValueError):
        return None


class Reader:
    """A term's postings over every segment of an open index: from the generation's merged arrays for the
    segments they hold (``app.search.merged``), from the saved arrays of a segment that has them, else from
    Whoosh's postings file. Not thread-safe (the snapshot's lock guards it)."""

    def __init__(self, gen_dir: Path, leaves: list[tuple[Any, int]]) -> None:
        self.gen_dir = gen_dir
        self.leaves = [(segreader, offset) for segreader, offset in leaves if segreader.segment() is not None]
        self._saved: dict[tuple[int, str], SegmentPostings | None] = {}
        self.listed: list[Any] = []  # the merged segments in use, as ``merged.merge`` listed them
        self.merged = self._merged_count()  # the leading segments read from the merged arrays
        # the first document of the segments read one by one (all of them when nothing is merged)
        self.tail_start = int(self.leaves[self.merged][1]) if self.merged < len(self.leaves) else None

    def _merged_count(self) -> int:
        try:
            listed = json.loads((self.gen_dir / MERGED_SEGMENTS).read_text())
        except (OSError, ValueError):
            return 0
        ours = [[segreader.segment().segment_id(), int(offset)] for segreader, offset in self.leaves[: len(listed)]]
        if isinstance(listed, list) and len(listed) > 1 and ours == listed:
            self.listed = listed
            return len(listed)
        return 0

    def sums(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(document numbers, field sums) of a term over the merged segments (``termsums``), or None when
        the generation has no sums (empty arrays when it has them but not the term)."""
        if not self.merged:
            return None
        found = self._segment(-1, SUMS)
        if found is None:
            return None
        return found.get(text) or (np.zeros(0, dtype=np.uint32), np.zeros(0))

    def _segment(self, k: int, field: str) -> SegmentPostings | None:
        key = (k, field)
        if key not in self._saved:
            segment_id = MERGED if k < 0 else self.leaves[k][0].segment().segment_id()
            self._saved[key] = saved(self.gen_dir, segment_id, field, lexicons.terms(self.gen_dir, segment_id, field))
        return self._saved[key]

    def read(self, field: str, text: str, tail: bool = False) -> Postings | None:
        """(docnums in the whole index as int32, weights as float32) of a term, or None when no segment has
        it: the segments' parts are written once into arrays of the answer's size. ``tail``: in the segments
        after the merged ones only."""
        parts: list[tuple[int, np.ndarray, np.ndarray]] = []
        first = self.merged if tail else 0
        merged = self._segment(-1, field) if self.merged and not tail else None
        if merged is not None:  # the generation's first segments at once (document numbers already global)
            found = merged.get(text)
            if found is not None and len(found[0]):
                parts.append((0, found[0], found[1]))
            first = self.merged
        for k in range(first, len(self.leaves)):
            segreader, offset = self.leaves[k]
            part = self._segment(k, field)
            found = part.get(text) if part is not None else read_term(segreader, field, text)
            if found is not None and len(found[0]):
                parts.append((offset, found[0], found[1]))
        if not parts:
            return None
        total = sum(len(docs) for _, docs, _ in parts)
        ids = np.empty(total, dtype=np.int32)
        weights = np.empty(total, dtype=np.float32)
        at = 0
        for offset, docs, part_weights in parts:
            stop = at + len(docs)
            ids[at:stop] = docs
            ids[at:stop] += offset
            weights[at:stop] = part_weights
            at = stop
        return ids, weights

    def close(self) -> None:
        for part in self._saved.values():
            if part is not None:
                part.close()
        self._saved.clear()
