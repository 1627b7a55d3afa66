"""Exports of a whole result set, streamed from the first byte with bounded memory.

The writer (``ingest.export``) runs in a producer thread and writes into a small bounded queue; the
response reads from it, so the first bytes leave at once and a slow client slows the producer instead of
filling memory. A failure mid-export ends the body with a visible marker (the JSON is then left unclosed,
so no parser takes it for a complete export), then the stream is cut.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any, TextIO, cast

from app.domain.errors import TooManyRequests
from app.domain.models import FichePublic
from app.search.params import SearchParams
from app.services.runtime import Runtime
from ingest.export import export_csv, export_json

log = logging.getLogger("fiches.export")
EXPORT_CHUNK = 500  # fiches read from the store at a time
QUEUE_CHUNKS = 16  # chunks of ~64 KiB buffered between the writer and the client
FLUSH_CHARS = 64 * 1024
_DONE = object()

ERROR_MARKERS = {
    "json": '\n{"error": {"code": "export_interrupted", "message": "Export interrompu : le fichier est incomplet. '
            'Relancez l\'export."}}\n',
    "csv": "\r\n# ERREUR : export interrompu, le fichier est incomplet. Relancez l'export.\r\n",
}


class ExportSlots:
    """At most ``limit`` exports at once in this process; beyond that a 429 with ``Retry-After``."""

    def __init__(self, limit: int) -> None:
        self._semaphore = threading.BoundedSemaphore(max(1, limit))
        self.limit = max(1, limit)

    def take(self) -> Callable[[], None]:
        if not self._semaphore.acquire(blocking=False):
            raise TooManyRequests(
                f"Trop d'exports en cours ({self.limit} au plus à la fois). Réessayez dans quelques secondes.",
                headers={"Retry-After": "5"}, limit=self.limit)
        released = threading.Event()

        def release() -> None:
            if not released.is_set():
                released.set()
                self._semaphore.release()

        return release


class _QueueFile:
    """A write-only text stream that hands ~64 KiB chunks of UTF-8 to a bounded queue."""

    def __init__(self, chunks: queue.Queue[object], cancelled: threading.Event) -> None:
        self.chunks, self.cancelled = chunks, cancelled
        self.buffer: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        self.buffer.append(text)
        self.size += len(text)
        if self.size >= FLUSH_CHARS:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self.buffer:
            self._put("".join(self.buffer).encode("utf-8"))
            self.buffer, self.size = [], 0

    def _put(self, item: object) -> None:
        while not self.cancelled.is_set():
            try:
                self.chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise _Cancelled


class _Cancelled(Exception):
    pass


def stream_export(runtime: Runtime, params: SearchParams, fmt: str, release: Callable[[], None]) -> Iterator[bytes]:
    """Every fiche of a query's result set, in order, as our JSON or CSV export (re-importable).

    ``release`` frees the export slot when the stream ends, however it ends.
    """
    ids = runtime.search.export_ids(params)
    chunks: queue.Queue[object] = queue.Queue(maxsize=QUEUE_CHUNKS)
    cancelled = threading.Event()
    out = _QueueFile(chunks, cancelled)

    def fiches() -> Iterator[dict[str, Any]]:
        for start in range(0, len(ids), EXPORT_CHUNK):
            for fiche in runtime.store.get_many(ids[start : start + EXPORT_CHUNK]):
                yield FichePublic.model_validate(fiche).model_dump(mode="json")

    def produce() -> None:
        writer = export_csv if fmt == "csv" else export_json
        try:
            writer(fiches(), cast(TextIO, out))
            out.flush()
            out._put(_DONE)
        except _Cancelled:
            pass
        except Exception as exc:  # the client must see that the file is incomplete
            log.error("export interrompu après un début d'envoi : %s", exc)
            try:
                out.write(ERROR_MARKERS[fmt])
                out.flush()
                out._put(exc)
            except _Cancelled:
                pass

    thread = threading.Thread(target=produce, name="export", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                return
            if isinstance(item, Exception):
                raise RuntimeError("export interrompu") from item  # cuts the stream: no clean end of body
            yield cast(bytes, item)
    finally:
        cancelled.set()
        release()
