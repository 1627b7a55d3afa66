"""GET /api/structures and /api/structures/{id}: search, facets, pages, exports, one structure with its fiches;
fiches gain the structure's facets and are found by their commune. Real app, store and index."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from tests.api.test_openapi import _check
from tests.paths import FIXTURES

PAGES = [FIXTURES / "structures" / name for name in ("seed_structures.txt", "evs_list_page.txt",
                                                     "venissieux_structure.txt")]


@pytest.fixture
def seed_dir(tmp_path):
    """The seed fiches and two structure list pages, imported at start-up (structures after fiches)."""
    from tests.paths import SEED

    folder = tmp_path / "seed"
    folder.mkdir()
    shutil.copy(SEED, folder / "a_fiches.txt")
    shutil.copy(FIXTURES / "structures" / "venissieux.txt", folder / "a_venissieux.txt")
    for n, page in enumerate(PAGES):
        shutil.copy(page, folder / f"b_structures_{n}.txt")
    return folder


@pytest.fixture
def spec(client):
    return client.get("/openapi.json").json()


def test_search_facets_and_pages(client, spec):
    everything = client.get("/api/structures")
    _check(spec, "/api/structures", "get", everything)
    body = everything.json()
    assert body["total"] == 8
    assert [f["name"] for f in body["catalogue"]] == list(body["facets"])
    kinds = {v["value"]: v["count"] for v in body["facets"]["type_structure"]}
    assert kinds == {"Centre social": 4, "Espace de vie sociale": 4}
    empalot = next(h for h in body["hits"] if h["nom"] == "CS EMPALOT")
    assert (empalot["commune"], empalot["fiches"], empalot["qpv"]) == ("Toulouse", 1, True)
    toulouse = client.get("/api/structures", params={"q": "toulouse"}).json()
    assert [h["nom"] for h in toulouse["hits"]] == ["CS EMPALOT"]
    evs = client.get("/api/structures", params={"type_structure": "Espace de vie sociale", "region": "Corse"}).json()
    assert [h["nom"] for h in evs["hits"]] == ["Familles Rurales de Sartène"]
    assert {v["value"] for v in evs["facets"]["type_structure"]} == {"Espace de vie sociale"}
    paged = client.get("/api/structures", params={"size": 2, "page": 2}).json()
    assert (paged["page"], len(paged["hits"]), paged["total"]) == (2, 2, 8)


def test_one_structure_with_its_fiches(client, spec):
    hit = client.get("/api/structures", params={"q": "la source"}).json()["hits"][0]
    response = client.get(f"/api/structures/{hit['id']}")
    _check(spec, "/api/structures/{structure_id}", "get", response)
    structure = response.json()
    assert structure["nom"] == "Centre social La Source" and structure["departement"] == "Guadeloupe"
    assert structure["axes"] == ["Accompagner la jeunesse"]
    assert len(structure["fiches"]) == 2
    fiche = client.get(f"/api/fiches/{structure['fiches'][0]['id']}").json()
    assert (fiche["structure_id"], fiche["commune"], fiche["type_structure"]) == (hit["id"], "Pointe-à-Pitre", "CS")


def test_errors_have_the_one_shape(client, spec):
    _check(spec, "/api/structures/{structure_id}", "get", client.get("/api/structures/inconnue"))
    _check(spec, "/api/structures", "get", client.get("/api/structures", params={"taille": 3}))
    assert client.get("/api/structures", params={"size": 0}).json()["error"]["code"] == "invalid_parameter"


def test_fiches_gain_the_structure_facets_and_are_found_by_commune(client):
    found = client.get("/api/fiches", params={"q": "Toulouse"}).json()
    assert {h["structure"] for h in found["hits"]} >= {"CENTRE SOCIAL D'EMPALOT"}
    venissieux = client.get("/api/fiches", params={"q": "Vénissieux"}).json()
    assert [h["title"] for h in venissieux["hits"]] == ["Jardin partagé des Minguettes"]  # named by its structure
    by_kind = client.get("/api/fiches", params={"type_structure": "Centre social"}).json()
    assert by_kind["total_fiches"] == 5
    facets = by_kind["facets"]
    assert {v["value"] for v in facets["commune"]} == {"Toulouse", "Pointe-à-Pitre", "Dechy", "Vénissieux"}
    assert {v["value"]: v["count"] for v in facets["qpv"]} == {"En QPV": 1}
    names = [f["name"] for f in client.get("/api/catalogue").json()["facets"]]
    assert {"type_structure", "commune", "qpv", "type_territoire", "mode_gestion"} <= set(names)


def test_exports(client):
    response = client.get("/api/structures.csv", params={"type_structure": "Centre social"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 4 and "@" not in response.text
    assert {r["nom"] for r in rows} >= {"CS EMPALOT"}
    data = client.get("/api/structures.json", params={"q": "lyon"}).json()
    assert [d["nom"] for d in data] == ["EVS Le Lien"] and data[0]["code_insee"] == "69123"
