"""The store on SQLite and PostgreSQL: upsert by stable id, tombstones, watermark, migrations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, text

from app.domain.db import init_db
from app.domain.models import FicheCreate


def _fiche(i: int, **extra) -> FicheCreate:
    data = {"id": f"id{i:04d}", "content_hash": f"h{i}", "title": f"Fiche {i}", "mots_cles": ["Culture"]}
    data.update(extra)
    return FicheCreate(**data)


def test_migrations_create_the_schema_and_are_idempotent(engine):
    init_db(engine)  # a second run is harmless
    columns = {c["name"] for c in inspect(engine).get_columns("fiche")}
    assert {"budget_eur", "etp", "deleted_at", "updated_at", "content_hash", "source_line"} <= columns
    assert "alembic_version" in inspect(engine).get_table_names()


def test_upsert_counts_created_updated_unchanged(store):
    assert store.upsert([_fiche(1), _fiche(2)]).created == 2
    again = store.upsert([_fiche(1), _fiche(2, content_hash="changed", title="Fiche 2 bis")])
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert store.get("id0002").title == "Fiche 2 bis"
    assert store.count() == 2


def test_lists_round_trip(store):
    store.upsert([_fiche(1, mots_cles=["Santé", "Emploi, économie"], public=["familles"])])
    fiche = store.get("id0001")
    assert fiche.mots_cles == ["Santé", "Emploi, économie"]
    assert fiche.public == ["familles"]


def test_delete_is_a_tombstone_seen_by_changes_after(store):
    store.upsert([_fiche(1), _fiche(2)])
    watermark = store.last_seq()
    assert store.delete("id0001") is True
    assert store.delete("id0001") is False
    assert store.get("id0001") is None
    assert store.count() == 1
    assert store.live_ids() == {"id0002"}
    changed = list(store.changes_after(watermark))
    assert [(f["id"], f["deleted_at"] is not None) for f in changed] == [("id0001", True)]
    assert store.last_seq() > watermark


def test_reimport_revives_a_tombstone(store):
    store.upsert([_fiche(1)])
    store.delete("id0001")
    counts = store.upsert([_fiche(1)])
    assert counts.unchanged + counts.updated == 1
    assert store.get("id0001") is not None


def test_changes_after_pages_through_everything_in_write_order(store):
    store.upsert([_fiche(i) for i in range(2500)])
    store.upsert([_fiche(3, title="Modifiée", content_hash="h3b")])
    rows = list(store.changes_after(0, batch=300))
    seen = [f["id"] for f in rows]
    assert len(seen) == len(set(seen)) == 2500
    assert seen[-1] == "id0003" and rows[-1]["seq"] == store.last_seq() == 2
    assert [f["seq"] for f in rows] == sorted(f["seq"] for f in rows)


def test_every_write_takes_the_next_sequence_number_whatever_the_clock(store):
    store.upsert([_fiche(1)])
    first = store.last_seq()
    with store.engine.begin() as connection:  # a writer whose clock runs a day ahead
        connection.execute(text("UPDATE fiche SET updated_at = :t"), {"t": datetime(2099, 1, 1)})
    store.upsert([_fiche(2)])
    assert [f["id"] for f in store.changes_after(first)] == ["id0002"]


def test_get_many_keeps_order_and_skips_unknown(store):
    store.upsert([_fiche(i) for i in range(5)])
    assert [f.id for f in store.get_many(["id0003", "nope", "id0001"])] == ["id0003", "id0001"]


def test_stats_and_groups(store):
    store.upsert([_fiche(1, dimension="Services", year=2019), _fiche(2, dimension="Services", year=2020)],
                 duplicate_of={"id0002": "id0001"})
    stats = store.stats()
    assert stats["total"] == 2
    assert stats["by_dimension"] == [{"value": "Services", "count": 2}]
    assert [f.id for f in store.group_members(store.get("id0002"))] == ["id0001"]
    assert [f.id for f in store.group_members(store.get("id0001"))] == ["id0002"]


def test_concurrent_imports_of_the_same_fiches_do_not_fail(store):
    """Two imports (API replicas, or a CLI import next to a server) race on the same new ids."""
    from concurrent.futures import ThreadPoolExecutor

    batch = [_fiche(i) for i in range(300)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: store.upsert(batch), range(4)))
    assert sum(r.created for r in results) == 300
    assert all(r.created + r.unchanged + r.updated == 300 for r in results)
    assert store.count() == 300


def test_migration_0002_moves_partners_and_keeps_only_file_names(database_url):
    """A store made at 0001 (partners in one list, server paths) upgraded to 0002."""
    import sqlalchemy as sa
    from alembic import command

    from app.domain.db import alembic_config, make_engine

    engine = make_engine(database_url)
    command.upgrade(alembic_config(engine), "0001")
    now = "2024-01-01 00:00:00"
    row = ("INSERT INTO fiche (id, content_hash, title, title_key, mots_cles, public, initiative, partenaires, "
           "attachments, themes, source_file, source_url, created_at, updated_at) VALUES "
           "(:id, 'h', :title, 't', '[]', '[]', '[]', :partners, '[]', '[]', :file, :url, :now, :now)")
    with engine.begin() as connection:
        connection.execute(sa.text(row), [
            {"id": "a", "title": "A", "partners": '["Caf", "Préfecture"]', "file": "/srv/imports/2024/fiches.txt",
             "url": None, "now": now},
            {"id": "b", "title": "B", "partners": "[]", "file": None, "url": "https://www.senacs.fr/action/show/7",
             "now": now}])
    init_db(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("fiche")}
    assert {"partenaires_action", "partenaires_financiers", "truncated", "source_label"} <= columns
    assert "partenaires" not in columns
    from app.domain.store import Store

    store = Store(engine)
    a, b = store.get("a"), store.get("b")
    assert (a.partenaires_action, a.partenaires_financiers, a.truncated) == (["Caf", "Préfecture"], [], False)
    assert (a.source_file, a.source_label) == ("fiches.txt", "fiches.txt")
    assert (b.source_file, b.source_label, b.source_url) == (None, "Catalogue SENACS", "https://www.senacs.fr/action/show/7")
    engine.dispose()


def test_a_write_that_changes_nothing_spends_no_sequence_number(store):
    """An index whose watermark is the store's last write number knows it misses nothing (the page rows
    are then trusted): re-importing unchanged fiches or deleting an unknown one must not move it."""
    store.upsert([_fiche(1), _fiche(2)])
    before = store.last_seq()
    counts = store.upsert([_fiche(1), _fiche(2)])
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 2) and store.last_seq() == before
    assert store.delete("nope") is False and store.last_seq() == before
    store.upsert([_fiche(2, title="Autre", content_hash="h2b")])
    assert store.last_seq() == before + 1 and store.get("id0002").title == "Autre"
