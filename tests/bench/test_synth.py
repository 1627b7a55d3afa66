"""The synthetic fiche generator: deterministic, exactly N fiches, realistic, and read back by the real parser."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

from app.domain.records import ParsedFiche, Rejected, fiche_id
from bench import synth_vocab as V
from bench.synth import generate, to_list_page, to_senacs_text, write_corpus
from ingest.detect import parse_document
from ingest.geo import departements

REPO = Path(__file__).resolve().parents[2]


def _parsed(text: str, source: str) -> tuple[list[ParsedFiche], list[Rejected]]:
    records = list(parse_document(text, source))
    return ([r for r in records if isinstance(r, ParsedFiche)], [r for r in records if isinstance(r, Rejected)])


def _words(text: str) -> int:
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def test_same_seed_same_fiches_other_seed_other_fiches():
    assert list(generate(120, seed=7)) == list(generate(120, seed=7))
    assert to_list_page(generate(60, seed=7)) == to_list_page(generate(60, seed=7))
    assert [f["title"] for f in generate(60, seed=7)] != [f["title"] for f in generate(60, seed=8)]


def test_exactly_n_fiches_with_unique_ids():
    for n in (0, 1, 26, 700):
        fiches = list(generate(n, seed=1))
        assert len(fiches) == n
        ids = {fiche_id(f["title"], f["structure"], f["departement"], f["year"]) for f in fiches}
        assert len(ids) == n


def test_values_are_canonical_and_skewed():
    fiches = list(generate(1500, seed=2))
    official = {d.name for d in departements()}
    assert {f["departement"] for f in fiches} <= official
    assert {f["year"] for f in fiches} <= set(range(2015, 2026))
    assert {f["statut"] for f in fiches} == {"En cours", "Terminée"}
    assert {f["dimension"] for f in fiches} <= set(V.DIMENSIONS) | {None}
    assert {f["territoire"] for f in fiches} <= set(V.TERRITOIRES)
    for key, allowed in (("mots_cles", V.MOTS_CLES), ("public", V.PUBLICS), ("initiative", V.INITIATIVES),
                         ("partenaires", V.PARTENAIRES)):
        assert all(f[key] and set(f[key]) <= set(allowed) for f in fiches), key
    assert all((f["precision"] is not None) == ("Autre" in f["initiative"]) for f in fiches)
    # Zipf-like: the most common département, activity title and keyword dominate the rarest ones
    by_dept = collections.Counter(f["departement"] for f in fiches).most_common()
    assert by_dept[0][1] >= 8 * by_dept[-1][1]
    words = collections.Counter(w.lower() for f in fiches for w in f["description_experience"].split())
    counts = [n for _w, n in words.most_common()]
    assert counts[0] > 20 * counts[len(counts) // 2] and len(counts) > 800


def test_text_lengths_budgets_and_duplicates():
    fiches = list(generate(1000, seed=3))
    assert all(40 <= _words(f["resume"]) <= 120 for f in fiches)
    assert all(80 <= _words(f["description_experience"]) <= 300 for f in fiches)
    assert 0.1 < sum(f["ressources_financieres"] is None for f in fiches) / 1000 < 0.3
    assert any(f["budget_eur"] == 0 for f in fiches) and any("ETP" in (f["personnes_mobilisees"] or "") for f in fiches)
    # the same action filed in several years, and ~5 % near-duplicates (same résumé, another fiche)
    years_by_title = collections.defaultdict(set)
    for f in fiches:
        years_by_title[(f["title"], f["structure"])].add(f["year"])
    assert sum(len(years) > 1 for years in years_by_title.values()) > 20
    same_resume = sum(n - 1 for n in collections.Counter(f["resume"][:200] for f in fiches).values())
    assert 20 <= same_resume <= 90


def test_list_pages_parse_back_with_titles_years_and_structures():
    fiches = list(generate(260, seed=4))
    text = to_list_page(fiches)
    assert text.count("Les actions des centres sociaux") == 11 and text.count("\nActions\n") == 260
    parsed, rejected = _parsed(text, "synth.txt")
    assert rejected == []
    assert len(parsed) == 260
    assert [(p.title, p.year) for p in parsed] == [(f["title"], f["year"]) for f in fiches]
    assert [(p.structure, p.departement) for p in parsed] == [(f["structure"], f["departement"]) for f in fiches]
    assert [p.ressources_financieres for p in parsed] == [f["ressources_financieres"] for f in fiches]


def test_text_dump_parses_back_without_years():
    fiches = list(generate(80, seed=5))
    parsed, rejected = _parsed(to_senacs_text(fiches), "dump.txt")
    assert rejected == []
    assert [p.title for p in parsed] == [f["title"] for f in fiches]
    assert all(p.year is None for p in parsed)
    assert [p.mots_cles for p in parsed] == [f["mots_cles"] for f in fiches]
    assert [p.resume for p in parsed] == [f["resume"] for f in fiches]


def test_write_corpus_and_cli(tmp_path):
    paths = write_corpus(120, tmp_path / "a", seed=6, per_file=50)
    assert [p.name for p in paths] == ["synth_6_00000.txt", "synth_6_00001.txt", "synth_6_00002.txt"]
    parsed = [r for p in paths for r in parse_document(p.read_text(encoding="utf-8"), str(p))]
    assert [r.title for r in parsed] == [f["title"] for f in generate(120, seed=6)]
    done = subprocess.run([sys.executable, "-m", "bench.synth", "30", str(tmp_path / "b"), "--per-file", "10",
                           "--seed", "6"], cwd=REPO, capture_output=True, text=True, check=True)
    assert "30 fiches" in done.stdout
    assert len(list((tmp_path / "b").glob("*.txt"))) == 3
