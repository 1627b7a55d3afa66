"""Request-scoped access to the runtime (store, search service) and the import token check."""

from __future__ import annotations

import hmac

from fastapi import Request

from app.domain.errors import Unauthorized
from app.services.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def require_token(request: Request) -> None:
    expected = get_runtime(request).settings.import_token
    if not expected:
        raise Unauthorized("L'import par l'API est désactivé : définissez FICHES_IMPORT_TOKEN sur le serveur.")
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
        raise Unauthorized("Jeton manquant ou invalide : envoyez l'en-tête « Authorization: Bearer <jeton> ».")
