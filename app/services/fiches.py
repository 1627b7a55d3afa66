"""Service functions behind the fiche routes: search, whole fiche, similar fiches, deletion, catalogue."""

from __future__ import annotations

from typing import Any

from app.domain.envelopes import (
    Catalogue,
    Deleted,
    DuplicateRef,
    FacetInfo,
    FicheDetail,
    RangeInfo,
    SimilarResult,
    SortInfo,
    TermeEtp,
)
from app.domain.errors import FicheNotFound
from app.domain.fields import FACETS, MAX_PAGE_SIZE, PAGE_SIZE, RANGES, SORTS, display_values
from app.domain.models import FichePublic
from app.search.params import SearchParams
from app.services.runtime import Runtime
from ingest.etp import etp_parts

ETP_SOURCES = ("personnes_mobilisees", "ressources_financieres")  # where the importer reads the ETP, in order


def _not_found(fiche_id: str) -> FicheNotFound:
    return FicheNotFound(f"Aucune fiche n'a l'identifiant « {fiche_id} ».", id=fiche_id)


def search(runtime: Runtime, params: SearchParams) -> dict[str, Any]:
    """A result page as plain JSON types (the route sends it as is: see ``envelopes.SearchResult``)."""
    result = runtime.search.search(params)
    return {**result, "hits": _displayed(result["hits"]), "approchants": _displayed(result.get("approchants", []))}


def _displayed(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hits with their controlled values as displayed ("Familles"), without touching a cached result."""
    return [{**hit, **display_values(hit)} for hit in hits]


def fiche_detail(runtime: Runtime, fiche_id: str) -> FicheDetail:
    fiche = runtime.store.get(fiche_id)
    if fiche is None:
        raise _not_found(fiche_id)
    duplicates = [DuplicateRef(id=f.id, title=f.title, structure=f.structure, departement=f.departement, year=f.year)
                  for f in runtime.store.group_members(fiche)]
    public = FichePublic.model_validate(fiche)
    data = public.model_dump()
    return FicheDetail.model_validate({**data, **display_values(data), "duplicates": duplicates,
                                       "calcul_etp": etp_terms(public)})


def etp_terms(fiche: FichePublic) -> list[TermeEtp]:
    """The terms the stored ETP was summed from, read again from the text it came from.

    Empty when no text gives exactly the stored figure (an ETP given as a number by a structured import, or
    read by an older importer): the page then shows the figure without a computation rather than a wrong one."""
    if fiche.etp is None:
        return []
    for name in ETP_SOURCES:
        parts = etp_parts(getattr(fiche, name))
        if parts and abs(sum(value for value, _ in parts) - fiche.etp) < 0.006:
            return [TermeEtp(etp=round(value, 2), texte=line) for value, line in parts]
    return []


def similar(runtime: Runtime, fiche_id: str, limit: int = 6) -> SimilarResult:
    if runtime.store.get(fiche_id) is None:
        raise _not_found(fiche_id)
    return SimilarResult.model_validate({"hits": _displayed(runtime.search.similar(fiche_id, limit=limit))})


def delete(runtime: Runtime, fiche_id: str) -> Deleted:
    if not runtime.store.delete(fiche_id):
        raise _not_found(fiche_id)
    runtime.search.sync()
    return Deleted(deleted=fiche_id)


def catalogue() -> Catalogue:
    return Catalogue(
        facets=[FacetInfo(name=f.name, label=f.label, long=f.long) for f in FACETS],
        ranges=[RangeInfo(name=r.name, label=r.label, kind=r.kind) for r in RANGES],
        sorts=[SortInfo(name=s.name, label=s.label) for s in SORTS],
        page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE,
    )
