"""docker-compose.yml (no Docker engine here: read as data): secrets are required variables, the database
is awaited and migrated once by the init job before any replica starts, replicas serve with workers."""

from __future__ import annotations

import re

import yaml

from tests.paths import REPO

COMPOSE = REPO / "docker-compose.yml"
REQUIRED = re.compile(r"\$\{(\w+):\?[^}]+\}")
ANY_VARIABLE = re.compile(r"\$\{(\w+)([^}]*)\}")


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_secrets_are_required_variables_never_defaults():
    text = COMPOSE.read_text(encoding="utf-8")
    required = set(REQUIRED.findall(text))
    assert {"FICHES_DB_PASSWORD", "FICHES_IMPORT_TOKEN"} <= required
    for name, rest in ANY_VARIABLE.findall(text):
        if name in ("FICHES_DB_PASSWORD", "FICHES_IMPORT_TOKEN"):
            assert rest.startswith(":?"), f"${{{name}{rest}}} has a default"
    services = _compose()["services"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${FICHES_DB_PASSWORD:?")
    for name in ("init", "api"):
        env = services[name]["environment"]
        assert "${FICHES_DB_PASSWORD:?" in env["DATABASE_URL"]
        assert env["FICHES_IMPORT_TOKEN"].startswith("${FICHES_IMPORT_TOKEN:?")


def test_init_job_waits_for_the_database_and_migrates_once_before_the_replicas():
    services = _compose()["services"]
    assert services["db"]["healthcheck"]["test"]
    assert services["init"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "fiches db-upgrade" in " ".join(services["init"]["command"])
    assert services["api"]["depends_on"]["init"]["condition"] == "service_completed_successfully"
    assert services["api"]["environment"]["FICHES_SEED_ON_START"] == "false"  # only the init job imports


def test_replicas_serve_with_several_workers_behind_nginx():
    services = _compose()["services"]
    assert services["api"]["deploy"]["replicas"] >= 2
    command = services["api"]["command"]
    assert "--workers" in command
    assert any("deploy/nginx.conf" in volume for volume in services["proxy"]["volumes"])
