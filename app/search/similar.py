"""Similar fiches: what two fiches share in substance, and the words that say it.

Two fiches are similar through their controlled fields (mots clés, dimension, public) and through the
distinctive words of their texts (tf × idf, rare enough to mean something). SENACS boilerplate (the
section labels, « mise en œuvre », « à travers », « petit »…) and words that most fiches use never count.
Each similar fiche comes with what it shares: « En commun : repair café, Développement durable, Tous publics ».
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

from app.domain.text import fold
from app.search.analysis import terms
from app.search.scoring import finite, term_scores

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot

KEY_TERMS = 14
SHOWN_WORDS = 3
COMMON_SHARE = 0.2  # a word in more than this share of the fiches says nothing about a fiche
CONTROLLED = {"mots_cles": 1.5, "dimension": 1.0, "public": 0.5}  # facet → weight of a shared value
_SOURCES = ("title", "mots_cles", "resume", "description_experience", "description_generale", "diagnostic",
            "impacts")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# SENACS boilerplate: section labels and the phrases every fiche uses
BOILERPLATE = frozenset(terms(
    "mise en œuvre œuvre à travers petit petits grand action actions projet projets centre centres social "
    "sociaux sociale structure description expérience générale diagnostic impacts impact résultats résultat "
    "habitants habitant territoire perspectives limites facteurs réussite précision moyens humains budget "
    "partenaires partenaire public publics initiative statut dimension année mots clés thème thèmes ensemble "
    "permettre permet mettre place faire cadre lien liens temps travail accompagnement activité activités"
))


def _source_text(fiche: dict[str, Any]) -> str:
    parts = []
    for name in _SOURCES:
        value = fiche.get(name)
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        if value:
            parts.append(str(value))
    return "\n".join(parts)


def key_terms(snap: Snapshot, fiche: dict[str, Any]) -> list[tuple[str, float]]:
    """The fiche's most distinctive terms and their weights (tf × idf), boilerplate and common words out."""
    counts = Counter(terms(_source_text(fiche)))
    n = max(snap.n_live, 1)
    weighted = []
    for term, tf in counts.items():
        if len(term) < 3 or term.isdigit() or term in BOILERPLATE:
            continue
        df = max(snap.doc_frequency("body", term), snap.doc_frequency("title", term), snap.doc_frequency("kw", term))
        if df < 2 or df > n * COMMON_SHARE:
            continue
        weighted.append(((1 + math.log(tf)) * math.log(n / df), term))
    weighted.sort(key=lambda x: (-x[0], x[1]))
    return [(term, weight) for weight, term in weighted[:KEY_TERMS]]


def _written_forms(fiche: dict[str, Any], wanted: set[str]) -> dict[str, str]:
    """For each wanted term, the word of the fiche that gives it, as written."""
    out: dict[str, str] = {}
    for word in _WORD.findall(_source_text(fiche)):
        for term in terms(word):
            if term in wanted and term not in out:
                out[term] = word.lower() if not word.isupper() else word
    return out


def similar_docs(snap: Snapshot, fiche: dict[str, Any], excluded: set[int],
                 limit: int) -> list[tuple[int, float, list[str]]]:
    """(docnum, score, what it shares) of the fiches most similar to ``fiche``, best first."""
    n = snap.n_docs
    total = np.zeros(n)
    shared_terms: list[tuple[str, np.ndarray]] = []
    for term, weight in key_terms(snap, fiche):
        found = term_scores(snap, term)
        total += weight * found.scores
        shared_terms.append((term, found.present))
    controlled: list[tuple[str, np.ndarray]] = []
    scale = max(float(total.max()) if n else 0.0, 1.0) / 4  # a shared value weighs like a good shared word
    for facet, weight in CONTROLLED.items():
        value = fiche.get(facet)
        for item in value if isinstance(value, list) else [value]:
            if item:
                mask = snap.facets.mask(facet, str(item))
                if mask.any():
                    total += weight * scale * mask
                    controlled.append((str(item), mask))
    total = finite(total)
    candidates = np.flatnonzero((total > 0) & snap.live_mask)
    if excluded:
        candidates = candidates[~np.isin(candidates, np.fromiter(excluded, dtype=np.int64))]
    ordered = candidates[np.argsort(-total[candidates], kind="stable")][:limit]
    forms = _written_forms(fiche, {t for t, _ in shared_terms})
    out = []
    for d in ordered.tolist():
        words = [forms.get(t, t) for t, mask in shared_terms if mask[d]][:SHOWN_WORDS]
        values = [label for label, mask in controlled if mask[d]]
        shared = list(dict.fromkeys(words + values))
        out.append((d, float(total[d]), _dedupe_folded(shared)))
    return out


def _dedupe_folded(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = fold(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
