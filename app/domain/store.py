"""The store: the source of truth for fiches (SQLite or PostgreSQL through SQLModel).

Writes are batched upserts keyed by the fiche's stable id; a batch is one transaction, so a failure
leaves the store as it was before that batch. Deletions are tombstones, so the search index and replicas
catch up from an ``updated_at`` watermark.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session, SQLModel, col, select

from app.domain.db import _DEADLINE
from app.domain.errors import StoreUnavailable
from app.domain.models import STORE_SEQ, Fiche, FicheCreate, utcnow
from app.domain.structure_store import NO_LINK, link_values
from app.domain.structures import structure_key
from app.domain.text import title_key

_CHUNK = 500  # values per IN (...) clause
_TABLE: Table = SQLModel.metadata.tables["fiche"]
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}  # a positional parameter, by DB-API paramstyle


class _NothingWritten(Exception):
    """A write transaction that changed no fiche: rolled back, so that it spends no sequence number (an
    index whose watermark is the store's last one knows it misses nothing: ``hits`` then trusts the page
    rows, and re-importing unchanged fiches would otherwise turn that off until the next real write)."""


def _next_seq(connection: Connection) -> int:
    """The next write sequence number. The counter row stays locked until this transaction commits, so
    write transactions commit in sequence order (see ``Fiche.seq``)."""
    stmt = (update(STORE_SEQ).where(STORE_SEQ.c.id == 1).values(value=STORE_SEQ.c.value + 1)
            .returning(STORE_SEQ.c.value))
    return int(connection.execute(stmt).scalar_one())


def _rows_in(connection: Connection, column: str, values: Sequence[Any], columns: Sequence[str],
             live_only: bool = True) -> Iterator[dict[str, Any]]:
    """Rows (as dicts of ``columns``) whose ``column`` is one of ``values``: a lean Core select, chunked."""
    selected = [_TABLE.c[name] for name in dict.fromkeys(["id", *columns])]
    stmt = sa_select(*selected).where(_TABLE.c[column].in_(bindparam("values", expanding=True)))
    if live_only:
        stmt = stmt.where(_TABLE.c.deleted_at.is_(None))
    wanted = list(values)
    for start in range(0, len(wanted), _CHUNK):
        for row in connection.execute(stmt, {"values": wanted[start : start + _CHUNK]}).mappings():
            yield dict(row)


def _first_line(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).strip().split("\n", 1)[0][:300]


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class _FetchPlan:
    """How ``Store.fetch_rows`` reads one set of columns: built once per set (the hits' hot path)."""

    names: tuple[str, ...]
    decoders: tuple[tuple[str, Any], ...]
    head: str
    mark: str

    def sql(self, count: int) -> str:
        return _in_list(self.head, self.mark, count)


@lru_cache(maxsize=256)
def _in_list(head: str, mark: str, count: int) -> str:
    return f"{head}{', '.join([mark] * count)})"


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._plans: dict[tuple[str, ...], _FetchPlan] = {}
        self._last_seq_sql: str | None = None

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- writes -------------------------------------------------------------------------------------
    def upsert(self, fiches: Sequence[FicheCreate], duplicate_of: dict[str, str | None] | None = None) -> UpsertCounts:
        """Insert or update a batch in one transaction. ``duplicate_of`` maps id → group leader id.

        Plain Core statements (no ORM objects): one SELECT of the batch's ids, one multi-row INSERT and
        one executemany UPDATE. If a concurrent import inserted one of the ids first, the batch is rolled
        back and run again (it then updates that row). A database that cannot be reached raises
        ``StoreUnavailable``; any other failure (a value the database refuses) propagates as is."""
        try:
            try:
                return self._upsert(fiches, duplicate_of)
            except IntegrityError:
                return self._upsert(fiches, duplicate_of)
        except (OperationalError, InterfaceError) as error:
            raise StoreUnavailable(f"Base de données inaccessible : {_first_line(error)}") from error

    def _upsert(self, fiches: Sequence[FicheCreate], duplicate_of: dict[str, str | None] | None) -> UpsertCounts:
        counts = UpsertCounts()
        by_id: dict[str, FicheCreate] = {f.id: f for f in fiches}  # last one wins inside a batch
        groups = duplicate_of or {}
        now = utcnow()
        inserts: list[dict] = []
        updates: list[dict] = []
        try:
            with self.engine.begin() as connection:
                seq = _next_seq(connection)
                existing = {row["id"]: row for row in _rows_in(
                    connection, "id", list(by_id), ("content_hash", "deleted_at", "duplicate_of"), live_only=False)}
                keys = {f.id: structure_key(f.structure, f.departement_code) for f in by_id.values()}
                links = link_values(connection, keys.values())  # the fiche's structure, if already imported
                for fiche_id, new in by_id.items():
                    data = new.model_dump()
                    data.update(title_key=title_key(new.title), duplicate_of=groups.get(fiche_id), updated_at=now,
                                deleted_at=None, seq=seq, structure_key=keys[fiche_id],
                                **links.get(keys[fiche_id], NO_LINK))
                    old = existing.get(fiche_id)
                    if old is None:
                        inserts.append({**data, "created_at": now})
                        counts.created += 1
                        continue
                    same = old["content_hash"] == new.content_hash and old["deleted_at"] is None
                    if same and old["duplicate_of"] == data["duplicate_of"]:
                        counts.unchanged += 1
                        continue
                    updates.append({**data, "b_id": fiche_id})
                    if same:
                        counts.unchanged += 1
                    else:
                        counts.updated += 1
                if not inserts and not updates:
                    raise _NothingWritten
                if inserts:
                    connection.execute(_TABLE.insert(), inserts)
                if updates:
                    params: dict[str, Any] = {name: bindparam(name) for name in updates[0] if name not in ("b_id", "id")}
                    connection.execute(_TABLE.update().where(_TABLE.c.id == bindparam("b_id")).values(params), updates)
        except _NothingWritten:
            pass
        return counts

    def delete(self, fiche_id: str) -> bool:
        """Record a deletion (tombstone). Returns False if there was no such live fiche."""
        now = utcnow()
        try:
            with self.engine.begin() as connection:
                seq = _next_seq(connection)
                stmt = (update(_TABLE).where(_TABLE.c.id == fiche_id, _TABLE.c.deleted_at.is_(None))
                        .values(deleted_at=now, updated_at=now, seq=seq))
                if not connection.execute(stmt).rowcount:
                    raise _NothingWritten
        except _NothingWritten:
            return False
        return True

    # -- reads --------------------------------------------------------------------------------------
    def _load(self, session: Session, ids: Sequence[str]) -> list[Fiche]:
        found: list[Fiche] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            found.extend(session.exec(select(Fiche).where(col(Fiche.id).in_(chunk))).all())
        return found

    def get(self, fiche_id: str) -> Fiche | None:
        with self.session() as session:
            fiche = session.get(Fiche, fiche_id)
            return fiche if fiche is not None and fiche.deleted_at is None else None

    def get_many(self, ids: Sequence[str]) -> list[Fiche]:
        """Live fiches for these ids, in the order given (unknown or deleted ids are skipped)."""
        with self.session() as session:
            found = {f.id: f for f in self._load(session, list(ids)) if f.deleted_at is None}
        return [found[i] for i in ids if i in found]

    def get_rows(self, ids: Sequence[str], columns: Sequence[str]) -> dict[str, dict]:
        """Some columns of the live fiches with these ids, by id (no ORM objects: the hits' hot path)."""
        with self.engine.connect() as connection:
            return {row["id"]: row for row in _rows_in(connection, "id", ids, columns)}

    def find_by_title_keys(self, keys: Iterable[str], columns: Sequence[str]) -> list[dict]:
        """Some columns of the live fiches whose folded title is one of these (near-duplicate
        candidates), oldest first."""
        with self.engine.connect() as connection:
            rows = list(_rows_in(connection, "title_key", sorted(set(keys)), ["created_at", *columns]))
        return sorted(rows, key=lambda row: (row["created_at"], row["id"]))

    def group_members(self, fiche: Fiche) -> list[Fiche]:
        """The other live fiches of this fiche's near-duplicate group, oldest first."""
        leader = fiche.duplicate_of or fiche.id
        with self.session() as session:
            stmt = select(Fiche).where(
                (col(Fiche.id) == leader) | (col(Fiche.duplicate_of) == leader), col(Fiche.deleted_at).is_(None)
            )
            members = [f for f in session.exec(stmt).all() if f.id != fiche.id]
        return sorted(members, key=lambda f: (f.created_at, f.id))

    def changes_after(self, seq: int, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every row (tombstones included) written after the write sequence number ``seq``, in write order,
        as plain dicts (no ORM objects), read in keyset-paged batches."""
        after = _TABLE.c.seq > seq
        while True:
            stmt = sa_select(_TABLE).where(after).order_by(_TABLE.c.seq, _TABLE.c.id).limit(batch)
            with self.engine.connect() as connection:
                rows = [dict(row) for row in connection.execute(stmt).mappings()]
            if not rows:
                return
            yield from rows
            last_seq, last_id = rows[-1]["seq"], rows[-1]["id"]
            after = (_TABLE.c.seq > last_seq) | ((_TABLE.c.seq == last_seq) & (_TABLE.c.id > last_id))

    def iter_live(self, batch: int = 1000) -> Iterator[Fiche]:
        """Every live fiche, by id, read in keyset-paged batches."""
        last_id = ""
        while True:
            with self.session() as session:
                stmt = (select(Fiche).where(col(Fiche.deleted_at).is_(None), col(Fiche.id) > last_id)
                        .order_by(col(Fiche.id)).limit(batch))
                rows = session.exec(stmt).all()
            if not rows:
                return
            yield from rows
            last_id = rows[-1].id

    def last_seq(self) -> int:
        """The last write sequence number handed out."""
        with self.engine.connect() as connection:
            return int(connection.execute(sa_select(STORE_SEQ.c.value).where(STORE_SEQ.c.id == 1)).scalar_one())

    def seq_now(self) -> int:
        """``last_seq`` in one driver-level statement (every page of hits asks; the driver's own errors)."""
        if self._last_seq_sql is None:
            quote = self.engine.dialect.identifier_preparer.quote
            self._last_seq_sql = f"SELECT {quote('value')} FROM {quote(STORE_SEQ.name)} WHERE {quote('id')} = 1"
        with self._raw_cursor() as cursor:
            cursor.execute(self._last_seq_sql)
            found = cursor.fetchone()
        return int(found[0]) if found is not None else 0

    def live_ids(self) -> set[str]:
        with self.session() as session:
            return set(session.exec(select(Fiche.id).where(col(Fiche.deleted_at).is_(None))).all())

    def pending_after(self, seq: int) -> tuple[int, datetime | None]:
        """Rows written after the sequence number ``seq`` (tombstones included), and their oldest stamp."""
        column = _TABLE.c.updated_at
        stmt = sa_select(func.count(), func.min(column)).where(_TABLE.c.seq > seq)
        with self.engine.connect() as connection:
            count, oldest = connection.execute(stmt).one()
        if isinstance(oldest, str):  # SQLite returns aggregated datetimes as text
            oldest = datetime.fromisoformat(oldest)
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        return int(count), oldest

    def count(self) -> int:
        """The live fiches: every row less the tombstones, each counted on an index (the smallest one, and
        the partial ``ix_fiche_tombstones``), never by reading each row's record (0.3 s at 100,000 on
        SQLite, where ``deleted_at`` lies past the long texts)."""
        rows = sa_select(func.count()).select_from(_TABLE).scalar_subquery()
        tombstones = sa_select(func.count()).select_from(_TABLE).where(_TABLE.c.deleted_at.is_not(None))
        with self.engine.connect() as connection:
            return int(connection.execute(sa_select(rows - tombstones.scalar_subquery())).scalar_one())

    def is_empty(self) -> bool:
        """Whether no live fiche is stored (reads one row at most, where ``count()`` reads them all)."""
        with self.session() as session:
            stmt = select(Fiche.id).where(col(Fiche.deleted_at).is_(None)).limit(1)
            return session.exec(stmt).first() is None

    def stats(self) -> dict[str, Any]:
        """Counts by dimension, département and year, over live fiches; budgets and ETP known, total, mean."""
        live = _TABLE.c.deleted_at.is_(None)
        out: dict[str, Any] = {"total": self.count()}
        with self.engine.connect() as connection:
            for key, name in (("by_dimension", "dimension"), ("by_departement", "departement"), ("by_year", "year")):
                column, number = _TABLE.c[name], func.count()
                stmt = sa_select(column, number).where(live).group_by(column).order_by(number.desc(), column)
                out[key] = [{"value": value, "count": int(n)} for value, n in connection.execute(stmt)]
            for name in ("budget_eur", "etp"):
                column = _TABLE.c[name]
                stmt = sa_select(func.count(column), func.sum(column), func.avg(column)).where(live)
                known, total, mean = connection.execute(stmt).one()
                out[name] = {"connus": int(known), "total": float(total or 0), "moyenne": float(mean) if mean else None}
        return out

    # -- lean reads ---------------------------------------------------------------------------------
    def fetch_rows(self, ids: Sequence[str], columns: Sequence[str]) -> dict[str, dict]:
        """``get_rows`` in one driver-level statement per chunk (the hits' hot path: no expression
        compiling, no expanding parameters). Values are decoded by the columns' own SQLAlchemy types."""
        plan = self._fetch_plan(tuple(columns))
        if plan is None:  # a driver we don't know how to address positionally
            return self.get_rows(ids, columns)
        wanted = list(dict.fromkeys(ids))
        out: dict[str, dict] = {}
        with self._raw_cursor() as cursor:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                cursor.execute(plan.sql(len(chunk)), tuple(chunk))
                for values in cursor.fetchall():
                    row: dict[str, Any] = dict(zip(plan.names, values))
                    for name, decode in plan.decoders:
                        row[name] = decode(row[name])
                    out[row["id"]] = row
        return out

    @contextmanager
    def _raw_cursor(self) -> Iterator[Any]:
        """The driver's own cursor on a pooled connection (no result objects per row: the hits' hot path),
        SQLite's statement deadline (``db.py``) disarmed: a key lookup must not inherit a stale one."""
        connection = self.engine.raw_connection()
        try:
            deadline = connection.info.get(_DEADLINE)
            if deadline is not None:
                deadline[0] = float("inf")
            cursor = connection.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
        finally:
            connection.close()  # back to the pool (rolled back)

    def _fetch_plan(self, columns: tuple[str, ...]) -> _FetchPlan | None:
        plan = self._plans.get(columns)
        if plan is None:
            dialect = self.engine.dialect
            mark = _PLACEHOLDERS.get(dialect.paramstyle)
            if mark is None:
                return None
            names = tuple(dict.fromkeys(["id", *columns]))
            quote = dialect.identifier_preparer.quote
            head = (f"SELECT {', '.join(quote(name) for name in names)} FROM {quote(_TABLE.name)} "
                    f"WHERE {quote('deleted_at')} IS NULL AND {quote('id')} IN (")
            decoders = tuple((name, decode) for name in names
                             if (decode := _TABLE.c[name].type.result_processor(dialect, None)) is not None)
            plan = self._plans[columns] = _FetchPlan(names, decoders, head, mark)
        return plan
