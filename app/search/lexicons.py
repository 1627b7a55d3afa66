"""Per-segment lexicons as arrays: the terms of each searchable field and their document frequencies.

The spelling vocabulary and the prefix completions need every term of a few fields with its document
frequency. Read through Whoosh, that is a Python merge of every segment's term file (seconds at 100,000
fiches, paid by the first query after each open); so the writer saves each new segment's lexicons next to
its columns (``<segment id>.fc_lex_<field>.npy``: sorted UTF-8 terms; ``.fc_df_<field>.npy``: their
document frequencies, deleted documents included as Whoosh counts them), and a reader merges them with
numpy. A segment without them is read through Whoosh instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from app.search import gil
from app.search.schema import TEXT_BOOSTS

FIELDS = ("spell", *TEXT_BOOSTS, "pairs")


def _paths(gen_dir: Path, segment_id: str, field: str) -> tuple[Path, Path]:
    return gen_dir / f"{segment_id}.fc_lex_{field}.npy", gen_dir / f"{segment_id}.fc_df_{field}.npy"


def terms_path(gen_dir: Path, segment_id: str, field: str) -> Path:
    """Where a segment's saved terms of ``field`` are."""
    return _paths(gen_dir, segment_id, field)[0]


def write(gen_dir: Path, segreader: Any, save: Any) -> None:
    """Save a segment's lexicons with ``save(path, array)`` (atomic, from ``columns``)."""
    segment_id = segreader.segment().segment_id()
    names = set(segreader.indexed_field_names())
    for field in FIELDS:
        terms: list[bytes] = []
        dfs: list[int] = []
        if field in names:
            for text, info in segreader.iter_field(field):
                terms.append(text if isinstance(text, bytes) else str(text).encode("utf-8"))
                dfs.append(int(info.doc_frequency()))
        width = max((len(t) for t in terms), default=1)
        terms_path, df_path = _paths(gen_dir, segment_id, field)
        save(df_path, np.asarray(dfs, dtype=np.int64))
        save(terms_path, np.array(terms, dtype=f"S{max(width, 1)}"))


def terms(gen_dir: Path, segment_id: str, field: str) -> np.ndarray | None:
    """One segment's saved terms of a field (memory-mapped), None when it has none."""
    try:
        found: np.ndarray = np.load(_paths(gen_dir, segment_id, field)[0], mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        return None
    return found


def merged(gen_dir: Path, leaves: list[tuple[Any, int]], field: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(sorted unique terms, summed document frequencies) of a field over every segment; None when a
    segment has no saved lexicon."""
    terms: list[np.ndarray] = []
    dfs: list[np.ndarray] = []
    for segreader, _ in leaves:
        segment = segreader.segment()
        if segment is None:
            continue
        terms_path, df_path = _paths(gen_dir, segment.segment_id(), field)
        try:
            part_terms = np.load(terms_path, mmap_mode="r", allow_pickle=False)
            part_dfs = np.load(df_path, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError):
            return None
        if part_terms.shape != part_dfs.shape:
            return None
        terms.append(np.asarray(part_terms))
        dfs.append(np.asarray(part_dfs))
    if not terms:
        return np.zeros(0, dtype="S1"), np.zeros(0, dtype=np.int64)
    unique, inverse = np.unique(np.concatenate(terms), return_inverse=True)
    return unique, np.bincount(inverse.ravel(), weights=np.concatenate(dfs), minlength=len(unique)).astype(np.int64)


class _Info:
    __slots__ = ("df",)

    def __init__(self, df: int) -> None:
        self.df = df

    def doc_frequency(self) -> int:
        return self.df


def as_lexicon(found: tuple[np.ndarray, np.ndarray]) -> list[tuple[str, _Info]]:
    """``(word, term info)`` pairs, as Whoosh's ``iter_field`` gives them."""
    terms, dfs = found
    return [(t.decode("utf-8"), _Info(int(d))) for t, d in zip(terms.tolist(), dfs.tolist())]


def stems(gen_dir: Path, leaves: list[tuple[Any, int]]) -> tuple[list[str], list[int]] | None:
    """Every term of the text fields, sorted, with its largest document frequency over the fields."""
    parts = []
    for field in TEXT_BOOSTS:
        gil.give_way()  # a background open waits for the requests in flight between two fields
        parts.append(merged(gen_dir, leaves, field))
    if any(p is None for p in parts):
        return None
    terms = np.concatenate([p[0] for p in parts if p is not None])
    dfs = np.concatenate([p[1] for p in parts if p is not None])
    unique, inverse = np.unique(terms, return_inverse=True)
    best = np.zeros(len(unique), dtype=np.int64)
    np.maximum.at(best, inverse.ravel(), dfs)
    return [t.decode("utf-8") for t in unique.tolist()], best.tolist()
