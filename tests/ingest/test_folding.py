"""The fast folding routes (app.domain.text) give exactly what the character by character ones gave."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.text import fold, fold_key, title_key


def _old_fold(text: str) -> str:
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _old_fold_key(value: str | None) -> str:
    if not value:
        return ""
    text = unicodedata.normalize("NFKD", value)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


FRENCH = st.text(alphabet=st.sampled_from(list("aàâäeéèêëiîïoôöuùûüyÿcçœæAÀÉÈÊÎÔÙÇŒÆß -'’«»—\u00a0\u202f.,;:!?0123456789")),
                 max_size=60)
ANY = st.text(max_size=40)  # every script, combining marks of any block, surrogates excluded


@settings(max_examples=400, deadline=None)
@given(st.one_of(FRENCH, ANY, st.none()))
def test_fold_key_as_before(value: str | None) -> None:
    assert fold_key(value) == _old_fold_key(value)
    assert title_key(value) == _old_fold_key(value)[:200]


@settings(max_examples=400, deadline=None)
@given(st.one_of(FRENCH, ANY))
def test_fold_as_before(text: str) -> None:
    assert fold(text) == _old_fold(text)


def test_marks_of_other_scripts_and_the_grapheme_joiner() -> None:
    for text in ("e\u0301", "a\u034fb", "क्षि", "ḱ\u0323", "Ωμέγα", "x\u20d7", "\U0001d165\u0301é"):
        assert fold_key(text) == _old_fold_key(text)
        assert fold(text) == _old_fold(text)


def _old_clean_text(value: str | None) -> str | None:
    from ingest import normalize as n

    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value))
    for odd, plain in n._ODD_CHARS:
        if odd in text:
            text = text.replace(odd, plain)
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    text = n._BLANK_LINES.sub("\n\n", text).strip("\n")
    return None if n._EMPTY.match(text) else text


SPACY = st.text(alphabet=st.sampled_from(list("ab -•.\n\r\t\u00a0\u202f\u2009\u2028\u2029\x0b\x0c\x1c\x1d\x85\u3000\ufeff")),
                max_size=40)


@settings(max_examples=500, deadline=None)
@given(st.one_of(SPACY, ANY, st.none()))
def test_clean_text_as_before(value: str | None) -> None:
    from ingest.normalize import clean_text

    assert clean_text(value) == _old_clean_text(value)


@settings(max_examples=300, deadline=None)
@given(st.one_of(SPACY, ANY))
def test_split_lines_as_before(text: str) -> None:
    import re

    from ingest.parse_text import _ODD_SPACES, split_lines

    old = text
    for odd, plain in _ODD_SPACES:
        old = old.replace(odd, plain)
    assert split_lines(text) == [line.rstrip() for line in re.split(r"\r\n|\r|\n", old)]


def test_regex_whitespace_is_str_whitespace() -> None:
    import re

    space = re.compile(r"\s")
    assert all((space.match(chr(c)) is not None) == chr(c).isspace() for c in range(0x110000) if not 0xD800 <= c < 0xE000)
