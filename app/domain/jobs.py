"""Import jobs: a bulk import runs in the background; its state, progress and report live in the database,
so any worker or replica can answer ``GET /api/imports/{id}`` (migration ``0006_jobs``).

A job is owned by the process running it (``owner``: host, pid and a token of the process) and beats a heartbeat while it runs. A
job left unfinished by a process that is gone (a restart, a crash) is ``interrompu``: at the next start on
that host, or when its heartbeat is older than ``STALE_SECONDS`` on any other.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, Text, update
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from app.domain.errors import FichesError
from app.domain.models import utcnow

PENDING, RUNNING, DONE, FAILED, INTERRUPTED = "en_attente", "en_cours", "termine", "echoue", "interrompu"
UNFINISHED = (PENDING, RUNNING)
STALE_SECONDS = 120


class ImportJobNotFound(FichesError):
    status = 404
    code = "not_found"


_BOOT = uuid.uuid4().hex[:8]  # tells this process from an earlier one that had the same pid (a container restart)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_BOOT}"


class ImportJob(SQLModel, table=True):
    __tablename__ = "import_job"

    id: str = Field(primary_key=True, max_length=32)
    state: str = Field(max_length=20, index=True)
    owner: str = Field(max_length=200)
    sources_total: int = 0
    sources_done: int = 0
    fiches_read: int = 0
    documents: int = 0
    report: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    heartbeat_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def _pid_alive(owner: str) -> bool:
    host, pid, boot = (owner.split(":") + ["", "", ""])[:3]
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another host: its heartbeat tells
    if int(pid) == os.getpid():
        return boot == _BOOT
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, sources_total: int) -> ImportJob:
        job = ImportJob(id=uuid.uuid4().hex, state=PENDING, owner=this_process(), sources_total=sources_total)
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(job)
            session.commit()
        return job

    def update(self, job_id: str, **values: Any) -> None:
        values.setdefault("heartbeat_at", utcnow())
        with Session(self.engine) as session:
            session.execute(update(ImportJob).where(col(ImportJob.id) == job_id).values(**values))
            session.commit()

    def get(self, job_id: str) -> ImportJob | None:
        with Session(self.engine, expire_on_commit=False) as session:
            job = session.get(ImportJob, job_id)
        if job is not None and job.state in UNFINISHED and self._abandoned(job):
            self.update(job.id, state=INTERRUPTED, finished_at=utcnow(), heartbeat_at=job.heartbeat_at)
            job.state = INTERRUPTED
        return job

    @staticmethod
    def _abandoned(job: ImportJob) -> bool:
        stale = utcnow() - _aware(job.heartbeat_at) > timedelta(seconds=STALE_SECONDS)
        return stale or not _pid_alive(job.owner)

    def interrupt_abandoned(self, keep_owner: str | None = None) -> int:
        """Mark ``interrompu`` every unfinished job whose process is gone (a restart). Returns how many."""
        with Session(self.engine) as session:
            jobs = session.exec(select(ImportJob).where(col(ImportJob.state).in_(UNFINISHED))).all()
            gone = [job.id for job in jobs if job.owner != keep_owner and self._abandoned(job)]
        for job_id in gone:
            self.update(job_id, state=INTERRUPTED, finished_at=utcnow())
        return len(gone)
