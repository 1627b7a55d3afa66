"""The OpenAPI document tells the truth: every route declares its responses, and real responses match them."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.importing import follow

TOKEN = {"Authorization": "Bearer jeton-de-test"}


@pytest.fixture
def spec(client) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def _check(spec: dict[str, Any], path: str, method: str, response) -> None:
    """Validate ``response`` against the schema ``spec`` gives for this path, method and status."""
    declared = spec["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in declared, f"{method.upper()} {path} answered {status}, not declared in {sorted(declared)}"
    schema = declared[status]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(response.json())]
    assert not problems, f"{method.upper()} {path} {status}: " + "; ".join(problems[:5])


def test_every_route_declares_a_json_schema_for_success_and_errors(spec):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            ok = next(s for s in responses if s.startswith("2"))
            content = responses[ok].get("content", {})
            assert content, f"{method.upper()} {path}: no response content declared"
            if "application/json" in content and not path.endswith(".{fmt}"):
                assert content["application/json"]["schema"], f"{method.upper()} {path}: empty schema"
            for status, body in responses.items():
                if status[0] in "45" and path != "/api/health":  # every error has the one shape
                    ref = body["content"]["application/json"]["schema"].get("$ref", "")
                    assert ref == "#/components/schemas/ErrorResponse", (method, path, status, ref)


def test_search_parameters_are_documented_from_the_model(spec):
    names = {p["name"] for p in spec["paths"]["/api/fiches"]["get"]["parameters"]}
    assert {"q", "dimension", "partenaire", "budget_min", "annee_max", "sort", "page", "size"} <= names
    size = next(p for p in spec["paths"]["/api/fiches"]["get"]["parameters"] if p["name"] == "size")
    assert size["schema"]["maximum"] == 100


def test_real_responses_match_the_schema(client, spec):
    search = client.get("/api/fiches", params={"q": "repair café", "size": 5})
    _check(spec, "/api/fiches", "get", search)
    everything = client.get("/api/fiches", params={"size": 100, "sort": "budget"})
    _check(spec, "/api/fiches", "get", everything)
    fiche_id = everything.json()["hits"][0]["id"]
    _check(spec, "/api/fiches/{fiche_id}", "get", client.get(f"/api/fiches/{fiche_id}"))
    _check(spec, "/api/fiches/{fiche_id}/similaires", "get", client.get(f"/api/fiches/{fiche_id}/similaires"))
    _check(spec, "/api/suggest", "get", client.get("/api/suggest", params={"q": "numér"}))
    _check(spec, "/api/stats", "get", client.get("/api/stats"))
    _check(spec, "/api/catalogue", "get", client.get("/api/catalogue"))
    _check(spec, "/api/health", "get", client.get("/api/health"))
    report = client.post("/api/imports", headers=TOKEN,
                         files=[("files", ("une.txt", b"Titre seul sans rien\n", "text/plain"))])
    _check(spec, "/api/imports", "post", report)
    job = follow(client, report.json(), TOKEN)
    _check(spec, "/api/imports/{job_id}", "get", client.get(job["url"], headers=TOKEN))
    assert job["state"] == "termine" and job["report"]["exit_code"] == 2
    _check(spec, "/api/fiches/{fiche_id}", "delete", client.delete(f"/api/fiches/{fiche_id}", headers=TOKEN))


def test_error_responses_match_the_schema(client, spec):
    _check(spec, "/api/fiches", "get", client.get("/api/fiches", params={"taille": 3}))
    _check(spec, "/api/fiches/{fiche_id}", "get", client.get("/api/fiches/inconnue"))
    _check(spec, "/api/fiches/{fiche_id}/similaires", "get", client.get("/api/fiches/inconnue/similaires"))
    _check(spec, "/api/imports", "post", client.post("/api/imports", json={"urls": []}))
    _check(spec, "/api/imports", "post", client.post("/api/imports", headers=TOKEN, json={"urls": "x"}))
    _check(spec, "/api/imports/{job_id}", "get", client.get("/api/imports/inconnu", headers=TOKEN))
    _check(spec, "/api/imports/{job_id}", "get", client.get("/api/imports/inconnu"))
    _check(spec, "/api/documents", "get", client.get("/api/documents", params={"size": 0}))
    _check(spec, "/api/documents/{document_id}", "get", client.get("/api/documents/inconnu"))
    _check(spec, "/api/fiches/{fiche_id}", "delete", client.delete("/api/fiches/inconnue", headers=TOKEN))
    _check(spec, "/api/suggest", "get", client.get("/api/suggest", params={"limit": 99}))


def test_catalogue_lists_facets_in_display_order(client):
    catalogue = client.get("/api/catalogue").json()
    names = [f["name"] for f in catalogue["facets"]]
    assert names[:3] == ["dimension", "mots_cles", "public"] and "partenaire" in names
    facets = client.get("/api/fiches").json()["facets"]
    assert list(facets) == names  # the page renders facets in the order the API sends them
