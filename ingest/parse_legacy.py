"""The older SENACS fiche format (``action/show/N``).

Sections: Thèmes (bullets), Fichier(s) associé(s) (``name.pdf`` then a ``( 56.06K )`` size line),
the diagnostic question, Mots clés associés à l'actions (sic), Description générale, Description de
l'expérience…, impacts, facteurs de réussite, limites. No structure line, no statut.

The title is a ``Titre`` label when present, else the first non-empty line. A document may hold
several fiches: a page header line ``Actions`` (followed by a title and a label) starts one, as
does a label going back in the section order (a second ``Thèmes``) starts the next one,
whose title is the last line written before that label. A line holding an ``action/show/N`` address
starts a fiche too and gives its ``source_url``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.domain.records import ParsedFiche, Rejected
from ingest.labels import BLOCK_START, LEGACY_GROUPS, LEGACY_ORDER, fill_fiche, is_marker, match_label, split_sections
from ingest.parse_text import split_lines

_RANK = {name: rank for rank, name in enumerate(LEGACY_ORDER)}
_URL = re.compile(r"(?:https?://\S+)?/action/show/\d+\S*")
_NUMBERED = list[tuple[int, str]]


def _rank(field_name: str) -> int:
    return _RANK.get(field_name, len(LEGACY_ORDER))


def _chunks(lines: list[str]) -> Iterator[tuple[str | None, _NUMBERED]]:
    """Numbered lines of each fiche, with the address that introduced it (if any)."""
    chunk: _NUMBERED = []
    url: str | None = None
    last_rank = -1
    for index, line in enumerate(lines, start=1):
        if is_marker(line, BLOCK_START) and _opens(lines, index):
            if any(text.strip() for _n, text in chunk):
                yield url, chunk
            chunk, url, last_rank = [], None, -1
            continue  # the site's page header « Actions »: never a title
        address = _URL.search(line)
        if address and len(line.strip()) <= len(address.group(0)) + 12:
            if any(text.strip() for _n, text in chunk):
                yield url, chunk
            chunk, url, last_rank = [], address.group(0), -1
            continue
        field_name = match_label(line, LEGACY_GROUPS)
        if field_name is not None:
            rank = _rank(field_name)
            if rank == last_rank and _last_label_is(chunk, field_name):
                continue  # the same label printed twice in a row
            if rank <= last_rank and chunk:
                carried = [] if field_name == "title" else _pop_title(chunk)
                yield url, chunk
                chunk, url = carried, None
            last_rank = rank
        chunk.append((index, line))
    if any(text.strip() for _n, text in chunk):
        yield url, chunk


def _opens(lines: list[str], number: int) -> bool:
    """Whether the ``Actions`` line ``number`` (1-based) heads a fiche: a title, then a label."""
    following = [text for text in lines[number : number + 6] if text.strip()]
    if following and is_marker(following[0], BLOCK_START):
        return True  # the header printed twice
    return len(following) >= 2 and match_label(following[0], LEGACY_GROUPS) is None and (
        match_label(following[1], LEGACY_GROUPS) is not None or bool(_URL.search(following[0])))


def _last_label_is(chunk: _NUMBERED, field_name: str) -> bool:
    """Whether the last non-empty line of ``chunk`` is the label ``field_name`` (no value since)."""
    filled = [text for _n, text in chunk if text.strip()]
    return bool(filled) and match_label(filled[-1], LEGACY_GROUPS) == field_name


def _pop_title(chunk: _NUMBERED) -> _NUMBERED:
    """Take the last non-empty line (the next fiche's title) off the end of ``chunk``."""
    while chunk and not chunk[-1][1].strip():
        chunk.pop()
    return [chunk.pop()] if chunk and match_label(chunk[-1][1], LEGACY_GROUPS) is None else []


def _read(chunk: _NUMBERED, url: str | None, source: str) -> ParsedFiche | Rejected:
    preamble, sections = split_sections(chunk, LEGACY_GROUPS)
    first = next(((n, text.strip()) for n, text in chunk if text.strip()), None)
    start = first[0] if first else 1
    head = [line.strip() for line in preamble if line.strip()]
    fiche = ParsedFiche(title="", source=source, line=start, format="legacy", source_url=url)
    fill_fiche(fiche, sections)
    if not fiche.title and head:
        fiche.title = head[0]
    if len(head) > 1:
        fiche.warnings.append(
            "Lignes sans rubrique avant la première rubrique ignorées (seule la première sert de titre)."
        )
    if not fiche.title:
        return Rejected(
            source,
            start,
            f"Fiche (ancien format) sans titre (ligne {start}) : écrivez le titre de l'action sur la première"
            " ligne, ou dans une rubrique « Titre ».",
        )
    return fiche


def parse_legacy(content: str, source: str) -> Iterator[ParsedFiche | Rejected]:
    """Fiches in the older ``action/show/N`` format, values as written (``format="legacy"``)."""
    for url, chunk in _chunks(split_lines(content)):
        yield _read(chunk, url, source)
