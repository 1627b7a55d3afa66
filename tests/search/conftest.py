"""Fixtures of the search tests: a real SQLite store and a real Whoosh index in temporary folders."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.domain.db import init_db, make_engine
from app.domain.models import FicheCreate
from app.domain.store import Store
from app.search import fullbuild, indexer
from app.search.generations import current_dir
from app.search.params import SearchParams
from app.search.service import SearchService
from tests.devset.fiches import devset_fiches

_NOT_STORED = {"updated_at", "deleted_at", "duplicate_of"}


def to_create(row: dict) -> FicheCreate:
    data = {k: v for k, v in row.items() if k not in _NOT_STORED}
    data["content_hash"] = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return FicheCreate(**data)


def make_store(folder: Path) -> Store:
    engine = make_engine(f"sqlite:///{folder / 'fiches.db'}")
    init_db(engine)
    return Store(engine)


def load_devset(store: Store, rows: list[dict] | None = None) -> None:
    rows = rows if rows is not None else devset_fiches()
    groups = {r["id"]: r["duplicate_of"] for r in rows if r.get("duplicate_of")}
    store.upsert([to_create(r) for r in rows], duplicate_of=groups)


def search(service: SearchService, **kw) -> dict:
    """``service.search`` with query-string parameters given as keywords (a list: a repeated key)."""
    items = []
    for key, value in kw.items():
        for v in value if isinstance(value, list) else [value]:
            items.append((key, str(v)))
    return service.search(SearchParams.from_query(items))


@pytest.fixture()
def merged_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, Path]:
    """A full build of the first 70 development fiches in segments of 20 (so its postings are merged and
    its term sums written), and the index folder."""
    store = make_store(tmp_path)
    load_devset(store, devset_fiches()[:70])
    monkeypatch.setattr(indexer, "SEGMENT_DOCS", 20)
    monkeypatch.setattr(fullbuild, "SEGMENT_DOCS", 20)
    monkeypatch.setattr(fullbuild, "processes", lambda: 2)
    indexer.rebuild(tmp_path / "index", store)
    return store, tmp_path / "index"


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return make_store(tmp_path)


@pytest.fixture(scope="module")
def devset_service(tmp_path_factory) -> SearchService:
    """A service over the development set (read-only tests share it)."""
    folder = tmp_path_factory.mktemp("devset")
    store = make_store(folder)
    load_devset(store)
    service = SearchService(folder / "index", store)
    service.sync()
    yield service
    service.close()


@pytest.fixture()
def built_generation(tmp_path: Path) -> tuple[Path, Store]:
    """The generation a service built over the development set (the service closed), and its store."""
    store = make_store(tmp_path)
    load_devset(store)
    service = SearchService(tmp_path / "index", store)
    service.sync()
    service.close()
    gen = current_dir(tmp_path / "index")
    assert gen is not None
    return gen, store


@pytest.fixture()
def service(tmp_path: Path, store: Store) -> SearchService:
    """A service over its own store and index (tests that write)."""
    svc = SearchService(tmp_path / "index", store)
    yield svc
    svc.close()
