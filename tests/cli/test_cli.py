"""The `fiches` command as a user runs it: import, summary and exit codes, export round-trip, check, reindex."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.paths import REPO, SEED


@pytest.fixture
def fiches(database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "FICHES_INDEX_DIR": str(tmp_path / "index"),
           "FICHES_SEED_ON_START": "false", "COLUMNS": "120"}

    def run(*args: str, check_code: int | None = 0) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)
        if check_code is not None:
            assert proc.returncode == check_code, proc.stdout + proc.stderr
        return proc

    return run


def test_import_summary_and_idempotence(fiches):
    first = fiches("import", str(SEED))
    assert "Créées" in first.stderr and "25" in first.stderr
    report = json.loads(fiches("import", str(SEED), "--json").stdout)
    assert (report["created"], report["unchanged"], report["rejected"]) == (0, 25, 0)


def test_exit_codes(fiches, tmp_path):
    assert "Introuvable" in fiches("import", "/nulle/part.txt", check_code=2).stderr
    bad = tmp_path / "mauvais.txt"
    bad.write_text(SEED.read_text(encoding="utf-8") + "\nActions\n\n- Statut de l'action\n- En cours\n", encoding="utf-8")
    proc = fiches("import", str(bad), check_code=1)
    assert "mauvais.txt" in proc.stderr


def test_unreachable_store_or_index_exits_3(tmp_path):
    env = {**os.environ, "FICHES_SEED_ON_START": "false", "FICHES_INDEX_DIR": str(tmp_path / "index")}
    cmd = [sys.executable, "-m", "app.cli", "import", str(SEED), "--quiet"]
    no_server = {**env, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/absente"}
    proc = subprocess.run(cmd, cwd=REPO, env=no_server, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert "Erreur d'infrastructure" in proc.stderr and "base de données inaccessible" in proc.stderr
    blocker = tmp_path / "fichier"
    blocker.write_text("x", encoding="utf-8")  # the index folder would have to live inside a file
    no_index = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'f.db'}", "FICHES_INDEX_DIR": str(blocker / "index")}
    proc = subprocess.run(cmd, cwd=REPO, env=no_index, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert "index inaccessible" in proc.stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_round_trip(fiches, tmp_path, fmt):
    fiches("import", str(SEED))
    out = tmp_path / f"export.{fmt}"
    fiches("export", "--format", fmt, "--output", str(out))
    report = json.loads(fiches("import", str(out), "--json").stdout)
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (0, 0, 25, 0)


def test_check_and_reindex(fiches):
    fiches("import", str(SEED))
    assert "concordent" in fiches("check").stderr
    assert "25" in fiches("reindex").stderr
    assert "concordent" in fiches("check").stderr


def test_jobs_2_gives_the_same_store_and_report_as_jobs_1(tmp_path):
    """`--jobs 2` parses the files in two processes: same report (rejections with their file and line,
    warnings, unusable files), same stored rows and groups as `--jobs 1`."""
    from sqlalchemy import create_engine, text

    from bench.synth import generate, write_fiches
    from tests.paths import FIXTURES

    corpus = tmp_path / "corpus"
    write_fiches(generate(600, seed=5), corpus / "synth", per_file=150)
    (corpus / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    for fixture in sorted(FIXTURES.glob("*.txt")) + sorted(FIXTURES.glob("*.html")):
        (corpus / fixture.name).write_bytes(fixture.read_bytes())
    (corpus / "mauvais.txt").write_text(SEED.read_text(encoding="utf-8") + "\nActions\n\n- Statut de l'action\n- En cours\n",
                                        encoding="utf-8")
    (corpus / "image.txt").write_bytes(b"%PDF-1.4\x00\x01\x02" * 50)
    results = []
    for jobs in ("1", "2"):
        url = f"sqlite:///{tmp_path / f'jobs{jobs}.db'}"
        env = {**os.environ, "DATABASE_URL": url, "FICHES_INDEX_DIR": str(tmp_path / f"index{jobs}"),
               "FICHES_SEED_ON_START": "false"}
        proc = subprocess.run([sys.executable, "-m", "app.cli", "import", str(corpus), "--json", "--jobs", jobs],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 2, proc.stderr  # the PDF is unusable, the broken fiche rejected
        report = json.loads(proc.stdout)
        with create_engine(url).connect() as connection:
            rows = [{k: v for k, v in row.items() if k not in ("created_at", "updated_at", "seq")}
                    for row in connection.execute(text("SELECT * FROM fiche ORDER BY id")).mappings()]
        results.append((report, rows))
    (report1, rows1), (report2, rows2) = results
    assert report2 == report1
    assert rows2 == rows1
    assert report1["rejected"] >= 1 and any(r["source"].endswith("mauvais.txt") and r["line"] > 1
                                            for r in report1["rejections"])
    assert any("image.txt" in u for u in report1["unusable"])
    assert report1["created"] >= 600 and report1["duplicates_grouped"] > 50
