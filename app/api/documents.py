"""Routes for projets sociaux and federation plans: search their units, read a document whole."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from app.api.deps import RuntimeDep, errors
from app.domain.envelopes import DocumentDetail, DocumentsResult
from app.services import documents as document_service

router = APIRouter(prefix="/api", tags=["documents"], responses=errors(422))


@router.get("/documents", summary="Rechercher dans les projets sociaux et plans fédéraux (partie par partie)",
            response_model=DocumentsResult, responses=errors(422))
def search_documents(
    request: Request,
    runtime: RuntimeDep,
    q: Annotated[str, Query(max_length=500, description="Mots cherchés (mêmes règles que pour les fiches).")] = "",
    type: Annotated[list[Literal["fiche", "projet_social", "plan_federal"]] | None,
                    Query(description="Type (répétable) : fiche, projet_social, plan_federal. La facette `type` "
                                      "compte les fiches que la même recherche trouve (/api/fiches) ; aucune "
                                      "partie n'est une fiche.")] = None,
    structure: Annotated[list[str] | None, Query(description="Structure (répétable).")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    size: Annotated[int, Query(ge=1, le=document_service.MAX_SIZE)] = 20,
) -> DocumentsResult:
    """Les parties (objectif général, thème, section) qui contiennent tous les mots cherchés, ou à défaut
    les plus proches (`approchants`), avec les facettes `type` (fiche, projet social, plan fédéral) et
    `structure`. Les fiches elles-mêmes sont dans `/api/fiches`."""
    document_service.check_parameters(request.query_params.keys())
    return document_service.search_documents(runtime, q, list(type or []), structure, page, size)


@router.get("/documents/{document_id}", summary="Lire un projet social ou un plan fédéral, partie par partie",
            response_model=DocumentDetail, responses=errors(404))
def get_document(document_id: str, runtime: RuntimeDep) -> DocumentDetail:
    return document_service.document_detail(runtime, document_id)
