"""An index that heals: empty, deleted, truncated, corrupt or read-only, search never answers a 500.

Every case runs the real app over a real store and index (the seed fiches), damages the index on disk as
a failing disk or an operator would, and checks what users and operators see.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.search.generations import MANIFEST, current_dir
from tests.importing import report_of
from tests.paths import REPO, SEED

TOKEN = {"Authorization": "Bearer jeton-de-test"}
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _searchable(client: TestClient, q: str = "jardin") -> int:
    response = client.get("/api/fiches", params={"q": q})
    assert response.status_code == 200, response.text
    assert client.get("/api/suggest", params={"q": "jar"}).status_code == 200
    total: int = response.json()["total"]
    return total


def _generation(client: TestClient) -> Path:
    gen = current_dir(client.app.state.runtime.settings.index_dir)
    assert gen is not None
    return gen


def _biggest_index_file(gen: Path) -> Path:
    listed = json.loads((gen / MANIFEST).read_text())["files"]
    return max((gen / name for name in listed), key=lambda p: p.stat().st_size)


def _restart(settings) -> TestClient:
    return TestClient(create_app(settings))


def test_an_empty_catalogue_answers_everything(settings):
    settings.seed_on_start = False
    with _restart(settings) as client:
        body = client.get("/api/fiches", params={"q": "jardin"}).json()
        assert body["total"] == 0 and body["hits"] == []
        assert client.get("/api/fiches").json()["total"] == 0
        assert client.get("/api/suggest", params={"q": "jar"}).json() == {"suggestions": []}
        csv = client.get("/api/fiches.csv")
        assert csv.status_code == 200 and csv.text.lstrip("\ufeff").startswith("id;")
        assert client.get("/api/fiches.json").json() == []
        assert client.get("/api/health").json()["status"] == "ok"


@pytest.mark.parametrize("damage", ["deleted", "truncated", "corrupt_toc", "emptied"])
def test_a_damaged_index_is_detected_and_rebuilt_at_start(settings, damage):
    with _restart(settings) as client:
        expected = _searchable(client)
        gen = _generation(client)
    assert expected > 0
    if damage == "deleted":
        shutil.rmtree(settings.index_dir)
    elif damage == "truncated":
        target = _biggest_index_file(gen)
        with target.open("r+b") as handle:
            handle.truncate(target.stat().st_size // 2)
    elif damage == "corrupt_toc":
        toc = next(gen.glob("*.toc"))
        toc.write_bytes(b"\x00garbage" * 16)
    else:  # a generation that holds nothing while the store holds the fiches
        for path in gen.iterdir():
            path.unlink()
    with _restart(settings) as client:
        assert _searchable(client) == expected
        if damage != "deleted":
            assert _generation(client) != gen  # rebuilt into a new generation


def test_damage_while_serving_keeps_the_last_good_generation(client):
    expected = _searchable(client)
    gen = _generation(client)
    toc = next(gen.glob("*.toc"))
    toc.write_bytes(b"\x00garbage")
    runtime = client.app.state.runtime
    runtime.search._checked_at = 0.0  # the next request looks at the disk again
    assert _searchable(client) == expected  # still served from the open generation
    runtime.search.sync()  # the writer's next catch-up finds the damage and rebuilds
    runtime.search._checked_at = 0.0
    assert _generation(client) != gen
    assert _searchable(client) == expected


@contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """Really read-only, even for root (CI runs as root): the immutable attribute, else permissions."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    else:
        path.chmod(0o555)
    try:
        yield
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            path.chmod(0o755)


def test_a_read_only_index_keeps_serving_and_the_import_reports_the_lag(client):
    assert _searchable(client, "zorglubiens") == 0
    gen = _generation(client)
    text = SEED.read_text(encoding="utf-8").replace("les Jardins du Viguier", "les Jardins zorglubiens du Viguier", 1)
    with _read_only(gen), _read_only(gen.parent):
        response = client.post("/api/imports", headers=TOKEN,
                               files={"files": ("viguier.txt", text.encode(), "text/plain")})
        report = report_of(client, response, TOKEN)
        assert report["created"] + report["updated"] >= 1
        assert report["index_error"]
        assert _searchable(client, "zorglubiens") == 0  # the last good generation still serves
        assert _searchable(client) > 0
        health = client.get("/api/health").json()
        assert health["index"]["lag_writes"] >= 1
    client.app.state.runtime.search.sync()  # the disk is back: the next catch-up applies the lag
    client.app.state.runtime.search._checked_at = 0.0
    assert _searchable(client, "zorglubiens") == 1
    assert client.get("/api/health").json()["index"]["lag_writes"] == 0


def test_fiches_check_finds_a_corrupt_segment_and_rebuilds(database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "FICHES_INDEX_DIR": str(tmp_path / "index"),
           "FICHES_SEED_ON_START": "false", "COLUMNS": "120"}

    def fiches(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)

    assert fiches("import", str(SEED)).returncode == 0
    assert fiches("check").returncode == 0
    gen = current_dir(tmp_path / "index")
    assert gen is not None
    target = _biggest_index_file(gen)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, same size: only the checksum sees it
    target.write_bytes(bytes(data))
    found = fiches("check")
    assert found.returncode == 1 and "somme de contrôle" in found.stderr and "reconstruit" in found.stderr
    assert fiches("check").returncode == 0
    shutil.rmtree(tmp_path / "index")  # reindex never needs the old index
    assert "25" in fiches("reindex").stderr


def _column_file(gen: Path, suffix: str) -> Path:
    found = sorted(gen.glob(f"*{suffix}"))
    assert found, f"no serving column file *{suffix} in {gen}"
    return found[0]


@pytest.mark.parametrize("damage", ["deleted_ids", "truncated_pairs", "garbage_labels", "wrong_shape"])
def test_damaged_serving_columns_are_detected_and_rebuilt_at_start(settings, damage):
    """The numpy columns next to the segments are index files like the others: listed in the manifest,
    and a missing, truncated or unreadable one makes the writer rebuild the generation."""
    with _restart(settings) as client:
        expected = _searchable(client)
        gen = _generation(client)
    listed = json.loads((gen / MANIFEST).read_text())["files"]
    assert any(".fc_" in name for name in listed)
    if damage == "deleted_ids":
        _column_file(gen, ".fc_ids.npy").unlink()
    elif damage == "truncated_pairs":
        target = _column_file(gen, ".fc_pairs.npy")
        with target.open("r+b") as handle:
            handle.truncate(target.stat().st_size - 7)
    elif damage == "garbage_labels":
        target = _column_file(gen, ".fc_labels.json")
        target.write_bytes(b"\x00" * target.stat().st_size)  # same size: only reading it tells
    else:  # a well-formed array of the wrong length (same size in bytes would pass the manifest)
        target = _column_file(gen, ".fc_numbers.npy")
        array = np.load(target)
        np.save(target, array[:-1])
        data = json.loads((gen / MANIFEST).read_text())
        data["files"][target.name]["size"] = target.stat().st_size
        (gen / MANIFEST).write_text(json.dumps(data))
    with _restart(settings) as client:
        assert _searchable(client) == expected
        assert _generation(client) != gen  # rebuilt into a new generation
        assert client.get("/api/fiches").json()["total_fiches"] > 0


def test_fiches_check_finds_a_corrupt_column_and_rebuilds(database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "FICHES_INDEX_DIR": str(tmp_path / "index"),
           "FICHES_SEED_ON_START": "false", "COLUMNS": "120"}

    def fiches(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)

    assert fiches("import", str(SEED)).returncode == 0
    gen = current_dir(tmp_path / "index")
    assert gen is not None
    target = _column_file(gen, ".fc_numbers.npy")
    data = bytearray(target.read_bytes())
    data[-3] ^= 0xFF  # a number changed, same size: only the checksum sees it
    target.write_bytes(bytes(data))
    found = fiches("check")
    assert found.returncode == 1 and "somme de contrôle" in found.stderr and ".fc_numbers.npy" in found.stderr
    assert fiches("check").returncode == 0


def test_a_serving_worker_hands_its_builds_to_a_builder_process(settings, caplog):
    """A serving worker never writes the index itself: the first build and the rebuild of a deleted index
    run in ``python -m app.search.builder`` (``tests/search/test_builder.py``: its catch-ups too)."""
    caplog.set_level(logging.INFO, logger="fiches.index")
    with _restart(settings) as client:
        expected = _searchable(client)
        assert "sync confié à un processus de construction" in caplog.text
    assert expected > 0
    shutil.rmtree(settings.index_dir)
    caplog.clear()
    with _restart(settings) as client:
        assert _searchable(client) == expected
        assert "processus de construction" in caplog.text
