"""The topology under test: local PostgreSQL (a database of its own), replicas of `fiches serve` with several
workers, Debian's nginx in front. PostgreSQL or nginx missing: skipped, unless FICHES_REQUIRE_PG=1 (CI).

Every test here starts processes that need the machine's two cores: they run in one xdist group.
"""

from __future__ import annotations

import random
import shutil
import string
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bench.synth import generate, write_fiches
from deploy.topology import NGINX, Topology
from tests.conftest import _require
from tests.importing import follow
from tests.paths import SEED

pytestmark = [pytest.mark.postgres]


def marker(rng: random.Random) -> str:
    """A made-up word no fiche contains and no other marker is near (12 random letters)."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(12))


def marked_fiches(folder: Path, count: int, seed: int, name: str) -> tuple[Path, list[str]]:
    """A list-page file of ``count`` synthetic fiches, each with its own marker word in its title."""
    rng = random.Random(f"{seed}-{name}")
    fiches, markers = [], []
    for fiche in generate(count, seed=seed):
        word = marker(rng)
        fiche["title"] = f"{fiche['title']} {word}"
        fiches.append(fiche)
        markers.append(word)
    (path,) = write_fiches(fiches, folder, per_file=count, prefix=name)
    return path, markers


def found(base_url: str, word: str, client: httpx.Client) -> list[str]:
    """Ids of the fiches a search for ``word`` finds through ``base_url``."""
    response = client.get(f"{base_url}/api/fiches", params={"q": word, "size": 20})
    assert response.status_code == 200, response.text
    return [hit["id"] for hit in response.json()["hits"] if word in hit["title"]]


def eventually(check: Callable[[], bool], within: float, step: float = 0.1) -> float:
    """Seconds until ``check()`` held; fails the test if it does not within ``within`` seconds."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > within:
            pytest.fail(f"condition not met within {within} s")
        time.sleep(step)
    return time.monotonic() - started


def healthy(client: httpx.Client, base_url: str) -> bool:
    """Whether ``base_url`` answers /api/health with a 200 (a dropped keep-alive connection is a no)."""
    try:
        return client.get(f"{base_url}/api/health").status_code == 200
    except httpx.TransportError:
        return False


def post_files(client: httpx.Client, url: str, token: str, *paths: Path) -> httpx.Response:
    """Import ``paths`` and wait for the job: its report as a 200, a failed job as a 500, a refusal as is."""
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post(f"{url}/api/imports", files=files, headers=auth)
    if response.status_code != 202:
        return response
    job = follow(client, response.json(), auth, base=url)
    if job["state"] == "termine":
        return httpx.Response(200, json=job["report"])
    return httpx.Response(500, json=job)


@pytest.fixture
def topology(pg_admin, tmp_path) -> Iterator[Callable[..., Topology]]:
    """Start a topology (seeded with the 25 seed fiches by its init job); everything is stopped after."""
    if not shutil.which(NGINX):
        if _require("FICHES_REQUIRE_PG"):
            pytest.fail("nginx is required (FICHES_REQUIRE_PG=1): install Debian's nginx (make install-test)")
        pytest.skip("nginx missing (Debian package nginx)")
    started: list[Topology] = []

    def start(**options) -> Topology:
        options.setdefault("import_paths", [SEED])
        topo = Topology(tmp_path / f"topology-{len(started)}", pg_admin_url=pg_admin, **options)
        started.append(topo)
        topo.__enter__()
        return topo

    yield start
    for topo in started:
        topo.stop()
