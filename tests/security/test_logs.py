"""Structured JSON logs: every line of a request carries its id, which the response returns."""

from __future__ import annotations

import io
import json
import logging

from app.api.logs import REQUEST_ID, JsonFormatter, RequestIdFilter, log_config


def test_every_response_carries_a_request_id_and_a_sane_given_one_is_kept(client):
    made = client.get("/api/health").headers["x-request-id"]
    assert len(made) == 32
    assert client.get("/api/health", headers={"X-Request-ID": "nginx-42.a_b"}).headers["x-request-id"] == "nginx-42.a_b"
    hostile = client.get("/api/health", headers={"X-Request-ID": "<script>" + "x" * 100}).headers["x-request-id"]
    assert hostile != "<script>" + "x" * 100 and len(hostile) == 32


def test_log_lines_are_json_with_the_request_id():
    """The formatter and filter fiches serve installs (a private logger here: the global config is untouched)."""
    config = log_config()
    assert config["formatters"]["json"]["()"] is JsonFormatter
    assert config["filters"]["request_id"]["()"] is RequestIdFilter
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("tests.json-logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        token = REQUEST_ID.set("req-123")
        try:
            logger.error("base de données indisponible : %s", "GET /api/fiches")
        finally:
            REQUEST_ID.reset(token)
        logger.warning("hors requête")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines[0]["message"] == "base de données indisponible : GET /api/fiches"
    assert lines[0]["request_id"] == "req-123" and lines[0]["level"] == "ERROR"
    assert lines[0]["logger"] == "tests.json-logs"
    assert lines[1]["request_id"] is None
