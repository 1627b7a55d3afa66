"""The centre-social thesaurus (``thesaurus.txt``, an editable data file), matched on analysed terms.

Each entry is turned into its sequence of stems, so plurals, accents and elisions don't matter.
A query's stems are scanned left to right for the longest entry starting at each position.

Lines ``@facet Value | Value => term | term`` are *controlled values*: a fiche whose facet (Public, Mots
clés…) holds one of the values satisfies a query concept that is one of the terms, even when its text
never says it (the value implies the concept: Public « Enfance » is about « enfants »).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from app.domain.fields import FACETS
from app.domain.text import fold
from app.search.analysis import pair_term, query_words

THESAURUS_PATH = Path(__file__).with_name("thesaurus.txt")
FACET_NAMES = frozenset(facet.name for facet in FACETS)

Phrase = tuple[str, ...]


@dataclass
class Thesaurus:
    # phrase (stems) → the phrases it expands to
    expansions: dict[Phrase, set[Phrase]] = field(default_factory=dict)
    max_len: int = 1
    words: set[str] = field(default_factory=set)  # every stem of every term (known vocabulary)
    # a concept (stems) → the (facet, value) pairs whose fiches satisfy it
    controlled: dict[Phrase, list[tuple[str, str]]] = field(default_factory=dict)

    def add_group(self, sources: list[Phrase], targets: list[Phrase]) -> None:
        for src in sources:
            out = self.expansions.setdefault(src, set())
            out.update(t for t in targets if t != src)
            self.max_len = max(self.max_len, len(src))
            self.words.update(src)
        for target in targets:
            self.words.update(target)

    def match(self, stems: list[str]) -> list[tuple[int, int, set[Phrase]]]:
        """Longest matches, left to right: ``(start, end, expansions)`` with ``stems[start:end]`` matched."""
        found = []
        i = 0
        while i < len(stems):
            for length in range(min(self.max_len, len(stems) - i), 0, -1):
                phrase = tuple(stems[i : i + length])
                if phrase in self.expansions:
                    found.append((i, i + length, self.expansions[phrase]))
                    i += length
                    break
            else:
                i += 1
        return found

    def __len__(self) -> int:
        return len(self.expansions)

    @cached_property
    def pair_terms(self) -> frozenset[str]:
        """The pairs of adjacent stems of every phrase (what the index records to match phrases)."""
        phrases = set(self.expansions)
        for targets in self.expansions.values():
            phrases |= targets
        return frozenset(pair_term(a, b) for phrase in phrases for a, b in zip(phrase, phrase[1:]))


def parse(text: str) -> Thesaurus:
    thesaurus = Thesaurus()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            _add_controlled(thesaurus, line)
            continue
        left, arrow, right = line.partition("=>")
        sources = _phrases(left)
        targets = _phrases(right) if arrow else sources
        if arrow:
            targets = sources + targets
        thesaurus.add_group(sources, targets)
    return thesaurus


def _add_controlled(thesaurus: Thesaurus, line: str) -> None:
    """``@facet Value | Value => term | term``: the fiches holding a value satisfy each term's concept."""
    head, arrow, right = line[1:].partition("=>")
    facet, _, values = head.strip().partition(" ")
    if not arrow or facet not in FACET_NAMES or not values.strip():
        raise ValueError(f"ligne du thésaurus illisible : « {line} » (attendu : @facette Valeur => terme | terme)")
    pairs = [(facet, v.strip()) for v in values.split("|") if v.strip()]
    for concept in _phrases(right):
        known = thesaurus.controlled.setdefault(concept, [])
        known.extend(p for p in pairs if p not in known)
        thesaurus.words.update(concept)


def _phrases(text: str) -> list[Phrase]:
    out: list[Phrase] = []
    for item in text.split("|"):
        phrase = tuple(stem for _, stem, _ in query_words(item))
        if phrase and phrase not in out:
            out.append(phrase)
    return out


@lru_cache(maxsize=4)
def display_terms(path: Path = THESAURUS_PATH) -> tuple[tuple[str, str], ...]:
    """Every term of the file as written and folded (for autocompletion), in file order, without acronyms."""
    out: dict[str, None] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "@")):
            for item in line.replace("=>", "|").split("|"):
                term = " ".join(item.split())
                if term and not term.isupper():
                    out.setdefault(term, None)
    return tuple((term, fold(term)) for term in out)


@lru_cache(maxsize=4)
def load(path: Path = THESAURUS_PATH) -> Thesaurus:
    return parse(path.read_text(encoding="utf-8"))
