"""Structured logs: one JSON object a line, each carrying the id of the request it belongs to.

``RequestId`` (ASGI middleware) takes the caller's ``X-Request-ID`` when it is a sane token (nginx or a
client may set one) or makes one, keeps it for the request's duration and returns it in the response;
it also marks the request in flight, so that the process's background work gives way to it (``gil``).
``JsonFormatter`` and ``RequestIdFilter`` are what ``fiches serve`` configures for every logger.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.security import adding_headers
from app.search.gil import serving

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_SANE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestId:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), "")
        request_id = given if _SANE.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)

        try:
            with serving():  # the process's background work gives way meanwhile (``gil.give_way``)
                await self.app(scope, receive, adding_headers(send, [(b"x-request-id", request_id.encode())]))
        finally:
            REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def log_config() -> dict[str, object]:
    """The ``logging.config.dictConfig`` of a serving process: every logger in JSON, with the request id."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"],
               "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"default": handler},
        "loggers": {name: {"handlers": ["default"], "level": "INFO", "propagate": False}
                    for name in ("fiches", "uvicorn", "uvicorn.error", "uvicorn.access")},
    }
