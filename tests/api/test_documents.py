"""Projets sociaux and federation plans through the API: the four seed documents imported by an import job,
their units searched with the fiche search's rules (type facet, indicators field), a document read whole
(both backends)."""

from __future__ import annotations

import pytest

from tests.api.test_openapi import _check
from tests.importing import report_of
from tests.paths import SEEDS

TOKEN = {"Authorization": "Bearer jeton-de-test"}
DOCUMENTS = ["000_486432dee1cf7a83.txt", "002_2fcf364e08e6fce9.txt", "003_8480cdf5dfdc581a.txt",
             "004_603e9f97119bd15b.txt"]


def _post(client, names):
    files = [("files", (name, (SEEDS / name).read_bytes(), "text/plain")) for name in names]
    return report_of(client, client.post("/api/imports", files=files, headers=TOKEN), TOKEN)


@pytest.fixture
def imported(client):
    report = _post(client, DOCUMENTS)
    assert (report["documents"], report["sources"], report["created"], report["unusable"]) == (4, 4, 0, [])
    assert report["exit_code"] == 0
    return client


def _units(client, **params):
    response = client.get("/api/documents", params={"size": 100, **params})
    assert response.status_code == 200, response.text
    return response.json()


def _document_of(client, title):
    everything = _units(client)["hits"]
    hit = next(h for h in everything if h["document"]["title"] == title)
    return client.get(f"/api/documents/{hit['document']['id']}").json()


def test_the_four_seed_documents_become_documents_and_units(imported):
    client = imported
    result = _units(client)
    assert result["total"] == 32 + 8 + 9 + 3
    assert {f["value"]: f["count"] for f in result["facets"]["type"]} == {"fiche": 25, "projet_social": 49,
                                                                          "plan_federal": 3}
    grid = _document_of(client, "Projet social")
    assert (grid["type_label"], len(grid["units"]), grid["structure"], grid["periode"]) == ("Projet social", 9, None, None)
    plan = _document_of(client, "Des organisations sur les territoires")
    assert [u["titre"] for u in plan["units"]] == ["Impact social", "Gouvernance", "Fonction accueil"]
    assert [len(u["parties"]) for u in plan["units"]] == [6, 6, 5]
    assert plan["type"] == "plan_federal" and plan["source_file"] == "004_603e9f97119bd15b.txt"
    sections = _document_of(client, "Projet social — Thiers Dore et Montagne")
    assert (sections["periode"], sections["territoire"], len(sections["units"])) == (
        "2021/2024", "Thiers Dore et Montagne", 8)
    slides = _document_of(client, "Benoit Stamcar, présentation UC3 & UC4")
    assert slides["structure"] == "Centre Social de Remiremont" and len(slides["units"]) == 32
    assert [u["position"] for u in slides["units"]] == list(range(32))


def test_grid_units_keep_their_objectives_and_indicators(imported):
    hits = _units(imported, q="hors les murs")["hits"]
    unit = next(h for h in hits if h["titre"] == "Développer des actions hors les murs")
    assert unit["axe"].startswith("Axe I : IDENTIFIER LE CENTRE SOCIAL")
    assert len(unit["objectifs_operationnels"]) == 3 and len(unit["indicateurs"]) == 3
    whole = imported.get(f"/api/documents/{unit['document']['id']}").json()
    assert len(whole["units"]) == 9
    assert all(len(u["indicateurs"]) == 3 for u in whole["units"])


def test_searches_find_the_indicators_and_the_theme(imported):
    found = _units(imported, q="indicateurs participation des habitants")
    top = found["hits"][:3]
    assert len(top) == 3 and all(h["document"]["title"] == "Projet social" and h["indicateurs"] for h in top)
    assert all(h["axe"].startswith("Axe") for h in top)
    typing = _units(imported, q="indicateurs particip")["hits"]  # the last word, being typed, is a prefix
    assert {h["id"] for h in typing[:3]} == {h["id"] for h in top}
    first = _units(imported, q="mesure de l'impact social")["hits"][0]
    assert (first["titre"], first["document"]["type"]) == ("Impact social", "plan_federal")
    federal = _units(imported, q="gouvernance", type="plan_federal")
    assert [h["titre"] for h in federal["hits"]] == ["Gouvernance"]
    facet = {f["value"]: f for f in federal["facets"]["type"]}
    assert facet["plan_federal"]["selected"] and facet["projet_social"]["count"] >= 3  # counts ignore its own filter
    by_structure = _units(imported, q="gouvernance", structure="Centre Social de Remiremont")["hits"]
    assert by_structure and all(h["document"]["structure"] == "Centre Social de Remiremont" for h in by_structure)
    near = _units(imported, q="gouvernance zorglub")
    assert near["total"] == 0 and near["approchants"]


def test_reimporting_the_same_documents_changes_nothing(imported):
    before = _units(imported)["hits"]
    report = _post(imported, DOCUMENTS)
    assert report["documents"] == 4 and report["created"] == 0
    assert _units(imported)["hits"] == before


def test_document_responses_match_the_schema(imported):
    spec = imported.get("/openapi.json").json()
    result = imported.get("/api/documents", params={"q": "habitants", "size": 5})
    _check(spec, "/api/documents", "get", result)
    doc_id = result.json()["hits"][0]["document"]["id"]
    _check(spec, "/api/documents/{document_id}", "get", imported.get(f"/api/documents/{doc_id}"))
    _check(spec, "/api/documents/{document_id}", "get", imported.get("/api/documents/inconnu"))
    _check(spec, "/api/documents", "get", imported.get("/api/documents", params={"type": "fiche"}))
    _check(spec, "/api/documents", "get", imported.get("/api/documents", params={"type": "inconnu"}))
    assert imported.get("/api/documents", params={"page": 0}).status_code == 422


def test_control_characters_never_reach_the_database(client):
    text = (SEEDS / DOCUMENTS[2]).read_text(encoding="utf-8").replace("Développer", "Dév\x00elopper\x07")
    files = [("files", ("grille-nul.txt", text.encode("utf-8"), "text/plain"))]
    report = report_of(client, client.post("/api/imports", files=files, headers=TOKEN), TOKEN)
    assert (report["documents"], report["rejected"], report["exit_code"]) == (1, 0, 0)
    titles = [h["titre"] for h in _units(client, q="hors les murs")["hits"]]
    assert "Développer des actions hors les murs" in titles


def test_an_unknown_parameter_lists_the_allowed_ones(client):
    body = client.get("/api/documents", params={"taille": 3}).json()
    assert body["error"]["status"] == 422 and "Paramètres permis : q, type, structure, page, size" in body["error"]["message"]


QUERIES = ["", "habitants", "gouvernance", "aide aux devoirs", "indicateurs particip", "zorglub"]


@pytest.mark.parametrize("q", QUERIES)
def test_the_type_facet_counts_fiches_by_the_fiche_search_and_units_by_type(imported, q):
    facet = _units(imported, q=q)["facets"]["type"]
    assert [(f["value"], f["label"], f["selected"]) for f in facet] == [
        ("fiche", "Fiche", False), ("projet_social", "Projet social", False), ("plan_federal", "Plan fédéral", False)]
    counts = {f["value"]: f["count"] for f in facet}
    fiches = imported.get("/api/fiches", params={"q": q, "size": 1})
    assert fiches.status_code == 200 and counts["fiche"] == fiches.json()["total_fiches"]
    for kind in ("projet_social", "plan_federal"):
        assert counts[kind] == _units(imported, q=q, type=kind)["total"]
    assert counts["projet_social"] + counts["plan_federal"] == _units(imported, q=q)["total"]


def test_choosing_a_type_selects_it_and_keeps_the_other_counts(imported):
    every = {f["value"]: f["count"] for f in _units(imported, q="habitants")["facets"]["type"]}
    assert every["fiche"] > 0 and every["projet_social"] > 0
    for chosen in ("fiche", "projet_social", "plan_federal"):
        result = _units(imported, q="habitants", type=chosen)
        facet = result["facets"]["type"]
        assert [f["value"] for f in facet if f["selected"]] == [chosen]
        assert {f["value"]: f["count"] for f in facet} == every  # a facet is counted without its own selection
        assert all(h["document"]["type"] == chosen for h in result["hits"])
    assert _units(imported, q="habitants", type="fiche")["total"] == 0  # no unit is a fiche
    both = _units(imported, q="habitants", type=["fiche", "plan_federal"])
    assert [f["value"] for f in both["facets"]["type"] if f["selected"]] == ["fiche", "plan_federal"]
    assert both["total"] == every["plan_federal"]
    paged = _units(imported, type="projet_social", size=20, page=3)
    assert (paged["total"], len(paged["hits"])) == (49, 9)


def test_an_unknown_type_is_refused_in_the_one_error_shape(imported):
    response = imported.get("/api/documents", params={"q": "habitants", "type": "fiches"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (422, "invalid_parameter")
    problem = error["detail"]["problems"][0]  # the app's one shape for a value its schema refuses: where and what is allowed
    assert problem["parametre"].startswith("type") and all(
        value in problem["message"] for value in ("fiche", "projet_social", "plan_federal"))


def test_a_document_links_to_its_structure_when_one_structure_bears_its_name(imported, settings):
    from app.domain.db import make_engine
    from app.domain.structure_store import upsert_structures
    from app.domain.structures import StructureBase, structure_id

    def remiremont():
        hits = _units(imported, q="gouvernance", structure="Centre Social de Remiremont")["hits"]
        assert hits
        detail = imported.get(f"/api/documents/{hits[0]['document']['id']}").json()
        return {h["document"]["structure_id"] for h in hits}, detail["structure_id"]

    assert remiremont() == ({None}, None)  # no such structure in the store yet: no link
    engine = make_engine(settings.database_url)
    try:
        upsert_structures(engine, [StructureBase(nom="CS REMIREMONT", type_structure="CS", departement_code="88")])
        expected = structure_id("CS REMIREMONT", "88")
        assert remiremont() == ({expected}, expected)  # « Centre Social de Remiremont » is « CS REMIREMONT »
        assert imported.get(f"/api/structures/{expected}").status_code == 200
        unrelated = _units(imported, q="hors les murs")["hits"]
        assert all(h["document"]["structure_id"] is None for h in unrelated)
        upsert_structures(engine, [StructureBase(nom="Centre social Remiremont", departement_code="54")])
        assert remiremont() == ({None}, None)  # two structures bear that name: which one is not known
    finally:
        engine.dispose()


def test_structure_lookup_by_name_never_matches_another_name(client, settings):
    """Any text (LIKE wildcards, backslashes, prefixes only) finds a structure only when its folded name is
    exactly that structure's."""
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from app.domain.structure_store import upsert_structures
    from app.domain.structures import StructureBase, name_key, structure_id
    from app.services.runtime import Runtime
    from app.services.structures import ids_by_name

    with Runtime(settings) as runtime:
        upsert_structures(runtime.engine, [StructureBase(nom="CS Le_Moulin 100%", departement_code="31"),
                                           StructureBase(nom="Centre social Les Tilleuls", departement_code="69")])
        moulin, tilleuls = structure_id("CS Le_Moulin 100%", "31"), structure_id("Centre social Les Tilleuls", "69")
        assert ids_by_name(runtime, ["le moulin 100", "LES TILLEULS", "Les Tilleul", None, ""]) == {
            "le moulin 100": moulin, "LES TILLEULS": tilleuls}

        @hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(st.text(alphabet=st.sampled_from("lesTiu_%\\|moulin 10é"), max_size=20))
        def check(name):
            found = ids_by_name(runtime, [name])
            expected = {"le moulin 100": moulin, "les tilleuls": tilleuls}.get(name_key(name))
            assert found == ({name: expected} if expected else {})

        check()
