"""The French analyzer (stable import path: Whoosh pickles the analyzers into the index schema).

Pipeline for the searchable fields::

    words (hyphens and apostrophes kept inside a word) → lowercase → elisions stripped (l' d' qu' …)
    → hyphenated words emitted joined and split → accents folded → French stop words (folded)
    → Snowball French stemmer (PyStemmer)

Folding *before* stemming matters: ``numerique`` and ``numérique`` must give the same stem.
The spelling field holds the words as written (lowercase, accents kept) so suggestions keep accents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain
from typing import Any

import Stemmer
from whoosh.analysis import Filter, RegexTokenizer

from app.domain.text import fold

# A word: letters/digits, possibly joined by hyphens or apostrophes (straight or curly).
WORD_PATTERN = r"\w+(?:[-'’]\w+)*"
_APOSTROPHES = re.compile(r"['’]")
_RAW_WORD = re.compile(WORD_PATTERN)
ELISIONS = frozenset({"l", "d", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", "s", "n", "m", "t", "c", "j"})
_KEEP_JOINED = frozenset({"aujourd'hui", "prud'hommes", "prud'homme", "presqu'ile", "presqu'île"})

_FRENCH_STOP = """
a à afin ai aie aient aies ait alors as au aucun aucune aupres auquel aura aurai auraient aurais aurait
auras aurez auriez aurions aurons auront aussi autre autres aux auxquelles auxquels avaient avais avait
avant avec avez aviez avions avoir avons ayant ayez ayons c ça car ce ceci cela celle celles celui cependant
ces cet cette ceux chacun chacune chaque chez ci comme comment d dans de des desquelles desquels deux dont
donc du duquel elle elles en encore entre es est et etaient etais etait etant ete etes etiez etions etre eu
eue eues eûmes eurent eus eusse eussent eusses eussiez eussions eut eût eûtes eux fait faites fûmes furent
fus fusse fussent fusses fussiez fussions fut fût fûtes ici il ils j je jusqu l la laquelle le lequel les
lesquelles lesquels leur leurs lors lui m ma mais me meme memes mes moi mon n ne ni nos notre nous on ont
ou où par parce pas peu peut plus pour pourquoi qu quand que quel quelle quelles quels qui quoi s sa sans
se sera serai seraient serais serait seras serez seriez serions serons seront ses si sien sienne soi soient
sois soit sommes son sont sous soyez soyons suis sur t ta te tes toi ton tous tout toute toutes tres tu un
une unes uns vers via vos votre vous y
"""


STOP_WORDS = frozenset(fold(w) for w in _FRENCH_STOP.split())


class ElisionFilter(Filter):  # type: ignore[misc]  # Whoosh is untyped
    """Strips French elisions (``l'``, ``d'``, ``qu'``, ``jusqu'`` …, straight or curly apostrophe).

    Other apostrophes split the word (``aujourd'hui`` is kept whole, without its apostrophe).
    """

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for t in tokens:
            text = t.text
            if "'" not in text and "’" not in text:
                yield t
                continue
            normalised = text.replace("’", "'")
            if normalised in _KEEP_JOINED:
                t.text = normalised.replace("'", "")
                yield t
                continue
            parts = [p for p in _APOSTROPHES.split(text) if p]
            while len(parts) > 1 and parts[0] in ELISIONS:
                parts.pop(0)
            for part in parts:
                t.text = part
                yield t


class HyphenFilter(Filter):  # type: ignore[misc]
    """Emits a hyphenated word joined (``aidemenagere``) and each of its parts (``aide``, ``menagere``)."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for t in tokens:
            text = t.text
            if "-" not in text:
                yield t
                continue
            parts = [p for p in text.split("-") if p]
            t.text = "".join(parts)
            yield t
            if len(parts) > 1:
                for part in parts:
                    t.text = part
                    yield t


# Acronyms of the field: their own terms, never stemmed (« EVS » stays ``evs``), and no other word may
# stem to one of them (« café » would give ``caf``, the Caisse d'allocations familiales).
ACRONYMS = frozenset("""
acm alsh ams ape apl asl ash asv bafa bafd bpjeps caf cada ccas cdad cej cesf chrs cij clas clsh
cmp cmu cnaf cpam cpf crous css ctg dasen eaje epn esat esf evs fle fjt fse gem hlm laep mdph mjc msa mjpm
pai paej pij pmi pmr qpv ram rep rpe rsa smic tap ufs vvv
""".split())

# Distinct words that the Snowball stemmer merges in centre-social text, found by scanning the words of
# 3,000 synthetic fiches (bench/synth.py) and of the seeds for stems shared by unrelated words; pinned in
# tests/search/test_result_set.py.
STEM_OVERRIDES = {
    "departement": "departement", "departements": "departement",  # not « départ »
    "initiation": "initiation", "initiations": "initiation", "initiative": "initiativ", "initiatives": "initiativ",
    "france": "france", "francais": "francais", "francaise": "francais", "francaises": "francais",
    "commune": "commune", "communes": "commune", "communal": "communal", "communaux": "communal",
    "gers": "gers", "tennis": "tennis", "galette": "galette", "galettes": "galette",
    "environnement": "environnement", "environnements": "environnement",
    "concertation": "concertation", "concertations": "concertation",
    "equitation": "equitation",
    "communication": "communic", "communications": "communic", "communicant": "communic",
    "communiquer": "communiqu", "communique": "communiqu",
    "communaute": "communaut", "communautes": "communaut",  # not « commun »
    "cours": "cours", "course": "course", "courses": "course",
    "devis": "devis",
    "repas": "repas",
    "personnel": "personnel", "personnels": "personnel",
}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of a folded word (cached: the same words come back all the time).

    Snowball needs the accent of a feminine participle (``réfugiées``) to strip it; once folded,
    ``refugiees`` would keep an ``e``. So ``-ee``/``-ees`` become ``-e``/``-es`` first, and all the
    forms (``réfugié``, ``réfugiées``, ``refugies``) get one stem. Acronyms are kept whole; a word that
    would stem to an acronym keeps its singular instead (``cafes`` → ``cafe``, not ``caf``).
    """
    if word in ACRONYMS:
        return word
    override = STEM_OVERRIDES.get(word)
    if override is not None:
        return override
    if len(word) > 4 and word.endswith(("ee", "ees")):
        word = word[:-2] + word[-1] if word.endswith("ee") else word[:-3] + "es"
    found: str = _stemmer().stemWord(word)
    if found in ACRONYMS:
        return word[:-1] if word.endswith(("s", "x")) and len(word) > 3 else word
    return found


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return Stemmer.Stemmer("french")


_ELISION = ElisionFilter()
_HYPHEN = HyphenFilter()


@lru_cache(maxsize=200_000)
def _index_terms(word: str) -> tuple[str, ...]:
    """The terms one tokenizer word gives: elisions, hyphens, fold, stop words, stem (cached)."""

    class _T:  # the two word-splitting filters work on token objects
        def __init__(self, text: str) -> None:
            self.text = text

    out: list[str] = []
    for token in _HYPHEN(_ELISION([_T(word.lower())])):
        text = fold(token.text)
        if (len(text) > 1 and text not in STOP_WORDS) or text.isdigit():
            out.append(stem(text))
    return tuple(out)


class FrenchFilter(Filter):  # type: ignore[misc]
    """Lowercase, elisions, hyphens, fold, stop words and stem in one pass, cached per word.

    Same result as ``LowercaseFilter | ElisionFilter | HyphenFilter | FoldFilter | FrenchStopFilter |
    FrenchStemFilter``, several times faster to index with.
    """

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for t in tokens:
            for text in _index_terms(t.text):
                t.text = text
                yield t


def french_analyzer() -> Any:
    """The analyzer of the searchable text fields."""
    return RegexTokenizer(WORD_PATTERN) | FrenchFilter()



def terms(text: str) -> list[str]:
    """The stems of a text, in order (what the index holds for it: the analyzer's words, each through
    ``FrenchFilter``, without the cost of Whoosh's token objects)."""
    return list(chain.from_iterable(map(_index_terms, _RAW_WORD.findall(text))))  # no Python-level loop


PAIR_WINDOW = 2  # a pair joins stems at most this many terms apart (stop words already gone; ``pairs_in``)


def pair_term(first: str, second: str) -> str:
    return f"{first}_{second}"


def pairs(text: str, wanted: frozenset[str]) -> set[str]:
    """The pairs of stems standing together in ``text`` (``a_b``: b within ``PAIR_WINDOW`` terms after a)
    that are in ``wanted`` (the pairs of the thesaurus' phrases: indexing every pair would triple the index).

    Each line is taken apart: a pair never spans two fields or two list items."""
    return pairs_in(line_terms(text), wanted)


LINE_BREAK = "\n"  # in ``line_terms``: where a line ends (never a term: terms are made of word characters)
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # the line boundaries of ``str.splitlines``
_WORD_OR_BREAK = re.compile(f"{WORD_PATTERN}|[{_LINE_BREAKS}]")
_BREAK = (LINE_BREAK,)


@lru_cache(maxsize=200_000)
def _terms_or_break(word: str) -> tuple[str, ...]:
    return _BREAK if word in _LINE_BREAKS else _index_terms(word)


def line_terms(text: str) -> list[str]:
    """The stems of a text in order (``terms``), with ``LINE_BREAK`` where each line ends: what ``terms``
    gives for each of its lines, in one pass over the text."""
    return list(chain.from_iterable(map(_terms_or_break, _WORD_OR_BREAK.findall(text))))


def pairs_in(found: list[str], wanted: frozenset[str]) -> set[str]:
    """The wanted pairs (``pairs``) among the terms ``found`` (``line_terms``: a pair stops at a line's end).

    ``PAIR_WINDOW`` is 2: the pairs of neighbours, and of terms one apart when no line ends between them;
    the candidates are found by set operations, not a loop over the terms."""
    pairs = _pair_tuples(wanted)
    out = {pair_term(*pair) for pair in pairs.intersection(zip(found, found[1:]))}
    for first, second in pairs.intersection(zip(found, found[2:])):
        at = -1
        try:
            while True:
                at = found.index(first, at + 1)
                if at + 2 < len(found) and found[at + 2] == second and found[at + 1] != LINE_BREAK:
                    out.add(pair_term(first, second))
                    break
        except ValueError:
            pass  # no other place where the pair stands
    return out


@lru_cache(maxsize=4)
def _pair_tuples(wanted: frozenset[str]) -> frozenset[tuple[str, str]]:
    """The wanted pairs as (first stem, second stem), split as ``_follows`` splits them."""
    return frozenset((first, second) for first, seconds in _follows(wanted).items() for second in seconds)


@lru_cache(maxsize=4)
def _follows(wanted: frozenset[str]) -> dict[str, frozenset[str]]:
    """The wanted pairs as first stem → the stems that may follow it."""
    out: dict[str, set[str]] = {}
    for pair in wanted:
        first, _, second = pair.partition("_")
        out.setdefault(first, set()).add(second)
    return {first: frozenset(seconds) for first, seconds in out.items()}


def query_words(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """The words of a query: ``(word as typed, main stem, stems of its hyphen parts)``, stop words dropped.

    A hyphenated word's main stem is the joined form (``enfantsparent``); its parts are kept apart so a
    query can also look for them separately.
    """
    out = []
    for token in _RAW_WORD.findall(text):
        stems = terms(token)
        if not stems:
            continue
        parts = tuple(stems[1:]) if "-" in token and len(stems) > 1 else ()
        out.append((token, stems[0], parts))
        if not parts and len(stems) > 1:  # an inner apostrophe split the word (d'aînés handled above)
            out.extend((token, s, ()) for s in stems[1:])
    return out

