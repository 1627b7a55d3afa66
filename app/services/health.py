"""Health of this process: the database, its index (generation, lag behind the store) and the worker."""

from __future__ import annotations

import logging
import os

from sqlalchemy.exc import SQLAlchemyError

from app.domain.envelopes import Health, IndexHealth, WorkerHealth
from app.services.runtime import Runtime

log = logging.getLogger("fiches.health")


def health(runtime: Runtime) -> Health:
    try:
        fiches: int | None = runtime.store.count()
    except SQLAlchemyError as exc:
        log.error("santé : base de données indisponible (%s)", type(exc).__name__)
        fiches = None
    index = None
    if fiches is not None:
        try:
            index = IndexHealth.model_validate(runtime.search.status())
        except (OSError, SQLAlchemyError, ValueError) as exc:
            log.error("santé : index illisible (%s : %s)", type(exc).__name__, exc)
    ok = fiches is not None and index is not None
    return Health(status="ok" if ok else "degraded", database="ok" if fiches is not None else "indisponible",
                  fiches=fiches, index=index, worker=WorkerHealth(pid=os.getpid(), writer=runtime.index_writer))
