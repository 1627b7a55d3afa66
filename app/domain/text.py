"""Text folding: every way the project compares text, in one place, each variant saying why it differs.

=====================  ==========================================================================
``fold``               search terms: lower case, accents stripped, ``œ``/``æ`` spelt out. The index,
                       the thesaurus, facets and spelling all meet on it.
``fold_key``           identity of a value (fiche ids, structures): ``fold`` plus spacing collapsed,
                       and ``casefold`` (German ß, Greek sigma) since an id must never split a value.
``title_key``          the folded title a near-duplicate group is looked up by (bounded for its column).
``compare_key``        labels and vocabularies as people type them: transliterated (``unidecode``), ``&``
                       read as "et", punctuation as spaces: « Emploi & économie » meets "emploi et economie".
``label_key``          a section label on one line of a document: like ``compare_key`` without any
                       space, on the fast NFKD route (called on every line of every import).
``fold_same_length``   amounts and ETP extraction: one character for one, so match positions stay valid
                       in the original text; no-break spaces read as spaces, curly quotes as ``'``.
``fold_bytes``         snippets: one byte per character (Latin-1), for ``bytes.find`` over long texts.
=====================  ==========================================================================
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

TITLE_KEY_LENGTH = 200
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
OE_BYTE = "\x9c"  # ``fold_bytes`` writes "œ" as this one byte ("oe" in a stem also looks for it)


# The combining diacritics of Latin letters (U+0300–U+036F but the grapheme joiner, which is not combining)
_LATIN_MARKS = re.compile("[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]+")


def _strip_marks(text: str) -> str:
    """``text`` decomposed (NFKD) without its combining marks. C code for the usual strings; a string that
    still holds a combining mark of another script takes the character by character route."""
    if text.isascii():  # NFKD leaves ASCII as it is, and it has no marks
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = _LATIN_MARKS.sub("", decomposed)
    if stripped.isascii() or not any(unicodedata.combining(c) for c in set(stripped)):
        return stripped
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """Lowercase and strip accents (``Numérique`` → ``numerique``; ``œ`` → ``oe``)."""
    return _strip_marks(text.lower().replace("œ", "oe").replace("æ", "ae"))


def fold_key(value: str | None) -> str:
    """Case-, accent- and space-insensitive form of a value, for identity keys."""
    if not value:
        return ""
    return " ".join(_strip_marks(value).casefold().split())


def title_key(title: str | None) -> str:
    """The key of a title for near-duplicate grouping (stored in ``fiche.title_key``)."""
    return fold_key(title)[:TITLE_KEY_LENGTH]


def compare_key(text: str) -> str:
    """Comparison key: no accents, lower case, "&" read as "et", punctuation and spacing ignored."""
    text = unidecode(text).casefold().replace("&", " et ")
    return " ".join(_NOT_ALNUM.sub(" ", text).split())


@lru_cache(maxsize=16384)
def label_key(text: str) -> str:
    """The key a label is matched on: no accents, case, spaces or punctuation.

    Labels hold no character where the NFKD/ASCII route and ``unidecode`` differ, and this one is faster.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("", ascii_text.casefold())


class _SameLengthTable(dict[int, str]):
    """``str.translate`` table built on demand: each character to one lower-case, accent-free one."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in "\u00a0\u202f\u2009\u2007":
            folded = " "
        elif char in "’‘`´":
            folded = "'"
        else:
            base = unicodedata.normalize("NFD", char)[0].lower()
            folded = base if len(base) == 1 else char
        self[code] = folded
        return folded


_SAME_LENGTH = _SameLengthTable()


def fold_same_length(text: str) -> str:
    """Lower-case, accent-free copy of ``text`` with the same length (positions stay valid)."""
    return text.translate(_SAME_LENGTH)


def _byte_table() -> bytes:
    table = bytearray(range(256))
    for code in range(256):
        folded = fold(chr(code))
        if len(folded) == 1 and folded.isascii():
            table[code] = ord(folded)
    return bytes(table)


_BYTES = _byte_table()


def fold_bytes(text: str) -> bytes:
    """``text`` lowercased and accent-folded, one byte per character (beyond Latin-1: ``?``)."""
    return text.replace("œ", OE_BYTE).replace("Œ", OE_BYTE).encode("latin-1", "replace").translate(_BYTES)
