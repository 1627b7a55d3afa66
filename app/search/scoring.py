"""Scoring a query's clauses over every document (numpy: dense arrays over docnums).

BM25F per term (title > mots clés > résumé > the rest; term frequency saturated across fields, so a
common word repeated or put in a title cannot outweigh a rare one), summed over the clauses, times a
coordination factor (the idf-weighted share of each clause met by its typed words rather than by a
weaker alternative). The result *set* is the documents that satisfy every clause; when there is none,
the documents satisfying the most clauses are the *approchants*. Near-duplicates after the first of their
group are damped when ranking. No score is ever NaN or infinite: field lengths are finite by
construction (``Snapshot``) and every score array is checked on the way out.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from app.search.analysis import pair_term, query_words
from app.search.clauses import Alternative, Clause, TextQuery
from app.search.ranking import Ranking
from app.search.schema import TEXT_BOOSTS
from app.search.termsums import field_part

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot

K1 = 1.2
COORDINATION_POWER = 2.0
ALT_BONUS = 0.5
CONTROLLED_WEIGHT = 0.7  # a concept met by a controlled value only: about a single mention in the mots clés  # a fiche matching the typed words gets this share of its best alternative too
PLACE_LEAD = 1.0  # added to the normalised score of the fiches of a place's département: they come first
APPROCHANTS = 10  # close results listed, counting the short result set they follow
SHORT_SET = 10  # a result set smaller than this is followed by close results

SPARSE_LOOKUP = 16  # a term is looked up at a few documents by binary search when they are fewer than 1/16 of its own
SPARSE_ALTERNATIVE = 4  # a one-word alternative held by fewer than 1/4 of the documents is applied at those only
TERM_CACHE_BYTES = 4 << 20  # scored terms kept between queries (sparse: docnums and scores)

Array = np.ndarray
_NO_DOCS = np.zeros(0, dtype=np.int64)
_NO_SUMS = np.zeros(0)


def finite(values: Array) -> Array:
    """``values`` with NaN and ±inf replaced by 0 (a last guard: none should occur, and then ``values``
    itself is returned)."""
    if np.isfinite(values).all():
        return values
    cleaned: Array = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    return cleaned


class Term:
    """One term scored: the documents containing it (ascending docnums, deleted ones included), its BM25F
    score in each (never 0 there) and its idf. Its score and mask over every document are made on first
    use, and kept: a phrase's words are looked up at the phrase's few documents without them."""

    def __init__(self, docs: Array, values: Array, idf: float, n_docs: int) -> None:
        self.docs = docs
        self.values = values
        self.idf = idf
        self.n_docs = n_docs

    @cached_property
    def scores(self) -> Array:
        """The score in every document (0 where the term is absent)."""
        dense = np.zeros(self.n_docs)
        dense[self.docs] = self.values
        return dense

    @cached_property
    def present(self) -> Array:
        """The mask of the documents containing the term."""
        mask = np.zeros(self.n_docs, dtype=bool)
        mask[self.docs] = True
        return mask

    def at(self, docs: Array) -> tuple[Array, Array]:
        """(the documents of ``docs``, ascending, that contain the term; its scores there)."""
        if "present" in self.__dict__ or len(docs) * SPARSE_LOOKUP > len(self.docs):  # a gather is cheaper
            held = docs[self.present[docs]]
            return held, self.scores[held]
        at = np.searchsorted(self.docs, docs)
        found = at < len(self.docs)
        found[found] = self.docs[at[found]] == docs[found]
        return docs[found], self.values[at[found]]


def term_scores(snapshot: Snapshot, term: str, boosts: dict[str, float] = TEXT_BOOSTS) -> Term:
    """BM25F score of one term in every document, the mask of documents containing it, and its idf. The
    field sums come from the generation's precomputed sums for its merged segments (``termsums``) and are
    made from the field postings for the others (all of them without sums, or with other ``boosts``)."""
    summed = snapshot.sums(term) if boosts is TEXT_BOOSTS else None
    start = snapshot.tail_start if summed is not None else 0
    docs, held = _field_sums(snapshot, term, boosts, start)
    if summed is not None and len(summed[0]):  # the merged segments' documents come before the others
        docs = np.concatenate((summed[0], docs)) if len(docs) else summed[0]
        held = np.concatenate((summed[1], held)) if len(held) else summed[1]
    kept = (held > 0.0) & np.isfinite(held)  # a last guard (none should fail it): such a document lacks the term
    if not kept.all():
        docs, held = docs[kept], held[kept]
    idf = _idf(snapshot, int(np.count_nonzero(snapshot.live_mask[docs])))
    return Term(docs, idf * (K1 + 1.0) * held / (K1 + held), idf, snapshot.n_docs)


def _field_sums(snapshot: Snapshot, term: str, boosts: dict[str, float], start: int) -> tuple[Array, Array]:
    """(documents from ``start`` on holding the term, ascending; its sum over the fields in each), the fields
    added in order into an array of zeros (a field's docnums are distinct: the first field is written)."""
    acc: Array | None = None
    for fname, boost in boosts.items():
        ids, tfs = snapshot.postings(fname, term, tail=start > 0)
        if not len(ids):
            continue
        part = field_part(tfs, snapshot.lengths[fname][ids], fname, snapshot.avg_length[fname], boost)
        local = ids - start if start else ids
        if acc is None:
            acc = np.zeros(snapshot.n_docs - start)
            acc[local] = part
        else:
            acc[local] += part
    if acc is None:
        return _NO_DOCS, _NO_SUMS
    docs = np.flatnonzero(acc > 0.0)
    return (docs + start if start else docs), acc[docs]


def _idf(snapshot: Snapshot, df: int) -> float:
    n = max(snapshot.n_live, 1)
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


@dataclass
class Scored:
    docs: Array  # live documents satisfying every clause, ascending docnums
    scores: Array
    near: Array  # when ``docs`` is empty: the documents satisfying the most clauses (else empty)
    near_scores: Array


class TermCache:
    """Scored terms kept between queries (a term recurs across queries and thesaurus expansions), by
    snapshot generation and term, sparse (the documents holding the term and their scores), least recently
    used out first beyond ``max_bytes``. Thread-safe."""

    def __init__(self, max_bytes: int = TERM_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._terms: OrderedDict[tuple[object, str], tuple[Array, Array, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, generation: object, term: str, n_docs: int) -> Term | None:
        with self._lock:
            found = self._terms.get((generation, term))
            if found is None:
                return None
            self._terms.move_to_end((generation, term))
        docs, values, idf = found
        return Term(docs, values, idf, n_docs)

    def put(self, generation: object, term: str, found: Term) -> None:
        entry = (found.docs.astype(np.int32, copy=False), found.values, found.idf)
        if _entry_bytes(entry) > self.max_bytes:
            return
        with self._lock:
            old = self._terms.pop((generation, term), None)
            if old is not None:
                self._bytes -= _entry_bytes(old)
            self._terms[(generation, term)] = entry
            self._bytes += _entry_bytes(entry)
            while self._bytes > self.max_bytes and self._terms:
                _, dropped = self._terms.popitem(last=False)
                self._bytes -= _entry_bytes(dropped)

    def clear(self) -> None:
        with self._lock:
            self._terms.clear()
            self._bytes = 0


def _entry_bytes(entry: tuple[Array, Array, float]) -> int:
    return int(entry[0].nbytes + entry[1].nbytes) + 100


class _Scorer:
    """Scores the clauses of one query. A term's dense arrays (9 bytes a document) are kept while the
    query still uses the term, and let go after its last use (``uses``: how many times the query asks for
    each term). The terms of a query and its thesaurus expansions, all held to the end, made a fresh
    query's peak 12.5 MB at 100,000 fiches (median; 26 MB at most); let go, 9.1 MB (14.5 MB at most)."""

    def __init__(self, snapshot: Snapshot, shared: TermCache | None = None,
                 uses: Counter[str] | None = None) -> None:
        self.snapshot = snapshot
        self.cache: dict[str, Term] = {}
        self.shared = shared
        self.uses = uses

    def term(self, term: str) -> Term:
        found = self.cache.get(term)
        if found is None and self.shared is not None:
            found = self.shared.get(self.snapshot.generation, term, self.snapshot.n_docs)
        if found is None:
            found = term_scores(self.snapshot, term)
            if self.shared is not None:
                self.shared.put(self.snapshot.generation, term, found)
        self.cache[term] = found
        self.skip((term,))
        return found

    def skip(self, terms: tuple[str, ...]) -> None:
        """Count one use of each of ``terms`` as made; a term used for the last time is let go."""
        if self.uses is not None:
            for term in terms:
                self.uses[term] -= 1
                if self.uses[term] <= 0:
                    self.cache.pop(term, None)

    def phrase(self, terms: tuple[str, ...]) -> Array:
        """Documents (ascending) where the words stand together: each adjacent pair of stems, in order,
        within the small window the ``pairs`` field records."""
        pairs = [pair_term(first, second) for first, second in zip(terms, terms[1:])]
        docs: Array = self.snapshot.postings("pairs", pairs[0])[0]
        for pair in pairs[1:]:
            if not len(docs):
                break
            docs = docs[self.snapshot.has_term("pairs", pair)[docs]]
        return docs

    def idf(self, term: str) -> float:
        """The idf of ``term`` (as ``term_scores`` gives it), without scoring every document."""
        found = self.cache.get(term)
        if found is not None:
            return found.idf
        present = np.zeros(self.snapshot.n_docs, dtype=bool)
        summed = self.snapshot.sums(term)  # the merged segments' documents holding it, then the others'
        if summed is not None:
            present[summed[0]] = True
        for fname in TEXT_BOOSTS:
            present[self.snapshot.postings(fname, term, tail=summed is not None)[0]] = True
        return _idf(self.snapshot, int(np.count_nonzero(present & self.snapshot.live_mask)))

    def alternative(self, alt: Alternative) -> tuple[Array, Array, float]:
        """(where it is met: a mask of every document, or for a phrase the documents holding it, ascending;
        its score there: in every document, or in those; its weight as a clause)."""
        together = None
        if alt.phrase and len(alt.terms) > 1:
            together = self.phrase(alt.terms)
            if not len(together):  # no document has the phrase: skip scoring its words everywhere
                weight = alt.weight * max(self.idf(t) for t in alt.terms)
                self.skip(alt.terms)
                return together, _NO_SUMS, weight
        parts = [self.term(t) for t in alt.terms]
        weight = alt.weight * max((p.idf for p in parts), default=0.0)
        if len(parts) == 1 and len(parts[0].docs) * SPARSE_ALTERNATIVE < self.snapshot.n_docs:  # a rare word
            return parts[0].docs, alt.weight * parts[0].values, weight
        if len(parts) == 1:  # one word: its score is already 0 wherever it is absent (read only below)
            return parts[0].present, alt.weight * parts[0].scores, weight
        if together is not None:  # a phrase: on its documents only (a few, usually), never every document
            docs = together
            for part in parts:
                docs = part.at(docs)[0]
            return docs, alt.weight * sum(p.at(docs)[1] for p in parts) / len(parts) ** 0.5, weight
        met = np.logical_and.reduce([p.present for p in parts])
        alt_score = alt.weight * sum(p.scores for p in parts) / len(parts) ** 0.5
        return met, np.where(met, alt_score, 0.0), weight

    def clause(self, clause: Clause) -> tuple[Array, Array, Array, float]:
        """(satisfied, score, how well it is met: 1 by the typed words, less by an alternative, weight)."""
        n = self.snapshot.n_docs
        typed = [self.term(t) for t in clause.typed]
        weight = max((t.idf for t in typed), default=1.0)
        typed_hit = _all_of([t.present for t in typed], n)
        typed_score = _sum_of([t.scores for t in typed], n)
        del typed  # their arrays go once no other clause uses them
        met = typed_hit.astype(np.float64)
        best_alt = np.zeros(n)
        for alt in clause.alternatives:  # where an alternative isn't met, max(x, 0) is x: nothing to do
            alt_met, alt_score, alt_weight = self.alternative(alt)
            weight = max(weight, alt_weight)
            if alt_met.dtype == bool:  # over every document
                np.maximum(best_alt, alt_score, out=best_alt)
                np.maximum(met, alt.weight, out=met, where=alt_met)
            elif len(alt_met):  # at the documents given
                best_alt[alt_met] = np.maximum(best_alt[alt_met], alt_score)
                met[alt_met] = np.maximum(met[alt_met], alt.weight)
        for facet, value in clause.controlled:  # a controlled value implying the concept (thesaurus ``@``)
            holds = self.snapshot.facets.mask(facet, value)
            np.maximum(met, CONTROLLED_WEIGHT, out=met, where=holds)
            np.maximum(best_alt, CONTROLLED_WEIGHT * weight, out=best_alt, where=holds)
        score = np.where(typed_hit, typed_score + ALT_BONUS * best_alt, best_alt)
        if clause.place is not None:
            met = np.maximum(met, self.snapshot.facets.mask("departement", clause.place.departement))
        return met > 0.0, score, met, weight


def _all_of(masks: list[Array], n: int) -> Array:
    """Where every mask holds (read only: a single mask is returned as is)."""
    if len(masks) == 1:
        return masks[0]
    return np.logical_and.reduce(masks) if masks else np.zeros(n, dtype=bool)


def _sum_of(arrays: list[Array], n: int) -> Array:
    """The element-wise sum, in order (read only: a single array is returned as is; the arrays are finite
    and never negative, so leaving out the 0 the sum would start from changes no bit)."""
    return sum(arrays[1:], arrays[0]) if arrays else np.zeros(n)


def score(snapshot: Snapshot, query: TextQuery, terms: TermCache | None = None) -> Scored:
    """The result set of ``query`` (documents satisfying every clause) with scores, or its approchants
    (``terms``: scored terms kept between the queries of this snapshot)."""
    empty = np.zeros(0, dtype=np.int64)
    n = snapshot.n_docs
    if not query.clauses or n == 0:
        return Scored(empty, np.zeros(0), empty, np.zeros(0))
    scorer = _Scorer(snapshot, terms, term_uses(query))
    weight_sum = 0.0
    total = matched = satisfied = None
    lead = np.zeros(n, dtype=bool)
    for clause in query.clauses:  # summed in order, the first clause taken as is (0 + x is x: finite, >= 0)
        hit, clause_score, met, weight = scorer.clause(clause)
        weight_sum += weight
        share = weight * np.minimum(met, 1.0)
        if total is None or matched is None or satisfied is None:
            total, matched, satisfied = clause_score, share, hit.astype(np.int64)
        else:  # in place: these arrays are this function's own (``clause`` makes them afresh)
            total += clause_score
            matched += share
            satisfied += hit
        del hit, clause_score, met, share  # let go before the next clause is scored
        if clause.place is not None:
            lead |= snapshot.facets.mask("departement", clause.place.departement)

    assert total is not None and matched is not None and satisfied is not None  # there are clauses
    leading: float | None = None  # with a place: the best score, which every score is divided by

    def final(docs: Array) -> Array:  # the final score of ``docs`` (computed for those asked only)
        found = finite(total[docs] * (matched[docs] / max(weight_sum, 1e-9)) ** COORDINATION_POWER)
        if leading is None:
            return found
        found = found / leading
        found[lead[docs]] += PLACE_LEAD
        return found

    if lead.any():  # the fiches of the place's département first, scores divided by the best one
        scored = np.flatnonzero(satisfied)  # a score is 0 wherever no clause is satisfied
        leading = (float(final(scored).max()) if len(scored) else 0.0) or 1.0
    live = snapshot.live_mask
    docs = np.flatnonzero((satisfied == len(query.clauses)) & live)
    if len(docs) >= SHORT_SET or len(query.clauses) < 2:
        return Scored(docs, final(docs), empty, np.zeros(0))
    near, near_scores = _close_results(snapshot, docs, satisfied, final)
    keep = max(APPROCHANTS - len(docs), 0)
    return Scored(docs, final(docs), near[:keep], near_scores[:keep])


def term_uses(query: TextQuery) -> Counter[str]:
    """How many times scoring ``query`` asks for each term (``_Scorer.term``)."""
    uses: Counter[str] = Counter()
    for clause in query.clauses:
        uses.update(clause.typed)
        for alt in clause.alternatives:
            uses.update(alt.terms)
    return uses


def _close_results(snapshot: Snapshot, docs: Array, satisfied: Array,
                   final: Callable[[Array], Array]) -> tuple[Array, Array]:
    """The live documents outside the set ``docs`` that satisfy the most clauses (at least one), ranked;
    never a near-duplicate of a document of the set (its action is already shown)."""
    outside = snapshot.live_mask.copy()
    outside[docs] = False
    codes = snapshot.group_code[docs]
    codes = codes[codes >= 0]
    if len(codes):
        outside &= ~np.isin(snapshot.group_code, codes)
    best = int(satisfied[outside].max()) if outside.any() else 0
    if best == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    near = np.flatnonzero((satisfied == best) & outside)
    scores = final(near)
    if len(near) > 4 * APPROCHANTS:  # only the first few are listed: rank the best-scored ones only
        kept = np.sort(np.argpartition(-scores, 4 * APPROCHANTS)[: 4 * APPROCHANTS])
        near, scores = near[kept], scores[kept]
    return rank(near, scores, snapshot)


def rank(docs: Array, scores: Array, snapshot: Snapshot) -> tuple[Array, Array]:
    """(documents by decreasing score, ties in the order of ``docs``; their scores), the second and later
    members of a near-duplicate group damped (``ranking``; the scores returned are the undamped ones)."""
    scores = finite(scores)
    order = Ranking(docs, scores, snapshot).full()
    return docs[order], scores[order]


def plain_bm25(snapshot: Snapshot, q: str) -> Array:
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
