"""Highlighted snippets: the best passage of a fiche, query words in ``<mark>``, everything else escaped.

The text is folded one byte per character (lowercase, accents stripped, positions kept) and each query
stem is looked for with ``bytes.find`` (much cheaper than a regex over every position). A word found is
marked only if its own stem is one the index matched (``fonction`` doesn't mark ``fonctionnaires``).
The words typed and their close forms (spelling fixes, hyphen parts) count first; thesaurus expansions
only when a fiche shows none of them, so a snippet doesn't fill with the synonyms of a word it shows.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from typing import Any

from app.domain.text import OE_BYTE, fold_bytes
from app.search.analysis import _index_terms
from app.search.clauses import TextQuery
from app.search.schema import SNIPPET_SOURCES

SNIPPET_LENGTH = 240
_CONTEXT_BEFORE = 60
_MAX_MATCHES = 200
_SPACES = re.compile(r"\s{2,}")
_OTHER_SPACE = re.compile(r"[^\S ]")  # white space other than the plain space
_WORD_TAIL = re.compile(rb"[a-z0-9\x80-\xff]*")
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789") | frozenset(range(0x80, 0x100))

Match = tuple[int, int, str]  # start, end, the word (lowercase)


@lru_cache(maxsize=4096)
def _needles(terms: frozenset[str]) -> list[tuple[bytes, bool]]:
    out: list[tuple[bytes, bool]] = []
    for term in terms:
        if not term or not term.isascii() or not term.isalnum():
            continue
        variants = {term, term.replace("oe", OE_BYTE)}
        out.extend((v.encode("latin-1"), len(term) < 3) for v in variants)
    return out


def _best_window(matches: list[Match], text_len: int) -> tuple[int, int]:
    best = (0, -1)
    best_start = 0
    for i, (start, _, _) in enumerate(matches):
        end_limit = start + SNIPPET_LENGTH - _CONTEXT_BEFORE
        distinct = {word for _, end, word in matches[i:] if end <= end_limit}
        value = (len(distinct), -i)
        if value > best:
            best, best_start = value, start
    start = max(0, best_start - _CONTEXT_BEFORE)
    return start, min(text_len, start + SNIPPET_LENGTH)


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the cut points to word boundaries."""
    if start > 0:
        space = text.find(" ", start, start + 25)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", end - 25, end)
        end = space if space != -1 else end
    return start, end


def _render(text: str, start: int, end: int, matches: list[Match]) -> str:
    out = ["…" if start > 0 else ""]
    pos = start
    for m_start, m_end, _ in matches:
        if m_start < start or m_end > end:
            continue
        out.append(escape(text[pos:m_start]))
        out.append(f"<mark>{escape(text[m_start:m_end])}</mark>")
        pos = m_end
    out.append(escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return _single_spaced("".join(out))


def _single_spaced(text: str) -> str:
    """Each run of spaces in ``text`` as one space. Most snippets hold no other white space than the
    plain space, and ``str.replace`` does them at a fraction of the regex's cost."""
    if _OTHER_SPACE.search(text) is not None:
        return _SPACES.sub(" ", text)
    while "  " in text:
        text = text.replace("  ", " ")
    return text


class Source:
    """The snippet text of a fiche (``prepare``); each of its texts folded when first looked at."""

    __slots__ = ("joined", "starts", "ends", "_folded")

    def __init__(self, joined: str, starts: list[int], ends: list[int]) -> None:
        self.joined = joined
        self.starts = starts
        self.ends = ends
        self._folded: dict[int, bytes] = {}

    @classmethod
    def of(cls, fiche: dict[str, Any]) -> Source:
        return cls(*prepare(fiche))

    def text(self, field: int) -> str:
        return self.joined[self.starts[field] : self.ends[field]]

    def folded(self, field: int) -> bytes:
        """Text ``field`` folded one byte per character (positions are the text's own)."""
        found = self._folded.get(field)
        if found is None:
            found = self._folded[field] = fold_bytes(self.text(field))
        return found


def prepare(fiche: dict[str, Any]) -> tuple[str, list[int], list[int]]:
    """The snippet text of a fiche: its non-blank sources in order of preference, stripped and joined by
    spaces (line breaks and tabs as spaces), and where each one starts and ends in it."""
    texts = [text.strip() for name in SNIPPET_SOURCES if (text := fiche.get(name)) and not text.isspace()]
    starts: list[int] = []
    low = 0
    for text in texts:
        starts.append(low)
        low += len(text) + 1
    return _spaced(" ".join(texts)), starts, [start + len(text) for start, text in zip(starts, texts)]


def _spans(folded: bytes, terms: frozenset[str]) -> dict[int, int]:
    """Start → end of every word of ``folded`` (one text) that begins with a stem of ``terms`` (short
    stems: whole words only)."""
    spans: dict[int, int] = {}
    for needle, whole in _needles(terms):
        pos = folded.find(needle)
        while pos != -1:
            if pos == 0 or folded[pos - 1] not in _WORD_BYTES:
                tail = _WORD_TAIL.match(folded, pos + len(needle))  # always matches (may be empty)
                stop = tail.end() if tail is not None else pos + len(needle)
                if not whole or stop == pos + len(needle):
                    spans[pos] = max(spans.get(pos, 0), stop)
            pos = folded.find(needle, pos + 1)
    return spans


def _matches(source: Source, field: int, terms: frozenset[str]) -> list[Match]:
    """The words of text ``field`` whose own stem is one of ``terms`` (at most ``_MAX_MATCHES``)."""
    spans = _spans(source.folded(field), terms)
    if not spans:
        return []
    text = source.text(field)
    found: list[Match] = []
    for first in sorted(spans):
        word = text[first : spans[first]].lower()
        if len(word) < 3 or any(stem in terms for stem in _index_terms(word.replace("œ", "oe"))):
            found.append((first, spans[first], word))
            if len(found) == _MAX_MATCHES:
                break
    return found


def _best_field(source: Source, terms: frozenset[str], enough: int) -> tuple[int, list[Match]] | None:
    """(text number, its matches) of the text with the most distinct matching words: the first of equals,
    or the first one showing ``enough`` distinct words (the texts are in order of preference, and are
    looked at one by one until then)."""
    best: tuple[int, int, list[Match]] | None = None
    for field in range(len(source.starts)):
        found = _matches(source, field, terms)
        if found:
            distinct = len({word for _, _, word in found})
            if best is None or distinct > best[0]:
                best = (distinct, field, found)
                if distinct >= enough:
                    break
    return None if best is None else best[1:]


Marks = tuple[frozenset[str], frozenset[str], int]  # typed stems, every stem (expansions too), distinct enough


def marks(query: TextQuery | None) -> Marks | None:
    """What a snippet for ``query`` depends on (None: no text query)."""
    if query is None:
        return None
    typed, expansions = query.highlight_groups()
    return frozenset(typed), frozenset(typed | expansions), len(query.clauses)


def snippet(fiche: dict[str, Any] | Source, query: TextQuery | Marks | None = None) -> str:
    """HTML snippet of a fiche (or of its prepared ``Source``) for a ``clauses.TextQuery`` or its
    ``marks`` (None: the résumé's start)."""
    source = fiche if isinstance(fiche, Source) else Source.of(fiche)
    if not source.starts:
        return ""
    chosen = None
    wanted = marks(query) if isinstance(query, TextQuery) else query
    if wanted is not None:
        typed, every, enough = wanted
        chosen = _best_field(source, typed, enough)
        if chosen is None and every != typed:  # any passage showing an expansion will do
            chosen = _best_field(source, every, 1)
    if chosen is None:
        text = source.text(0)
        _, end = _cut(text, 0, min(len(text), SNIPPET_LENGTH))
        return _render(text, 0, end, [])
    field, matches = chosen
    text = source.text(field)
    start, end = _cut(text, *_best_window(matches, len(text)))
    return _render(text, start, end, matches)


def _spaced(text: str) -> str:
    """Line breaks and tabs as spaces (same length: positions are kept; runs are collapsed when rendered)."""
    return text.replace("\n", " ").replace("\r", " ").replace("\t", " ")
