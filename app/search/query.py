"""User text → concepts (clauses) → scored documents.

The text is never given to a query parser: it is only split into words, so quotes, ``AND`` or
``field:`` are plain words and can never be a syntax error.

Each *clause* is one concept of the query: a typed word, or a run of typed words the thesaurus knows
(``aide aux devoirs``). A clause also has *alternatives* that weigh less than the words typed: thesaurus
expansions, close spellings of an unknown or rare word, the parts of a hyphenated word.

A document's score is BM25F (title > mots clés > résumé > the rest, term frequency saturated across
fields, so a common word repeated or put in a title cannot outweigh a rare one) summed over clauses,
times a coordination factor: the idf-weighted share of the clauses it matches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from app.search.analysis import query_words
from app.search.schema import TEXT_BOOSTS
from app.search.spelling import corrections, vocabulary
from app.search.thesaurus import Thesaurus

K1 = 1.2
B = {"title": 0.3, "kw": 0.3, "resume": 0.6, "body": 0.75}
SYNONYM_WEIGHT = 0.6
FUZZY_WEIGHT = 0.7
PARTS_WEIGHT = 0.85
COORDINATION_POWER = 2.0
ALT_BONUS = 0.5  # a fiche matching the typed words gets this share of its best alternative too
DUPLICATE_DAMPING = 0.5
RARE_DF = 2  # a typed word found in at most this many fiches also looks for close spellings


@dataclass
class Alternative:
    terms: tuple[str, ...]
    weight: float
    synonym: bool = False  # a thesaurus expansion (not a form of the words typed)


@dataclass
class Clause:
    typed: tuple[str, ...]
    words: tuple[str, ...]
    alternatives: list[Alternative] = field(default_factory=list)

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
    def key(self) -> tuple:
        return tuple((c.typed, tuple((a.terms, a.weight) for a in c.alternatives)) for c in self.clauses)

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


def build_query(q: str, snapshot, thesaurus: Thesaurus, fuzzy: bool = True) -> TextQuery:
    typed_words = query_words(q)
    # words of a thesaurus term ("aide aux devoirs") are known vocabulary even if no fiche uses them
    known = {i for start, end, _ in thesaurus.match([stem for _, stem, _ in typed_words]) for i in range(start, end)}
    words = [w if i in known else _corrected(snapshot, w) for i, w in enumerate(typed_words)] if fuzzy else typed_words
    corrected = None
    if words != typed_words:  # say which spelling was searched ("did you mean")
        corrected = q
        for before, after in zip(typed_words, words):
            if before != after:
                corrected = corrected.replace(before[0], after[0], 1)
    stems = [stem for _, stem, _ in words]
    spans = {start: (end, expansions) for start, end, expansions in thesaurus.match(stems)}
    clauses: list[Clause] = []
    i = 0
    while i < len(words):
        if i in spans:
            end, expansions = spans[i]
            typed = tuple(dict.fromkeys(stems[i:end]))
            # an expansion containing every typed word only narrows them: the typed words cover it
            alts = [Alternative(exp, SYNONYM_WEIGHT, synonym=True) for exp in sorted(expansions)
                    if not set(stems[i:end]) <= set(exp)]
            clauses.append(Clause(typed, tuple(w for w, _, _ in words[i:end]), alts))
            i = end
            continue
        word, stem, parts = words[i]
        clause = Clause((stem,), (word,))
        if parts:
            clause.alternatives.append(Alternative(parts, PARTS_WEIGHT))
        if fuzzy and not parts:
            clause.alternatives.extend(_fuzzy_alternatives(snapshot, word, stem))
        clauses.append(clause)
        i += 1
    return TextQuery(_merge_duplicates(clauses), corrected)


def _merge_duplicates(clauses: list[Clause]) -> list[Clause]:
    seen: set[tuple[str, ...]] = set()
    out = []
    for clause in clauses:
        if clause.typed not in seen:
            seen.add(clause.typed)
            out.append(clause)
    return out


def _document_frequency(snapshot, stem: str) -> int:
    return len(snapshot.postings("body", stem)[0]) + len(snapshot.postings("title", stem)[0])


def _corrected(snapshot, word: tuple[str, str, tuple[str, ...]]) -> tuple[str, str, tuple[str, ...]]:
    """A typed word no fiche contains is replaced by its closest frequent spelling, if any."""
    written, stem, parts = word
    if parts or len(written) < 4 or written.isdigit() or _document_frequency(snapshot, stem):
        return word
    for form, _ in corrections(vocabulary(snapshot), written, limit=1):
        found = query_words(form)
        if found:
            return found[0]
    return word


def _fuzzy_alternatives(snapshot, word: str, stem: str) -> list[Alternative]:
    if len(word) < 4 or word.isdigit():
        return []
    df = _document_frequency(snapshot, stem)
    if df == 0 or df > RARE_DF:  # unknown words were already corrected
        return []
    out = []
    for form, _ in corrections(vocabulary(snapshot), word):
        found = query_words(form)
        if found and found[0][1] != stem:
            out.append(Alternative((found[0][1],), FUZZY_WEIGHT))
    return out


# -- scoring (numpy: dense arrays over docnums) ---------------------------------------------------------

class _Term:
    __slots__ = ("scores", "present", "idf")

    def __init__(self, scores: np.ndarray, present: np.ndarray, idf: float) -> None:
        self.scores = scores
        self.present = present
        self.idf = idf


def term_scores(snapshot, term: str, boosts: dict[str, float] = TEXT_BOOSTS) -> _Term:
    """BM25F score of one term in every document (0 where absent), the mask of documents containing
    it, and the term's idf."""
    acc = np.zeros(snapshot.n_docs)
    for fname, boost in boosts.items():
        ids, tfs = snapshot.postings(fname, term)
        if not len(ids):
            continue
        b = B[fname]
        k = (1.0 - b) / boost
        c = b / (snapshot.avg_length[fname] * boost)
        acc[ids] += tfs / (k + c * snapshot.lengths[fname][ids])
    present = acc > 0.0
    n = max(snapshot.n_live, 1)
    df = int(np.count_nonzero(present))
    idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
    return _Term(idf * (K1 + 1.0) * acc / (K1 + acc), present, idf)


def score(snapshot, query: TextQuery) -> tuple[np.ndarray, np.ndarray]:
    """(docnums of the live documents matching at least one clause, ascending; their scores)."""
    cache: dict[str, _Term] = {}

    def scores_of(term: str) -> _Term:
        if term not in cache:
            cache[term] = term_scores(snapshot, term)
        return cache[term]

    n = snapshot.n_docs
    total = np.zeros(n)
    matched = np.zeros(n)
    weight_sum = 0.0
    for clause in query.clauses:
        typed = [scores_of(t) for t in clause.typed]
        clause_weight = max((t.idf for t in typed), default=1.0)
        clause_score = np.zeros(n)
        clause_match = np.zeros(n)
        share = 1.0 / len(typed)
        for t in typed:
            clause_score += t.scores
            clause_match += t.present * share
        typed_hit = clause_match > 0.0
        best_alt = np.zeros(n)
        for alt in clause.alternatives:
            parts = [scores_of(t) for t in alt.terms]
            clause_weight = max(clause_weight, alt.weight * max((p.idf for p in parts), default=0))
            everywhere = np.logical_and.reduce([p.present for p in parts])
            alt_score = alt.weight * sum(p.scores for p in parts) / len(parts) ** 0.5
            np.maximum(best_alt, np.where(everywhere, alt_score, 0.0), out=best_alt)
            # a concept met only through an expansion counts for the expansion's weight
            np.maximum(clause_match, np.where(everywhere, alt.weight, 0.0), out=clause_match)
        clause_score = np.where(typed_hit, clause_score + ALT_BONUS * best_alt, best_alt)
        weight_sum += clause_weight
        total += clause_score
        matched += clause_weight * np.minimum(clause_match, 1.0)
        if clause is query.clauses[0]:
            hit = clause_match > 0.0
        else:
            hit |= clause_match > 0.0
    if weight_sum <= 0 or not query.clauses:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    docs = np.flatnonzero(hit & snapshot.live_mask)
    return docs, total[docs] * (matched[docs] / weight_sum) ** COORDINATION_POWER


def rank(docs: np.ndarray, scores: np.ndarray, snapshot) -> tuple[np.ndarray, np.ndarray]:
    """(documents by decreasing score, ties in docnum order; their scores), from ``score()``.

    The second and later members of a near-duplicate group weigh ``DUPLICATE_DAMPING`` of their score,
    so one action published several years doesn't fill the first page (the scores returned are the
    undamped ones).
    """
    by_score = np.argsort(-scores, kind="stable")
    ordered, ordered_scores = docs[by_score], scores[by_score]
    groups = snapshot.group_code[ordered]
    grouped = np.flatnonzero(groups >= 0)
    if not len(grouped):
        return ordered, ordered_scores
    _, first = np.unique(groups[grouped], return_index=True)
    later = np.ones(len(grouped), dtype=bool)
    later[first] = False
    if not later.any():
        return ordered, ordered_scores
    damped = ordered_scores.copy()
    damped[grouped[later]] *= DUPLICATE_DAMPING
    again = np.argsort(-damped, kind="stable")
    return ordered[again], ordered_scores[again]


def plain_bm25(snapshot, q: str) -> np.ndarray:
    """Baseline for evaluation: BM25 summed over the typed words, equal field weights, no thesaurus,
    no typo tolerance, no coordination."""
    flat = {name: 1.0 for name in TEXT_BOOSTS}
    total = np.zeros(snapshot.n_docs)
    hit = np.zeros(snapshot.n_docs, dtype=bool)
    for stem in dict.fromkeys(stem for _, stem, _ in query_words(q)):
        found = term_scores(snapshot, stem, flat)
        total += found.scores
        hit |= found.present
    docs = np.flatnonzero(hit & snapshot.live_mask)
    return rank(docs, total[docs], snapshot)[0]
