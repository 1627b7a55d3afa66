"""Bulk import as a job (both backends): ``POST /api/imports`` answers 202 at once; ``GET /api/imports/{id}``
shows the progress while it runs (fiches searchable batch by batch), then the CLI's report; a restart marks
unfinished jobs « interrompu »; posting the same files again is harmless; no token, no import."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from app.domain.db import make_engine
from app.domain.jobs import RUNNING, JobStore
from app.domain.models import utcnow
from app.main import create_app
from bench.synth import generate, write_fiches
from tests.importing import follow, report_of

TOKEN = {"Authorization": "Bearer jeton-de-test"}
MALFORMED = "casse.txt"


@pytest.fixture
def job_client(settings):
    """The app with small batches, so an import of 200 fiches commits (and is searchable) in 10 steps."""
    with TestClient(create_app(settings.model_copy(update={"batch_size": 20}))) as client:
        yield client


@pytest.fixture
def files(tmp_path):
    """200 synthetic fiches in 4 list-page files, and a 5th file that is no document at all."""
    paths = write_fiches(generate(200, seed=9), tmp_path / "lot", per_file=50, prefix="lot")
    assert len(paths) == 4
    out = [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]
    out.insert(2, ("files", (MALFORMED, b"%PDF-1.4\x00\x01\x02" * 300, "text/plain")))
    return out


def test_an_import_job_shows_its_progress_then_the_report(job_client, files):
    client = job_client
    assert client.post("/api/imports", files=files).status_code == 401
    started = time.monotonic()
    response = client.post("/api/imports", files=files, headers=TOKEN)
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == job["url"] == f"/api/imports/{job['id']}"
    assert job["state"] in ("en_attente", "en_cours") and job["sources_total"] == 5 and job["report"] is None
    assert client.get(job["url"]).status_code == 401

    seen = []  # (state, fiches stored, fiches searchable) while it runs
    while job["state"] in ("en_attente", "en_cours"):
        job = client.get(job["url"], headers=TOKEN).json()
        searchable = client.get("/api/fiches", params={"size": 1}).json()["total_fiches"]
        seen.append((job["state"], job["fiches_read"], searchable))
        assert time.monotonic() - started < 120
    running = [(read, searchable) for state, read, searchable in seen if state == "en_cours" and 0 < read < 200]
    assert running, f"no progress seen while the job ran: {seen[:5]}…"
    # what a running job reports as stored is already searchable (the 25 seed fiches are there from the start)
    assert all(searchable >= 25 + read for read, searchable in running)
    assert len({read for read, _ in running}) >= 2, "the progress did not move batch by batch"

    assert job["state"] == "termine" and job["error"] is None
    assert (job["sources_done"], job["fiches_read"]) == (5, 200)
    report = job["report"]
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (200, 0, 0, 0)
    assert report["sources"] == 5 and report["exit_code"] == 2 and report["index_error"] is None
    (unusable,) = report["unusable"]
    assert unusable.startswith(f"envoi:{MALFORMED} : Format non reconnu : fichier binaire")
    assert client.get("/api/fiches", params={"size": 1}).json()["total_fiches"] == 225

    again = report_of(client, client.post("/api/imports", files=files, headers=TOKEN), TOKEN)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 200)
    assert client.get("/api/fiches", params={"size": 1}).json()["total_fiches"] == 225


def test_jobs_wait_their_turn_and_each_gets_its_report(job_client, files):
    first = job_client.post("/api/imports", files=files[:2], headers=TOKEN).json()
    second = job_client.post("/api/imports", files=files[:2], headers=TOKEN).json()
    assert first["id"] != second["id"]
    reports = [follow(job_client, job, TOKEN)["report"] for job in (first, second)]
    assert [r["created"] + r["unchanged"] for r in reports] == [100, 100]
    assert sorted(r["created"] for r in reports) == [0, 100]


def test_a_restart_marks_unfinished_jobs_interrupted(settings):
    engine = make_engine(settings.database_url)
    with TestClient(create_app(settings)):
        pass  # migrated
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    jobs = JobStore(engine)
    here = jobs.create(3)
    host = here.owner.split(":")[0]
    jobs.update(here.id, state=RUNNING, fiches_read=40, owner=f"{host}:{dead.stdout.strip()}:0")
    same_pid = jobs.create(1)  # an earlier process with this very pid (a container restarted)
    jobs.update(same_pid.id, state=RUNNING, owner=f"{host}:{os.getpid()}:ancien")
    elsewhere = jobs.create(2)  # another replica's job, whose heartbeat stopped long ago
    jobs.update(elsewhere.id, state=RUNNING, owner="autre-machine:12", heartbeat_at=utcnow() - timedelta(hours=1))
    live = jobs.create(1)  # another replica's job still beating: left alone
    jobs.update(live.id, state=RUNNING, owner="autre-machine:13")
    with TestClient(create_app(settings)) as client:
        for job_id in (here.id, elsewhere.id, same_pid.id):
            job = client.get(f"/api/imports/{job_id}", headers=TOKEN).json()
            assert job["state"] == "interrompu" and "redémarré" in job["error"], job
        assert client.get(f"/api/imports/{here.id}", headers=TOKEN).json()["fiches_read"] == 40
        assert client.get(f"/api/imports/{live.id}", headers=TOKEN).json()["state"] == "en_cours"
        assert client.get("/api/imports/inconnu", headers=TOKEN).status_code == 404
    engine.dispose()


def test_a_full_queue_is_refused_with_retry_after(job_client, files):
    from app.services.imports import jobs_of
    from app.services.jobs import MAX_WAITING

    jobs = jobs_of(job_client.app.state.runtime)
    small = files[:1]
    with jobs.one_at_a_time:  # the running import: the others wait their turn
        queued = [job_client.post("/api/imports", files=small, headers=TOKEN) for _ in range(MAX_WAITING)]
        assert [r.status_code for r in queued] == [202] * MAX_WAITING
        refused = job_client.post("/api/imports", files=small, headers=TOKEN)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
        assert "attendent déjà leur tour" in refused.json()["error"]["message"]
        assert job_client.get(queued[0].json()["url"], headers=TOKEN).json()["state"] == "en_attente"
    reports = [follow(job_client, r.json(), TOKEN)["report"] for r in queued]
    assert sum(r["created"] for r in reports) == 50 and all(r["exit_code"] == 0 for r in reports)
