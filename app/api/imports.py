"""Authenticated bulk import: uploaded files and/or URLs."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.api.deps import RuntimeDep, errors, require_token
from app.api.limits import limit_writes
from app.domain.envelopes import ImportReportOut
from app.domain.errors import InvalidParameter, PayloadTooLarge
from app.services.imports import run_import

# The body is read by hand (files and URLs, capped as they arrive); this describes it for /docs.
REQUEST_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["files"], "additionalProperties": False,
            "properties": {"files": {"type": "array", "minItems": 1, "items": {"type": "string", "format": "binary"}},
                           "urls": {"type": "array", "items": {"type": "string", "pattern": "^https?://"}}},
        }},
        "application/json": {"schema": {
            "type": "object", "required": ["urls"], "additionalProperties": False,
            "properties": {"urls": {"type": "array", "minItems": 1,
                                    "items": {"type": "string", "pattern": "^https?://"}}},
        }},
    },
}

router = APIRouter(prefix="/api", tags=["import"], responses=errors(422))


@router.post("/imports", summary="Importer des fiches (fichiers joints ou URL) — jeton requis",
             dependencies=[Depends(require_token), Depends(limit_writes)], response_model=ImportReportOut,
             responses=errors(401, 413, 422, 429), openapi_extra={"requestBody": REQUEST_BODY})
async def create_import(request: Request, runtime: RuntimeDep) -> ImportReportOut:
    """Corps `multipart/form-data` (champs `files`, répétables, et `urls`) ou JSON `{"urls": [...]}`.
    Réponse : le rapport d'import (créées, mises à jour, inchangées, rejetées avec source et ligne)."""
    limit = runtime.settings.max_upload_bytes  # the whole body is capped by app.api.security.BodyLimit too
    files: list[tuple[str, bytes]] = []
    urls: list[str] = []
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            body = await request.json()
        except ValueError as exc:
            where = (f"ligne {exc.lineno}, colonne {exc.colno}" if isinstance(exc, json.JSONDecodeError)
                     else "encodage")
            raise InvalidParameter(f"Corps JSON illisible ({where}). Attendu : {{\"urls\": [\"https://…\"]}}.") from exc
        given = body.get("urls") if isinstance(body, dict) else None
        if not isinstance(given, list) or not all(isinstance(u, str) for u in given):
            raise InvalidParameter('Attendu : {"urls": ["https://…", …]}, une liste d\'adresses.')
        urls = given
    else:
        form = await request.form(max_part_size=limit)
        total = 0
        for item in form.getlist("files"):
            if isinstance(item, UploadFile):
                data = await item.read(limit + 1)
                total += len(data)
                if total > limit:
                    raise PayloadTooLarge(f"Envoi trop volumineux (maximum {limit // 1_048_576} Mo).", max_bytes=limit)
                files.append((item.filename or "envoi", data))
        urls = [str(u) for u in form.getlist("urls")]
    if not files and not urls:
        raise InvalidParameter("Rien à importer : joignez des fichiers (champ « files ») ou des URL (champ « urls »).")
    return await run_in_threadpool(run_import, runtime, files, urls)
