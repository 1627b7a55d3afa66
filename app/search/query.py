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


def build_query(q: str, snapshot, thesaurus: Thesaurus, fuzzy: bool = True) -> TextQuery:
    typed_words = query_words(q)
    words = [_corrected(snapshot, w) for w in typed_words] if fuzzy else typed_words
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
            alts = [Alternative(exp, SYNONYM_WEIGHT) for exp in sorted(expansions)
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


# -- scoring --------------------------------------------------------------------------------------------

def term_scores(snapshot, term: str, boosts: dict[str, float] = TEXT_BOOSTS) -> tuple[dict[int, float], float]:
    """BM25F score of one term in every document containing it, and the term's idf."""
    acc: dict[int, float] = {}
    get = acc.get
    for fname, boost in boosts.items():
        ids, tfs = snapshot.postings(fname, term)
        if not ids:
            continue
        lengths = snapshot.lengths[fname]
        b = B[fname]
        k = (1.0 - b) / boost
        c = b / (snapshot.avg_length[fname] * boost)
        for d, tf in zip(ids, tfs):
            acc[d] = get(d, 0.0) + tf / (k + c * lengths[d])
    n = max(snapshot.n_live, 1)
    df = len(acc)
    idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
    scale = idf * (K1 + 1.0)
    return {d: scale * x / (K1 + x) for d, x in acc.items()}, idf


def score(snapshot, query: TextQuery) -> dict[int, float]:
    """Score of every live document matching at least one clause."""
    cache: dict[str, tuple[dict[int, float], float]] = {}

    def scores_of(term: str):
        if term not in cache:
            cache[term] = term_scores(snapshot, term)
        return cache[term]

    total: dict[int, float] = {}
    matched: dict[int, float] = {}
    weight_sum = 0.0
    for clause in query.clauses:
        clause_score: dict[int, float] = {}
        clause_match: dict[int, float] = {}
        typed = [scores_of(t) for t in clause.typed]
        clause_weight = max((idf for _, idf in typed), default=1.0)
        if len(typed) == 1:  # the common case, with C-level copies
            clause_score = dict(typed[0][0])
            clause_match = dict.fromkeys(clause_score, 1.0)
        else:
            share = 1.0 / len(typed)
            for per_doc, _ in typed:
                for d, s in per_doc.items():
                    clause_score[d] = clause_score.get(d, 0.0) + s
                    clause_match[d] = clause_match.get(d, 0.0) + share
        best_alt: dict[int, float] = {}
        for alt in clause.alternatives:
            parts = [scores_of(t)[0] for t in alt.terms]
            clause_weight = max(clause_weight, alt.weight * max((scores_of(t)[1] for t in alt.terms), default=0))
            smallest = min(parts, key=len)
            for d in smallest:
                if all(d in p for p in parts):
                    s = alt.weight * sum(p[d] for p in parts) / len(parts) ** 0.5
                    if s > best_alt.get(d, 0.0):
                        best_alt[d] = s
                    clause_match[d] = 1.0
        for d, s in best_alt.items():
            clause_score[d] = clause_score.get(d, 0.0) + ALT_BONUS * s if d in clause_score else s
        weight_sum += clause_weight
        if not total:
            total = clause_score
            matched = {d: clause_weight * min(m, 1.0) for d, m in clause_match.items()}
            continue
        total_get, matched_get = total.get, matched.get
        for d, s in clause_score.items():
            total[d] = total_get(d, 0.0) + s
            m = clause_match[d]
            matched[d] = matched_get(d, 0.0) + clause_weight * (m if m < 1.0 else 1.0)
    live = snapshot.live
    if weight_sum <= 0:
        return {}
    if len(query.clauses) == 1:  # one concept: the coordination factor is 1 for full matches
        return {d: s * (matched[d] / weight_sum) ** COORDINATION_POWER if matched[d] < weight_sum else s
                for d, s in total.items() if d in live}
    inv = 1.0 / weight_sum
    return {d: s * (matched[d] * inv) ** COORDINATION_POWER for d, s in total.items() if d in live}


def rank(scores: dict[int, float], snapshot) -> list[int]:
    """Documents by decreasing score (ties: docnum order, stable).

    The second and later members of a near-duplicate group weigh ``DUPLICATE_DAMPING`` of their score,
    so one action published several years doesn't fill the first page.
    """
    ordered = sorted(sorted(scores), key=scores.__getitem__, reverse=True)  # ties: docnum order
    group_of = snapshot.group_of
    seen: set[str] = set()
    damped: dict[int, float] = {}
    for d in ordered:
        group = group_of.get(d)
        if group is None:
            continue
        if group in seen:
            damped[d] = scores[d] * DUPLICATE_DAMPING
        seen.add(group)
    if not damped:
        return ordered
    return sorted(ordered, key=lambda d: damped.get(d, scores[d]), reverse=True)


def plain_bm25(snapshot, q: str) -> list[int]:
    """Baseline for evaluation: BM25 summed over the typed words, equal field weights, no thesaurus,
    no typo tolerance, no coordination."""
    flat = {name: 1.0 for name in TEXT_BOOSTS}
    total: dict[int, float] = {}
    for stem in dict.fromkeys(stem for _, stem, _ in query_words(q)):
        for d, s in term_scores(snapshot, stem, flat)[0].items():
            total[d] = total.get(d, 0.0) + s
    return rank({d: s for d, s in total.items() if d in snapshot.live}, snapshot)
