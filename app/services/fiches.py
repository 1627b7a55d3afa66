"""Service functions behind the fiche routes: search, whole fiche, similar fiches, deletion, exports, catalogue."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any, TextIO, cast

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
from ingest.export import export_csv, export_json

EXPORT_CHUNK = 500


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


def export_result_set(runtime: Runtime, params: SearchParams, fmt: str) -> Iterator[bytes]:
    """Every fiche of a query's result set, in order, as our JSON or CSV export (re-importable)."""
    ids = runtime.search.export_ids(params)

    def fiches() -> Iterator[dict[str, Any]]:
        for start in range(0, len(ids), EXPORT_CHUNK):
            for fiche in runtime.store.get_many(ids[start : start + EXPORT_CHUNK]):
                yield FichePublic.model_validate(fiche).model_dump(mode="json")

    writer = export_csv if fmt == "csv" else export_json
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+", encoding="utf-8", newline="") as fp:
        writer(fiches(), cast(TextIO, fp))
        fp.seek(0)
        while chunk := fp.read(64 * 1024):
            yield chunk.encode("utf-8")
