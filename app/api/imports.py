"""Authenticated bulk import as a background job: uploaded files and/or URLs; its progress and report."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.api.deps import RuntimeDep, errors, require_token
from app.api.limits import limit_writes
from app.domain.envelopes import ImportJobOut
from app.domain.errors import InvalidParameter, PayloadTooLarge
from app.services.imports import import_status, start_import

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


@router.post("/imports", summary="Importer des fiches et des documents (fichiers joints ou URL) — jeton requis",
             dependencies=[Depends(require_token), Depends(limit_writes)], response_model=ImportJobOut,
             status_code=202, responses=errors(401, 413, 422, 429), openapi_extra={"requestBody": REQUEST_BODY})
async def create_import(request: Request, response: Response, runtime: RuntimeDep) -> ImportJobOut:
    """Corps `multipart/form-data` (champs `files`, répétables, et `urls`) ou JSON `{"urls": [...]}`.
    Réponse immédiate (202) : l'import, qui se poursuit en arrière-plan ; suivez-le à l'adresse `url`
    (`GET /api/imports/{id}`) jusqu'à son rapport (créées, mises à jour, inchangées, rejetées avec source et
    ligne). Les fiches sont cherchables dès que leur lot est enregistré."""
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
    job = await run_in_threadpool(start_import, runtime, files, urls)
    response.headers["Location"] = job.url
    return job


@router.get("/imports/{job_id}", summary="Suivre un import : état, avancement, puis rapport — jeton requis",
            dependencies=[Depends(require_token)], response_model=ImportJobOut, responses=errors(401, 404))
def get_import(job_id: str, runtime: RuntimeDep) -> ImportJobOut:
    """État (`en_attente`, `en_cours`, `termine`, `echoue`, `interrompu`), sources lues, fiches
    enregistrées, puis le rapport, le même que celui de `fiches import --json`."""
    return import_status(runtime, job_id)
