"""Shared fixtures: the seed paths, and a fresh database on each backend (SQLite and PostgreSQL).

PostgreSQL tests are skipped when no server answers, unless FICHES_REQUIRE_PG=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from tests.paths import SEED

PG_ADMIN_URL = os.environ.get("FICHES_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _require(env: str) -> bool:
    return os.environ.get(env, "").lower() in ("1", "true", "yes")


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("postgresql+psycopg", "postgresql"), connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001
        return str(exc)


@pytest.fixture(scope="session")
def pg_admin() -> str:
    problem = _pg_available()
    if problem:
        if _require("FICHES_REQUIRE_PG"):
            pytest.fail(f"PostgreSQL is required (FICHES_REQUIRE_PG=1) but unreachable at {PG_ADMIN_URL}: {problem}")
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN_URL}")
    return PG_ADMIN_URL


def _fresh_pg_database(admin_url: str):
    import psycopg

    name = f"fiches_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A fresh, empty database URL, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fiches.db'}"
    else:
        yield from _fresh_pg_database(request.getfixturevalue("pg_admin"))


@pytest.fixture
def engine(database_url):
    from app.domain.db import init_db, make_engine

    engine = make_engine(database_url)
    init_db(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine):
    from app.domain.store import Store

    return Store(engine)


@pytest.fixture
def seed_dir(tmp_path) -> Path:
    """A folder holding a copy of the 25-fiche seed dump."""
    folder = tmp_path / "seed"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


@pytest.fixture
def settings(tmp_path, database_url, seed_dir):
    from app.domain.config import Settings

    return Settings(
        database_url=database_url,
        index_dir=tmp_path / "index",
        data_dir=seed_dir,
        import_token="jeton-de-test",
        sync_interval=0,
        export_rate="100000/minute",  # tests that are about the limits set their own
        write_rate="100000/minute",
        max_concurrent_exports=8,
    )


@pytest.fixture
def client(settings):
    """The real app over a real store and index, seeded with the 25 seed fiches at start-up."""
    from fastapi.testclient import TestClient

    from app.main import create_app

    with TestClient(create_app(settings)) as test_client:
        yield test_client
