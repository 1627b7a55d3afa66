"""User text → concepts (clauses).

The text is never given to a query parser: it is only split into words, so quotes, ``AND`` or
``field:`` are plain words and can never be a syntax error.

Each *clause* is one concept of the query: a typed word (stop words are not concepts), a run of typed
words the thesaurus knows (``aide aux devoirs``), or a place (« Marseille », « 94 »). A fiche is in the
result set when it satisfies every clause. A clause is satisfied by its typed words (all of them, in any
field) or by one of its *alternatives*, which weigh less: a thesaurus expansion (several words: a phrase,
matched only on words standing together, never word by word), the parts of a hyphenated word, or, for the
last word while it is being typed, the words it starts. A place is also satisfied by every fiche of its
département, and a concept the thesaurus ties to a controlled value (Public « Enfance » for « enfants ») by
every fiche holding that value.

A word that the index or the thesaurus knows is never "corrected"; an unknown word is replaced by its
closest frequent spelling (``corrected`` then says which spelling was searched).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.domain.places import Place, find_places
from app.domain.text import fold
from app.search.analysis import query_words
from app.search.spelling import corrections
from app.search.thesaurus import Thesaurus

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot

SYNONYM_WEIGHT = 0.6
PARTS_WEIGHT = 0.85
PREFIX_WEIGHT = 0.8
PREFIX_MIN = 3  # letters of the last word before it also matches as a prefix
PREFIX_TERMS = 40  # completions kept for a prefix (the most frequent)

Word = tuple[str, str, tuple[str, ...]]  # as typed, main stem, stems of its hyphen parts


@dataclass
class Alternative:
    terms: tuple[str, ...]
    weight: float
    synonym: bool = False  # a thesaurus expansion (not a form of the words typed)
    phrase: bool = False  # several words that must stand together (pairs of adjacent stems)


@dataclass
class Clause:
    typed: tuple[str, ...]
    words: tuple[str, ...]
    alternatives: list[Alternative] = field(default_factory=list)
    place: Place | None = None  # a place: the fiches of its département also satisfy the clause
    controlled: list[tuple[str, str]] = field(default_factory=list)  # (facet, value): its fiches satisfy it

    def all_terms(self) -> set[str]:
        out = set(self.typed)
        for alt in self.alternatives:
            out.update(alt.terms)
        return out


@dataclass
class TextQuery:
    clauses: list[Clause]
    corrected: str | None = None  # the query with its unknown words replaced by the spellings searched

    @property
    def places(self) -> list[Place]:
        return [c.place for c in self.clauses if c.place is not None]

    def highlight_terms(self) -> set[str]:
        out: set[str] = set()
        for clause in self.clauses:
            out |= clause.all_terms()
        return out

    def highlight_groups(self) -> tuple[set[str], set[str]]:
        """(the typed stems and their close forms, the stems of thesaurus expansions only)."""
        typed: set[str] = set()
        for clause in self.clauses:
            typed.update(clause.typed)
            for alt in clause.alternatives:
                if not alt.synonym:
                    typed.update(alt.terms)
        return typed, self.highlight_terms() - typed


def build_query(q: str, snapshot: Snapshot, thesaurus: Thesaurus, fuzzy: bool = True) -> TextQuery:
    places = find_places(q)
    place_clauses = [_place_clause(match.place, q[match.start : match.end]) for match in places]
    for match in reversed(places):
        q = q[: match.start] + " " + q[match.end :]
    typed_words = query_words(q)
    last = len(typed_words) - 1 if typed_words and q.rstrip() and q.rstrip()[-1].isalnum() else -1
    # words of a thesaurus term ("aide aux devoirs") are known vocabulary even if no fiche uses them
    in_phrase = {i for start, end, _ in thesaurus.match([s for _, s, _ in typed_words]) for i in range(start, end)}
    words = typed_words
    if fuzzy:
        words = [w if i in in_phrase or _known(snapshot, thesaurus, w, i == last) else _corrected(snapshot, w)
                 for i, w in enumerate(typed_words)]
    corrected = None
    if words != typed_words:  # say which spelling was searched ("did you mean")
        corrected = q
        for before, after in zip(typed_words, words):
            if before != after:
                corrected = corrected.replace(before[0], after[0], 1)
        corrected = " ".join([corrected, *(c.words[0] for c in place_clauses)]).strip()
        corrected = " ".join(corrected.split())
    clauses = _word_clauses(words, snapshot, thesaurus, fuzzy, last if words == typed_words else -1)
    return TextQuery(_merge_duplicates(clauses + place_clauses), corrected)


def _word_clauses(words: list[Word], snapshot: Snapshot, thesaurus: Thesaurus, fuzzy: bool,
                  last: int) -> list[Clause]:
    stems = [s for _, s, _ in words]
    spans = {start: (end, expansions) for start, end, expansions in thesaurus.match(stems)}
    clauses: list[Clause] = []
    i = 0
    while i < len(words):
        if i in spans:
            end, expansions = spans[i]
            typed = tuple(dict.fromkeys(stems[i:end]))
            # an expansion containing every typed word only narrows them: the typed words cover it
            alts = [Alternative(exp, SYNONYM_WEIGHT, synonym=True, phrase=len(exp) > 1) for exp in sorted(expansions)
                    if not set(stems[i:end]) <= set(exp)]
            controlled = _controlled(thesaurus, [tuple(stems[i:end]), *sorted(expansions)])
            clauses.append(Clause(typed, tuple(w for w, _, _ in words[i:end]), alts, controlled=controlled))
            i = end
            continue
        word, stem, parts = words[i]
        clause = Clause((stem,), (word,), controlled=_controlled(thesaurus, [(stem,)]))
        if parts:
            clause.alternatives.append(Alternative(parts, PARTS_WEIGHT))
        if i == last and not parts:
            clause.alternatives.extend(Alternative((t,), PREFIX_WEIGHT) for t in _completions(snapshot, word)
                                       if t != stem)
        clauses.append(clause)
        i += 1
    return clauses


def _controlled(thesaurus: Thesaurus, concepts: list[tuple[str, ...]]) -> list[tuple[str, str]]:
    """The controlled values (facet, value) that satisfy any of ``concepts`` (a term and its synonyms)."""
    out: list[tuple[str, str]] = []
    for concept in concepts:
        out.extend(p for p in thesaurus.controlled.get(concept, ()) if p not in out)
    return out


def _place_clause(place: Place, written: str) -> Clause:
    return Clause(tuple(dict.fromkeys(s for _, s, _ in query_words(written))), (written,), place=place)


def _merge_duplicates(clauses: list[Clause]) -> list[Clause]:
    seen: set[tuple[str, ...]] = set()
    out = []
    for clause in clauses:
        key = clause.typed or clause.words
        if key not in seen:
            seen.add(key)
            out.append(clause)
    return out


def document_frequency(snapshot: Snapshot, stem: str) -> int:
    return max(len(snapshot.postings(f, stem)[0]) for f in ("body", "title", "kw", "resume"))


def _completions(snapshot: Snapshot, word: str) -> list[str]:
    """Index terms of the words that ``word`` starts (``numér`` → ``numer``, ``repai`` → ``repair``)."""
    prefix = fold(word)
    if len(prefix) < PREFIX_MIN or prefix.isdigit() or snapshot.vocabulary.frequency(prefix):
        return []  # a complete word is not a prefix
    return snapshot.completions(prefix, PREFIX_TERMS)


def _known(snapshot: Snapshot, thesaurus: Thesaurus, word: Word, last: bool) -> bool:
    """A word the index or the thesaurus knows (or, as the last word, one that starts known words)."""
    written, stem, parts = word
    if parts or len(written) < 4 or written.isdigit() or stem in thesaurus.words:
        return True
    if document_frequency(snapshot, stem) or snapshot.vocabulary.frequency(written):
        return True
    return last and bool(_completions(snapshot, written))


def _corrected(snapshot: Snapshot, word: Word) -> Word:
    """A typed word no fiche contains is replaced by its closest frequent spelling, if any."""
    written = word[0]
    for form, _ in corrections(snapshot.vocabulary, written, limit=1):
        found = query_words(form)
        if found:
            return found[0]
    return word
