"""Service functions behind the import endpoints: an upload (files and URLs) becomes a background job
(``app.services.jobs``): importer, documents, index sync batch by batch, then the CLI's report."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from app.domain.envelopes import ImportJobOut
from app.domain.errors import InvalidParameter
from app.domain.jobs import ImportJob, this_process
from app.services.jobs import ImportJobs, upload_sources
from app.services.registry import PerRuntime
from app.services.runtime import Runtime

if TYPE_CHECKING:
    from ingest.fetch import Fetcher

log = logging.getLogger("fiches.import")


def start_import(runtime: Runtime, files: list[tuple[str, bytes]], urls: list[str],
                 fetcher: Fetcher | None = None) -> ImportJobOut:
    """Start importing ``files`` and ``urls`` in the background; the job as it starts (``en_attente``)."""
    bad = [u for u in urls if not u.startswith(("http://", "https://"))]
    if bad:
        raise InvalidParameter("Seules les URL http(s) sont acceptées : " + ", ".join(bad[:5]), invalid=bad[:20])
    job = jobs_of(runtime).submit(upload_sources(runtime, files, urls, fetcher), len(files) + len(urls))
    return job_out(job)


def import_status(runtime: Runtime, job_id: str) -> ImportJobOut:
    """A job's state and progress, then its report."""
    return job_out(jobs_of(runtime).get(job_id))


def job_out(job: ImportJob) -> ImportJobOut:
    return ImportJobOut.model_validate({
        "id": job.id, "state": job.state, "sources_total": job.sources_total, "sources_done": job.sources_done,
        "fiches_read": job.fiches_read, "documents": job.documents, "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "error": job.error or ("Le serveur a redémarré pendant l'import : relancez-le (les fiches déjà "
                               "enregistrées ne seront pas dupliquées)." if job.state == "interrompu" else None),
        "report": job.report, "url": f"/api/imports/{job.id}",
    })


def _jobs(runtime: Runtime) -> ImportJobs:
    return ImportJobs(runtime, catch_up_index)


jobs_of = PerRuntime(_jobs)


def recover_jobs(runtime: Runtime) -> int:
    """At start-up: the unfinished jobs of processes that are gone become ``interrompu``. Returns how many."""
    count = jobs_of(runtime).store.interrupt_abandoned(keep_owner=this_process())
    if count:
        log.warning("%s import(s) interrompu(s) par un redémarrage", count)
    return count


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
