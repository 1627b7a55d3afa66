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
)
from app.domain.errors import FicheNotFound
from app.domain.fields import FACETS, MAX_PAGE_SIZE, PAGE_SIZE, RANGES, SORTS
from app.domain.models import FichePublic
from app.search.params import SearchParams
from app.services.runtime import Runtime


def _not_found(fiche_id: str) -> FicheNotFound:
    return FicheNotFound(f"Aucune fiche n'a l'identifiant « {fiche_id} ».", id=fiche_id)


def search(runtime: Runtime, params: SearchParams) -> dict[str, Any]:
    """A result page as plain JSON types (the route sends it as is: see ``envelopes.SearchResult``)."""
    return runtime.search.search(params)


def fiche_detail(runtime: Runtime, fiche_id: str) -> FicheDetail:
    fiche = runtime.store.get(fiche_id)
    if fiche is None:
        raise _not_found(fiche_id)
    duplicates = [DuplicateRef(id=f.id, title=f.title, structure=f.structure, departement=f.departement, year=f.year)
                  for f in runtime.store.group_members(fiche)]
    return FicheDetail.model_validate({**FichePublic.model_validate(fiche).model_dump(), "duplicates": duplicates})


def similar(runtime: Runtime, fiche_id: str, limit: int = 6) -> SimilarResult:
    if runtime.store.get(fiche_id) is None:
        raise _not_found(fiche_id)
    return SimilarResult.model_validate({"hits": runtime.search.similar(fiche_id, limit=limit)})


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
