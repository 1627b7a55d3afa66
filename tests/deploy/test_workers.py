"""Workers of one replica: exactly one process writes the index (the kernel's lock table says so, during
imports too); an import served by a reader worker is searchable as soon as it answers; when the writer is
killed, another worker takes the lock and imports keep becoming searchable."""

from __future__ import annotations

import os
import re
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.deploy.conftest import eventually, found, healthy, marked_fiches, post_files

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("deploy")]

REQUESTED = re.compile(r"processus (\d+) : mise à jour de l'index demandée")


class WriterCount(threading.Thread):
    """Samples the replica's writer-lock holders until stopped; remembers every count seen."""

    def __init__(self, replica) -> None:
        super().__init__(daemon=True)
        self.replica = replica
        self.counts: set[int] = set()
        self.holders: set[int] = set()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            holders = self.replica.writers()
            self.counts.add(len(holders))
            self.holders.update(holders)


def test_one_writer_among_workers_and_imports_through_readers_are_searchable(topology, tmp_path):
    topo = topology(replicas_count=1, workers=2, sync_interval=60)  # the periodic catch-up never helps here
    replica = topo.replicas[0]
    workers = replica.workers()
    assert len(workers) == 2
    (writer,) = replica.writers()
    assert writer in workers

    batches = [marked_fiches(tmp_path / "imports", 3, seed=100 + i, name=f"lot{i}") for i in range(8)]
    served_by_reader = len(REQUESTED.findall(replica.log()))  # the readers' start-up waits
    sampler = WriterCount(replica)
    sampler.start()

    def import_and_search(batch) -> list[str]:
        path, words = batch
        with httpx.Client(timeout=60) as client:
            response = post_files(client, replica.url, topo.token, path)
            assert response.status_code == 200, response.text
            assert response.json()["created"] == 3
            # no waiting: whichever worker answers this search, the import is already in its index
            return [word for word in words if len(found(replica.url, word, client)) != 1]

    with ThreadPoolExecutor(4) as pool:
        missing = [word for result in pool.map(import_and_search, batches) for word in result]
    sampler.done.set()
    sampler.join()
    assert missing == []
    assert sampler.counts == {1}, "the index had no writer, or several, during the imports"
    assert sampler.holders == {writer}
    requests_from_readers = REQUESTED.findall(replica.log())[served_by_reader:]
    assert requests_from_readers, "no import was served by a reader worker"
    assert {int(pid) for pid in requests_from_readers} <= set(workers) - {writer}

    # the writer dies: another worker takes the lock, and imports through any worker stay searchable
    os.kill(writer, signal.SIGKILL)
    eventually(lambda: len(replica.writers()) == 1 and replica.writers()[0] != writer, within=15)
    (new_writer,) = replica.writers()
    path, words = marked_fiches(tmp_path / "after", 4, seed=999, name="apres")
    with httpx.Client(timeout=60) as client:
        eventually(lambda: healthy(client, replica.url), within=30)
        response = post_files(client, replica.url, topo.token, path)
        assert response.status_code == 200, response.text
        assert all(len(found(replica.url, word, client)) == 1 for word in words)
    assert replica.writers() == [new_writer]
    assert len(replica.workers()) == 2  # uvicorn replaced the killed worker
