"""Service function behind the import endpoint: uploaded bytes and URLs → importer → index sync."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from app.domain.envelopes import ImportReportOut
from app.domain.errors import InvalidParameter
from app.domain.records import Source
from app.services.runtime import Runtime
from ingest.fetch import Fetcher
from ingest.importer import import_sources

log = logging.getLogger("fiches.import")


def run_import(runtime: Runtime, files: list[tuple[str, bytes]], urls: list[str],
               fetcher: Fetcher | None = None) -> ImportReportOut:
    bad = [u for u in urls if not u.startswith(("http://", "https://"))]
    if bad:
        raise InvalidParameter("Seules les URL http(s) sont acceptées : " + ", ".join(bad[:5]), invalid=bad[:20])

    def sources() -> Iterator[Source]:
        for name, data in files:
            yield Source(f"envoi:{name}", data)
        if urls:
            fetch = fetcher or Fetcher(allow_private=runtime.settings.allow_private_urls)
            for url in urls:
                yield fetch.fetch(url)

    report = import_sources(sources(), runtime.store, batch_size=runtime.settings.batch_size)
    index_error = catch_up_index(runtime)
    return ImportReportOut.model_validate({**report.as_dict(), "index_error": index_error})


def catch_up_index(runtime: Runtime) -> str | None:
    """Bring the index up to what was just stored. A failure (disk full or read-only, writer gone) does not
    undo the import: the fiches are stored, the index lags (``/api/health`` says by how much) and catches
    up at its next successful run. Returns what went wrong, in French, or None."""
    try:
        runtime.search.sync()
    except Exception as exc:  # whatever the index's disk or writer raised, the commit stands
        log.error("index non mis à jour après un import : %s : %s", type(exc).__name__, exc)
        return f"{type(exc).__name__} : {exc}"
    return None
