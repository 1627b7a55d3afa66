"""Resolve import arguments (files, folders, globs, URLs) into a stream of sources (name + bytes)."""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from app.domain.errors import UnusableInput
from app.domain.records import Source
from ingest.fetch import Fetcher

EXTENSIONS = {".txt", ".html", ".htm", ".json", ".csv"}
MAX_FILE_BYTES = 200 * 1024 * 1024


def _is_url(arg: str) -> bool:
    return arg.startswith(("http://", "https://"))


def expand(args: list[str]) -> list[str]:
    """Files, folders (recursively, known extensions only), globs and URLs → ordered, de-duplicated list.

    Raises ``UnusableInput`` listing every argument that names nothing, so nothing is imported by halves.
    """
    out: list[str] = []
    missing: list[str] = []
    for arg in args:
        if _is_url(arg):
            out.append(arg)
            continue
        path = Path(arg)
        if path.is_dir():
            out.extend(str(p) for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in EXTENSIONS)
        elif path.is_file():
            out.append(str(path))
        elif any(ch in arg for ch in "*?["):
            matches = sorted(p for p in glob.glob(arg, recursive=True) if Path(p).is_file())
            if not matches:
                missing.append(arg)
            out.extend(matches)
        else:
            missing.append(arg)
    if missing:
        raise UnusableInput(
            "Introuvable : " + ", ".join(missing) + ". Indiquez un fichier, un dossier, un motif (*.txt) ou une URL http(s).",
            missing=missing,
        )
    return list(dict.fromkeys(out))


def iter_sources(args: list[str], fetcher: Fetcher | None = None) -> Iterator[Source]:
    names = expand(args)  # raises before anything is read
    for name in names:
        if _is_url(name):
            if fetcher is None:
                fetcher = Fetcher()
            yield fetcher.fetch(name)
            continue
        path = Path(name)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                yield Source(name, error=f"fichier trop volumineux ({size // 1_048_576} Mo, maximum {MAX_FILE_BYTES // 1_048_576} Mo) : découpez-le")
                continue
            yield Source(name, path.read_bytes())
        except OSError as exc:
            yield Source(name, error=f"lecture impossible ({exc.strerror or exc})")
