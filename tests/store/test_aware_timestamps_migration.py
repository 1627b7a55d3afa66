"""Migration 0008_aware_timestamps: the dates of import jobs (and of structures and documents) keep their
instant on a PostgreSQL server whose time zone is not UTC. Before it, such a server stored them in its local
time and the models read them back as UTC: an hour off in Paris in winter, so a dead import's heartbeat
looked an hour younger than it was. SQLite has no time zones: the migration changes nothing there."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command

from app.domain.db import alembic_config, make_engine
from app.domain.jobs import DONE, JobStore

FINISHED = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)  # winter: Paris is UTC+1


def test_an_import_job_keeps_its_dates_through_the_migration(database_url, monkeypatch):
    monkeypatch.setenv("PGTZ", "Europe/Paris")  # the sessions' time zone (libpq), as on a server set to Paris
    engine = make_engine(database_url)
    try:
        config = alembic_config(engine)
        command.upgrade(config, "0007_fiche_tombstones")
        jobs = JobStore(engine)
        job = jobs.create(sources_total=1)
        jobs.update(job.id, state=DONE, finished_at=FINISHED, heartbeat_at=FINISHED)
        before = jobs.get(job.id)
        assert before is not None
        if engine.dialect.name == "postgresql":  # the defect the migration repairs
            assert before.finished_at != FINISHED
        command.upgrade(config, "head")
        after = jobs.get(job.id)
        assert after is not None
        assert after.finished_at == FINISHED and after.heartbeat_at == FINISHED
        assert abs((after.created_at - job.created_at).total_seconds()) < 1
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                assert connection.exec_driver_sql("SHOW TIME ZONE").scalar() == "Europe/Paris"
        command.downgrade(config, "0007_fiche_tombstones")
        command.upgrade(config, "head")
        assert jobs.get(job.id).finished_at == FINISHED  # there and back: the same instant
    finally:
        engine.dispose()
