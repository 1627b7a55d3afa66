"""The "tableur" CSV route: a search's result set or a selection of fiches, for a spreadsheet."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from app.api.deps import get_runtime
from app.api.fiches import _openapi_parameters, _params
from app.services import tableur as tableur_service
from app.services.runtime import Runtime

router = APIRouter(prefix="/api", tags=["fiches"])


def _openapi() -> dict:
    extra = _openapi_parameters(paged=False)
    extra["parameters"].append({
        "name": "id", "in": "query", "required": False, "explode": True,
        "schema": {"type": "array", "items": {"type": "string"}},
        "description": "Identifiant d'une fiche de la sélection (répétable) ; avec lui, les paramètres de recherche sont sans effet.",
    })
    return extra


@router.get("/tableur.csv", summary="Le résultat d'une recherche ou une sélection, pour un tableur (CSV en français)",
            openapi_extra=_openapi())
def tableur_csv(request: Request, runtime: Runtime = Depends(get_runtime)) -> StreamingResponse:
    """Colonnes en français, virgule décimale, séparateur `;`, UTF-8 avec BOM. Mêmes paramètres que
    `/api/fiches.csv`, ou `id=…&id=…` pour une sélection (dans son ordre)."""
    ids = request.query_params.getlist("id")
    if ids:
        name, content = tableur_service.export(runtime, ids=ids)
    else:
        name, content = tableur_service.export(runtime, params=_params(request, paged=False))
    return StreamingResponse(content, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
