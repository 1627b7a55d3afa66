"""``Store.is_empty``: what the first start asks before importing the sample data (one row read, not a count)."""

from __future__ import annotations

from app.domain.models import FicheCreate


def test_is_empty_counts_live_fiches_only(store):
    assert store.is_empty()
    store.upsert([FicheCreate(id="id0001", content_hash="h1", title="Fiche 1"),
                  FicheCreate(id="id0002", content_hash="h2", title="Fiche 2")])
    assert not store.is_empty()
    assert store.delete("id0001")
    assert not store.is_empty()  # one fiche still live
    assert store.delete("id0002")
    assert store.is_empty()  # tombstones only: the first start would import the sample data again


def test_counting_live_fiches_reads_the_deleted_at_index(store):
    """``Store.count`` runs at every catch-up (index against store): on SQLite it must read the index on
    ``deleted_at`` (migration 0007), never every row with its long texts."""
    from sqlalchemy import inspect, text

    engine = store.engine
    assert "ix_fiche_deleted_at" in {i["name"] for i in inspect(engine).get_indexes("fiche")}
    store.upsert([FicheCreate(id=f"id{i:04d}", content_hash=f"h{i}", title=f"Fiche {i}") for i in range(5)])
    store.delete("id0001")
    assert store.count() == 4
    if engine.url.get_backend_name() == "sqlite":
        with engine.connect() as conn:
            plan = " ".join(str(row[-1]) for row in conn.execute(
                text("EXPLAIN QUERY PLAN SELECT count(*) FROM fiche WHERE deleted_at IS NULL")))
        assert "COVERING INDEX ix_fiche_deleted_at" in plan, plan
