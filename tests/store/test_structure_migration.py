"""Migration 0004_structures on a store that already holds fiches: the fiches get their structure key (so a
structure imported later links them), and the downgrade gives the 0003 schema back (SQLite, PostgreSQL)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from app.domain.db import alembic_config, make_engine
from app.domain.structures import structure_key
from ingest.importer import import_paths
from tests.paths import FIXTURES


def test_upgrade_fills_the_structure_key_of_stored_fiches(database_url):
    engine = make_engine(database_url)
    try:
        config = alembic_config(engine)
        command.upgrade(config, "0003")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO store_seq (id, value) VALUES (1, 1) ON CONFLICT DO NOTHING")
                               if engine.dialect.name == "postgresql" else
                               text("INSERT OR IGNORE INTO store_seq (id, value) VALUES (1, 1)"))
            connection.execute(text(
                "INSERT INTO fiche (id, title, structure, departement_code, content_hash, title_key, mots_cles, public,"
                " initiative, partenaires_action, partenaires_financiers, attachments, themes, truncated, created_at,"
                " updated_at, seq) VALUES ('f1', 'Jardin', 'CENTRE SOCIAL D''EMPALOT', '31', 'h', 'jardin', '[]', '[]',"
                " '[]', '[]', '[]', '[]', '[]', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"))
        command.upgrade(config, "head")
        with engine.connect() as connection:
            key = connection.execute(text("SELECT structure_key FROM fiche WHERE id = 'f1'")).scalar_one()
        assert key == structure_key("CS Empalot", "31") == "empalot|31"

        from app.domain.store import Store

        store = Store(engine)
        report = import_paths([str(FIXTURES / "structures" / "seed_structures.txt")], store)
        assert report.structures["fiches_linked"] == 1
        assert store.get("f1").commune == "Toulouse"

        command.downgrade(config, "0003")
        columns = {c["name"] for c in inspect(engine).get_columns("fiche")}
        assert "structure_key" not in columns and "commune" not in columns
        assert "structure" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
