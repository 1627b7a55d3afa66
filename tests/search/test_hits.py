"""The hits of a page: read from the store through a cache keyed by write sequence, snippets from prepared
text, facet values in order; and the store's lean read."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.store import Store
from app.search import hits as hits_module
from app.search.highlight import _MAX_MATCHES, Source, _single_spaced, snippet
from app.search.hits import ROW_FIELDS, HitRows
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset, search

ROWS = {r["id"]: r for r in devset_fiches()}


def _fiche(fiche_id: str, **fields) -> dict:
    return dict(ROWS["env1"], id=fiche_id, description_experience=None, **fields)


def test_a_changed_fiche_shows_its_new_text_before_the_index_catches_up(service, store):
    load_devset(store, [_fiche("a", title="Jardin partagé", resume="Un jardin cultivé par les habitants.")])
    service.sync()
    assert "<mark>jardin</mark> cultivé" in search(service, q="jardin")["hits"][0]["snippet"]
    load_devset(store, [_fiche("a", title="Jardin des voisins", resume="Le jardin est ouvert le samedi.")])
    hit = search(service, q="jardin")["hits"][0]  # the index still has the old text; the hit reads the store
    assert hit["title"] == "Jardin des voisins"
    assert "<mark>jardin</mark> est ouvert" in hit["snippet"]


def test_a_deleted_fiche_leaves_the_page_before_the_index_catches_up(service, store):
    load_devset(store, [_fiche("a", title="Jardin partagé"), _fiche("b", title="Jardin des voisins")])
    service.sync()
    assert {h["id"] for h in search(service, q="jardin")["hits"]} == {"a", "b"}
    store.delete("a")
    assert [h["id"] for h in search(service, q="jardin")["hits"]] == ["b"]


def test_a_hit_is_the_callers_own(service, store):
    load_devset(store, [_fiche("a", title="Jardin partagé", mots_cles=["jardin"])])
    service.sync()
    first = search(service, q="jardin")["hits"][0]
    first["mots_cles"].append("changé")
    first["title"] = "changé"
    again = search(service, q="jardin")["hits"][0]
    assert again["mots_cles"] == ["jardin"] and again["title"] == "Jardin partagé"


def test_the_row_cache_keeps_within_its_bytes_and_reads_only_what_it_lacks(store, monkeypatch):
    load_devset(store, [_fiche(f"f{i}", title=f"Fiche {i}", resume="Un texte " * 200) for i in range(30)])
    rows = HitRows(store, max_bytes=20_000)
    read: list[tuple[int, int]] = []
    fetch = store.fetch_rows
    monkeypatch.setattr(store, "fetch_rows", lambda ids, columns: read.append((len(ids), len(columns)))
                        or fetch(ids, columns))
    ids = [f"f{i}" for i in range(30)]
    assert set(rows.get(dict.fromkeys(ids))) == set(ids)
    assert 0 < rows._bytes <= 20_000 and len(rows._rows) < 30
    read.clear()
    kept = list(rows._rows)
    assert set(rows.get(dict.fromkeys(kept))) == set(kept)
    assert read == []  # nothing written since they were read: the store's last write sequence number says so
    store.delete("f0")
    assert set(rows.get(dict.fromkeys(kept))) == set(kept) - {"f0"}
    assert read == [(len(kept), 1)]  # a write since: only their sequence numbers are read
    assert set(rows.get({"f1": None, "nope": None})) <= {"f1"}


def test_cached_rows_are_checked_and_kept_when_most_of_a_page_is_new(store, monkeypatch):
    """A page whose rows are mostly new reads in full only those: the cached ones are checked by sequence
    number and kept with their snippets, a changed one is read again, a deleted one is dropped."""
    load_devset(store, [_fiche(f"f{i}", title=f"Fiche {i}", resume="Un jardin partagé.") for i in range(10)])
    rows = HitRows(store)
    cached = rows.get(dict.fromkeys(["f0", "f1", "f2"]))
    snippets = {fiche_id: rows.snippet(row, None) for fiche_id, row in cached.items()}
    load_devset(store, [_fiche("f1", title="Fiche 1 changée", resume="Un autre texte.")])
    store.delete("f2")
    read: list[tuple[list[str], int]] = []
    fetch = store.fetch_rows
    monkeypatch.setattr(store, "fetch_rows", lambda ids, columns: read.append((sorted(ids), len(columns)))
                        or fetch(ids, columns))
    page = rows.get({f"f{i}": None for i in range(10)})
    assert read == [(["f0", "f1", "f2"], 1), (sorted(["f1", *(f"f{i}" for i in range(3, 10))]), 1 + len(ROW_FIELDS))]
    assert set(page) == {f"f{i}" for i in range(10)} - {"f2"}
    assert page["f0"] is cached["f0"] and page["f0"].snippets == {None: snippets["f0"]}
    assert page["f1"].fields["title"] == "Fiche 1 changée" and page["f1"].snippets == {}


def test_snippet_from_prepared_text_equals_snippet_from_the_fiche():
    fiche = {"resume": "  Jardin\tpartagé  ", "diagnostic": "Les jardins du quartier.\nUn jardinier aide.",
             "impacts": "   ", "precision": "jard " * 10}
    source = Source.of(fiche)
    for wanted in (None, (frozenset({"jardin"}), frozenset({"jardin"}), 1),
                   (frozenset({"jardin", "quarti"}), frozenset({"jardin", "quarti"}), 2),
                   (frozenset({"xyz"}), frozenset({"xyz", "aid"}), 1)):
        assert snippet(source, wanted) == snippet(fiche, wanted)
    marks = (frozenset({"jardin", "quarti"}), frozenset({"jardin", "quarti"}), 2)
    assert snippet(fiche, marks) == "Les <mark>jardins</mark> du <mark>quartier</mark>. Un jardinier aide."


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(" a\u00a0\u202f\t\né’<…"), max_size=40))
def test_runs_of_white_space_become_one_space(text):
    assert _single_spaced(text) == re.sub(r"\s{2,}", " ", text)


def test_matches_are_counted_text_by_text():
    """Many matches in the résumé don't hide a later text (the cap counts matches per text)."""
    fiche = {"resume": "jardin " * (_MAX_MATCHES + 50), "diagnostic": "quartier et jardin"}
    marks = (frozenset({"jardin", "quarti"}), frozenset({"jardin", "quarti"}), 2)
    assert snippet(fiche, marks) == "<mark>quartier</mark> et <mark>jardin</mark>"
    assert snippet({"resume": "jardin " * (_MAX_MATCHES + 50)}, marks).count("<mark>") > 20


@pytest.mark.parametrize("backend_columns", [("seq",), ROW_FIELDS])
def test_fetch_rows_reads_what_get_rows_reads(engine, backend_columns):
    store = Store(engine)
    load_devset(store, [_fiche("a", title="Jardin", mots_cles=["jardin", "été"]), _fiche("b", title="Café")])
    store.delete("b")
    ids = ["a", "b", "zz", "a"]
    assert store.fetch_rows(ids, backend_columns) == store.get_rows(ids, backend_columns)
    assert store.fetch_rows([], backend_columns) == {}


def test_facet_values_in_count_then_label_order(devset_service):
    result = search(devset_service)
    for entries in result["facets"].values():
        from app.domain.text import fold
        keys = [(-e["count"], fold(e["value"]), e["value"]) for e in entries]
        assert keys == sorted(keys)
    chosen = search(devset_service, mots_cles=["nulle part", "Zèbre"], q="jardin")["facets"]["mots_cles"]
    zero = [e["value"] for e in chosen if e["count"] == 0]
    assert zero == ["nulle part", "Zèbre"] and all(e["selected"] for e in chosen if e["count"] == 0)
    assert [e["count"] for e in chosen] == sorted((e["count"] for e in chosen), reverse=True)


def test_hit_rows_come_from_the_page_rows_then_the_cache(service, store, monkeypatch):
    load_devset(store, [_fiche(f"f{i}", title=f"Jardin {i}") for i in range(5)])
    service.sync()
    calls: list[tuple[str, ...]] = []
    fetch = store.fetch_rows
    monkeypatch.setattr(store, "fetch_rows", lambda ids, columns: calls.append(tuple(columns)) or fetch(ids, columns))
    first = search(service, q="jardin")
    again = search(service, q="jardin", sort="titre")
    assert calls == [] and len(first["hits"]) == len(again["hits"]) == 5  # nothing written since the index
    assert all(re.search(r"<mark>", h["snippet"]) or "jardin" not in h["snippet"].lower() for h in again["hits"])
    assert hits_module.SNIPPETS_PER_ROW >= 1 and np.isfinite([h["score"] for h in again["hits"]]).all()


def test_finite_scores_pass_through_and_the_others_become_zero():
    from app.search.scoring import finite
    clean = np.array([0.5, 2.0])
    assert finite(clean) is clean
    assert finite(np.array([np.nan, np.inf, -np.inf, 1.5])).tolist() == [0.0, 0.0, 0.0, 1.5]


def test_facet_counts_by_bitset_equal_the_pairs_counted_one_by_one():
    """Frequent values are counted by bitset, rare ones from their pairs; a value written twice in one
    fiche counts twice, as its pairs do; deleted documents count nothing."""
    from app.search.facets import BITSET_EVERY, FacetColumns
    from app.search.schema import FACETS

    rng = np.random.default_rng(3)
    n = 500
    live = rng.random(n) > 0.1
    pairs = {}
    for facet in FACETS:
        docs = np.concatenate([np.arange(n), rng.integers(0, n, 300), [7, 7]])  # doc 7: one value twice
        raw = np.concatenate([rng.integers(0, 3, n), rng.integers(3, 40, 300), [5, 5]])
        pairs[facet] = (docs, raw, [f"v{i}" for i in range(40)])
    columns = FacetColumns(n, live, pairs, np.full(n, -1), [])
    assert len(columns._dense) and len(columns._all_values)  # both ways are used
    for fraction in (0.0, 0.05, 0.5, 1.0):
        mask = (rng.random(n) < fraction) & live
        got = columns.all_counts(mask)
        for facet in FACETS:
            column = columns.columns[facet]
            expected = np.bincount(column.pair_values[mask[column.pair_docs]], minlength=len(column.labels))
            start = columns.starts[facet]
            assert got[start : start + len(column.labels)].tolist() == expected.tolist()
    assert BITSET_EVERY > 1


def test_fetch_rows_disarms_a_stale_statement_deadline(tmp_path):
    """The lean read uses the driver's cursor, which SQLAlchemy's statement events don't see: it must not
    run under the deadline a previous statement left on the pooled connection (SQLite)."""
    from app.domain.db import _DEADLINE, init_db, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    init_db(engine)
    store = Store(engine)
    load_devset(store, [_fiche("a", title="Jardin")])
    connection = engine.raw_connection()
    connection.info[_DEADLINE][0] = 0.0  # long past
    connection.close()
    assert set(store.fetch_rows(["a"], ROW_FIELDS)) == {"a"}
    connection = engine.raw_connection()
    assert connection.info[_DEADLINE][0] == float("inf")
    connection.close()
    engine.dispose()
