"""Routes for searching, reading and exporting fiches. Each calls one service function."""

from __future__ import annotations

import weakref
from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse

from app.api.deps import RuntimeDep, errors, require_token
from app.api.limits import get_limits, limit_exports, limit_writes
from app.api.responses import FastJSONResponse
from app.domain.envelopes import Deleted, FicheDetail, SearchResult, SimilarResult
from app.search.params import UNPAGED, SearchParams, openapi_parameters
from app.services import fiches as fiche_service
from app.services.exports import stream_export

router = APIRouter(prefix="/api", tags=["fiches"], responses=errors(422))

EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def search_params(request: Request, paged: bool = True) -> SearchParams:
    """The search of a request's query string (a 422 in the one error shape on anything unknown)."""
    items = list(request.query_params.multi_items())
    if not paged:
        items = [(k, v) for k, v in items if k not in UNPAGED]
    return SearchParams.from_query(items)


@router.get("/fiches", summary="Rechercher des fiches (texte, facettes, intervalles, tri, pages)",
            response_model=SearchResult, responses=errors(422),
            openapi_extra={"parameters": openapi_parameters()})
def search_fiches(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """Recherche plein texte et à facettes ; les paramètres sont décrits un à un ci-dessous."""
    # plain JSON types already: skip FastAPI's per-value encoder (hundreds of facet entries)
    return FastJSONResponse(fiche_service.search(runtime, search_params(request)))


@router.get("/fiches.{fmt}", summary="Exporter tout le résultat d'une recherche (CSV ou JSON)",
            responses={200: {"content": {t: {} for t in EXPORT_TYPES.values()},
                             "description": "Toutes les fiches du résultat, réimportables. Un export interrompu "
                                            "finit par une ligne d'erreur et un corps coupé."},
                       **errors(422, 429)},
            openapi_extra={"parameters": openapi_parameters(paged=False)}, response_class=StreamingResponse,
            dependencies=[Depends(limit_exports)])
def export_fiches(fmt: Literal["csv", "json"], request: Request, runtime: RuntimeDep) -> StreamingResponse:
    params = search_params(request, paged=False)
    release = get_limits(request).exports.take()
    body = stream_export(runtime, params, fmt, release)
    weakref.finalize(body, release)  # a stream never started still frees its slot
    return StreamingResponse(
        body,
        media_type=EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="fiches-actions.{fmt}"'},
    )


@router.get("/fiches/{fiche_id}", summary="Lire une fiche entière, avec ses doublons", response_model=FicheDetail,
            responses=errors(404))
def get_fiche(fiche_id: str, runtime: RuntimeDep) -> FicheDetail:
    return fiche_service.fiche_detail(runtime, fiche_id)


@router.get("/fiches/{fiche_id}/similaires", summary="Fiches semblables (hors doublons)",
            response_model=SimilarResult, responses=errors(404))
def similar_fiches(fiche_id: str, runtime: RuntimeDep) -> SimilarResult:
    return fiche_service.similar(runtime, fiche_id)


@router.delete("/fiches/{fiche_id}", summary="Supprimer une fiche (jeton requis)", response_model=Deleted,
               dependencies=[Depends(require_token), Depends(limit_writes)], responses=errors(401, 404, 429))
def delete_fiche(fiche_id: str, runtime: RuntimeDep) -> Deleted:
    return fiche_service.delete(runtime, fiche_id)
