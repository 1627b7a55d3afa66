"""Per-block format choice for text documents (SENACS dumps, list pages, old ``action/show`` pages).

Both text formats open a fiche the same way as the site prints them: a line ``Actions`` (the page
header), the title, then labels. So the format is decided block by block, from the labels each block
carries, never for the whole file from the first labels seen:

1. the document is cut at every ``Actions`` line that opens a fiche (a title, then a label of either
   format) and at every list-page header (``Les actions des centres sociaux``, kept with its table);
2. a block with more old-format-only labels (Thèmes, diagnostic, impacts, facteurs de réussite…) than
   current-only labels is old format; when both kinds are present, both parsers read it and the reading
   with the most filled fields wins;
3. consecutive blocks of one format form a run, parsed in one go. Lines outside the run are blanked, not
   removed, so every line number reported stays the line of the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from app.domain.records import ParsedFiche, Rejected
from ingest.labels import BLOCK_START, LEGACY_GROUPS, PAGE_HEADER, TEXT_GROUPS, is_marker, match_label
from ingest.parse_legacy import parse_legacy
from ingest.parse_text import parse_text

TEXT, LEGACY = "text", "legacy"
Record = ParsedFiche | Rejected
_PARSERS: dict[str, Callable[[str, str], Iterator[Record]]] = {TEXT: parse_text, LEGACY: parse_legacy}


@dataclass
class Block:
    start: int  # 0-based index of the block's first line
    end: int  # exclusive
    current: int = 0  # labels of the current SENACS format only
    legacy: int = 0  # labels of the old format only

    @property
    def fmt(self) -> str | None:
        if self.legacy > self.current:
            return LEGACY
        if self.current:
            return TEXT
        return None


# A line that may be an old-format-only label (Thèmes, « Quels furent… », Titre…): without one, one format.
_LEGACY_HINT = re.compile(r"^[\s\-–—•*]*(?:th[eèéêE]mes?\b|quel(?:le)?s\b|titre\b|intitul)", re.I | re.M)
_MARKER_LEN = 40  # « Actions » and « Les actions des centres sociaux » are short lines


def _is_any_marker(line: str) -> bool:
    return len(line) <= _MARKER_LEN and (is_marker(line, BLOCK_START) or is_marker(line, PAGE_HEADER))


def _next_filled(lines: list[str], start: int, limit: int = 6) -> int | None:
    for index in range(start, min(len(lines), start + limit)):
        if lines[index].strip():
            return index
    return None


def _opens_fiche(lines: list[str], fields: list[str | None], index: int) -> bool:
    """Whether the ``Actions`` line at ``index`` opens a fiche of either format: a title, then a label."""
    title = _next_filled(lines, index + 1)
    if title is None or fields[title] is not None:
        return False
    label = _next_filled(lines, title + 1)
    return label is not None and fields[label] is not None


def split_blocks(lines: list[str]) -> list[Block]:
    """Blocks covering every line of the document, in order, with their label counts."""
    fields = [match_label(line, LEGACY_GROUPS) for line in lines]
    starts = [0]
    for index, line in enumerate(lines):
        if not index or len(line) > _MARKER_LEN:
            continue
        header = is_marker(line, PAGE_HEADER)
        if header or (is_marker(line, BLOCK_START) and _opens_fiche(lines, fields, index)):
            previous = starts[-1]
            if not is_marker(lines[previous], PAGE_HEADER) or any(fields[previous:index]):
                starts.append(index)  # a page header stays with the fiche that follows its table
    blocks = [Block(start, end) for start, end in zip(starts, [*starts[1:], len(lines)])]
    for block in blocks:
        for index in range(block.start, block.end):
            field = fields[index]
            if field is None:
                continue
            if match_label(lines[index], TEXT_GROUPS) is None:
                block.legacy += 1
            elif field not in _SHARED:
                block.current += 1
    return blocks


# Labels both formats print (they tell nothing about the format).
_SHARED = frozenset({"mots_cles", "description_generale", "attachments", "description_experience", "limites"})


@dataclass
class Run:
    fmt: str
    start: int
    end: int
    mixed: bool  # holds a block with labels of both formats
    opened: bool  # holds an ``Actions`` line or a list-page header


def runs(blocks: list[Block], lines: list[str]) -> list[Run]:
    """Runs of consecutive blocks of one format; a block with no label of its own joins its neighbour."""
    out: list[Run] = []
    pending_start: int | None = None
    for block in blocks:
        fmt = block.fmt
        if fmt is None:
            if out:
                out[-1].end = block.end
            elif pending_start is None:
                pending_start = block.start
            continue
        mixed = bool(block.current and block.legacy)
        if out and out[-1].fmt == fmt:
            out[-1].end, out[-1].mixed = block.end, out[-1].mixed or mixed
        else:
            start = block.start if pending_start is None else pending_start
            out.append(Run(fmt, start, block.end, mixed, False))
            pending_start = None
    for run in out:
        run.opened = any(_is_any_marker(lines[index]) for index in range(run.start, run.end))
    return out


def _masked(lines: list[str], start: int, end: int) -> str:
    """The document with every line outside [start, end) blanked (line numbers unchanged)."""
    return "\n".join(line if start <= index < end else "" for index, line in enumerate(lines))


def _score(records: list[Record]) -> int:
    """How complete a reading is: filled fields of its fiches, minus its rejections."""
    score = 0
    for record in records:
        if isinstance(record, Rejected):
            score -= 5
            continue
        score += sum(1 for value in vars(record).values() if value not in (None, "", [], False))
    return score


def _best_reading(text: str, source: str) -> list[Record]:
    readings = [list(parser(text, source)) for parser in _PARSERS.values()]
    return max(readings, key=_score)


def parse_blocks(text: str, lines: list[str], source: str, guess: str) -> Iterator[Record]:
    """Every record of a text document, each run of blocks read by the parser of its format.

    ``guess`` (``text`` or ``legacy``, from the document's first labels) is used as is when no line of
    the document can be an old-format-only label: then there is one format and nothing to decide."""
    if not _LEGACY_HINT.search(text):
        yield from _PARSERS[guess](text, source)
        return
    found = runs(split_blocks(lines), lines)
    for run in found:
        # a SENACS fiche written without its « Actions » line is read by the tolerant old-format parser
        fmt = run.fmt if run.opened else LEGACY
        masked = text if len(found) == 1 else _masked(lines, run.start, run.end)
        yield from _best_reading(masked, source) if run.mixed else _PARSERS[fmt](masked, source)
