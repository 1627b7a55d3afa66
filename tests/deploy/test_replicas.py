"""Replicas through the topology (nginx, two replicas with two workers each, one PostgreSQL database): what
one replica imports or deletes the other finds within 5 s; a replica killed with SIGKILL and restarted
comes back in step with nothing lost."""

from __future__ import annotations

import httpx
import pytest

from tests.deploy.conftest import eventually, found, marked_fiches, post_files

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("deploy")]

IN_STEP_WITHIN = 5.0


def exported_ids(client: httpx.Client, url: str) -> set[str]:
    """Every fiche id a replica's index returns (the JSON export of the empty query)."""
    response = client.get(f"{url}/api/fiches.json")
    assert response.status_code == 200, response.text
    return {fiche["id"] for fiche in response.json()}


def test_replicas_stay_in_step_and_a_killed_replica_catches_up(topology, tmp_path):
    topo = topology(replicas_count=2, workers=2, sync_interval=0.5)
    a, b = topo.replicas
    with httpx.Client(timeout=60) as client:
        assert exported_ids(client, a.url) == exported_ids(client, b.url)
        assert len(exported_ids(client, topo.url)) == 25  # the init job's seed, through nginx

        # imported through A: found through B within 5 s
        path, words = marked_fiches(tmp_path / "one", 5, seed=1, name="un")
        response = post_files(client, a.url, topo.token, path)
        assert response.status_code == 200, response.text
        assert response.json()["created"] == 5
        eventually(lambda: all(len(found(b.url, w, client)) == 1 for w in words), within=IN_STEP_WITHIN)

        # deleted through A: gone from B within 5 s
        (gone,) = found(a.url, words[0], client)
        response = client.delete(f"{a.url}/api/fiches/{gone}", headers=topo.auth)
        assert response.status_code == 200, response.text
        assert found(a.url, words[0], client) == []
        eventually(lambda: found(b.url, words[0], client) == [], within=IN_STEP_WITHIN)

        # B killed (supervisor and workers, no clean shutdown); A imports and deletes meanwhile
        b.kill()
        path, later = marked_fiches(tmp_path / "two", 6, seed=2, name="deux")
        response = post_files(client, topo.url, topo.token, path)  # nginx leaves the dead replica out
        assert response.status_code == 200, response.text
        (gone_too,) = found(a.url, words[1], client)
        assert client.delete(f"{topo.url}/api/fiches/{gone_too}", headers=topo.auth).status_code == 200
        for _ in range(6):  # searches through nginx while B is down: no errors
            assert client.get(f"{topo.url}/api/fiches", params={"q": later[0]}).status_code == 200

        topo.start_replica(b)
        eventually(lambda: all(len(found(b.url, w, client)) == 1 for w in later), within=IN_STEP_WITHIN)
        assert found(b.url, words[1], client) == []
        assert all(len(found(b.url, w, client)) == 1 for w in words[2:])
        expected = exported_ids(client, a.url)
        assert len(expected) == 25 + 5 - 1 + 6 - 1
        eventually(lambda: exported_ids(client, b.url) == expected, within=IN_STEP_WITHIN)
        assert len(b.writers()) == 1 and b.writers()[0] in b.workers()
