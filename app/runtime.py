"""Wiring shared by the API and the CLI: settings → engine → store → search service."""

from __future__ import annotations

import logging
from functools import cached_property

from app.config import Settings, get_settings
from app.db import init_db, make_engine
from app.store import Store

log = logging.getLogger("fiches")


class Runtime:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()

    @cached_property
    def engine(self):
        engine = make_engine(self.settings.database_url)
        init_db(engine)
        return engine

    @cached_property
    def store(self) -> Store:
        return Store(self.engine)

    @cached_property
    def search(self):
        from app.search.service import SearchService

        return SearchService(self.settings.index_dir, self.store)

    def seed_if_empty(self):
        """Import the shipped sample fiches when the store is empty (first start). Returns the report."""
        if not self.settings.seed_on_start or self.store.count() > 0:
            return None
        data_dir = self.settings.data_dir
        if not data_dir.is_dir():
            log.warning("pas de données d'exemple dans %s", data_dir)
            return None
        from ingest.importer import import_paths

        report = import_paths([str(data_dir)], self.store, batch_size=self.settings.batch_size)
        log.info("premier démarrage : %s fiches d'exemple importées", report.created)
        return report

    def start(self) -> None:
        """Store ready, sample data on first start, index caught up with the store."""
        self.seed_if_empty()
        self.search.sync()

    def close(self) -> None:
        if "search" in self.__dict__:
            self.search.close()
        if "engine" in self.__dict__:
            self.engine.dispose()
