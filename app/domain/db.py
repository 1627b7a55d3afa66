"""Engine and sessions. The schema is created and upgraded by Alembic migrations (app/domain/migrations).

Alembic (and Mako, its templates) is imported only when a migration is due: a start on an up-to-date
database compares the revision it records with the newest migration file's, read from the files' text.
"""

from __future__ import annotations

import importlib
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel, create_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, statement_timeout_ms: int = 15_000) -> Engine:
    """An engine for SQLite (a local file, WAL mode) or PostgreSQL (``postgresql://…``).

    Every statement is bounded by ``statement_timeout_ms``: PostgreSQL's ``statement_timeout``, and on
    SQLite a progress handler that interrupts a statement running past its deadline.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_setup(statement_timeout_ms / 1000))
        event.listen(engine, "before_cursor_execute", _sqlite_deadline(statement_timeout_ms / 1000))
        return engine
    options = f"-c statement_timeout={int(statement_timeout_ms)}"
    return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=10, pool_timeout=10,
                         connect_args={"options": options, "connect_timeout": 5})


_DEADLINE = "fiches_deadline"


def _sqlite_setup(timeout_s: float) -> Callable[[Any, Any], None]:
    def setup(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        deadline = [float("inf")]
        record.info[_DEADLINE] = deadline
        # checked every 100k virtual-machine steps: a non-zero return interrupts the running statement
        dbapi_connection.set_progress_handler(lambda: int(time.monotonic() > deadline[0]), 100_000)

    return setup


def _sqlite_deadline(timeout_s: float) -> Callable[..., None]:
    def start(connection: Any, _cursor: Any, *_args: Any) -> None:
        deadline = connection.connection.info.get(_DEADLINE)
        if deadline is not None:
            deadline[0] = time.monotonic() + timeout_s

    return start


def alembic_config(engine: Engine) -> Any:
    """Alembic's configuration for this engine (imports Alembic)."""
    config = importlib.import_module("alembic.config")
    cfg = config.Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*['\"]?([\w-]+|None)['\"]?", re.MULTILINE)


def head_revision() -> str | None:
    """The newest migration's revision, from the migration files' text (without importing Alembic); None
    when the files don't say it plainly (one head, literal revisions)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((key, value) for key, value in _REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        if found["down_revision"] != "None":
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def current_revision(engine: Engine) -> str | None:
    """The revision the database records (None: never migrated)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


MIGRATION_ONLY = frozenset({"ix_fiche_tombstones"})  # made by a migration, not declared by the models
TABLE_MODULES = ("app.domain.models", "app.domain.documents", "app.domain.jobs", "app.domain.structures")


def table_metadata() -> MetaData:
    """The metadata of every table the models declare (their modules imported)."""
    for module in TABLE_MODULES:
        importlib.import_module(module)
    return SQLModel.metadata


def compared(item: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's ``include_object``: whether autogenerate compares this schema item with the models (the
    indexes of ``MIGRATION_ONLY`` are not declared by them, on purpose: ``Fiche``)."""
    return not (kind == "index" and name in MIGRATION_ONLY)


def init_db(engine: Engine) -> None:
    """Bring the schema to the latest migration (idempotent, safe on every start)."""
    head = head_revision()
    if head is not None and current_revision(engine) == head:
        return
    command = importlib.import_module("alembic.command")
    command.upgrade(alembic_config(engine), "head")
