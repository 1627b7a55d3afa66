"""The index follows the store: sync from a watermark (tombstones included), rebuild and swap, check."""

import json
import os
from datetime import datetime, timedelta

from sqlalchemy import text

from app.search.generations import CURRENT, WATERMARK, current_dir
from app.search.indexer import fiche_to_doc
from app.search.params import SearchParams
from app.search.service import SearchService
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset, to_create

ROWS = devset_fiches()


def ids(service, q=""):
    return set(service.export_ids(SearchParams(q=q)))


def test_fiche_to_doc_is_pure_and_stores_sortable_numbers_as_ints():
    row = dict(ROWS[0], budget_eur=1234.56, etp=0.35)
    doc = fiche_to_doc(row)
    assert doc["budget"] == 1235 and doc["etp_centi"] == 35 and doc["year"] == row["year"]
    assert doc["meta"]["facets"]["annee"] == [str(row["year"])]
    assert row["title"] in doc["title"] and "Viellissement" in doc["kw"]
    assert fiche_to_doc(row) == doc


def test_first_sync_builds_then_catches_up_with_tombstones(service, store):
    load_devset(store)
    assert service.sync() == len(ROWS)
    assert service.sync() == 0
    assert ids(service) == {r["id"] for r in ROWS}
    gen = current_dir(service.index_dir)
    assert json.loads((gen / WATERMARK).read_text())["seq"] == store.last_seq()

    store.delete("cul1")
    edited = dict(next(r for r in ROWS if r["id"] == "env1"), title="Repair café et couture zéro gaspillage")
    store.upsert([to_create(edited)])
    assert service.sync() == 2
    assert "cul1" not in ids(service) and "cul1" not in ids(service, "chorale")
    assert "env1" in ids(service, "gaspillage")
    assert service.check() == {"problem": None, "missing_in_index": [], "missing_in_store": []}


def test_check_reports_ids_missing_on_either_side(service, store):
    load_devset(store, ROWS[:10])
    service.sync()
    store.delete(ROWS[0]["id"])
    load_devset(store, ROWS[10:12])
    report = service.check()
    assert report["missing_in_store"] == [ROWS[0]["id"]]
    assert report["missing_in_index"] == sorted(r["id"] for r in ROWS[10:12])


def test_rebuild_builds_a_new_directory_and_swaps(service, store):
    load_devset(store)
    service.sync()
    before = current_dir(service.index_dir)
    ranked = service.ranked_ids("jeunes")
    store.delete("jeu1")
    assert service.rebuild() == len(ROWS) - 1
    after = current_dir(service.index_dir)
    assert after != before and after.exists() and before.exists()  # the previous one stays for open readers
    assert os.path.islink(service.index_dir / CURRENT)
    assert service.ranked_ids("jeunes") == [i for i in ranked if i != "jeu1"]
    service.rebuild()
    assert not before.exists()  # generations older than the previous one are removed
    assert service.check() == {"problem": None, "missing_in_index": [], "missing_in_store": []}


def test_two_services_share_one_index_directory(tmp_path, store):
    load_devset(store, ROWS[:20])
    writer = SearchService(tmp_path / "shared", store)
    reader = SearchService(tmp_path / "shared", store)
    try:
        writer.sync()
        assert len(ids(reader)) == 20
        load_devset(store, ROWS[20:25])
        writer.sync()
        reader._checked_at = 0.0  # skip the reopen throttle instead of sleeping
        assert len(ids(reader)) == 20  # served the open generation while the new one opens in the background
        with reader._opening:  # held by the background open until the new generation is served
            pass
        assert len(ids(reader)) == 25
    finally:
        writer.close()
        reader.close()


def test_no_clock_skew_can_hide_a_fiche(service, store):
    """The watermark is the store's write sequence: a writer whose clock runs a day ahead (or behind)
    changes nothing, and nothing is applied twice."""
    load_devset(store, ROWS[:5])
    assert service.sync() == 5
    with store.engine.begin() as connection:  # every stamp so far a day in the future
        connection.execute(text("UPDATE fiche SET updated_at = :t"), {"t": datetime.now() + timedelta(days=1)})
    load_devset(store, ROWS[5:7])  # later writes with an honest clock, hence "older" stamps
    assert service.sync() == 2
    assert {r["id"] for r in ROWS[:7]} <= ids(service)
    assert service.sync() == 0
