"""Faults through the topology: the PostgreSQL connections of the topology's own database are killed
(pg_terminate_backend, never the server) while an import runs; a re-run of the same import then leaves
exactly the right fiches, in the store and in both replicas' indexes."""

from __future__ import annotations

import threading

import httpx
import psycopg
import pytest

from app.domain.db import init_db, make_engine
from app.domain.store import Store
from ingest.importer import import_paths
from tests.deploy.conftest import eventually, healthy, marked_fiches, post_files
from tests.deploy.test_replicas import exported_ids

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("deploy")]


class BackendKiller(threading.Thread):
    """Terminates every backend of one database (but its own) every few tenths of a second until stopped."""

    def __init__(self, admin_url: str, database: str) -> None:
        super().__init__(daemon=True)
        self.admin_url, self.database = admin_url, database
        self.killed = 0
        self.done = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while not self.done.wait(0.15):
                rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = %s AND pid <> pg_backend_pid()", (self.database,)).fetchall()
                self.killed += sum(1 for (ok,) in rows if ok)


def reference_ids(tmp_path, *paths) -> set[str]:
    """The ids a clean import of ``paths`` gives (a fresh SQLite store, no faults)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    init_db(engine)
    try:
        import_paths([str(p) for p in paths], Store(engine))
        return Store(engine).live_ids()
    finally:
        engine.dispose()


def test_connections_killed_during_an_import_then_a_rerun_gives_exactly_the_right_fiches(topology, pg_admin,
                                                                                         tmp_path):
    topo = topology(replicas_count=2, workers=2, sync_interval=0.5)
    a, b = topo.replicas
    first, _ = marked_fiches(tmp_path / "lot", 150, seed=7, name="panne1")
    second, _ = marked_fiches(tmp_path / "lot", 150, seed=8, name="panne2")
    with httpx.Client(timeout=120) as client:
        seed_ids = exported_ids(client, a.url)
        expected = seed_ids | reference_ids(tmp_path, first, second)
        assert len(expected) > len(seed_ids) + 250

        killer = BackendKiller(pg_admin, topo.database)
        killer.start()
        try:
            during = post_files(client, a.url, topo.token, first, second)
        finally:
            killer.done.set()
            killer.join()
        assert killer.killed > 0
        assert during.status_code in (200, 500, 503), during.text  # an error answer, never a dropped connection
        eventually(lambda: healthy(client, a.url), within=30)

        rerun = post_files(client, a.url, topo.token, first, second)
        assert rerun.status_code == 200, rerun.text
        report = rerun.json()
        assert report["rejected"] == 0
        assert report["created"] + report["updated"] + report["unchanged"] == len(expected - seed_ids)

        assert exported_ids(client, a.url) == expected
        eventually(lambda: exported_ids(client, b.url) == expected, within=10)
        for replica in (a, b):
            response = client.get(f"{replica.url}/api/fiches", params={"size": 1})
            assert response.json()["total_fiches"] == len(expected)  # total counts actions (groups)
