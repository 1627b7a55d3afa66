"""The store: the source of truth for fiches (SQLite or PostgreSQL through SQLModel).

Writes are batched upserts keyed by the fiche's stable id; a batch is one transaction, so a failure
leaves the store as it was before that batch. Deletions are tombstones, so the search index and replicas
catch up from an ``updated_at`` watermark.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.models import Fiche, FicheCreate, utcnow
from ingest.records import fold_key

_CHUNK = 500  # ids per IN (...) clause


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: "UpsertCounts") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- writes -------------------------------------------------------------------------------------
    def upsert(self, fiches: Sequence[FicheCreate], duplicate_of: dict[str, str | None] | None = None) -> UpsertCounts:
        """Insert or update a batch in one transaction. ``duplicate_of`` maps id → group leader id.

        Plain Core statements (no ORM objects): one SELECT of the batch's ids, one multi-row INSERT and
        one executemany UPDATE. If a concurrent import inserted one of the ids first, the batch is rolled
        back and run again (it then updates that row)."""
        try:
            return self._upsert(fiches, duplicate_of)
        except IntegrityError:
            return self._upsert(fiches, duplicate_of)

    def _upsert(self, fiches: Sequence[FicheCreate], duplicate_of: dict[str, str | None] | None) -> UpsertCounts:
        counts = UpsertCounts()
        by_id: dict[str, FicheCreate] = {f.id: f for f in fiches}  # last one wins inside a batch
        groups = duplicate_of or {}
        now = utcnow()
        table = Fiche.__table__
        inserts: list[dict] = []
        updates: list[dict] = []
        with self.engine.begin() as connection:
            existing = {}
            ids = list(by_id)
            for start in range(0, len(ids), _CHUNK):
                stmt = sa_select(table.c.id, table.c.content_hash, table.c.deleted_at, table.c.duplicate_of).where(
                    table.c.id.in_(ids[start : start + _CHUNK]))
                existing.update({row.id: row for row in connection.execute(stmt)})
            for fiche_id, new in by_id.items():
                data = new.model_dump()
                data.update(title_key=fold_key(new.title)[:200], duplicate_of=groups.get(fiche_id), updated_at=now,
                            deleted_at=None)
                old = existing.get(fiche_id)
                if old is None:
                    inserts.append({**data, "created_at": now})
                    counts.created += 1
                    continue
                same = old.content_hash == new.content_hash and old.deleted_at is None
                if same and old.duplicate_of == data["duplicate_of"]:
                    counts.unchanged += 1
                    continue
                updates.append({**data, "b_id": fiche_id})
                if same:
                    counts.unchanged += 1
                else:
                    counts.updated += 1
            if inserts:
                connection.execute(table.insert(), inserts)
            if updates:
                values = {name: bindparam(name) for name in updates[0] if name not in ("b_id", "id")}
                connection.execute(table.update().where(table.c.id == bindparam("b_id")).values(values), updates)
        return counts

    def delete(self, fiche_id: str) -> bool:
        """Record a deletion (tombstone). Returns False if there was no such live fiche."""
        with self.session() as session, session.begin():
            fiche = session.get(Fiche, fiche_id)
            if fiche is None or fiche.deleted_at is not None:
                return False
            fiche.deleted_at = fiche.updated_at = utcnow()
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
        """Some columns of the live fiches with these ids, by id: a lean Core select (no ORM objects),
        its statement built once per column list."""
        statements = self.__dict__.setdefault("_row_statements", {})
        stmt = statements.get(tuple(columns))
        if stmt is None:
            table = Fiche.__table__
            selected = [table.c.id, *(table.c[name] for name in columns if name != "id")]
            stmt = sa_select(*selected).where(table.c.id.in_(bindparam("ids", expanding=True)),
                                              table.c.deleted_at.is_(None))
            statements[tuple(columns)] = stmt
        out: dict[str, dict] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(ids), _CHUNK):
                for row in connection.execute(stmt, {"ids": list(ids[start : start + _CHUNK])}).mappings():
                    out[row["id"]] = dict(row)
        return out

    def find_by_title_keys(self, keys: Iterable[str], columns: Sequence[str]) -> list[dict]:
        """Some columns of the live fiches whose folded title is one of these (near-duplicate
        candidates), oldest first: a lean Core select, as the candidates can be many."""
        table = Fiche.__table__
        wanted = sorted(set(keys))
        selected = [table.c[name] for name in dict.fromkeys(["id", "created_at", *columns])]
        out: list[dict] = []
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), _CHUNK):
                stmt = sa_select(*selected).where(table.c.title_key.in_(wanted[start : start + _CHUNK]),
                                                  table.c.deleted_at.is_(None))
                out.extend(dict(row._mapping) for row in connection.execute(stmt))
        out.sort(key=lambda row: (row["created_at"], row["id"]))
        return out

    def group_members(self, fiche: Fiche) -> list[Fiche]:
        """The other live fiches of this fiche's near-duplicate group, oldest first."""
        leader = fiche.duplicate_of or fiche.id
        with self.session() as session:
            stmt = select(Fiche).where(
                (col(Fiche.id) == leader) | (col(Fiche.duplicate_of) == leader), col(Fiche.deleted_at).is_(None)
            )
            members = [f for f in session.exec(stmt).all() if f.id != fiche.id]
        return sorted(members, key=lambda f: (f.created_at, f.id))

    def changes_since(self, watermark: datetime | None, batch: int = 1000) -> Iterator[Fiche]:
        """Every fiche (tombstones included) updated at or after ``watermark``, oldest first."""
        last_id = ""
        last_ts = watermark
        while True:
            with self.session() as session:
                stmt = select(Fiche)
                if last_ts is not None:
                    stmt = stmt.where(
                        (col(Fiche.updated_at) > last_ts)
                        | ((col(Fiche.updated_at) == last_ts) & (col(Fiche.id) > last_id))
                    )
                rows = session.exec(stmt.order_by(col(Fiche.updated_at), col(Fiche.id)).limit(batch)).all()
            if not rows:
                return
            yield from rows
            last_ts, last_id = rows[-1].updated_at, rows[-1].id

    def iter_live(self, batch: int = 1000) -> Iterator[Fiche]:
        for fiche in self.changes_since(None, batch=batch):
            if fiche.deleted_at is None:
                yield fiche

    def live_ids(self) -> set[str]:
        with self.session() as session:
            return set(session.exec(select(Fiche.id).where(col(Fiche.deleted_at).is_(None))).all())

    def count(self) -> int:
        with self.session() as session:
            stmt = select(func.count()).select_from(Fiche).where(col(Fiche.deleted_at).is_(None))
            return int(session.exec(stmt).one())

    def max_updated_at(self) -> datetime | None:
        with self.session() as session:
            return session.exec(select(func.max(Fiche.updated_at))).one()

    def stats(self) -> dict:
        """Counts by dimension, département and year, over live fiches."""
        live = col(Fiche.deleted_at).is_(None)
        out: dict[str, object] = {"total": self.count()}
        with self.session() as session:
            for key, column in (("by_dimension", Fiche.dimension), ("by_departement", Fiche.departement),
                                ("by_year", Fiche.year)):
                stmt = select(column, func.count()).where(live).group_by(column).order_by(func.count().desc(), column)
                out[key] = [{"value": value, "count": int(n)} for value, n in session.exec(stmt).all()]
            for key, column in (("budget_eur", Fiche.budget_eur), ("etp", Fiche.etp)):
                stmt = select(func.count(column), func.sum(column), func.avg(column)).where(live)
                known, total, mean = session.exec(stmt).one()
                out[key] = {"connus": int(known), "total": float(total or 0), "moyenne": float(mean) if mean else None}
        return out
