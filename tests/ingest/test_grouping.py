"""The in-memory near-duplicate grouper (ingest.grouping) gives the groups the old one gave (a select of
every same-title row and a comparison with every leader, batch after batch): same stored rows, same report,
on the shipped data, the tests' corpora and synthetic ones, and on fiches hypothesis writes near the
similarity threshold."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.domain.db import init_db, make_engine
from app.domain.records import ParsedFiche, Rejected
from app.domain.store import Store
from bench.synth import generate, write_fiches
from ingest.detect import parse_document
from ingest.grouping import DuplicateGrouper, Grouper, fingerprint
from ingest.importer import import_paths, import_records
from ingest.sources import iter_sources
from tests.ingest.legacy_grouping import LegacyGrouper
from tests.paths import FIXTURES, SAMPLE_DIR, SEEDS

_TIMES = ("created_at", "updated_at", "seq")


def _rows(store: Store) -> list[dict]:
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM fiche ORDER BY id")).mappings().all()
    return [{k: v for k, v in row.items() if k not in _TIMES} for row in rows]


def _store(path: Path) -> Store:
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    return Store(engine)


def _records(paths: list[str]) -> Iterator[ParsedFiche | Rejected]:
    for source in iter_sources(paths):
        if not source.error:
            yield from parse_document(source.content, source.name)


def _import(paths: list[str], store: Store, grouper: Grouper) -> dict:
    return import_records(_records(paths), store, batch_size=100, grouper=grouper).as_dict()


def _corpus(tmp_path: Path) -> list[str]:
    synth = tmp_path / "synth"
    fiches = list(generate(1200, seed=11))
    write_fiches(fiches[:800], synth, per_file=200)  # list pages, with years
    write_fiches(fiches[700:], synth, per_file=250, fmt="text", prefix="dump")  # dumps without years: twins
    files = [p for p in sorted(FIXTURES.iterdir()) if p.suffix in (".txt", ".html")]
    return [str(SAMPLE_DIR), str(SEEDS), *map(str, files), str(synth)]


def test_same_groups_rows_and_report_as_the_old_grouper(tmp_path):
    paths = _corpus(tmp_path)
    old, new = _store(tmp_path / "old.db"), _store(tmp_path / "new.db")
    first: list[dict] = []
    for round_ in range(2):  # an import, then a re-import into the same store
        old_report = _import(paths, old, LegacyGrouper(old))
        new_report = _import(paths, new, DuplicateGrouper(new))
        assert new_report == old_report, round_
        assert _rows(new) == _rows(old), round_
        first = first or _rows(old)
    assert sum(1 for row in first if row["duplicate_of"]) > 100  # the corpus has groups to find
    by_paths = _store(tmp_path / "paths.db")  # what `fiches import` runs: the same rows
    import_paths(paths, by_paths, batch_size=100)
    assert _rows(by_paths) == first


WORDS = ("atelier", "cuisine", "parents", "enfants", "quartier", "sortie", "jardin", "partagé", "habitants",
         "familles", "soutien", "scolarité", "été", "bénévoles", "CAF", "ville", "semaine", "mercredi")


@st.composite
def same_title_fiches(draw: st.DrawFn) -> list[ParsedFiche]:
    """Fiches of one or two titles, from a few structures and years, whose texts are copies of a few
    base texts with edits: some near the similarity threshold, some far."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    bases = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 60))) for _ in range(draw(st.integers(1, 4)))]
    out = []
    for index in range(draw(st.integers(2, 25))):
        words = rng.choice(bases).split()
        for _ in range(rng.choice((0, 0, 1, 2, 4, 8))):
            position = rng.randrange(len(words))
            words[position] = rng.choice((rng.choice(WORDS), words[position][::-1], words[position].upper()))
        resume = " ".join(words) if rng.random() > 0.1 else None
        out.append(ParsedFiche(
            source="f.txt", line=index + 1, format="text", title=rng.choice(("Atelier cuisine", "ATELIER CUISINE", "Jardin")),
            structure=rng.choice(("Centre social A", "Centre social B", "EVS C", None)),
            departement=rng.choice(("Rhône", "Nord")), year=rng.choice((2019, 2020, 2021, None)),
            resume=resume, description_experience=rng.choice((None, "", resume)),
        ))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(same_title_fiches(), st.integers(1, 7))
def test_fuzzed_fiches_grouped_as_before(tmp_path, fiches, batch_size):
    old = Store(make_engine("sqlite://"))
    new = Store(make_engine("sqlite://"))
    for store in (old, new):
        init_db(store.engine)
    for _round in range(2):
        a = import_records(fiches, old, batch_size=batch_size, grouper=LegacyGrouper(old)).as_dict()
        b = import_records(fiches, new, batch_size=batch_size, grouper=DuplicateGrouper(new)).as_dict()
        assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
        assert _rows(new) == _rows(old)


def test_fingerprint_is_stable_and_close_for_copies():
    text = "Atelier cuisine avec les parents, le mercredi ; sorties familles l'été au jardin partagé."
    assert (fingerprint(text) == fingerprint(text)).all()
    assert (fingerprint(text) == fingerprint(text.replace(";", ","))).sum() == 32
    assert (fingerprint(text) == fingerprint("Soutien scolaire : aide aux devoirs pour les collégiens.")).sum() < 8
    assert (fingerprint("") == fingerprint("...")).all()  # no word: texts without words are candidates
