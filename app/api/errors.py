"""The one error shape for every failure, and the mapping of each kind of failure to a status.

    {"error": {"status": 422, "code": "invalid_parameter", "message": "…", "detail": {…}}}

A store that does not answer is a 503 with ``Retry-After`` and one log line (no traceback): the client may
retry, and the operator reads which part is down in ``/api/health``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain.errors import FichesError, Unauthorized

log = logging.getLogger("fiches.api")
RETRY_AFTER_SECONDS = 5


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                   **detail: Any) -> JSONResponse:
    body = {"error": {"status": status, "code": code, "message": message, "detail": detail}}
    return JSONResponse(body, status, headers=headers)


def _store_down(exc: Exception) -> bool:
    if isinstance(exc, (OperationalError, PoolTimeout)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FichesError)
    async def fiches_error(_request: Request, exc: FichesError) -> JSONResponse:
        headers = dict(exc.headers)
        if isinstance(exc, Unauthorized):
            headers.setdefault("WWW-Authenticate", 'Bearer realm="fiches"')
        return JSONResponse(exc.to_dict(), exc.status, headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"parametre": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg")}
                    for e in exc.errors()]
        return error_response(422, "invalid_parameter", "Paramètre invalide.", problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return error_response(404, "not_found", "Adresse inconnue.")
        if exc.status_code == 405:
            return error_response(405, "method_not_allowed", "Méthode non permise pour cette adresse.")
        return error_response(exc.status_code, "http_error", str(exc.detail))

    # handled inside the app (not re-raised to the server): one log line, no traceback
    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    async def store_error(request: Request, exc: Exception) -> JSONResponse:
        if not _store_down(exc):
            return await unexpected(request, exc)
        log.error("base de données indisponible (%s) : %s %s", type(exc).__name__, request.method,
                  request.url.path)
        return error_response(503, "store_unavailable",
                              "La base de données ne répond pas pour le moment. Réessayez dans quelques secondes.",
                              headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("erreur inattendue", exc_info=exc)
        return error_response(500, "internal_error",
                              "Erreur interne du serveur. Réessayez ; si elle persiste, signalez-la.")
