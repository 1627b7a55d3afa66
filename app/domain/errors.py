"""Narrow exceptions. The API turns each into the single JSON error shape:

    {"error": {"status": 422, "code": "invalid_parameter", "message": "…", "detail": {…}}}
"""

from __future__ import annotations


class FichesError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.headers: dict[str, str] = headers or {}

    def to_dict(self) -> dict[str, object]:
        return {"error": {"status": self.status, "code": self.code, "message": self.message, "detail": self.detail}}


class InvalidParameter(FichesError):
    status = 422
    code = "invalid_parameter"


class FicheNotFound(FichesError):
    status = 404
    code = "not_found"


class StructureNotFound(FichesError):
    status = 404
    code = "not_found"


class Unauthorized(FichesError):
    status = 401
    code = "unauthorized"


class PayloadTooLarge(FichesError):
    status = 413
    code = "payload_too_large"


class UnusableInput(FichesError):
    """An input that cannot be read at all (no file, unknown format, unreachable URL)."""

    status = 400
    code = "unusable_input"


class TooManyRequests(FichesError):
    """Too many requests of one kind at once or per minute; ``Retry-After`` says when to come back."""

    status = 429
    code = "too_many_requests"


class StoreUnavailable(FichesError):
    """The store (database) cannot be reached or used: an infrastructure failure, not bad input."""

    status = 503
    code = "store_unavailable"


class IndexUnavailable(FichesError):
    """No readable search index in this process yet (being rebuilt from the store)."""

    status = 503
    code = "index_unavailable"
