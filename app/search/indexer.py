"""Builds the index from the store: full build, catch-up from a watermark, rebuild-and-swap.

Layout of ``index_dir``::

    current -> gen-<stamp>     symlink, replaced atomically by rebuild()
    gen-<stamp>/               a Whoosh index (non-compound segments) + watermark.json

Every writer gets ``compound=False``: compound segments copy the postings into every process's RAM.
The watermark ``(updated_at, id)`` of the last store row applied lives next to the index it describes.
Writes take Whoosh's write lock, so several processes may share one index directory.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from app.search.analysis import WORD_PATTERN, pairs
from app.search.schema import BODY_SOURCES, FACETS, KW_SOURCES, build_schema
from app.search.thesaurus import load

CURRENT = "current"
WATERMARK = "watermark.json"
LOCK_TIMEOUT = 60.0
# A store transaction stamps its rows when it starts and is seen when it commits: a catch-up re-reads this
# much before its watermark, so rows committed late with an older stamp are not skipped for ever.
LOOKBACK = timedelta(seconds=120)
_WORD = re.compile(WORD_PATTERN)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value if v)
    return str(value)


def fiche_to_doc(fiche: dict[str, Any]) -> dict[str, Any]:
    """The index document of a fiche (a ``Fiche.model_dump()`` dict). Pure function."""
    title = _text(fiche.get("title"))
    kw = "\n".join(_text(fiche.get(name)) for name in KW_SOURCES)
    resume = _text(fiche.get("resume"))
    body = "\n".join(_text(fiche.get(name)) for name in BODY_SOURCES)
    budget = fiche.get("budget_eur")
    etp = fiche.get("etp")
    year = fiche.get("year")
    facets = {}
    for name, source in FACETS.items():
        value = fiche.get(source)
        values = value if isinstance(value, (list, tuple)) else [value]
        facets[name] = [str(v) for v in values if v not in (None, "")]
    meta = {
        "facets": facets,
        "departement_code": fiche.get("departement_code"),
        "budget": _rounded(budget, 1),
        "etp": _rounded(etp, 100),
        "year": year,
        "title": title,
        "group": fiche.get("duplicate_of") or fiche["id"],
        "updated": _stamp(fiche.get("updated_at")),
    }
    # the spelling vocabulary: each word once, from the fields that name the action (the long body
    # texts would double the postings to write for little: their words rarely are what people type)
    spell = " ".join(set(_WORD.findall(f"{title}\n{kw}\n{resume}".lower())))
    doc = {"id": fiche["id"], "title": title, "kw": kw, "resume": resume, "body": body, "spell": spell,
           "pairs": " ".join(sorted(pairs(f"{title}\n{kw}\n{resume}\n{body}", _phrase_pairs()))), "meta": meta}
    if meta["budget"] is not None:
        doc["budget"] = meta["budget"]
    if meta["etp"] is not None:
        doc["etp_centi"] = meta["etp"]
    if year is not None:
        doc["year"] = int(year)
    return doc


def _phrase_pairs() -> frozenset[str]:
    """The stem pairs of the thesaurus' phrases (the file as it is when the fiche is indexed: a phrase added
    to the thesaurus later matches once the index is rebuilt with ``fiches reindex``)."""
    return load().pair_terms


def _rounded(value: object, scale: int) -> int | None:
    """A number as an int (times ``scale``), None when missing or not finite."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return None
    return round(float(value) * scale)


def _stamp(value: object) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def _as_dict(fiche: object) -> dict[str, Any]:
    if isinstance(fiche, dict):
        return fiche
    dumped: dict[str, Any] = fiche.model_dump()  # type: ignore[attr-defined]  # a Fiche
    return dumped


# -- directory layout -------------------------------------------------------------------------------

def current_dir(index_dir: Path) -> Path | None:
    """The generation directory ``current`` points to, or None if there is no index yet."""
    link = index_dir / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = (index_dir / os.readlink(link)) if link.is_symlink() else link
    return target if whoosh_index.exists_in(str(target)) else None


def _new_generation(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    whoosh_index.create_in(str(path), build_schema())
    return path


def _point_current(index_dir: Path, target: Path) -> None:
    tmp = index_dir / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    os.symlink(target.name, tmp)
    os.replace(tmp, index_dir / CURRENT)  # atomic


def ensure_index(index_dir: Path) -> Path:
    """The current generation directory, created empty if there is none."""
    found = current_dir(index_dir)
    if found is not None:
        return found
    path = _new_generation(index_dir)
    if current_dir(index_dir) is None:  # another process may have created one meanwhile
        _point_current(index_dir, path)
        return path
    shutil.rmtree(path, ignore_errors=True)
    return current_dir(index_dir)  # type: ignore[return-value]


def read_watermark(gen_dir: Path) -> tuple[datetime | None, str]:
    try:
        data = json.loads((gen_dir / WATERMARK).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None, ""
    return datetime.fromisoformat(data["updated_at"]), data.get("id", "")


def _write_watermark(gen_dir: Path, updated_at: datetime, fiche_id: str) -> None:
    tmp = gen_dir / f".{WATERMARK}.tmp"
    tmp.write_text(json.dumps({"updated_at": updated_at.isoformat(), "id": fiche_id}), encoding="utf-8")
    os.replace(tmp, gen_dir / WATERMARK)


# -- writing ----------------------------------------------------------------------------------------

def _apply(gen_dir: Path, changes: Iterable[object], fresh: bool) -> int:
    """Apply store rows (tombstones included) to the index in ``gen_dir``; returns the number applied.

    Rows at or before the watermark (the look-back window) are applied only if the index does not
    already hold that version of the fiche."""
    ix = whoosh_index.open_dir(str(gen_dir))
    mark_ts, mark_id = read_watermark(gen_dir)
    mark = (mark_ts, mark_id) if mark_ts is not None else None
    searcher = None
    writer = None
    changed = 0
    last = mark
    try:
        for row in changes:
            fiche = _as_dict(row)
            key = (fiche["updated_at"], fiche["id"])
            if mark is not None and key <= mark:
                searcher = searcher or ix.searcher()
                if _already_applied(searcher, fiche):
                    continue
            if writer is None:
                writer = ix.writer(timeout=LOCK_TIMEOUT, limitmb=256, compound=False)  # no compound: see docstring
            last = max(last, key) if last is not None else key
            if fiche.get("deleted_at") is not None:
                if fresh:
                    continue  # nothing to remove from a new index
                writer.delete_by_term("id", fiche["id"])
            elif fresh:
                writer.add_document(**fiche_to_doc(fiche))
            else:
                writer.update_document(**fiche_to_doc(fiche))
            changed += 1
        if searcher is not None:
            searcher.close()
            searcher = None
        if writer is not None:
            writer.commit()
            writer = None
            if last is not None:
                _write_watermark(gen_dir, *last)
    finally:
        if searcher is not None:
            searcher.close()
        if writer is not None:
            writer.cancel()
        ix.close()
    return changed


def _already_applied(searcher: Any, fiche: dict[str, Any]) -> bool:
    stored = searcher.document(id=fiche["id"])
    if fiche.get("deleted_at") is not None:
        return stored is None
    return stored is not None and stored["meta"].get("updated") == _stamp(fiche["updated_at"])


def sync(index_dir: Path, store: Any) -> int:
    """Bring the current index up to the store's watermark. Builds it if there is none."""
    gen_dir = ensure_index(index_dir)
    mark_ts, _ = read_watermark(gen_dir)
    fresh = False
    if mark_ts is None:  # never written: add documents without looking for old versions
        ix = whoosh_index.open_dir(str(gen_dir))
        try:
            fresh = ix.doc_count_all() == 0
        finally:
            ix.close()
    since = mark_ts - LOOKBACK if mark_ts is not None else None
    return _apply(gen_dir, store.changes_since(since), fresh=fresh)


def rebuild(index_dir: Path, store: Any) -> int:
    """Build a new index from the whole store in a new directory, then swap ``current`` atomically."""
    previous = current_dir(index_dir)
    path = _new_generation(index_dir)
    try:
        count = _apply(path, store.changes_since(None), fresh=True)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    _point_current(index_dir, path)
    _remove_old_generations(index_dir, keep={path.name, previous.name if previous else ""})
    return count


def _remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    """Delete generations older than the previous one (readers of the previous one may still be open)."""
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
