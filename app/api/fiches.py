"""Routes for searching, reading and exporting fiches. Each calls one service function."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse

from app.api.deps import get_runtime, require_token
from app.domain.errors import FicheNotFound, InvalidParameter
from app.search.params import ALLOWED_PARAMS, SearchParams
from app.search.schema import FACETS
from app.services import fiches as fiche_service
from app.services.runtime import Runtime

router = APIRouter(prefix="/api", tags=["fiches"])

def _openapi_parameters(paged: bool = True) -> dict:
    """Document the query parameters that ``SearchParams.from_query`` reads from the raw query string."""
    params = []
    for name in ALLOWED_PARAMS:
        if not paged and name in ("page", "size"):
            continue
        if name in FACETS:
            schema = {"type": "array", "items": {"type": "string"}}
            description = f"Facette « {name} » : répétable, OU entre les valeurs, ET entre facettes."
        elif name == "sort":
            schema = {"type": "string", "enum": ["pertinence", "recent", "budget", "titre"]}
            description = "Tri."
        elif name in ("page", "size"):
            schema = {"type": "integer", "minimum": 1}
            description = "Page (à partir de 1)." if name == "page" else "Fiches par page (au plus 100)."
        elif name == "q":
            schema = {"type": "string"}
            description = "Texte libre en français (échappé : guillemets, AND, champ: sans effet spécial)."
        else:
            schema = {"type": "number", "minimum": 0}
            description = "Borne incluse."
        params.append({"name": name, "in": "query", "required": False, "schema": schema,
                       "description": description, "explode": True})
    return {"parameters": params}


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _params(request: Request, paged: bool = True) -> SearchParams:
    items = list(request.query_params.multi_items())
    if not paged:
        items = [(k, v) for k, v in items if k not in ("page", "size")]
    return SearchParams.from_query(items)


@router.get("/fiches", summary="Rechercher des fiches (texte, facettes, intervalles, tri, pages)",
            response_class=JSONResponse, openapi_extra=_openapi_parameters())
def search_fiches(request: Request, runtime: Runtime = Depends(get_runtime)) -> JSONResponse:
    """Paramètres : `q`, facettes (`dimension`, `mots_cles`, `public`, `territoire`, `initiative`,
    `statut`, `departement`, `region`, `annee`, répétables), `budget_min`/`budget_max`, `etp_min`/`etp_max`,
    `annee_min`/`annee_max`, `sort` (pertinence, recent, budget, titre), `page`, `size` (≤ 100)."""
    # plain JSON types already: skip FastAPI's per-value encoder (hundreds of facet entries)
    return JSONResponse(runtime.search.search(_params(request)))


@router.get("/fiches.{fmt}", summary="Exporter tout le résultat d'une recherche (CSV ou JSON)",
            openapi_extra=_openapi_parameters(paged=False))
def export_fiches(fmt: str, request: Request, runtime: Runtime = Depends(get_runtime)) -> StreamingResponse:
    if fmt not in EXPORT_TYPES:
        raise InvalidParameter("Format d'export inconnu : utilisez fiches.csv ou fiches.json.", allowed=list(EXPORT_TYPES))
    params = _params(request, paged=False)
    return StreamingResponse(
        fiche_service.export_result_set(runtime, params, fmt),
        media_type=EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="fiches-actions.{fmt}"'},
    )


@router.get("/fiches/{fiche_id}", summary="Lire une fiche entière, avec ses doublons")
def get_fiche(fiche_id: str, runtime: Runtime = Depends(get_runtime)) -> dict:
    return fiche_service.fiche_detail(runtime, fiche_id)


@router.get("/fiches/{fiche_id}/similaires", summary="Fiches semblables (hors doublons)")
def similar_fiches(fiche_id: str, runtime: Runtime = Depends(get_runtime)) -> dict:
    return fiche_service.similar(runtime, fiche_id)


@router.delete("/fiches/{fiche_id}", summary="Supprimer une fiche (jeton requis)", dependencies=[Depends(require_token)])
def delete_fiche(fiche_id: str, runtime: Runtime = Depends(get_runtime)) -> dict:
    if not runtime.store.delete(fiche_id):
        raise FicheNotFound(f"Aucune fiche n'a l'identifiant « {fiche_id} ».", id=fiche_id)
    runtime.search.sync()
    return {"deleted": fiche_id}
