"""Highlighted snippets: the best passage of a fiche, query words in ``<mark>``, everything else escaped.

The text is folded one character for one (lowercase, accents stripped: positions are kept), a plain
regex finds the words starting with a query stem, and a word is marked only if its own stem is one the
index matched (``fonction`` doesn't mark ``fonctionnement``). The words typed and their close forms
(spelling fixes, hyphen parts) are looked for first; thesaurus expansions only when a fiche contains none
of them, so a snippet doesn't fill with the synonyms of a word it shows.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from app.search.analysis import _index_terms, fold
from app.search.schema import SNIPPET_SOURCES

SNIPPET_LENGTH = 240
_CONTEXT_BEFORE = 60
_MAX_MATCHES = 200


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0x80, 0x250):
        char = chr(code)
        folded = fold(char)
        if len(folded) == 1 and folded != char:
            table[code] = folded
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    return table


_FOLD = _fold_table()  # œ stays œ (folding it to "oe" would shift positions): patterns allow for it


@lru_cache(maxsize=4096)
def term_pattern(terms: frozenset[str]) -> re.Pattern | None:
    """A regex over folded text matching the words that start with one of the (folded) stems.

    Short stems match whole words only.
    """
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        if not term or not re.fullmatch(r"[a-z0-9]+", term):
            continue
        body = term.replace("oe", "(?:oe|œ)")
        parts.append(rf"{body}\b" if len(term) < 3 else rf"{body}\w*")
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")


def _matches(pattern: re.Pattern, folded: str, terms: frozenset[str]) -> list[re.Match]:
    out = []
    for m in pattern.finditer(folded):
        word = m.group(0)
        if len(word) < 3 or any(stem in terms for stem in _index_terms(word.replace("œ", "oe"))):
            out.append(m)
            if len(out) == _MAX_MATCHES:
                break
    return out


def _best_window(matches: list[re.Match], text_len: int) -> tuple[int, int]:
    best = (0, -1)
    best_start = 0
    for i, m in enumerate(matches):
        end_limit = m.start() + SNIPPET_LENGTH - _CONTEXT_BEFORE
        distinct = {x.group(0) for x in matches[i:] if x.end() <= end_limit}
        value = (len(distinct), -i)
        if value > best:
            best, best_start = value, m.start()
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


def _render(text: str, start: int, end: int, matches: list[re.Match]) -> str:
    out = ["…" if start > 0 else ""]
    pos = start
    for m in matches:
        if m.start() < start or m.end() > end:
            continue
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(text[m.start() : m.end()])}</mark>")
        pos = m.end()
    out.append(escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)


def _best_field(fiche: dict, terms: frozenset[str]) -> tuple[str, list[re.Match]] | None:
    """The source text with the most distinct matching words (the first one reaching all the terms)."""
    pattern = term_pattern(terms)
    if pattern is None:
        return None
    best: tuple[int, str, list[re.Match]] | None = None
    for name in SNIPPET_SOURCES:
        text = fiche.get(name)
        if not text:
            continue
        text = " ".join(text.split())
        matches = _matches(pattern, text.translate(_FOLD), terms)
        if not matches:
            continue
        distinct = len({m.group(0) for m in matches})
        if best is None or distinct > best[0]:
            best = (distinct, text, matches)
            if distinct >= len(terms):
                break
    return None if best is None else best[1:]


def snippet(fiche: dict, query=None) -> str:
    """HTML snippet of a fiche for a ``query.TextQuery`` (None: the résumé's start)."""
    found = None
    if query is not None:
        typed, expansions = query.highlight_groups()
        found = _best_field(fiche, frozenset(typed))
        if found is None and expansions:
            found = _best_field(fiche, frozenset(typed | expansions))
    if found is None:
        first_text = next((" ".join(t.split()) for n in SNIPPET_SOURCES if (t := fiche.get(n)) and t.strip()), "")
        start, end = _cut(first_text, 0, min(len(first_text), SNIPPET_LENGTH))
        return _render(first_text, 0, end, [])
    text, matches = found
    start, end = _cut(text, *_best_window(matches, len(text)))
    return _render(text, start, end, matches)
