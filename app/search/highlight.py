"""Highlighted snippets: the best passage of a fiche, query words in ``<mark>``, everything else escaped.

Matching runs an accent- and case-insensitive regex over the original text (no analysis of the text:
a page of snippets costs little). A stem matches the words it starts (``famil`` → ``familles``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from app.search.schema import SNIPPET_SOURCES

SNIPPET_LENGTH = 240
_CONTEXT_BEFORE = 60


_VARIANTS = {
    "a": "aàâäáã", "c": "cç", "e": "eéèêë", "i": "iîïíì", "o": "oôöóòõœ", "u": "uùûüú", "y": "yÿ", "n": "nñ",
}


def _letter(char: str) -> str:
    variants = _VARIANTS.get(char)
    return f"[{variants}]" if variants else re.escape(char)


@lru_cache(maxsize=4096)
def term_pattern(terms: frozenset[str]) -> re.Pattern | None:
    """A regex matching, accents and case aside, the words that start with one of the (folded) stems.

    Short stems match whole words only.
    """
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        if not term or not re.fullmatch(r"[a-z0-9]+", term):
            continue
        body = "".join(_letter(c) for c in term)
        parts.append(rf"{body}\b" if len(term) < 3 else rf"{body}\w*")
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")", re.IGNORECASE)


def _best_window(matches: list[re.Match], text_len: int) -> tuple[int, int]:
    best = (0, -1)
    best_start = 0
    for i, m in enumerate(matches):
        end_limit = m.start() + SNIPPET_LENGTH - _CONTEXT_BEFORE
        distinct = {x.group(0).lower() for x in matches[i:] if x.end() <= end_limit}
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


def snippet(fiche: dict, terms: set[str]) -> str:
    """HTML snippet of a fiche for the query stems ``terms`` (may be empty: then the résumé's start)."""
    pattern = term_pattern(frozenset(terms))
    best: tuple[int, str, list[re.Match]] | None = None
    first_text = ""
    for name in SNIPPET_SOURCES:
        text = " ".join((fiche.get(name) or "").split())
        if not text:
            continue
        first_text = first_text or text
        if pattern is None:
            break
        matches = list(pattern.finditer(text))
        distinct = len({m.group(0).lower() for m in matches})
        if matches and (best is None or distinct > best[0]):
            best = (distinct, text, matches)
            if distinct >= len(terms):
                break
    if best is None:
        start, end = _cut(first_text, 0, min(len(first_text), SNIPPET_LENGTH))
        return _render(first_text, 0, end, [])
    _, text, matches = best
    start, end = _cut(text, *_best_window(matches, len(text)))
    return _render(text, start, end, matches)
