"""Where structures are kept, and how fiches are linked to them (see ``app.domain.structures``).

``upsert_structures`` writes a batch of structures in one transaction, keyed by name and département, then
links the fiches whose structure line names them: it copies the structure's attributes onto those fiche
rows with a new write sequence number, so every search index picks the change up. The other direction (a
fiche imported after its structure) is ``link_values``, called by ``Store.upsert`` inside its transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlmodel import SQLModel

from app.domain.errors import StoreUnavailable
from app.domain.models import STORE_SEQ, utcnow
from app.domain.structures import LINKED_COLUMNS, StructureBase, structure_id, structure_key

_CHUNK = 500
STRUCTURES: Table = SQLModel.metadata.tables["structure"]
FICHES: Table = SQLModel.metadata.tables["fiche"]
NO_LINK: dict[str, Any] = dict.fromkeys(LINKED_COLUMNS)
_CONTENT = tuple(name for name in StructureBase.model_fields if name not in ("source_file", "source_line",
                                                                              "source_url"))


def content_hash(record: StructureBase) -> str:
    data = record.model_dump(mode="json", include=set(_CONTENT))
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _in(connection: Connection, table: Table, column: str, values: Sequence[str], columns: Sequence[str]
        ) -> Iterator[dict[str, Any]]:
    stmt = select(*[table.c[name] for name in columns]).where(table.c[column].in_(bindparam("v", expanding=True)))
    for start in range(0, len(values), _CHUNK):
        yield from (dict(row) for row in connection.execute(stmt, {"v": list(values[start:start + _CHUNK])}).mappings())


def link_values(connection: Connection, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """For each structure key that names a stored structure: the fiche columns it fills."""
    wanted = sorted({key for key in keys if key})
    columns = ["structure_key", *dict.fromkeys(LINKED_COLUMNS.values())]
    return {row["structure_key"]: {fiche: row[column] for fiche, column in LINKED_COLUMNS.items()}
            for row in _in(connection, STRUCTURES, "structure_key", wanted, columns)}


def _link_fiches(connection: Connection, keys: Sequence[str]) -> int:
    """Copy the structures' attributes onto the live fiches that name them; returns the fiches changed."""
    links = link_values(connection, keys)
    rows = list(_in(connection, FICHES, "structure_key", sorted(links), ["id", "structure_key", *LINKED_COLUMNS]))
    changed = [{**links[row["structure_key"]], "b_id": row["id"]} for row in rows
               if any(row[name] != links[row["structure_key"]][name] for name in LINKED_COLUMNS)]
    if not changed:
        return 0
    seq_stmt = (STORE_SEQ.update().where(STORE_SEQ.c.id == 1).values(value=STORE_SEQ.c.value + 1)
                .returning(STORE_SEQ.c.value))
    seq = int(connection.execute(seq_stmt).scalar_one())
    values: dict[str, Any] = {name: bindparam(name) for name in LINKED_COLUMNS}
    stmt = FICHES.update().where(FICHES.c.id == bindparam("b_id")).values(**values, seq=seq, updated_at=utcnow())
    connection.execute(stmt, changed)
    return len(changed)


def upsert_structures(engine: Engine, records: Sequence[StructureBase]) -> tuple[int, int, int, int]:
    """Insert or update structures in one transaction, then link their fiches.

    Returns (created, updated, unchanged, fiches linked). A database that cannot be reached raises
    ``StoreUnavailable``."""
    try:
        try:
            return _upsert(engine, records)
        except IntegrityError:  # a concurrent import inserted one first: it is an update now
            return _upsert(engine, records)
    except (OperationalError, InterfaceError) as error:
        raise StoreUnavailable(f"Base de données inaccessible : {str(getattr(error, 'orig', error))[:300]}") from error


def _upsert(engine: Engine, records: Sequence[StructureBase]) -> tuple[int, int, int, int]:
    by_key: dict[str, StructureBase] = {}
    for record in records:
        key = structure_key(record.nom, record.departement_code)
        if key:
            by_key[key] = _merged(by_key.get(key), record)
    created = updated = unchanged = 0
    now = utcnow()
    with engine.begin() as connection:
        existing = {row["structure_key"]: row for row in _in(
            connection, STRUCTURES, "structure_key", sorted(by_key), ["id", "structure_key", "content_hash"])}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for key, record in by_key.items():
            digest = content_hash(record)
            data = {**record.model_dump(), "structure_key": key, "content_hash": digest, "updated_at": now}
            old = existing.get(key)
            if old is None:
                inserts.append({**data, "id": structure_id(record.nom, record.departement_code), "created_at": now})
                created += 1
            elif old["content_hash"] == digest:
                unchanged += 1
            else:
                updates.append({**data, "b_key": key})
                updated += 1
        if inserts:
            connection.execute(STRUCTURES.insert(), inserts)
        if updates:
            params: dict[str, Any] = {name: bindparam(name) for name in updates[0] if name != "b_key"}
            connection.execute(STRUCTURES.update().where(STRUCTURES.c.structure_key == bindparam("b_key"))
                               .values(params), updates)
        linked = _link_fiches(connection, sorted(by_key))
    return created, updated, unchanged, linked


def _merged(first: StructureBase | None, second: StructureBase) -> StructureBase:
    """Two readings of one structure in a batch (its list row and its block): the fuller one, gaps filled."""
    if first is None:
        return second
    richer, poorer = (first, second) if _filled(first) >= _filled(second) else (second, first)
    missing = {name: value for name, value in poorer.model_dump().items()
               if value not in (None, [], "") and getattr(richer, name) in (None, [], "")}
    merged = richer.model_copy(update=missing)
    merged.truncated = first.truncated and second.truncated
    return merged


def _filled(record: StructureBase) -> int:
    return sum(1 for value in record.model_dump().values() if value not in (None, [], "", False))
