"""Narrow exceptions. The API turns each into the single JSON error shape:

    {"error": {"status": 422, "code": "invalid_parameter", "message": "…", "detail": {…}}}
"""

from __future__ import annotations


class FichesError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def to_dict(self) -> dict:
        return {"error": {"status": self.status, "code": self.code, "message": self.message, "detail": self.detail}}


class InvalidParameter(FichesError):
    status = 422
    code = "invalid_parameter"


class FicheNotFound(FichesError):
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


class StoreUnavailable(FichesError):
    """The store (database) cannot be reached or used: an infrastructure failure, not bad input."""

    status = 503
    code = "store_unavailable"

