"""The REST API over the real app, store and index, seeded with the 25 seed fiches (both backends)."""

from __future__ import annotations

import csv
import io
import json

from tests.importing import report_of
from tests.paths import GROUND_TRUTH, SEED

TOKEN = {"Authorization": "Bearer jeton-de-test"}


def _error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert {"status", "code", "message", "detail"} <= set(body["error"])
    assert body["error"]["status"] == status
    return body["error"]


def test_first_start_imports_the_sample_data(client):
    assert client.get("/api/health").json()["fiches"] == 25
    stats = client.get("/api/stats").json()
    assert stats["total"] == 25
    assert {"value": "Citoyenneté", "count": 12} in stats["by_dimension"]
    truth = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))["fiches"]
    for field in ("budget", "etp"):
        surely = sum(1 for f in truth if None not in f[f"{field}_ok"])
        maybe = sum(1 for f in truth if any(v is not None for v in f[f"{field}_ok"]))
        known = stats["budget_eur" if field == "budget" else "etp"]["connus"]
        assert surely <= known <= maybe, field
    assert stats["budget_eur"]["total"] >= 30500


def test_search_shape_and_facets(client):
    body = client.get("/api/fiches", params={"q": "repair café"}).json()
    assert {"total", "page", "size", "hits", "facets", "suggestion", "took_ms"} <= set(body)
    assert body["hits"][0]["title"] == "Bien vivre dans son logement, s'ouvrir vers l'extérieur"
    assert "<mark>" in body["hits"][0]["snippet"]
    assert set(body["facets"]) >= {"dimension", "mots_cles", "public", "territoire", "initiative", "statut",
                                  "departement", "region", "annee"}
    everything = client.get("/api/fiches", params=[("dimension", "Services"), ("dimension", "Citoyenneté")]).json()
    assert everything["total_fiches"] == 20  # fiches; "total" counts actions (near-duplicates folded)
    assert everything["total"] == 19
    dims = {v["value"]: v for v in everything["facets"]["dimension"]}
    assert dims["Services"]["selected"] and dims["Services"]["count"] == 8
    assert dims["Accompagnement de projets"]["count"] == 5 and not dims["Accompagnement de projets"]["selected"]


def test_unknown_parameter_and_bad_values_are_422_in_the_one_error_shape(client):
    error = _error_shape(client.get("/api/fiches", params={"qq": "x"}), 422)
    assert "qq" in error["message"]
    _error_shape(client.get("/api/fiches", params={"size": "1000"}), 422)
    _error_shape(client.get("/api/fiches", params={"sort": "hasard"}), 422)
    _error_shape(client.get("/api/fiches/inconnue"), 404)
    _error_shape(client.get("/api/nulle-part"), 404)


def test_hostile_queries_are_not_errors(client):
    for q in ['"', "AND", "title:", "(((", "*", "a OR", "<script>alert(1)</script>", "' OR 1=1 --", "é" * 300]:
        response = client.get("/api/fiches", params={"q": q})
        assert response.status_code == 200, (q, response.text)


def test_fiche_detail_with_duplicates_and_similar(client):
    hits = client.get("/api/fiches", params={"q": "réfugiés syriens"}).json()["hits"]
    fiche = client.get(f"/api/fiches/{hits[0]['id']}").json()
    assert fiche["title"].startswith("Bienvenue")
    assert len(fiche["duplicates"]) == 1 and fiche["duplicates"][0]["title"] == fiche["title"]
    similar = client.get(f"/api/fiches/{fiche['id']}/similaires").json()["hits"]
    ids = {h["id"] for h in similar}
    assert fiche["id"] not in ids and fiche["duplicates"][0]["id"] not in ids


def test_exports_cover_the_whole_result_set(client):
    total = client.get("/api/fiches", params={"dimension": "Citoyenneté", "size": 5}).json()["total_fiches"]
    response = client.get("/api/fiches.csv", params={"dimension": "Citoyenneté", "size": 5, "page": 2})
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == total == 12
    data = client.get("/api/fiches.json", params={"dimension": "Citoyenneté"}).json()
    assert len(data) == 12 and all(f["dimension"] == "Citoyenneté" for f in data)
    _error_shape(client.get("/api/fiches.xml"), 422)


def test_suggest(client):
    suggestions = client.get("/api/suggest", params={"q": "parent"}).json()["suggestions"]
    assert any(s.lower().startswith("parent") for s in suggestions)


def test_import_endpoint_requires_a_token_and_reports(client):
    _error_shape(client.post("/api/imports", files={"files": ("a.txt", b"x")}), 401)
    _error_shape(client.post("/api/imports", files={"files": ("a.txt", b"x")},
                             headers={"Authorization": "Bearer faux"}), 401)
    text = SEED.read_text(encoding="utf-8").replace("CAFE DES PARENTS", "CAFÉ DES GRANDS-PARENTS")
    report = report_of(client, client.post("/api/imports", files={"files": ("lot.txt", text.encode())},
                                           headers=TOKEN), TOKEN)
    assert (report["created"], report["unchanged"], report["rejected"]) == (1, 24, 0)
    hits = client.get("/api/fiches", params={"q": "grands-parents"}).json()["hits"]
    assert hits and hits[0]["title"] == "CAFÉ DES GRANDS-PARENTS"


def test_import_endpoint_rejects_huge_uploads(client):
    big = b"a" * (21 * 1024 * 1024)
    _error_shape(client.post("/api/imports", files={"files": ("gros.txt", big)}, headers=TOKEN), 413)
    assert client.get("/api/health").json()["fiches"] == 25


def test_delete_is_applied_to_search(client):
    hit = client.get("/api/fiches", params={"q": "orchestre"}).json()["hits"][0]
    assert client.delete(f"/api/fiches/{hit['id']}", headers=TOKEN).status_code == 200
    assert client.get(f"/api/fiches/{hit['id']}").status_code == 404
    ids = [h["id"] for h in client.get("/api/fiches", params={"q": "orchestre"}).json()["hits"]]
    assert hit["id"] not in ids


def test_docs_are_served_locally(client):
    page = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert "/api/fiches" in json.dumps(client.get("/openapi.json").json())


def test_openapi_documents_every_search_parameter(client):
    from app.search.params import ALLOWED_PARAMS

    spec = client.get("/openapi.json").json()
    names = {p["name"] for p in spec["paths"]["/api/fiches"]["get"]["parameters"]}
    assert names == set(ALLOWED_PARAMS)


def test_import_endpoint_rejects_bad_json_bodies_clearly(client):
    bad = client.post("/api/imports", content=b"{pas du json", headers={**TOKEN, "Content-Type": "application/json"})
    assert "JSON" in _error_shape(bad, 422)["message"]
    _error_shape(client.post("/api/imports", json={"urls": "https://exemple.org/a.txt"}, headers=TOKEN), 422)
    _error_shape(client.post("/api/imports", json={"urls": ["ftp://exemple.org/a.txt"]}, headers=TOKEN), 422)
    assert client.get("/api/health").json()["fiches"] == 25


def test_fiche_detail_carries_the_etp_computation(client):
    """The ETP terms sum to the stored figure, each with the line it was read from (the page shows the sum)."""
    ids = [h["id"] for h in client.get("/api/fiches", params={"size": 100}).json()["hits"]]
    with_terms = []
    for fiche_id in ids:
        fiche = client.get(f"/api/fiches/{fiche_id}").json()
        terms = fiche["calcul_etp"]
        if fiche["etp"] is None:
            assert terms == []
            continue
        if terms:
            assert abs(sum(t["etp"] for t in terms) - fiche["etp"]) < 0.02
            sources = f"{fiche['personnes_mobilisees']}\n{fiche['ressources_financieres']}"
            assert all(t["texte"] and t["texte"] in sources for t in terms)
            with_terms.append(len(terms))
    assert with_terms and max(with_terms) >= 2


def test_inverted_range_is_a_422_naming_the_field(client):
    error = _error_shape(client.get("/api/fiches", params={"budget_min": "15 k€", "budget_max": "1000"}), 422)
    assert error["code"] == "invalid_parameter" and error["detail"]["parameter"] == "budget_min"
    assert "budget_max" in error["message"]
    body = client.get("/api/fiches", params={"budget_min": "10k", "size": 100}).json()
    assert body["hits"] and all(h["budget_eur"] >= 10_000 for h in body["hits"])


def test_controlled_values_are_displayed_with_their_capital(client):
    body = client.get("/api/fiches", params={"public": "familles", "size": 100}).json()
    publics = {v["value"] for v in body["facets"]["public"]}
    assert "Familles" in publics and "familles" not in publics
    assert all(v[:1].isupper() for facet in ("mots_cles", "public", "dimension") for v in
               (e["value"] for e in body["facets"][facet]))
    assert body["hits"] and all("Familles" in h["public"] for h in body["hits"])
    fiche = client.get(f"/api/fiches/{body['hits'][0]['id']}").json()
    assert all(v[:1].isupper() for v in fiche["mots_cles"] + fiche["public"])
    rows = list(csv.DictReader(io.StringIO(client.get("/api/tableur.csv", params={"public": "familles"}).content
                                           .decode("utf-8-sig")), delimiter=";"))
    assert rows and all("Familles" in row["Public"] for row in rows)
    sorts = {s["name"]: s["label"] for s in client.get("/api/catalogue").json()["sorts"]}
    assert "décroissant" in sorts["budget"] and "croissant" in sorts["budget_croissant"]
