"""The field catalogue: the one place that says which fiche fields are text, lists, facets, ranges and sorts.

Field names, types and French labels come from the model (``FicheBase``: each field's ``title``). What a
search can do with them is declared here, once, and everything else is derived from it: the search
parameters (``app.search.params``), the Whoosh schema and its stored facet values (``app.search.schema``),
the exports (``EXPORT_FIELDS``), the OpenAPI documentation and the page (``GET /api/catalogue``; the page
shows facets in the order the API sends them).

Adding a facet is one line in ``FACETS`` (its parameter name, its label and the fields it reads).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_origin

from app.domain.models import SECTION_MARK, FicheBase, FicheLinks

PAGE_SIZE = 20  # results per page unless ``size`` says otherwise
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Facet:
    """A facet: the query parameter ``name`` selects values read from ``fields`` (OR within, AND across)."""

    name: str
    label: str
    fields: tuple[str, ...]
    long: bool = False  # many values: the page gives the list a filter box
    numeric: bool = False  # values are whole numbers (years)
    labels: tuple[tuple[str, str], ...] = ()  # stored value → displayed value (e.g. for booleans)
    controlled: bool = False  # a controlled vocabulary: values are displayed with their capital

    def values_of(self, fiche: Mapping[str, object]) -> list[str]:
        """The facet's values for one fiche (a dict of its fields), as displayed, empty ones left out."""
        shown = dict(self.labels)
        out: list[str] = []
        for name in self.fields:
            value = fiche.get(name)
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if item is not None and item != "":
                    text = shown.get(str(item), str(item))
                    out.append(display_label(text) if self.controlled else text)
        return out


@dataclass(frozen=True)
class Range:
    """An interval filter: ``{name}_min`` and ``{name}_max``, bounds included."""

    name: str
    label: str
    field: str
    kind: Literal["euros", "etp", "year"]
    expected: str  # what a bad value should have been, for the error message


@dataclass(frozen=True)
class Sort:
    """A sort order. ``column`` (a number column of the index: budget, year) is sorted ``ascending`` or not,
    missing values last either way; the label says which way."""

    name: str
    label: str
    aliases: tuple[str, ...] = field(default=())
    column: str | None = None
    ascending: bool = False


FACETS: tuple[Facet, ...] = (
    Facet("dimension", "Dimension", ("dimension",), controlled=True),
    Facet("mots_cles", "Mots clés", ("mots_cles",), long=True, controlled=True),
    Facet("public", "Public", ("public",), controlled=True),
    Facet("territoire", "Territoire", ("territoire",), controlled=True),
    Facet("initiative", "À l'initiative de", ("initiative",), controlled=True),
    Facet("statut", "Statut", ("statut",), controlled=True),
    Facet("partenaire", "Partenaire", ("partenaires_financiers", "partenaires_action"), long=True),
    Facet("departement", "Département", ("departement",), long=True),
    Facet("region", "Région", ("region",), long=True),
    Facet("annee", "Année", ("year",), long=True, numeric=True),
    Facet("etat", "État de la fiche", ("truncated",), labels=(("True", "Incomplète"), ("False", "Complète"))),
    # what the fiche's structure brings (its « Fiche identité », copied onto the fiche when they are linked)
    Facet("type_structure", "Type de structure", ("type_structure",),
          labels=(("CS", "Centre social"), ("EVS", "Espace de vie sociale"))),
    Facet("commune", "Commune", ("commune",), long=True),
    Facet("qpv", "Quartier prioritaire (QPV)", ("qpv",), labels=(("True", "En QPV"), ("False", "Hors QPV"))),
    Facet("type_territoire", "Type de territoire", ("type_territoire",)),
    Facet("mode_gestion", "Mode de gestion", ("mode_gestion",)),
)

RANGES: tuple[Range, ...] = (
    Range("budget", "Budget (en euros)", "budget_eur", "euros", "un montant en euros (par exemple 1500, 10k ou 15 k€)"),
    Range("etp", "Personnes mobilisées (en ETP)", "etp", "etp", "un nombre d'ETP (par exemple 0,5)"),
    Range("annee", "Période (années)", "year", "year", "une année (par exemple 2019)"),
)

SORTS: tuple[Sort, ...] = (
    Sort("pertinence", "Pertinence"),
    Sort("recent", "Plus récentes", aliases=("récent",), column="year"),
    Sort("budget", "Budget décroissant (le plus élevé d’abord)", aliases=("budget_decroissant",), column="budget"),
    Sort("budget_croissant", "Budget croissant (le plus faible d’abord)", column="budget", ascending=True),
    Sort("titre", "Titre (A → Z)"),
)
SORTS_BY_NAME: dict[str, Sort] = {sort.name: sort for sort in SORTS}

# Fields of a controlled vocabulary (their values are displayed with a capital: "familles" → "Familles").
CONTROLLED_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f for facet in FACETS if facet.controlled
                                                         for f in facet.fields))


def display_label(value: str) -> str:
    """A controlled value as a person reads it, with its capital ("développement durable" → "Développement
    durable"). The stored value is left as the source spells it; filters match either (accents and case folded)."""
    return value[:1].upper() + value[1:]


def display_values(fiche: Mapping[str, object]) -> dict[str, object]:
    """The controlled fields of ``fiche`` with their display labels (only the fields it has)."""
    out: dict[str, object] = {}
    for name in CONTROLLED_FIELDS:
        if name not in fiche:
            continue
        value = fiche[name]
        if isinstance(value, list):
            out[name] = [display_label(v) if isinstance(v, str) else v for v in value]
        elif isinstance(value, str):
            out[name] = display_label(value)
    return out


def _is_list(annotation: object) -> bool:
    return get_origin(annotation) is list


def _is_section(name: str) -> bool:
    extra = FicheBase.model_fields[name].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get(SECTION_MARK))


# Free-text sections, in reading order (the model's order).
TEXT_FIELDS: tuple[str, ...] = tuple(name for name in FicheBase.model_fields if _is_section(name))
# Multi-valued fields (lists of labels or names).
LIST_FIELDS: tuple[str, ...] = tuple(
    name for name, info in FicheBase.model_fields.items() if _is_list(info.annotation)
)
# Export columns: every field of the model (in its order) but the parser name, plus the id and the group.
EXPORT_FIELDS: tuple[str, ...] = (
    "id", *(name for name in FicheBase.model_fields if name != "format"), "duplicate_of", *FicheLinks.model_fields
)


def label(name: str) -> str:
    """The French label of a fiche field (its ``title`` in the model), or the name itself."""
    info = FicheBase.model_fields.get(name) or FicheLinks.model_fields.get(name)
    return (info.title if info and info.title else None) or name


def _check() -> None:
    """Fail at import if the catalogue names a field the model does not have."""
    known = set(FicheBase.model_fields) | set(FicheLinks.model_fields)
    names = [f for facet in FACETS for f in facet.fields] + [r.field for r in RANGES]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise RuntimeError(f"app.domain.fields: unknown fiche field(s) {unknown}; add them to FicheBase first")


_check()
