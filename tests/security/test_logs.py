"""Structured JSON logs: every line of a request carries its id, which the response returns."""

from __future__ import annotations

import json
import logging
import logging.config

from app.api.logs import REQUEST_ID, log_config


def test_every_response_carries_a_request_id_and_a_sane_given_one_is_kept(client):
    made = client.get("/api/health").headers["x-request-id"]
    assert len(made) == 32
    assert client.get("/api/health", headers={"X-Request-ID": "nginx-42.a_b"}).headers["x-request-id"] == "nginx-42.a_b"
    hostile = client.get("/api/health", headers={"X-Request-ID": "<script>" + "x" * 100}).headers["x-request-id"]
    assert hostile != "<script>" + "x" * 100 and len(hostile) == 32


def test_log_lines_are_json_with_the_request_id(capsys):
    logging.config.dictConfig(log_config())
    try:
        token = REQUEST_ID.set("req-123")
        try:
            logging.getLogger("fiches.api").error("base de données indisponible : %s", "GET /api/fiches")
        finally:
            REQUEST_ID.reset(token)
        logging.getLogger("fiches.api").warning("hors requête")
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})
        logging.getLogger("fiches").handlers.clear()
        logging.getLogger("fiches").propagate = True
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert lines[0]["message"] == "base de données indisponible : GET /api/fiches"
    assert lines[0]["request_id"] == "req-123" and lines[0]["level"] == "ERROR" and lines[0]["logger"] == "fiches.api"
    assert lines[1]["request_id"] is None
