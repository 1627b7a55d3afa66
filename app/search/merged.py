"""One postings array per field for a whole generation, merged after a full build.

A full build writes segments of ``SEGMENT_DOCS`` fiches (20 at 100,000), each with its postings arrays
(``postings.write``). Read segment by segment, every term of a query costs one lexicon search and two
reads per segment: half the time of a fresh query at 100,000 fiches. So once the build has committed its
segments, ``merge`` writes each field's postings of every segment as one set of arrays, under the segment
id ``MERGED`` (``merged.fc_lex_<field>.npy``: the sorted terms; ``merged.fc_{po,pd,pw}_<field>.npy``:
offsets, document numbers of the whole generation, weights), and lists the segments it holds, with their
document offsets, in ``merged.fc_segments.json``. ``postings.Reader`` reads a term there once for those
segments, as long as the generation's first segments are still exactly those; segments written later
(catch-ups) are read one by one as before, and a generation whose segments were merged by Whoosh since is
read one segment at a time again. The arrays hold what the segments' arrays hold (deleted documents
included), in the same order: reads give the same postings either way. Each text term's field sums are
written beside them (``app.search.termsums``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from app.search import lexicons, npy, postings, termsums
from app.search.columns import _atomic

log = logging.getLogger("fiches.index")


def merge(gen_dir: Path, reader: Any) -> bool:
    """Write the merged postings of every segment of ``reader`` (a full build's, just committed). False,
    with nothing listed, when a segment lacks its postings arrays (the reader then reads them one by one)."""
    leaves = [(segreader.segment().segment_id(), int(offset)) for segreader, offset in reader.leaf_readers()
              if segreader.segment() is not None]
    listed = gen_dir / postings.MERGED_SEGMENTS
    listed.unlink(missing_ok=True)
    (gen_dir / termsums.STATS).unlink(missing_ok=True)
    if len(leaves) < 2:  # one segment: its own arrays are already the whole generation's
        return False
    for field in postings.FIELDS:
        parts = [_segment(gen_dir, segment_id, field) for segment_id, _ in leaves]
        if any(part is None for part in parts):
            log.warning("postings non fusionnées : un segment n'a pas ses tableaux (%s)", field)
            return False
        _merge_field(gen_dir, field, [(*part, offset) for part, (_, offset) in zip(parts, leaves)])  # type: ignore[misc]
    _atomic(listed, json.dumps([[segment_id, offset] for segment_id, offset in leaves]).encode("utf-8"))
    try:
        termsums.write_for(gen_dir, reader, leaves)
    except (OSError, ValueError) as exc:  # the sums save time; without them, the fields are read
        log.warning("sommes des termes non écrites : %s", exc)
    return True


def _segment(gen_dir: Path, segment_id: str, field: str) -> tuple[np.ndarray, ...] | None:
    """(terms, offsets, docnums, weights) of one segment's field, memory-mapped, or None."""
    terms = lexicons.terms(gen_dir, segment_id, field)
    try:
        arrays = [npy.load(postings.array_path(gen_dir, segment_id, field, name))
                  for name in postings.ARRAYS]
    except (OSError, ValueError):
        return None
    offsets, docs, weights = arrays
    if terms is None or len(offsets) != len(terms) + 1 or int(offsets[-1]) != len(docs) or len(docs) != len(weights):
        return None
    return (terms, *arrays)


def _merge_field(gen_dir: Path, field: str, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]]
                 ) -> None:
    """Each term's postings, segment after segment (so document numbers stay ascending), in one array."""
    terms = np.unique(np.concatenate([part[0] for part in parts]))
    counts = np.zeros(len(terms), dtype=np.int64)
    where = []
    for seg_terms, offsets, _, _, _ in parts:
        idx = np.searchsorted(terms, seg_terms)  # a segment's terms are unique: no index repeats
        counts[idx] += np.diff(offsets)
        where.append(idx)
    offsets_all = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets_all[1:])
    total = int(offsets_all[-1])
    counts_only = all(part[3].dtype == np.uint16 for part in parts)
    docs = np.empty(total, dtype=np.uint32)
    weights = np.empty(total, dtype=np.uint16 if counts_only else np.float32)
    filled = offsets_all[:-1].copy()
    for idx, (_, offsets, seg_docs, seg_weights, doc_offset) in zip(where, parts):
        sizes = np.diff(offsets)
        rank = np.arange(len(seg_docs), dtype=np.int64) - np.repeat(offsets[:-1], sizes)
        at = np.repeat(filled[idx], sizes) + rank
        docs[at] = seg_docs.astype(np.uint32) + np.uint32(doc_offset)
        weights[at] = seg_weights
        filled[idx] += sizes
    arrays: tuple[np.ndarray, ...] = (offsets_all, docs, weights)  # typed: mypy's join of the three can be object
    for name, array in zip(postings.ARRAYS, arrays):
        _atomic(postings.array_path(gen_dir, postings.MERGED, field, name), array)
    _atomic(lexicons.terms_path(gen_dir, postings.MERGED, field), terms)
