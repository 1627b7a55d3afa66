"""Alembic environment: runs on the engine handed over by app.domain.db.init_db (or DATABASE_URL)."""

from __future__ import annotations

from alembic import context

from app.domain.config import get_settings
from app.domain.db import compared, make_engine, table_metadata

target_metadata = table_metadata()  # every table, for autogenerate


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        engine = make_engine(get_settings().database_url)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several API replicas may start at once: one migrates, the others wait, then find it done.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(72431)")
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          include_object=compared)
        context.run_migrations()


run_migrations_online()
