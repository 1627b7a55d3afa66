"""Structures on import: stored once, upserted by name and département, linked to their fiches whichever
of the two comes first (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from app.domain.structure_store import STRUCTURES
from ingest.importer import import_paths
from tests.paths import FIXTURES, SEED

STRUCTURES_PAGE = FIXTURES / "structures" / "seed_structures.txt"
EVS_PAGE = FIXTURES / "structures" / "evs_list_page.txt"


def _linked(store) -> dict[str, tuple]:
    return {f.structure: (f.type_structure, f.commune, f.qpv, f.type_territoire, f.mode_gestion, f.structure_id)
            for f in store.iter_live() if f.structure_id}


def _structures(store) -> dict[str, dict]:
    with store.engine.connect() as connection:
        return {row["nom"]: dict(row) for row in connection.execute(select(STRUCTURES)).mappings()}


def test_structures_first_then_fiches_are_linked(store, tmp_path):
    report = import_paths([str(STRUCTURES_PAGE)], store)
    assert report.structures == {"created": 3, "updated": 0, "unchanged": 0, "fiches_linked": 0}
    assert (report.created, report.rejected, report.exit_code) == (0, 0, 0)
    fiches = import_paths([str(SEED)], store)
    assert fiches.created == 25
    linked = _linked(store)
    stored = _structures(store)
    assert linked["CENTRE SOCIAL D'EMPALOT"] == ("CS", "Toulouse", True, "Urbain", "Caf gestion directe",
                                                 stored["CS EMPALOT"]["id"])
    assert linked["CENTRE SOCIAL LA SOURCE"][:2] == ("CS", "Pointe-à-Pitre")
    assert linked["CS HENRI MARTEL DECHY"][:2] == ("CS", "Dechy")  # « CS » and « Centre social » are one
    assert len(linked) == 3
    others = [f for f in store.iter_live() if not f.structure_id]
    assert len(others) == 25 - 4 and all(f.commune is None for f in others)  # unknown structures: as before


def test_fiches_first_then_structures_are_linked_and_reimport_is_a_no_op(store):
    import_paths([str(SEED)], store)
    seq_before = store.last_seq()
    report = import_paths([str(STRUCTURES_PAGE)], store)
    assert report.structures["created"] == 3
    assert report.structures["fiches_linked"] == 4  # La Source has two fiches
    assert store.last_seq() > seq_before  # the linked fiches are rewritten, so the indexes catch up
    assert _linked(store)["CENTRE SOCIAL LA SOURCE"][:2] == ("CS", "Pointe-à-Pitre")
    again = import_paths([str(STRUCTURES_PAGE), str(SEED)], store)
    assert again.structures == {"created": 0, "updated": 0, "unchanged": 3, "fiches_linked": 0}
    assert (again.created, again.updated) == (0, 0)


def test_structure_record_keeps_no_email_and_resolves_places(store):
    import_paths([str(EVS_PAGE)], store)
    stored = _structures(store)
    assert set(stored) == {"ESPACE DE VIE SOCIALE LA PASSERELLE", "EVS Le Lien", "Familles Rurales de Sartène",
                           "Association Ti Kaz"}
    assert "@" not in repr(stored)
    assert stored["Familles Rurales de Sartène"]["departement_code"] == "2A"
    assert stored["Association Ti Kaz"]["departement_code"] == "974"
    assert stored["EVS Le Lien"]["code_insee"] == "69123"


def test_an_edited_structure_page_updates_in_place(store, tmp_path):
    import_paths([str(STRUCTURES_PAGE), str(SEED)], store)
    edited = tmp_path / "edited.txt"
    shutil.copy(STRUCTURES_PAGE, edited)
    edited.write_text(edited.read_text(encoding="utf-8").replace("Caf gestion directe", "Associatif"),
                      encoding="utf-8")
    report = import_paths([str(edited)], store)
    assert (report.structures["created"], report.structures["updated"], report.structures["fiches_linked"]) == (0, 1, 1)
    assert _linked(store)["CENTRE SOCIAL D'EMPALOT"][4] == "Associatif"
