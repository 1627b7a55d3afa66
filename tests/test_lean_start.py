"""A serving process stays lean: ``fiches serve`` (the CLI module, the app, its start on an existing store and
index, a first search) loads none of the import stack, HTML, encoding, network, console or migration
libraries (nor, on SQLite, the PostgreSQL dialect). They come with the first import or migration, which need them
(``app.services.ingestion``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.paths import REPO

# what only an import (parsers, crawler, network client, the CLI's progress bars) or a migration uses, and
# the PostgreSQL dialect on a SQLite store (35-50 ms of a start: no model declares options of that dialect)
NOT_SERVED = ("bs4", "lxml", "soupsieve", "charset_normalizer", "httpx", "rich", "alembic", "mako",
              "ingest.detect", "ingest.importer", "ingest.pipeline", "ingest.sources", "ingest.fetch", "ingest.crawl",
              "sqlalchemy.dialects.postgresql")

# `python -m app.cli serve` imports app.cli, then uvicorn builds the app, runs its lifespan and serves requests:
# the same steps, driven through the ASGI interface (an HTTP client would load httpx itself)
SERVE = """
import asyncio, json, sys

import app.cli
from app.main import create_app


async def serve_one(path, query):
    app = create_app()
    events, started = asyncio.Queue(), []

    async def lifespan_send(message):
        started.append(message["type"])

    await events.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, events.get,
                                       lifespan_send))
    while not started:
        await asyncio.sleep(0.01)
    answer = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        answer.append(message)

    await app({"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
               "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
               "headers": [(b"host", b"test")], "client": ("127.0.0.1", 1), "server": ("test", 80), "state": {}},
              receive, send)
    await events.put({"type": "lifespan.shutdown"})
    await lifespan
    body = json.loads(b"".join(m.get("body", b"") for m in answer if m["type"] == "http.response.body"))
    return started[0], answer[0]["status"], body


started, status, body = asyncio.run(serve_one("/api/fiches", b"q=jeunes"))
print(json.dumps({"started": started, "status": status, "total": body.get("total_fiches"),
                  "loaded": sorted(name for name in json.loads(sys.argv[1]) if name in sys.modules)}))
"""


def test_serving_loads_no_import_stack(tmp_path, seed_dir):
    from app.domain.config import Settings
    from app.services.runtime import Runtime

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'fiches.db'}", index_dir=tmp_path / "index",
                        data_dir=seed_dir, sync_interval=0)
    with Runtime(settings) as runtime:  # a store migrated and holding fiches, and its index: a later start
        runtime.start()
        assert runtime.store.count() == 25
    env = {**os.environ, "FICHES_DATABASE_URL": settings.database_url, "DATABASE_URL": settings.database_url,
           "FICHES_INDEX_DIR": str(settings.index_dir), "FICHES_DATA_DIR": str(seed_dir), "FICHES_SYNC_INTERVAL": "0"}
    proc = subprocess.run([sys.executable, "-c", SERVE, json.dumps(NOT_SERVED)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    served = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (served["started"], served["status"]) == ("lifespan.startup.complete", 200), served
    assert served["total"] > 0  # a real search answered
    assert served["loaded"] == [], f"loaded by a serving process: {served['loaded']}"


def test_the_stack_comes_with_the_first_import(tmp_path, seed_dir):
    """The counterpart: the same detection sees the stack once something is imported (the first start)."""
    script = ("import json, sys\nfrom app.domain.config import Settings\nfrom app.services.runtime import Runtime\n"
              f"with Runtime(Settings(database_url='sqlite:///{tmp_path / 'fiches.db'}', index_dir=r'{tmp_path / 'index'}',"
              f" data_dir=r'{seed_dir}', sync_interval=0)) as runtime:\n"
              "    runtime.start()\n"
              "    print(json.dumps([name for name in json.loads(sys.argv[1]) if name in sys.modules]))\n")
    proc = subprocess.run([sys.executable, "-c", script, json.dumps(NOT_SERVED)], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"ingest.importer", "ingest.detect", "charset_normalizer", "bs4", "alembic"} <= set(loaded), loaded
