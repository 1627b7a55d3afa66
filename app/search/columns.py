"""Serving columns: the per-fiche data search needs at query time, as numpy arrays next to each segment.

Whoosh keeps a pickled ``meta`` dict per document; unpickling it for every document at each open cost
most of a reader's memory and start. So when the writer commits, it reads the stored fields of each *new*
segment once and writes that segment's columns beside its files (``<segment id>.fc_<name>.npy``, plus a
small JSON of labels), and a reader only memory-maps them (``npy.load``):

    ids      bytes (UTF-8)       the fiche id of each document
    numbers  float64 (n, 3)      budget, ETP (hundredths), year; NaN when missing
    lengths  float32 (n, 4)      length of each text field (``TEXT_BOOSTS`` order), 0 when empty
    titles   bytes (UTF-8)       the folded title (for the title order)
    codes    int32 (n, 2)        département code number, near-duplicate group key number (-1: none, alone)
    pairs    int32 (m, 3)        (document, facet number, label number), document-major, each value once
    labels   JSON                the labels of ``pairs``, the département codes and the group keys

The names match Whoosh's segment file pattern, so Whoosh deletes them with their segment after a merge,
and the generation's manifest lists them (size and CRC): a missing, truncated or corrupt column file is
damage like any index file. A segment without columns (written by an older version, or committed a moment
ago) is read from its stored fields instead, in memory (correct, only slower).
"""

from __future__ import annotations

import json
import mmap
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.domain.text import fold
from app.search import lexicons, npy, postings
from app.search.schema import FACETS, TEXT_BOOSTS
from app.search.segments import length_table

NUMBERS = ("budget", "etp", "year")
ARRAYS = ("ids", "numbers", "lengths", "titles", "codes", "pairs")
LABELS = "fc_labels.json"
_FACET_NAMES = tuple(FACETS)
# the columns of the generation ``check_all`` verified last, with their files' signatures (see ``read``)
_CHECKED: dict[tuple[str, str, int], tuple[tuple[tuple[int, ...], ...], SegmentColumns]] = {}
_CHECKED_LOCK = threading.Lock()


@dataclass
class SegmentColumns:
    ids: np.ndarray
    numbers: np.ndarray
    lengths: np.ndarray
    titles: np.ndarray
    codes: np.ndarray
    pairs: np.ndarray
    facet_labels: list[list[str]]  # per facet (``FACETS`` order): label number → label
    dep_codes: list[str]
    group_keys: list[str]

    def __len__(self) -> int:
        return len(self.ids)


def _path(gen_dir: Path, segment_id: str, name: str) -> Path:
    return gen_dir / f"{segment_id}.fc_{name}.npy" if name != "labels" else gen_dir / f"{segment_id}.{LABELS}"


def _number(value: object) -> float:
    """A stored number as a float; NaN when missing or not a finite number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value):
        return float(value)
    return float("nan")


def _bytes_array(values: list[str]) -> np.ndarray:
    encoded = [v.encode("utf-8") for v in values]
    width = max((len(v) for v in encoded), default=0)
    return np.array(encoded, dtype=f"S{max(width, 1)}")


class _Numbering:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def number(self, value: str) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.items)
            self.items.append(value)
        return found


def from_stored(segreader: Any) -> SegmentColumns:
    """The columns of one segment, read from its stored fields (the writer, once per new segment)."""
    n = segreader.doc_count_all()
    ids: list[str] = []
    titles: list[str] = []
    numbers = np.full((n, len(NUMBERS)), np.nan)
    codes = np.full((n, 2), -1, dtype=np.int32)
    pairs: list[tuple[int, int, int]] = []
    facet_labels = [_Numbering() for _ in _FACET_NAMES]
    dep_codes = _Numbering()
    group_keys = _Numbering()
    for docnum in range(n):
        fields = segreader.stored_fields(docnum)
        ident = str(fields.get("id", ""))
        meta = fields.get("meta") or {}
        ids.append(ident)
        titles.append(fold(meta.get("title") or ""))
        for i, name in enumerate(NUMBERS):
            numbers[docnum, i] = _number(meta.get(name))
        code = meta.get("departement_code")
        if code:
            codes[docnum, 0] = dep_codes.number(str(code))
        group = meta.get("group") or ident
        if group != ident:
            codes[docnum, 1] = group_keys.number(str(group))
        facets = meta.get("facets", {})
        for f, name in enumerate(_FACET_NAMES):
            for value in dict.fromkeys(facets.get(name, ())):
                pairs.append((docnum, f, facet_labels[f].number(value)))
    lengths = np.zeros((n, len(TEXT_BOOSTS)), dtype=np.float32)
    for j, field in enumerate(TEXT_BOOSTS):
        table = length_table(segreader._perdoc, field)[:n]
        lengths[: len(table), j] = [value or 0 for value in table]
    return SegmentColumns(
        ids=_bytes_array(ids), numbers=numbers, lengths=lengths, titles=_bytes_array(titles), codes=codes,
        pairs=np.asarray(pairs, dtype=np.int32).reshape(-1, 3), facet_labels=[f.items for f in facet_labels],
        dep_codes=dep_codes.items, group_keys=group_keys.items)


def write(gen_dir: Path, segment_id: str, cols: SegmentColumns) -> None:
    """Write one segment's columns, each file atomically; the labels file last (it marks them complete)."""
    for name in ARRAYS:
        _atomic(_path(gen_dir, segment_id, name), getattr(cols, name))
    labels = {"facets": dict(zip(_FACET_NAMES, cols.facet_labels)), "codes": cols.dep_codes,
              "groups": cols.group_keys, "count": len(cols)}
    _atomic(_path(gen_dir, segment_id, "labels"), json.dumps(labels, ensure_ascii=False).encode("utf-8"))


def _atomic(path: Path, content: np.ndarray | bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with tmp.open("wb") as handle:
        if isinstance(content, bytes):
            handle.write(content)
        else:
            np.save(handle, content, allow_pickle=False)
    os.replace(tmp, path)


def present(gen_dir: Path, segment_id: str) -> bool:
    return _path(gen_dir, segment_id, "labels").exists()


def read(gen_dir: Path, segment_id: str, doc_count: int) -> SegmentColumns:
    """A segment's columns, memory-mapped. Raises ValueError when they don't match the segment.

    The columns the last ``check_all`` read and checked are taken as they are while their files are the same
    (device, inode, size and modification time of each): a start's verification and the snapshot opened
    next read each segment once."""
    key, files = (str(gen_dir), segment_id, doc_count), _signature(gen_dir, segment_id)
    with _CHECKED_LOCK:
        found = _CHECKED.get(key)
    if found is not None and found[0] == files:
        return found[1]
    return _read(gen_dir, segment_id, doc_count)


def _signature(gen_dir: Path, segment_id: str) -> tuple[tuple[int, ...], ...]:
    out = []
    for name in (*ARRAYS, "labels"):
        stat = _path(gen_dir, segment_id, name).stat()  # a missing file raises, as reading it would
        out.append((stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def _read(gen_dir: Path, segment_id: str, doc_count: int) -> SegmentColumns:
    labels = json.loads(_path(gen_dir, segment_id, "labels").read_text(encoding="utf-8"))
    # plain arrays over the mapped pages (``np.memmap`` itself costs Python calls on every slice and ufunc)
    arrays = {name: np.asarray(npy.load(_path(gen_dir, segment_id, name)))
              for name in ARRAYS}
    cols = SegmentColumns(**arrays, facet_labels=[list(labels["facets"].get(f, [])) for f in _FACET_NAMES],
                          dep_codes=list(labels["codes"]), group_keys=list(labels["groups"]))
    _check(cols, doc_count, int(labels.get("count", -1)))
    return cols


def _check(cols: SegmentColumns, n: int, count: int) -> None:
    shapes = {"ids": (n,), "numbers": (n, len(NUMBERS)), "lengths": (n, len(TEXT_BOOSTS)), "titles": (n,),
              "codes": (n, 2)}
    for name, shape in shapes.items():
        if getattr(cols, name).shape != shape:
            raise ValueError(f"colonne {name} de forme {getattr(cols, name).shape} au lieu de {shape}")
    if count != n or cols.pairs.ndim != 2 or cols.pairs.shape[1] != 3:
        raise ValueError("colonnes de valeurs de facettes incohérentes")
    pairs = cols.pairs
    if len(pairs) and (pairs[:, 0].min() < 0 or pairs[:, 0].max() >= n or pairs[:, 1].min() < 0
                       or pairs[:, 1].max() >= len(_FACET_NAMES) or pairs[:, 2].min() < 0):
        raise ValueError("colonnes de valeurs de facettes hors limites")
    for f, labels in enumerate(cols.facet_labels):
        chosen = pairs[pairs[:, 1] == f, 2]
        if len(chosen) and int(chosen.max()) >= len(labels):
            raise ValueError("étiquette de facette inconnue")
    for j, table in enumerate((cols.dep_codes, cols.group_keys)):
        if n and int(cols.codes[:, j].max()) >= len(table):
            raise ValueError("code de département ou de groupe inconnu")


def release(parts: list[SegmentColumns], names: tuple[str, ...] = ARRAYS) -> int:
    """Let go of the resident pages of these mapped columns (``madvise(MADV_DONTNEED)``): a snapshot
    copies what it serves from them, and the pages it read stayed in the process's memory, 19 MB at
    100,000 fiches (``bench/serve_bench.py``). The file's pages stay in the system's cache; a column read
    again is mapped again from it. Returns the number of mappings released."""
    advice = getattr(mmap, "MADV_DONTNEED", None)  # not on every system (Windows): nothing is let go there
    released = 0
    for part in parts:
        for name in names:
            mapping = _mapping(getattr(part, name))
            if advice is None or mapping is None or mapping.closed or not len(mapping):
                continue
            try:
                mapping.madvise(advice)
            except OSError:  # only memory held a little longer: never a reason not to serve
                continue
            released += 1
    return released


def _mapping(array: np.ndarray) -> mmap.mmap | None:
    """The file mapping under a memory-mapped array (None: an array in memory)."""
    base: object = array
    while base is not None:
        if isinstance(base, mmap.mmap):
            return base
        base = getattr(base, "base", None) if isinstance(base, np.ndarray) else None
    return None


def load(gen_dir: Path, segreader: Any) -> SegmentColumns:
    """The columns of a segment: memory-mapped when written, else read from its stored fields."""
    segment_id = segreader.segment().segment_id()
    if present(gen_dir, segment_id):
        return read(gen_dir, segment_id, segreader.doc_count_all())
    return from_stored(segreader)


RowsWriter = Callable[[str, list[str]], None]  # writes a segment's page rows, given its fiche ids (``pagerows``)


def write_missing(gen_dir: Path, reader: Any, rows: RowsWriter | None = None) -> int:
    """Write the columns of every segment of ``reader`` that has none (the writer, after a commit), and
    with ``rows``, its page rows. Returns the number of segments written."""
    written = 0
    for segreader, _ in reader.leaf_readers():
        segment = segreader.segment()
        if segment is None or present(gen_dir, segment.segment_id()):
            continue
        write_segment(gen_dir, segreader, rows)
        written += 1
    return written


def write_segment(gen_dir: Path, segreader: Any, rows: RowsWriter | None = None) -> None:
    """Write the lexicons, postings arrays, page rows (with ``rows``) and columns of one segment (its columns
    last: they mark it complete)."""
    lexicons.write(gen_dir, segreader, _atomic)
    postings.write(gen_dir, segreader, _atomic)
    cols = from_stored(segreader)
    segment_id = segreader.segment().segment_id()
    if rows is not None:
        rows(segment_id, [value.decode("utf-8") for value in cols.ids.tolist()])
    write(gen_dir, segment_id, cols)


def check_all(gen_dir: Path, reader: Any) -> None:
    """Open every segment's columns (raises when one is damaged or inconsistent with its segment); they are
    kept for ``read`` (only these: the columns of segments merged away are let go)."""
    checked = {}
    for segreader, _ in reader.leaf_readers():
        segment = segreader.segment()
        if segment is not None and present(gen_dir, segment.segment_id()):
            key = (str(gen_dir), segment.segment_id(), segreader.doc_count_all())
            checked[key] = (_signature(gen_dir, key[1]), read(gen_dir, key[1], key[2]))
    with _CHECKED_LOCK:
        _CHECKED.clear()
        _CHECKED.update(checked)
