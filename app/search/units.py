"""Search in the units of projets sociaux and federation plans, by the rules of the fiche search.

The units are few (tens to thousands), so their index is built in memory from the store, and rebuilt when
the store's documents change. ``UnitSnapshot`` offers the read interface of the fiche index's
``Snapshot`` that ``clauses.build_query`` and ``scoring.score`` use (postings, field lengths, live mask,
vocabulary, completions): a query is read into clauses, matched (every clause, or the approchants) and
scored (BM25F with coordination) by the very same code, with the same French analysis and thesaurus.

Fields, by weight: the unit's title (the objectif général, the theme, the section); its **indicators**, a
field of their own (in the ``kw`` slot: weighed like a fiche's mots clés); its axis, operational objectives
and examples (``resume``); the rest of its text, the parts of a theme, the document's title and structure
(``body``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from app.domain.text import fold
from app.search.analysis import WORD_PATTERN, pairs, terms
from app.search.clauses import build_query
from app.search.schema import TEXT_BOOSTS
from app.search.scoring import rank, score
from app.search.snapshot import Snapshot
from app.search.spelling import Vocabulary, build_vocabulary
from app.search.thesaurus import Thesaurus

_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0))
_WORD = re.compile(WORD_PATTERN)
FACETS = ("type", "structure")


@dataclass
class UnitRow:
    """One unit as the index reads it (a flat record: the store's unit with its document)."""

    id: str
    document_id: str
    document_title: str
    type: str
    titre: str
    position: int
    structure: str | None = None
    territoire: str | None = None
    periode: str | None = None
    axe: str | None = None
    objectifs_operationnels: list[str] = field(default_factory=list)
    indicateurs: list[str] = field(default_factory=list)
    exemples: list[str] = field(default_factory=list)
    parties: list[dict[str, str]] = field(default_factory=list)
    texte: str | None = None

    def field_texts(self) -> dict[str, str]:
        indicators = ["Indicateurs", *self.indicateurs] if self.indicateurs else []
        objectives = ["Objectifs opérationnels", *self.objectifs_operationnels] if self.objectifs_operationnels else []
        examples = ["Exemples", *self.exemples] if self.exemples else []
        parts = [f"{p.get('titre', '')}\n{p.get('texte', '')}" for p in self.parties
                 if p.get("cle") != "objectifs_operationnels"]
        return {
            "title": self.titre,
            "kw": "\n".join(indicators),
            "resume": "\n".join(filter(None, [self.axe or "", *objectives, *examples])),
            "body": "\n".join(filter(None, [*parts, self.texte or "", self.document_title, self.structure or "",
                                            self.territoire or ""])),
        }


class _DocFrequency:
    def __init__(self, df: int) -> None:
        self.df = df

    def doc_frequency(self) -> int:
        return self.df


class _NoPlaces:
    """Units have no département: a place typed in a query is only its words."""

    def __init__(self, n_docs: int) -> None:
        self.n_docs = n_docs

    def mask(self, facet: str, value: str) -> np.ndarray:
        return np.zeros(self.n_docs, dtype=bool)


class UnitSnapshot:
    """An immutable in-memory index of units (see the module's docstring)."""

    def __init__(self, rows: list[UnitRow], thesaurus: Thesaurus) -> None:
        self.rows = rows
        self.n_docs = self.n_live = len(rows)
        self.live_mask = np.ones(len(rows), dtype=bool)
        self.group_code = np.full(len(rows), -1, dtype=np.int64)
        self.facets = _NoPlaces(len(rows))
        self.lengths: dict[str, np.ndarray] = {name: np.zeros(len(rows)) for name in (*TEXT_BOOSTS, "pairs")}
        postings: dict[tuple[str, str], dict[int, int]] = {}
        words: Counter[str] = Counter()
        for docnum, row in enumerate(rows):
            texts = row.field_texts()
            for name, text in texts.items():
                found = Counter(terms(text))
                self.lengths[name][docnum] = max(sum(found.values()), 1)
                for term, tf in found.items():
                    postings.setdefault((name, term), {})[docnum] = tf
            joined = "\n".join(texts.values())
            for pair in pairs(joined, thesaurus.pair_terms):
                postings.setdefault(("pairs", pair), {})[docnum] = 1
            words.update({word.lower() for word in _WORD.findall(joined)})
        self._postings = {key: (np.fromiter(found.keys(), dtype=np.int64), np.fromiter(found.values(), dtype=float))
                          for key, found in postings.items()}
        self.avg_length = {name: float(lengths.mean()) if len(lengths) else 1.0
                           for name, lengths in self.lengths.items()}
        self.vocabulary: Vocabulary = build_vocabulary((word, _DocFrequency(df)) for word, df in words.items())
        stems: dict[str, int] = {}
        for (name, term), (ids, _) in self._postings.items():
            if name != "pairs":
                stems[term] = max(stems.get(term, 0), len(ids))
        keys = sorted(stems)
        self.stems = (keys, [stems[t] for t in keys])  # every term and its document frequency (for prefixes)

    def postings(self, field: str, text: str, tail: bool = False) -> tuple[np.ndarray, np.ndarray]:
        return self._postings.get((field, text), _EMPTY)  # no merged segments: every document is the tail

    def sums(self, term: str) -> None:
        """No precomputed term sums (``termsums``): every term is read from its fields."""
        return None

    def has_term(self, field: str, term: str) -> np.ndarray:
        mask = np.zeros(self.n_docs, dtype=bool)
        mask[self.postings(field, term)[0]] = True
        return mask

    def completions(self, prefix: str, limit: int) -> list[str]:
        """The fiche index's completions, over these units' vocabulary and ``stems``."""
        return Snapshot.completions(self._as_snapshot(), prefix, limit)

    def _as_snapshot(self) -> Snapshot:
        return cast("Snapshot", self)  # the read interface clauses and scoring use (see the docstring)


def _facet_value(row: UnitRow, name: str) -> str | None:
    return row.type if name == "type" else row.structure


def search_units(snap: UnitSnapshot, thesaurus: Thesaurus, q: str, filters: dict[str, list[str]],
                 page: int = 1, size: int = 20) -> dict[str, Any]:
    """Units matching ``q`` (every concept; else the approchants) and the facet ``filters``, by score
    (documents in reading order without a query); facet counts over the text result."""
    n = snap.n_docs
    scores = np.zeros(n)
    near: list[int] = []
    if q.strip() and n:
        query = build_query(q, snap._as_snapshot(), thesaurus, fuzzy=False)
        scored = score(snap._as_snapshot(), query)
        matched = np.zeros(n, dtype=bool)
        matched[scored.docs] = True
        scores[scored.docs] = scored.scores
        near = [int(d) for d in scored.near]
        if not query.clauses:
            matched[:] = True
    else:
        matched = np.ones(n, dtype=bool)
    wanted = {name: {fold(v) for v in values} for name, values in filters.items() if values}

    def keep(docnum: int, skip: str | None = None) -> bool:
        row = snap.rows[docnum]
        return all(fold(_facet_value(row, name) or "") in values for name, values in wanted.items() if name != skip)

    candidates = [int(d) for d in np.flatnonzero(matched)]
    facets = {name: Counter(_facet_value(snap.rows[d], name) for d in candidates if keep(d, skip=name))
              for name in FACETS}
    result = np.array([d for d in candidates if keep(d)], dtype=np.int64)
    if q.strip() and len(result):
        result = rank(result, scores[result], snap._as_snapshot())[0]
    start = (page - 1) * size
    return {
        "total": int(len(result)),
        "hits": [(snap.rows[int(d)], float(scores[int(d)])) for d in result[start : start + size]],
        "approchants": [(snap.rows[d], 0.0) for d in near if keep(d)] if not len(result) else [],
        "facets": {name: sorted(((value, count) for value, count in counts.items() if value),
                                key=lambda item: (-item[1], fold(item[0])))
                   for name, counts in facets.items()},
    }
