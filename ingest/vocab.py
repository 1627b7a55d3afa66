"""Controlled vocabularies of the fiche format, and mapping of written variants to canonical labels.

Canonical labels are spelled as the SENACS catalogue (and ``ground-truth/seed-fiches.json``) writes
them, including its lower-case ones ("familles", "développement durable", "intergénérationnel").
One deliberate exception: the catalogue's keyword "Viellissement" (sic) is stored as the correct French
"Vieillissement"; users read and filter on these labels, and both spellings map to it.

Matching ignores case, accents, punctuation, spacing and "&"/"et"; a near miss (a typo such as
"Parentalitée" or "Intergenerationel") is accepted when it is very close to exactly one label.
An unknown value is kept (cleaned) and reported by a French warning: the format allows other values.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from app.domain.text import compare_key

STATUT = ("En cours", "Terminée")
DIMENSION = ("Accompagnement de projets", "Citoyenneté", "Services")
MOTS_CLES = (
    "Solidarité",
    "Démocratie & citoyenneté",
    "développement durable",
    "Intégration",
    "Mixité sociale",
    "Parentalité",
    "éducation / scolarité",
    "vacances / loisirs",
    "Emploi, économie",
    "Culture",
    "intergénérationnel",
    "Précarité",
    "Santé",
    "mobilité / transport",
    "Logement",
    "discriminations",
    "Vieillissement",
)
PUBLIC = (
    "Tous publics",
    "familles",
    "Adultes",
    "Jeunesse",
    "Enfance",
    "Petite enfance",
    "Jeunes adultes",
)
TERRITOIRE = ("Un quartier", "Plusieurs quartiers", "Une commune", "Plusieurs communes", "Autre")
INITIATIVE = (
    "Le centre social",
    "Un ou plusieurs partenaire(s)",
    "Un groupe d'habitants",
    "Autre",
)

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "statut": STATUT,
    "dimension": DIMENSION,
    "mots_cles": MOTS_CLES,
    "public": PUBLIC,
    "territoire": TERRITOIRE,
    "initiative": INITIATIVE,
}

# What the user reads in warnings.
FIELD_LABELS = {
    "statut": "Statut de l'action",
    "dimension": "Dimension",
    "mots_cles": "Mots clés",
    "public": "Public",
    "territoire": "Territoire concerné",
    "initiative": "Qui est à l'initiative de l'action ?",
}

# Written variants that folding and fuzzy matching alone would not catch (keys are folded).
_ALIASES: dict[str, dict[str, str]] = {
    "statut": {
        "termine": "Terminée",
        "terminee": "Terminée",
        "achevee": "Terminée",
        "finie": "Terminée",
        "cloturee": "Terminée",
        "en cours de realisation": "En cours",
        "encours": "En cours",
    },
    "dimension": {"service": "Services", "accompagnement de projet": "Accompagnement de projets"},
    "mots_cles": {
        "viellissement": "Vieillissement",
        "vieillesse": "Vieillissement",
        "democratie citoyennete": "Démocratie & citoyenneté",
        "emploi economie": "Emploi, économie",
        "education scolarite": "éducation / scolarité",
        "vacances loisirs": "vacances / loisirs",
        "mobilite transport": "mobilité / transport",
        "discrimination": "discriminations",
        "intergenerationnelle": "intergénérationnel",
        "intergeneration": "intergénérationnel",
    },
    "public": {
        "famille": "familles",
        "tout public": "Tous publics",
        "tous public": "Tous publics",
        "adulte": "Adultes",
        "jeune adulte": "Jeunes adultes",
    },
    "territoire": {
        "quartier": "Un quartier",
        "commune": "Une commune",
        "plusieurs quartier": "Plusieurs quartiers",
        "plusieurs commune": "Plusieurs communes",
    },
    "initiative": {
        "centre social": "Le centre social",
        "un ou plusieurs partenaires": "Un ou plusieurs partenaire(s)",
        "partenaires": "Un ou plusieurs partenaire(s)",
        "un groupe habitants": "Un groupe d'habitants",
        "groupe d habitants": "Un groupe d'habitants",
        "habitants": "Un groupe d'habitants",
    },
}

_FUZZY_MIN = 88  # rapidfuzz ratio (0..100) for a typo to be accepted
_FUZZY_MARGIN = 6  # the best label must beat the second one by this much
_FUZZY_MIN_LEN = 6  # never guess on very short strings


@lru_cache(maxsize=8192)
def _match_key(text: str) -> str:
    """Like ``fold`` but also drops "et" and "ou", so that "&", "et", "/" and "," variants meet."""
    return " ".join(w for w in compare_key(text).split() if w not in {"et", "ou"})


@lru_cache(maxsize=8192)
def clean_label(value: str | None) -> str:
    """A label as written, with surrounding bullets, spaces and stray punctuation removed."""
    if not value:
        return ""
    text = " ".join(value.replace("\u00a0", " ").split())
    text = re.sub(r"^[-•*·–—\s]+", "", text)
    return re.sub(r"[\s.;:,–—-]+$", "", text).strip()


def _index(field: str) -> dict[str, str]:
    table = {_match_key(label): label for label in VOCABULARIES[field]}
    for alias, label in _ALIASES.get(field, {}).items():
        table.setdefault(_match_key(alias), label)
    return table


_INDEX: dict[str, dict[str, str]] = {field: _index(field) for field in VOCABULARIES}


@lru_cache(maxsize=8192)
def canonical_label(field: str, value: str | None) -> str | None:
    """The canonical label for ``value`` in ``field``, or None when it is not a known label."""
    if field not in VOCABULARIES:
        raise KeyError(f"unknown controlled field: {field}")
    key = _match_key(clean_label(value))
    if not key:
        return None
    index = _INDEX[field]
    if key in index:
        return index[key]
    if len(key) < _FUZZY_MIN_LEN:
        return None
    found = process.extract(key, list(index), scorer=fuzz.ratio, limit=2)
    if not found or found[0][1] < _FUZZY_MIN:
        return None
    if len(found) > 1 and index[found[1][0]] != index[found[0][0]]:
        if found[0][1] - found[1][1] < _FUZZY_MARGIN:
            return None
    return index[found[0][0]]


def unknown_warning(field: str, value: str) -> str:
    allowed = ", ".join(f"« {label} »" for label in VOCABULARIES[field])
    return (
        f"{FIELD_LABELS[field]} : valeur inconnue « {value} », conservée telle quelle "
        f"(valeurs connues : {allowed})."
    )


def normalize_value(field: str, value: str | None) -> tuple[str | None, list[str]]:
    """Map one value to its canonical label. Unknown values are kept, cleaned, with a warning."""
    cleaned = clean_label(value)
    if not cleaned:
        return None, []
    label = canonical_label(field, cleaned)
    if label is not None:
        return label, []
    return cleaned, [unknown_warning(field, cleaned)]


def _merge_split_keywords(values: list[str]) -> list[str]:
    """Rejoin "Emploi" + "économie" when a writer split the one keyword "Emploi, économie" in two."""
    out: list[str] = []
    for value in values:
        if out and compare_key(out[-1]) == "emploi" and compare_key(value) == "economie":
            out[-1] = f"{out[-1]}, {value}"
        else:
            out.append(value)
    return out


def normalize_values(field: str, values: list[str] | None) -> tuple[list[str], list[str]]:
    """Map a list of values; drops empty items and duplicates (first occurrence kept)."""
    items = [clean_label(v) for v in values or []]
    items = [v for v in items if v]
    if field == "mots_cles":
        items = _merge_split_keywords(items)
    labels: list[str] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for item in items:
        label, warns = normalize_value(field, item)
        if label is None:
            continue
        key = _match_key(label)
        if key in seen:
            continue
        seen.add(key)
        labels.append(label)
        warnings.extend(warns)
    return labels, warnings
