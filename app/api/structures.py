"""Routes for structures (« Fiche identité »): search, export and one structure with its fiches. Each calls one
service function."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse

from app.api.deps import RuntimeDep, errors
from app.api.limits import limit_exports
from app.api.responses import FastJSONResponse
from app.domain.envelopes import StructureDetail, StructureSearchResult
from app.services import structures as service

router = APIRouter(prefix="/api", tags=["structures"], responses=errors(422))
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _query(request: Request, paged: bool = True) -> service.StructureQuery:
    items = [(k, v) for k, v in request.query_params.multi_items() if paged or k not in service.UNPAGED]
    return service.StructureQuery.from_query(items)


@router.get("/structures", summary="Rechercher des structures (texte, facettes, pages)",
            response_model=StructureSearchResult, responses=errors(422),
            openapi_extra={"parameters": service.openapi_parameters()})
def search_structures(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """Centres sociaux et espaces de vie sociale : recherche plein texte et à facettes."""
    return FastJSONResponse(service.search(runtime, _query(request)))


@router.get("/structures.{fmt}", summary="Exporter toutes les structures d'une recherche (CSV ou JSON)",
            responses={200: {"content": {t: {} for t in EXPORT_TYPES.values()},
                             "description": "Toutes les structures du résultat."}, **errors(422, 429)},
            openapi_extra={"parameters": service.openapi_parameters(paged=False)}, response_class=StreamingResponse,
            dependencies=[Depends(limit_exports)])
def export_structures(fmt: Literal["csv", "json"], request: Request, runtime: RuntimeDep) -> StreamingResponse:
    body = service.export(runtime, _query(request, paged=False), fmt)
    return StreamingResponse(body, media_type=EXPORT_TYPES[fmt],
                             headers={"Content-Disposition": f'attachment; filename="structures.{fmt}"'})


@router.get("/structures/{structure_id}", summary="Lire une structure (fiche identité, axes, fiches)",
            response_model=StructureDetail, responses=errors(404))
def get_structure(structure_id: str, runtime: RuntimeDep) -> StructureDetail:
    return service.detail(runtime, structure_id)
