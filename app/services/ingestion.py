"""One import path for everything a source can hold: fiches, structure pages, projets sociaux and federation
plans. The CLI, the import jobs and the first start all come here.

Each source is first offered to ``ingest.detect.read_document``: a projet social or federation plan is stored
as a document (with its units) and does not reach the fiche importer; every other source goes on to it
unchanged (which routes structure pages aside itself).

This module is the services' one door to the ingest stack (parsers, HTML and encoding libraries, the network
client): its functions import it when they run, never when this module is imported, so a serving process
loads it only once an import starts (``tests/test_lean_start.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.domain.document_store import DocumentStore
from app.domain.errors import StoreUnavailable
from app.domain.records import Rejected, Source
from app.domain.store import Store

if TYPE_CHECKING:
    from ingest.fetch import Fetcher
    from ingest.importer import ImportReport

log = logging.getLogger("fiches.import")


@dataclass
class DocumentCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[Rejected] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.created + self.updated + self.unchanged


def divert_documents(sources: Iterable[Source], store: DocumentStore, counts: DocumentCounts,
                     on_source: Callable[[], None] | None = None) -> Iterator[Source]:
    """``sources`` without their projets sociaux and federation plans, which are stored on the way."""
    from ingest.detect import read_document  # noqa: PLC0415 - the ingest stack, when an import runs (module doc)

    for source in sources:
        if on_source:
            on_source()
        if source.error is None:
            doc = read_document(source.content, source.name)
            if doc is not None:
                try:
                    outcome = store.upsert(doc)
                except StoreUnavailable:
                    raise
                except Exception as error:  # noqa: BLE001 - the database refused this document: say why, go on
                    reason = str(getattr(error, "orig", None) or error).strip().split("\n", 1)[0][:300]
                    counts.refused.append(Rejected(source.name, 1, f"Document refusé par la base de données "
                                                                   f"({reason}) : corrigez ce texte puis relancez l'import."))
                    continue
                setattr(counts, outcome, getattr(counts, outcome) + 1)
                log.info("document %s : %s (%s parties)", outcome, source.name, len(doc.units))
                continue
        yield source


def import_all(store: Store, documents: DocumentStore, sources: Iterable[Source], batch_size: int,
               on_batch: Callable[[int], None] | None = None, on_source: Callable[[], None] | None = None,
               jobs: int = 1) -> tuple[ImportReport, DocumentCounts]:
    """Import fiches, structures and documents from ``sources``; the report counts every source."""
    from ingest.importer import import_sources  # noqa: PLC0415 - the ingest stack, when an import runs (module doc)

    counts = DocumentCounts()
    report = import_sources(divert_documents(sources, documents, counts, on_source), store,
                            batch_size=batch_size, on_batch=on_batch, jobs=jobs)
    report.sources += counts.stored + len(counts.refused)
    report.rejected += len(counts.refused)
    report.rejections.extend(counts.refused)
    return report, counts


def local_sources(paths: list[str]) -> Iterator[Source]:
    """The files of ``paths`` (files, folders, globs), read one by one; ``UnusableInput`` names what is missing."""
    from ingest.sources import iter_sources  # noqa: PLC0415 - the ingest stack, when an import runs (module doc)

    return iter_sources(paths)


def url_sources(urls: list[str], allow_private: bool, fetcher: Fetcher | None = None) -> Iterator[Source]:
    """The pages of ``urls``, fetched one by one as they are read (no network client without a URL)."""
    if not urls:
        return
    if fetcher is None:
        from ingest.fetch import Fetcher  # noqa: PLC0415 - the network client, when a URL is imported (module doc)

        fetcher = Fetcher(allow_private=allow_private)
    for url in urls:
        yield fetcher.fetch(url)
