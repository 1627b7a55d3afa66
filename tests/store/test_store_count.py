"""``Store.count``: the live fiches, counted on indexes (all rows less the partial index of tombstones), and
that partial index never chosen by a query on live fiches (``fetch_rows``: SQLite once preferred a plain
index on ``deleted_at`` to the primary key, and page reads got 6x slower)."""

from __future__ import annotations

from sqlalchemy import text

from app.domain.models import FicheCreate


def _plan(engine, sql: str) -> str:
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        return "\n".join(str(row) for row in connection.execute(text(explain + sql)))


def test_count_leaves_out_tombstones(store):
    assert store.count() == 0
    store.upsert([FicheCreate(id=f"id{i:04d}", content_hash=f"h{i}", title=f"Fiche {i}") for i in range(5)])
    assert store.count() == 5
    assert store.delete("id0001") and store.delete("id0003")
    assert store.count() == 3
    store.upsert([FicheCreate(id="id0001", content_hash="h1b", title="Fiche 1 revenue")])  # a tombstone revived
    assert store.count() == 4 == len(store.live_ids())


def test_tombstone_index_serves_the_count_only(store):
    store.upsert([FicheCreate(id=f"id{i:04d}", content_hash=f"h{i}", title=f"Fiche {i}") for i in range(50)])
    store.delete("id0007")
    engine = store.engine
    tombstones = _plan(engine, "SELECT count(*) FROM fiche WHERE deleted_at IS NOT NULL")
    live_rows = _plan(engine, "SELECT id, title FROM fiche WHERE deleted_at IS NULL AND id IN ('id0001', 'id0002')")
    assert "ix_fiche_tombstones" not in live_rows, live_rows
    if engine.dialect.name == "sqlite":
        assert "ix_fiche_tombstones" in tombstones, tombstones  # a small table: PostgreSQL may scan it anyway
        assert "sqlite_autoindex_fiche_1" in live_rows, live_rows  # the primary key, as before the index
        assert "SCAN fiche\n" not in _plan(engine, "SELECT count(*) FROM fiche") + "\n"  # an index, not the rows
    assert store.fetch_rows(["id0001", "id0007"], ["title"]) == {"id0001": {"id": "id0001", "title": "Fiche 1"}}
