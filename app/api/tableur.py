"""The "tableur" CSV route: a search's result set or a selection of fiches, for a spreadsheet."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from app.api.deps import RuntimeDep, errors
from app.api.fiches import search_params
from app.api.limits import limit_exports
from app.search.params import openapi_parameters
from app.services import tableur as tableur_service

router = APIRouter(prefix="/api", tags=["fiches"], responses=errors(422))

ID_PARAMETER: dict[str, Any] = {
    "name": "id", "in": "query", "required": False, "style": "form", "explode": True,
    "schema": {"type": "array", "items": {"type": "string"}},
    "description": "Identifiant d'une fiche de la sélection (répétable) ; avec lui, les paramètres de recherche "
                   "sont sans effet.",
}


@router.get("/tableur.csv", summary="Le résultat d'une recherche ou une sélection, pour un tableur (CSV en français)",
            response_class=StreamingResponse, dependencies=[Depends(limit_exports)],
            responses={200: {"content": {"text/csv": {}}, "description": "Le fichier CSV."}, **errors(422, 429)},
            openapi_extra={"parameters": [*openapi_parameters(paged=False), ID_PARAMETER]})
def tableur_csv(request: Request, runtime: RuntimeDep) -> StreamingResponse:
    """Colonnes en français, virgule décimale, séparateur `;`, UTF-8 avec BOM. Mêmes paramètres que
    `/api/fiches.csv`, ou `id=…&id=…` pour une sélection (dans son ordre)."""
    ids = request.query_params.getlist("id")
    if ids:
        name, content = tableur_service.export(runtime, ids=ids)
    else:
        name, content = tableur_service.export(runtime, params=search_params(request, paged=False))
    return StreamingResponse(content, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
