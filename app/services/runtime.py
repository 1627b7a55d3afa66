"""Wiring shared by the API and the CLI: settings → engine → store → search service.

A runtime is opened and closed explicitly (``with Runtime(settings) as runtime:``) and migrates the
database only when asked (``runtime.migrate()``): reading a property never touches the schema.
"""

from __future__ import annotations

import logging
from functools import cached_property
from types import TracebackType

from sqlalchemy.engine import Engine

from app.domain.config import Settings, get_settings
from app.domain.db import init_db, make_engine
from app.domain.store import Store
from app.search.service import SearchService
from ingest.importer import ImportReport, import_paths

log = logging.getLogger("fiches")


class Runtime:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.engine: Engine = make_engine(self.settings.database_url, self.settings.statement_timeout_ms)
        self.store = Store(self.engine)

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def migrate(self) -> None:
        """Bring the schema to the latest migration (idempotent; replicas may run it together)."""
        init_db(self.engine)

    @cached_property
    def search(self) -> SearchService:
        return SearchService(self.settings.index_dir, self.store)

    def seed_if_empty(self) -> ImportReport | None:
        """Import the shipped sample fiches when the store is empty (first start). Returns the report."""
        if not self.settings.seed_on_start or self.store.count() > 0:
            return None
        data_dir = self.settings.data_dir
        if not data_dir.is_dir():
            log.warning("pas de données d'exemple dans %s", data_dir)
            return None
        report = import_paths([str(data_dir)], self.store, batch_size=self.settings.batch_size)
        log.info("premier démarrage : %s fiches d'exemple importées", report.created)
        return report

    def start(self) -> None:
        """Schema migrated, sample data on first start, index caught up with the store."""
        self.migrate()
        self.seed_if_empty()
        self.search.sync()

    def close(self) -> None:
        if "search" in self.__dict__:
            self.search.close()
        self.engine.dispose()
