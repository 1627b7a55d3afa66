"""Limits that can't be walked around: body size however it is framed, exports, rates; a store outage is a 503."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.paths import REPO

TOKEN = {"Authorization": "Bearer jeton-de-test"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
def served(tmp_path, seed_dir) -> Iterator[tuple[str, int]]:
    """A real `fiches serve` process, configured through the environment as a user would."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fiches.db'}", "FICHES_INDEX_DIR": str(tmp_path / "ix"),
           "FICHES_DATA_DIR": str(seed_dir), "FICHES_IMPORT_TOKEN": "jeton-de-test", "FICHES_SYNC_INTERVAL": "0"}
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen([str(Path(sys.executable).with_name("fiches")), "serve", "--port", str(port)],
                               cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "fiches serve did not start"
            time.sleep(0.3)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_100_mb_chunked_json_upload_is_refused_with_bounded_memory(served):
    url, pid = served
    before = _rss_mb(pid)

    def body() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"urls": ["'
        chunk = b"a" * (1024 * 1024)
        for _ in range(100):
            yield chunk
        yield b'"]}'

    try:
        response = httpx.post(f"{url}/api/imports", content=body(), timeout=60,
                              headers={**TOKEN, "Content-Type": "application/json"})
        assert response.status_code == 413, response.text
        assert response.json()["error"]["code"] == "payload_too_large"
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        pass  # the server may close the connection while the client is still sending: also a refusal
    assert _rss_mb(pid) - before < 50
    assert httpx.get(f"{url}/api/health", timeout=5).status_code == 200


def test_a_declared_oversized_body_is_refused_before_reading(client, settings):
    response = client.post("/api/imports", headers={**TOKEN, "Content-Length": str(settings.max_upload_bytes + 1),
                                                    "Content-Type": "application/json"}, content=b"{}")
    assert response.status_code == 413


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_exports_are_bounded_at_once_with_a_429(client):
    limits = client.app.state.limits
    taken = [limits.exports.take() for _ in range(limits.exports.limit)]
    try:
        refused = client.get("/api/fiches.csv")
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
    finally:
        for release in taken:
            release()
    done = client.get("/api/fiches.json")
    assert done.status_code == 200 and len(json.loads(done.content)) == 25
    assert client.get("/api/fiches.csv").status_code == 200  # slots came back


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_writes_are_rate_limited_per_client(settings):
    settings.write_rate = "2/minute"
    with TestClient(create_app(settings)) as client:
        statuses = [client.delete("/api/fiches/inconnue", headers=TOKEN).status_code for _ in range(3)]
        refused = client.delete("/api/fiches/inconnue", headers=TOKEN)
    assert statuses[:2] == [404, 404] and refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert refused.json()["error"]["code"] == "too_many_requests"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_exports_are_rate_limited_per_client(settings):
    settings.export_rate = "1/minute"
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/fiches.json").status_code == 200
        assert client.get("/api/fiches.json").status_code == 429


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_store_outage_is_a_503_with_retry_after(client, database_url, caplog):
    fiche_id = client.get("/api/fiches").json()["hits"][0]["id"]
    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    try:
        response = client.get(f"/api/fiches/{fiche_id}")
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "store_unavailable"
        assert int(response.headers["retry-after"]) > 0
        assert not any(r.exc_info for r in caplog.records)  # one line, no traceback
        health = client.get("/api/health")
        assert health.status_code == 503 and health.json()["database"] == "indisponible"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    assert client.get(f"/api/fiches/{fiche_id}").status_code == 200
    assert client.get("/api/health").json()["database"] == "ok"
