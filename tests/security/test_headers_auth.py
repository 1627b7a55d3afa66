"""Security headers, CORS, authentication and the production token rule, over the real app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.domain.config import Settings
from app.main import create_app

TOKEN = {"Authorization": "Bearer jeton-de-test"}


@pytest.mark.parametrize("path", ["/", "/api/fiches?q=jardin", "/docs", "/openapi.json", "/api/inconnue"])
def test_security_headers_on_page_api_and_docs(client, path):
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_docs_page_has_no_inline_script(client):
    html = client.get("/docs").text
    assert "<script>" not in html and "swagger-init.js" in html
    assert client.get("/docs-assets/swagger-init.js").status_code == 200


def test_cors_is_closed_by_default(client):
    response = client.get("/api/fiches", headers={"Origin": "https://ailleurs.example"})
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_cors_opens_to_configured_origins(settings):
    settings.cors_origins = ["https://federation.example"]
    with TestClient(create_app(settings)) as client:
        allowed = client.get("/api/fiches", headers={"Origin": "https://federation.example"})
        other = client.get("/api/fiches", headers={"Origin": "https://ailleurs.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://federation.example"
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("header", [
    "Bearer jéton-de-test".encode(),  # non-ASCII bytes in the header
    "Bearer jeton-de-test\u00a0".encode("latin-1"),
    b"Bearer \xff\xfe",
    b"Basic amV0b24tZGUtdGVzdA==",
    b"Bearer",
    b"Bearer mauvais-jeton",
])
def test_bad_tokens_are_a_401_with_www_authenticate(client, header):
    response = client.delete("/api/fiches/x", headers={"Authorization": header})
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_missing_token_is_a_401_with_www_authenticate(client):
    response = client.post("/api/imports", files={"files": ("a.txt", b"x")})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_the_right_token_still_works(client):
    assert client.delete("/api/fiches/inconnue", headers=TOKEN).status_code == 404


@pytest.mark.parametrize("token", [None, "", "changeme", "court", "  secret  "])
def test_production_refuses_an_empty_or_default_token(token):
    with pytest.raises(ValidationError, match="FICHES_IMPORT_TOKEN"):
        Settings(environment="production", import_token=token)


def test_production_accepts_a_real_token_and_development_anything():
    assert Settings(environment="production", import_token="x" * 24).import_token == "x" * 24
    assert Settings(environment="development", import_token=None).import_token is None


def test_a_non_ascii_configured_token_is_refused_at_start():
    with pytest.raises(ValidationError, match="ASCII"):
        Settings(import_token="jéton-secret-de-production")
