"""Import jobs: ``POST /api/imports`` starts one and answers at once; the import runs in a background thread.

One job runs at a time per process (the others wait, ``en_attente``). Progress (sources read, fiches stored
batch by batch, documents) is written to the job's row as it goes, and the index catches up after every
batch, so fiches are searchable as soon as their batch commits. At the end the row holds the same report as
the CLI. A job whose process is gone (a restart) is ``interrompu`` (at start-up, and on
read when its heartbeat is stale; see ``app.services.imports``); re-posting the same files is harmless (the import updates in place).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from app.domain.errors import FichesError, TooManyRequests
from app.domain.jobs import DONE, FAILED, RUNNING, ImportJob, ImportJobNotFound, JobStore
from app.domain.models import utcnow
from app.domain.records import Source
from app.services.documents import import_with_documents
from app.services.ingestion import url_sources
from app.services.runtime import Runtime

if TYPE_CHECKING:
    from ingest.fetch import Fetcher

log = logging.getLogger("fiches.import")
Sources = Callable[[], Iterator[Source]]
CatchUp = Callable[[Runtime], str | None]
FAILURE_WRITES = 8
MAX_WAITING = 16


class ImportJobs:
    """The import jobs of one runtime (one process)."""

    def __init__(self, runtime: Runtime, catch_up: CatchUp) -> None:
        self.runtime = runtime
        self.catch_up = catch_up  # brings the index up to the store; returns what went wrong, or None
        self.store = JobStore(runtime.engine)
        self.one_at_a_time = threading.Lock()
        self.counter = threading.Lock()
        self.waiting = 0  # jobs queued in this process, not yet running

    def submit(self, sources: Sources, total: int) -> ImportJob:
        """Queue an import (its files wait in memory): refused while ``MAX_WAITING`` already wait here."""
        with self.counter:
            if self.waiting >= MAX_WAITING:
                raise TooManyRequests(f"{MAX_WAITING} imports attendent déjà leur tour sur ce serveur : "
                                      "réessayez quand l'un d'eux aura commencé.", headers={"Retry-After": "30"})
            self.waiting += 1
        try:
            job = self.store.create(total)
        except BaseException:
            self._started()
            raise
        threading.Thread(target=self._run, args=(job.id, sources), name=f"import-{job.id[:8]}", daemon=True).start()
        return job

    def _started(self) -> None:
        with self.counter:
            self.waiting -= 1

    def _run(self, job_id: str, sources: Sources) -> None:
        with self.one_at_a_time:
            self._started()
            self.store.update(job_id, state=RUNNING)
            pulled = [0]
            stored = [0]

            def on_source() -> None:
                pulled[0] += 1
                self.store.update(job_id, sources_done=pulled[0] - 1)

            def on_batch(count: int) -> None:
                stored[0] += count
                self.catch_up(self.runtime)  # searchable as soon as the batch is committed
                self.store.update(job_id, fiches_read=stored[0], sources_done=max(pulled[0] - 1, 0))

            try:
                report, documents = import_with_documents(self.runtime, sources(), on_batch=on_batch,
                                                          on_source=on_source)
                index_error = self.catch_up(self.runtime)
                self.store.update(job_id, state=DONE, sources_done=pulled[0], fiches_read=report.read,
                                  documents=documents.stored, finished_at=utcnow(),
                                  report={**report.as_dict(), "index_error": index_error,
                                          "documents": documents.stored})
            except FichesError as exc:
                log.error("import %s en échec : %s", job_id, exc.message)
                self._failed(job_id, exc.message)
            except Exception as exc:  # noqa: BLE001 - the job says what failed; the stored batches stay
                log.exception("import %s en échec", job_id)
                self._failed(job_id, f"{type(exc).__name__} : {str(exc)[:300]}. Les lots déjà enregistrés le restent ; "
                                     "relancez l'import (les fiches déjà là ne seront pas dupliquées).")

    def _failed(self, job_id: str, error: str) -> None:
        """Record the failure, retrying while the database recovers (else the job reads as interrupted once
        its heartbeat is stale)."""
        for attempt in range(FAILURE_WRITES):
            try:
                self.store.update(job_id, state=FAILED, error=error, finished_at=utcnow())
                return
            except Exception:  # noqa: BLE001 - the database may still be down: wait and retry
                log.warning("état de l'import %s non enregistré (essai %s)", job_id, attempt + 1)
                time.sleep(0.5 * (attempt + 1))

    def get(self, job_id: str) -> ImportJob:
        job = self.store.get(job_id[:64])
        if job is None:
            raise ImportJobNotFound(f"Aucun import « {job_id[:40]} » : l'identifiant est celui que POST /api/imports "
                                    "a renvoyé.", id=job_id[:40])
        return job


def upload_sources(runtime: Runtime, files: list[tuple[str, bytes]], urls: list[str],
                   fetcher: Fetcher | None = None) -> Sources:
    """The sources of an upload (files first, then URLs, fetched when the job reads them)."""

    def sources() -> Iterator[Source]:
        for name, data in files:
            yield Source(f"envoi:{name}", data)
        yield from url_sources(urls, runtime.settings.allow_private_urls, fetcher)

    return sources
