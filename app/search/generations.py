"""Index generations on disk, their watermark and manifest, and how a damaged one is detected.

Layout of ``index_dir``::

    current -> gen-<stamp>     symlink, replaced atomically when a new generation is ready
    gen-<stamp>/               a Whoosh index (non-compound segments), plus
        <segment>.fc_*         the segment's serving columns (``app.search.columns``), lexicons
                               (``lexicons``), postings arrays (``postings``) and page rows
                               (``pagerows``), written after each commit by the writer (or by the
                               worker that wrote the segment, in a full build: ``fullbuild``); readers
                               memory-map them (the page rows: read a record at a time)
        watermark.json         {"seq": N}: every store write up to sequence number N is applied
        manifest.json          size and CRC-32 of every index file (columns included), written after
                               each commit

``verify`` compares a generation with its manifest (sizes always, checksums when ``deep``) and opens it:
an empty, missing, truncated, corrupt or unreadable generation is reported, so the writer can rebuild a
new generation from the store while readers keep serving the previous one.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
import zlib
from pathlib import Path

from whoosh import index as whoosh_index

from app.search import columns, merged
from app.search.schema import build_schema

CURRENT = "current"
WATERMARK = "watermark.json"
MANIFEST = "manifest.json"
_NOT_INDEX_FILES = {WATERMARK, MANIFEST}
_CRC_BLOCK = 1 << 20


def current_dir(index_dir: Path) -> Path | None:
    """The generation directory ``current`` points to (without opening it), or None if there is none."""
    link = index_dir / CURRENT
    if link.is_symlink():
        target = index_dir / os.readlink(link)
        return target if target.is_dir() else None
    return link if link.is_dir() else None


def new_generation(index_dir: Path) -> Path:
    """A new, empty generation directory (not yet current)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    whoosh_index.create_in(str(path), build_schema())
    write_manifest(path)
    return path


def point_current(index_dir: Path, target: Path) -> None:
    tmp = index_dir / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    os.symlink(target.name, tmp)
    os.replace(tmp, index_dir / CURRENT)  # atomic


def ensure_index(index_dir: Path) -> Path:
    """The current generation directory, created empty if there is none."""
    found = current_dir(index_dir)
    if found is not None:
        return found
    path = new_generation(index_dir)
    if current_dir(index_dir) is None:  # another process may have created one meanwhile
        point_current(index_dir, path)
        return path
    shutil.rmtree(path, ignore_errors=True)
    again = current_dir(index_dir)
    assert again is not None
    return again


def remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    """Delete generations older than the previous one (readers of the previous one may still be open)."""
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


# -- watermark ------------------------------------------------------------------------------------------

def read_watermark(gen_dir: Path) -> int | None:
    """The store write sequence number this generation has applied, or None (never written, or unreadable)."""
    try:
        data = json.loads((gen_dir / WATERMARK).read_text(encoding="utf-8"))
        return int(data["seq"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_watermark(gen_dir: Path, seq: int) -> None:
    _write_json(gen_dir / WATERMARK, {"seq": seq})


# -- manifest and verification ----------------------------------------------------------------------------

def _index_files(gen_dir: Path) -> list[Path]:
    return sorted(p for p in gen_dir.iterdir()
                  if p.is_file() and p.name not in _NOT_INDEX_FILES and not p.name.startswith(".")
                  and not p.name.endswith("_LOCK") and "WRITELOCK" not in p.name)


def _crc(path: Path) -> int:
    value = 0
    with path.open("rb") as handle:
        while block := handle.read(_CRC_BLOCK):
            value = zlib.crc32(block, value)
    return value


def write_columns(gen_dir: Path, merge_postings: bool = False, rows: columns.RowsWriter | None = None) -> None:
    """After a commit: the serving columns of the new segments, with ``rows`` their page rows (and, after
    a full build, the generation's merged postings: ``app.search.merged``), then the manifest of every
    file."""
    ix = whoosh_index.open_dir(str(gen_dir))
    try:
        with ix.reader() as reader:
            columns.write_missing(gen_dir, reader, rows)
            if merge_postings:
                merged.merge(gen_dir, reader)
    finally:
        ix.close()
    write_manifest(gen_dir)


def write_manifest(gen_dir: Path) -> None:
    """Record the size and checksum of every index file (call it right after a commit). Segment files
    never change once written: a file listed with the same size and modification time keeps its checksum."""
    try:
        known = json.loads((gen_dir / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        known = {}
    files = {}
    for path in _index_files(gen_dir):
        stat = path.stat()
        entry = known.get(path.name) if isinstance(known, dict) else None
        if not (isinstance(entry, dict) and entry.get("size") == stat.st_size
                and entry.get("mtime_ns") == stat.st_mtime_ns and "crc32" in entry):
            entry = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "crc32": _crc(path)}
        files[path.name] = entry
    _write_json(gen_dir / MANIFEST, {"files": files})


_OPENED: dict[Path, int] = {}  # generation → the hash of its files' stats when it last opened and read


def verify(gen_dir: Path | None, deep: bool = False) -> str | None:
    """What is wrong with a generation (in French), or None if it is sound.

    Always: the manifest is there, every file it lists has its size, and the index opens and reads (again
    only when a file's size or modification time moved since it last did: a catch-up tick of a serving
    process would otherwise open every segment again, tens of milliseconds of pure Python at 100,000
    fiches, while it serves requests). ``deep``: every file's checksum too (reads the whole index once), and
    the index opened again."""
    if gen_dir is None or not gen_dir.is_dir():
        return "index absent"
    try:
        listed = json.loads((gen_dir / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return "manifeste de l'index absent ou illisible"
    stats = []
    for name, expected in listed.items():
        path = gen_dir / name
        try:
            stat = path.stat()
        except OSError:
            return f"fichier d'index manquant : {name}"
        size = stat.st_size
        stats.append((name, size, stat.st_mtime_ns))
        if size != expected["size"]:
            return f"fichier d'index tronqué ou modifié : {name} ({size} octets au lieu de {expected['size']})"
        if deep and _crc(path) != expected["crc32"]:
            return f"fichier d'index corrompu (somme de contrôle) : {name}"
    seen = hash(tuple(stats))
    if not deep and _OPENED.get(gen_dir) == seen:
        return None
    try:
        ix = whoosh_index.open_dir(str(gen_dir))
        try:
            with ix.reader() as reader:
                reader.doc_count_all()
                columns.check_all(gen_dir, reader)
        finally:
            ix.close()
    except Exception as exc:  # any failure to open or read is damage, whatever Whoosh raises
        _OPENED.pop(gen_dir, None)
        return f"index illisible ({type(exc).__name__} : {exc})"
    if len(_OPENED) > 64:  # old generations
        _OPENED.clear()
    _OPENED[gen_dir] = seen
    return None


def _write_json(path: Path, data: object) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)
