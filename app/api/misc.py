"""Suggestions, statistics and health."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from app.api.deps import get_runtime
from app.services.runtime import Runtime

router = APIRouter(prefix="/api", tags=["divers"])


@router.get("/suggest", summary="Autocomplétion")
def suggest(
    q: str = Query("", max_length=200), limit: int = Query(8, ge=1, le=20), runtime: Runtime = Depends(get_runtime)
) -> dict:
    return {"suggestions": runtime.search.suggest(q, limit=limit)}


@router.get("/stats", summary="Nombre de fiches par dimension, département et année")
def stats(runtime: Runtime = Depends(get_runtime)) -> dict:
    return runtime.store.stats()


@router.get("/health", summary="État du service")
def health(runtime: Runtime = Depends(get_runtime)) -> dict:
    return {"status": "ok", "fiches": runtime.store.count()}
