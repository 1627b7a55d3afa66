"""Wiring shared by the API and the CLI: settings → engine → store → search service.

A runtime is opened and closed explicitly (``with Runtime(settings) as runtime:``) and migrates the
database only when asked (``runtime.migrate()``): reading a property never touches the schema.

A server's runtime (``start()``) shares its index directory with the replica's other worker processes:
exactly one of them writes the index (``app.services.index_writer``); in the others a catch-up (after an
import or a deletion) asks the writer and waits for it, so what a request wrote is searchable when it
answers, whichever worker serves the next request.
"""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from app.domain.config import Settings, get_settings
from app.domain.db import init_db, make_engine
from app.domain.document_store import DocumentStore
from app.domain.store import Store
from app.search.memory import limit_arenas, map_large_blocks
from app.search.service import SearchService
from app.services.index_writer import IndexLoop, IndexWriterRole
from app.services.ingestion import import_all, local_sources

if TYPE_CHECKING:
    from ingest.importer import ImportReport

log = logging.getLogger("fiches")


class Runtime:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.engine: Engine = make_engine(self.settings.database_url, self.settings.statement_timeout_ms)
        self.store = Store(self.engine)
        self.index_role = IndexWriterRole(self.settings.index_dir)

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def migrate(self) -> None:
        """Bring the schema to the latest migration (idempotent; replicas may run it together)."""
        init_db(self.engine)

    @cached_property
    def search(self) -> _WorkerSearch:
        return _WorkerSearch(self.settings.index_dir, self.store, self.index_role)

    @property
    def index_writer(self) -> bool:
        """Whether this process writes the index (for ``/api/health``)."""
        return self.index_role.is_writer

    def seed_if_empty(self) -> ImportReport | None:
        """Import the shipped sample data (fiches and projets sociaux) when the store is empty (first start).
        Returns the report."""
        if not self.settings.seed_on_start or not self.store.is_empty():
            return None
        data_dir = self.settings.data_dir
        if not data_dir.is_dir():
            log.warning("pas de données d'exemple dans %s", data_dir)
            return None
        report, documents = import_all(self.store, DocumentStore(self.engine), local_sources([str(data_dir)]),
                                       self.settings.batch_size)
        log.info("premier démarrage : %s fiches et %s documents d'exemple importés", report.created, documents.created)
        return report

    def start(self) -> None:
        """A server worker's start: the writer elected among the replica's workers, schema migrated and
        sample data imported on first start (one worker at a time), index caught up with the store (by
        the writer; a reader waits for it, as long as a writer lives). The heap keeps few arenas, and large
        blocks in mappings of their own (``app.search.memory``)."""
        limit_arenas()
        map_large_blocks()
        self.index_role.enable()
        with self.index_role.startup_lock():
            self.migrate()
            self.seed_if_empty()
        if self.index_role.catch_up(self.search.sync_here, timeout=None) is None:
            self.search.reopen()

    def start_index_loop(self) -> IndexLoop:
        """The catch-up loop: the writer serves readers' requests and catches up every sync interval with
        what other replicas wrote; a reader takes the writer's place if it dies; every worker opens each new
        generation as it appears. Stop it before ``close()``."""
        return self.index_role.start_loop(self.search.sync_here, self.settings.sync_interval, self.search.follow)

    def close(self) -> None:
        if "search" in self.__dict__:
            self.search.close()
        self.index_role.release()
        self.engine.dispose()


class _WorkerSearch(SearchService):
    """The search service of one worker process: its catch-ups go through the replica's index writer."""

    def __init__(self, index_dir: Path, store: Store, role: IndexWriterRole) -> None:
        super().__init__(index_dir, store)
        self._role = role
        self.build_elsewhere = True  # never a large build inside a serving worker (``app.search.builder``)

    def sync_here(self) -> int:
        """Apply the store's changes to the index from this process (the writer only)."""
        return super().sync()

    def sync(self) -> int:
        changed = self._role.catch_up(self.sync_here)
        if changed is None:  # the writer did it: read its work now rather than at the next reopen check
            self.reopen()
            return 0
        return changed

    def reopen(self) -> None:
        self._current(force=True)
