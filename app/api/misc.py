"""Suggestions, statistics, the search catalogue and health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from app.api.deps import RuntimeDep, errors
from app.domain.envelopes import Catalogue, Health, Stats, Suggestions
from app.services import fiches as fiche_service
from app.services import health as health_service

router = APIRouter(prefix="/api", tags=["divers"], responses=errors(422))


@router.get("/suggest", summary="Autocomplétion", response_model=Suggestions, responses=errors(422))
def suggest(runtime: RuntimeDep, q: Annotated[str, Query(max_length=200)] = "",
            limit: Annotated[int, Query(ge=1, le=20)] = 8) -> Suggestions:
    return Suggestions(suggestions=runtime.search.suggest(q, limit=limit))


@router.get("/stats", summary="Nombre de fiches par dimension, département et année ; budgets et ETP",
            response_model=Stats)
def stats(runtime: RuntimeDep) -> Stats:
    return Stats.model_validate(runtime.store.stats())


@router.get("/catalogue", summary="Ce qu'une recherche permet : facettes (dans l'ordre d'affichage), "
                                  "intervalles, tris, tailles de page", response_model=Catalogue)
def catalogue() -> Catalogue:
    return fiche_service.catalogue()


@router.get("/health", summary="État du service : base, index (génération, retard), processus",
            response_model=Health, responses={503: {"model": Health, "description": "Une partie est en panne."}})
def health(runtime: RuntimeDep) -> JSONResponse:
    state = health_service.health(runtime)
    return JSONResponse(state.model_dump(mode="json"), 200 if state.status == "ok" else 503,
                        headers=None if state.status == "ok" else {"Retry-After": "5"})
