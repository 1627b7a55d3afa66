"""The migrations build the schema the models declare (Alembic's autogenerate finds nothing to do), on SQLite
and PostgreSQL, and the one index made by a migration only is there, partial (it is not declared by the
models: ``tests/test_lean_start.py``)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.domain.db import compared, table_metadata


def test_the_migrated_schema_is_the_models_schema(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": compared})
        assert compare_metadata(context, table_metadata()) == []
        indexes = {index["name"]: index for index in inspect(connection).get_indexes("fiche")}
    tombstones = indexes["ix_fiche_tombstones"]
    assert tombstones["column_names"] == ["deleted_at"]
    where = tombstones.get("dialect_options", {})
    assert "deleted_at IS NOT NULL" in str(where.get(f"{engine.dialect.name}_where", "")).replace('"', ""), tombstones

