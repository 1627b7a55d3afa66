"""The importer end to end on real files: idempotence, rejections with lines, duplicates, crash safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.domain.errors import UnusableInput
from ingest.importer import import_paths
from tests.paths import GROUND_TRUTH, PROJET_SOCIAL, REPO, SEED

BROKEN_BLOCK = "Actions\n\n- Structure organisatrice\n- CENTRE SANS TITRE - Sarthe\n- Statut de l'action\n- En cours\n"


def test_seed_import_then_reimport_creates_nothing(store, seed_dir):
    first = import_paths([str(seed_dir)], store)
    assert (first.created, first.rejected, first.exit_code) == (25, 0, 0)
    again = import_paths([str(seed_dir)], store)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 25)
    assert store.count() == 25


def test_seed_duplicates_are_grouped_like_the_ground_truth(store, seed_dir):
    report = import_paths([str(seed_dir)], store)
    truth = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))["fiches"]
    expected = {(f["title"], f["structure"]): f["duplicate_of"] for f in truth}
    fiches = list(store.iter_live())
    by_id = {f.id: f for f in fiches}
    for fiche in fiches:
        leader = by_id[fiche.duplicate_of] if fiche.duplicate_of else None
        want = expected[(fiche.title, fiche.structure)]
        got = {"title": leader.title, "structure": leader.structure} if leader else None
        assert got == want, fiche.title
    assert report.duplicates_grouped == sum(1 for v in expected.values() if v)


def test_malformed_fiche_in_the_middle_is_rejected_with_its_line(store, tmp_path):
    text = SEED.read_text(encoding="utf-8")
    blocks = text.split("\nActions\n")
    broken = "\nActions\n".join(blocks[:10]) + "\n" + BROKEN_BLOCK + "Actions\n" + "\nActions\n".join(blocks[10:])
    path = tmp_path / "casse.txt"
    path.write_text(broken, encoding="utf-8")
    actions_line = broken.splitlines().index("- CENTRE SANS TITRE - Sarthe") - 2  # 1-based line of « Actions »
    report = import_paths([str(path)], store)
    assert report.created == 25
    assert report.rejected == 1 and report.exit_code == 1
    rejection = report.rejections[0]
    assert rejection.source == str(path)
    assert rejection.line == actions_line, rejection
    assert broken.splitlines()[rejection.line - 1] == "Actions"
    assert store.count() == 25


def test_missing_path_is_unusable_and_imports_nothing(store, seed_dir):
    with pytest.raises(UnusableInput) as info:
        import_paths([str(seed_dir), "/nulle/part.txt"], store)
    assert "/nulle/part.txt" in info.value.message
    assert store.count() == 0


def test_a_projet_social_given_to_the_fiche_importer_alone_is_reported(store, tmp_path):
    # the CLI and the API divert documents first (app.services.documents); the fiche importer says what it is
    path = tmp_path / "projet-social.txt"
    path.write_text(PROJET_SOCIAL.read_text(encoding="utf-8"))
    report = import_paths([str(path)], store)
    assert (report.created, report.rejected, report.exit_code) == (0, 0, 2)
    (unusable,) = report.unusable
    assert unusable.startswith(f"{path} : Projet social ou plan fédéral, pas une fiche")


def test_glob_and_reimport_after_edit_updates(store, tmp_path):
    text = SEED.read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    assert import_paths([str(tmp_path / "*.txt")], store).created == 25
    (tmp_path / "a.txt").write_text(text.replace("repair café", "repair café du samedi", 1), encoding="utf-8")
    report = import_paths([str(tmp_path / "*.txt")], store)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 24)


def _big_corpus(folder: Path, copies: int) -> int:
    """The seed re-titled ``copies`` times: distinct fiches, realistic text."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for n in range(copies):
        out = [f"{line} (copie {n})" if i and lines[i - 1] == "Actions" else line for i, line in enumerate(lines)]
        (folder / f"lot{n:03d}.txt").write_text("\n".join(out) + "\n", encoding="utf-8")
    return copies * 25


def _children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_kill_9_during_import_then_rerun_gives_exactly_the_right_set(database_url, tmp_path):
    from app.domain.db import init_db, make_engine
    from app.domain.store import Store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    copies = 120  # 3 000 fiches: about 2 s of import here, so a test process starved by its neighbours
    expected = _big_corpus(corpus, copies)  # still finds the import mid-way with its pool alive
    env = {**os.environ, "DATABASE_URL": database_url, "FICHES_INDEX_DIR": str(tmp_path / "index"),
           "FICHES_SEED_ON_START": "false"}
    cmd = [sys.executable, "-m", "app.cli", "import", str(corpus), "--quiet", "--batch-size", "50", "--jobs", "2"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engine = make_engine(database_url)
    init_db(engine)
    store = Store(engine)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while proc.poll() is None and time.monotonic() < deadline:  # two batches stored, the pool still parsing
        workers = _children(proc.pid)
        if workers and store.count() >= 100:
            break
        time.sleep(0.02)
    assert workers and proc.poll() is None, f"the import parses {copies} files with a pool of 2 processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10  # the parsing workers die with the import (else they would keep its
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:  # socket)
        time.sleep(0.05)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "a parsing worker outlived the import"
    partial = store.count()
    assert 0 < partial < expected, "the import was not interrupted mid-way"
    assert partial % 50 == 0 or partial == expected, "a batch was half-written"
    rerun = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    assert store.count() == expected
    titles = [f.title for f in store.iter_live()]
    assert len(set(titles)) == expected - copies  # the two « Bienvenue ! » fiches share a title in each copy
    engine.dispose()


def test_groups_are_stable_flat_and_never_self_referencing(store, tmp_path):
    from bench.synth import write_corpus

    write_corpus(400, tmp_path, seed=7, per_file=100)
    first = import_paths([str(tmp_path)], store, batch_size=60)
    assert first.duplicates_grouped > 0
    second = import_paths([str(tmp_path)], store, batch_size=60)
    assert (second.created, second.updated) == (0, 0)
    fiches = {f.id: f for f in store.iter_live()}
    for fiche in fiches.values():
        assert fiche.duplicate_of != fiche.id
        if fiche.duplicate_of:
            assert fiches[fiche.duplicate_of].duplicate_of is None, "groups have a single level"
    assert second.duplicates_grouped == first.duplicates_grouped
