"""Each text term's BM25F field sum per document, precomputed for a full build's segments.

A term's BM25F score in a document is its idf times the saturation of a sum over the text fields,
``Σ tf / (k + c × length)`` (``scoring.term_scores``). At query time that sum cost four postings reads
(one per field), a normalisation of each, and a scatter into an array of every document: most of a fresh
query's time at 100,000 fiches, where the frequent words and their thesaurus expansions each hold most
documents. The sum depends on the query only through the term, so once a full build has merged its
postings (``app.search.merged``), ``write`` computes it for every term of the text fields and saves it
under the merged segment id as a field of its own, ``SUMS`` (``merged.fc_{po,pd,pw}_sums.npy``: offsets by
term, document numbers ascending, float64 sums; ``merged.fc_lex_sums.npy``: the terms), with the average
field lengths it was computed with (``merged.fc_sums.json``).

Those averages are then the generation's own while its first segments are still the merged ones: a
catch-up's documents are scored with them too (read from their field postings), so every document of a
generation is scored with the same averages, and the sums read for the merged segments are the bits the
fields would give. The averages are those of the full build until the next one (a catch-up of a few
percent of the catalogue moves them by about as much); a generation without sums scores every document
from its field postings, with the averages of its live documents, as before.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib import format as npy_format

from app.search import columns, lexicons, npy, postings
from app.search.columns import _atomic
from app.search.schema import TEXT_BOOSTS

SUMS = postings.SUMS  # the field name of the sums' arrays and lexicon, under ``postings.MERGED``
STATS = f"{postings.MERGED}.fc_sums.json"  # {"segments": [[segment id, offset], …], "avg_length": {field: avg}}
B = {"title": 0.3, "kw": 0.3, "resume": 0.6, "body": 0.75}  # BM25F's length normalisation by field


def field_part(tfs: np.ndarray, lengths: np.ndarray, field: str, avg: float, boost: float | None = None) -> np.ndarray:
    """A field's share of the sum at each posting: ``tf / (k + c × length)`` (the one formula, here and at
    query time: the same operations give the same bits)."""
    boost = TEXT_BOOSTS[field] if boost is None else boost
    b = B[field]
    k = (1.0 - b) / boost
    c = b / (avg * boost)
    part: np.ndarray = tfs / (k + c * lengths)
    return part


def average(lengths: np.ndarray) -> float:
    """Mean field length, 1.0 when there is nothing to average (never 0, never NaN)."""
    if not len(lengths):
        return 1.0
    mean = float(lengths.mean())
    return mean if np.isfinite(mean) and mean > 0 else 1.0


CHUNK_POSTINGS = 1 << 19  # postings summed at a time (53 MB of temporaries at most at 100,000 fiches)


def write(gen_dir: Path, leaves: list[tuple[str, int]], lengths: dict[str, np.ndarray], live: np.ndarray) -> None:
    """Save the sums of every text term over the merged segments ``leaves`` ((segment id, document offset),
    as ``merged.merge`` listed them), with ``lengths`` each field's length of every document and ``live`` the
    mask of live documents (the averages are over those, as a snapshot's are). Terms are summed a range at a
    time, ``CHUNK_POSTINGS`` postings at most (a term's postings are never split)."""
    avg = {field: average(lengths[field][live]) for field in TEXT_BOOSTS}
    fields = []
    for field in TEXT_BOOSTS:
        terms = lexicons.terms(gen_dir, postings.MERGED, field)
        if terms is None:
            raise ValueError(f"lexique fusionné manquant : {field}")
        offsets, docs, weights = (npy.load(postings.array_path(gen_dir, postings.MERGED, field, name))
                                  for name in postings.ARRAYS)
        fields.append((field, np.asarray(terms), np.asarray(offsets), docs, weights))
    union = np.unique(np.concatenate([terms for _, terms, _, _, _ in fields]))
    where = [np.searchsorted(union, terms) for _, terms, _, _, _ in fields]  # each field term's union index
    counts = np.zeros(len(union), dtype=np.int64)
    for (_, _, offsets, _, _), idx in zip(fields, where):
        counts[idx] += np.diff(offsets)
    before = np.concatenate(([0], np.cumsum(counts)))  # the postings of the terms before each one
    n = len(live)
    kept = np.zeros(len(union), dtype=np.int64)  # the documents each term's sums hold
    out = {name: _Stream(postings.array_path(gen_dir, postings.MERGED, SUMS, name)) for name in ("pd", "pw")}
    try:
        first = 0
        while first < len(union):
            last = max(first + 1, int(np.searchsorted(before, before[first] + CHUNK_POSTINGS, side="right")) - 1)
            keys, values = [], []
            for (field, _, offsets, docs, weights), idx in zip(fields, where):
                lo, hi = int(np.searchsorted(idx, first)), int(np.searchsorted(idx, last))
                a, b = int(offsets[lo]), int(offsets[hi])
                chunk_docs = np.asarray(docs[a:b], dtype=np.int64)
                terms_of = np.repeat(idx[lo:hi].astype(np.int64) - first, np.diff(offsets[lo : hi + 1]))
                keys.append(terms_of * n + chunk_docs)
                values.append(field_part(np.asarray(weights[a:b], dtype=np.float32), lengths[field][chunk_docs],
                                         field, avg[field]))
            # a stable sort keeps, for a (term, document), the fields in order: they are added in that order
            all_keys = np.concatenate(keys)
            order = np.argsort(all_keys, kind="stable")
            all_keys, all_values = all_keys[order], np.concatenate(values)[order]
            del keys, values, order
            starts = np.flatnonzero(np.concatenate(([True], all_keys[1:] != all_keys[:-1]))) if len(all_keys) \
                else np.zeros(0, dtype=np.int64)
            heads = all_keys[starts]
            kept[first:last] = np.bincount(heads // n, minlength=last - first)
            out["pd"].append((heads % n).astype(np.uint32))
            out["pw"].append(_sequential_sums(all_values, starts))
            first = last
        offsets_all = np.zeros(len(union) + 1, dtype=np.int64)
        np.cumsum(kept, out=offsets_all[1:])
        out["pd"].finish(np.dtype(np.uint32))
        out["pw"].finish(np.dtype(np.float64))
    finally:
        for stream in out.values():
            stream.discard()
    _atomic(postings.array_path(gen_dir, postings.MERGED, SUMS, "po"), offsets_all)
    _atomic(lexicons.terms_path(gen_dir, postings.MERGED, SUMS), union)
    _atomic(gen_dir / STATS, json.dumps({"segments": [[s, o] for s, o in leaves], "avg_length": avg}).encode())


class _Stream:
    """A one-dimensional ``.npy`` file written a chunk at a time (its length known at the end): the chunks
    go to a temporary file, then behind the header into the file's own temporary, renamed into place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.raw = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.raw")
        self.handle = self.raw.open("wb")
        self.count = 0

    def append(self, array: np.ndarray) -> None:
        self.handle.write(array.tobytes())
        self.count += len(array)

    def finish(self, dtype: np.dtype) -> None:
        self.handle.close()
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
        with tmp.open("wb") as target, self.raw.open("rb") as source:
            npy_format.write_array_header_1_0(target, {"descr": npy_format.dtype_to_descr(dtype),
                                                       "fortran_order": False, "shape": (self.count,)})
            shutil.copyfileobj(source, target, 1 << 20)
        os.replace(tmp, self.path)

    def discard(self) -> None:
        self.handle.close()
        self.raw.unlink(missing_ok=True)


def write_for(gen_dir: Path, reader: Any, leaves: list[tuple[str, int]]) -> None:
    """``write`` for the segments of ``reader`` (a full build's, just merged): their lengths and deletions
    read as a snapshot reads them."""
    parts, dead = [], []
    for segreader, offset in reader.leaf_readers():
        if segreader.segment() is None:
            continue
        parts.append(columns.load(gen_dir, segreader).lengths)
        if segreader.has_deletions():
            dead.append(offset + np.fromiter(segreader.segment().deleted_docs() or (), dtype=np.int64))
    lengths = np.concatenate(parts) if parts else np.zeros((0, len(TEXT_BOOSTS)))
    live = np.ones(len(lengths), dtype=bool)
    if dead:
        live[np.concatenate(dead)] = False
    write(gen_dir, leaves, {f: lengths[:, j].astype(np.float64) for j, f in enumerate(TEXT_BOOSTS)}, live)


def _sequential_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The sum of each run of ``values`` beginning at ``starts``, added left to right from its first value
    (the order and the bits of adding the fields one by one into an array of zeros)."""
    sums = values[starts].copy()
    ends = np.append(starts[1:], len(values))
    for step in range(1, int((ends - starts).max(initial=1))):  # at most one step per text field
        more = np.flatnonzero(ends - starts > step)
        sums[more] += values[starts[more] + step]
    summed: np.ndarray = sums
    return summed


def frozen_average(gen_dir: Path, listed: list[Any]) -> dict[str, float] | None:
    """The averages the sums were computed with, when they were computed for the segments ``listed`` (the
    generation's merged segments in use); None otherwise."""
    try:
        stats = json.loads((gen_dir / STATS).read_text(encoding="utf-8"))
        avg = {field: float(stats["avg_length"][field]) for field in TEXT_BOOSTS}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if stats.get("segments") != listed or not all(np.isfinite(v) and v > 0 for v in avg.values()):
        return None
    return avg
