"""SENACS text dumps and list pages: golden files, the 25 seed fiches, robustness."""

from __future__ import annotations

import json

import pytest

from app.domain.records import ParsedFiche, Rejected
from ingest.labels import ALL_GROUPS, match_label
from ingest.parse_text import parse_text
from tests.fixtures.golden import assert_matches_golden
from tests.paths import FIXTURES, GROUND_TRUTH
from tests.paths import SEED as SEED_FICHES

TEXT_GOLDEN = ["list_pages.txt", "crlf_tabs.txt", "bom.txt", "truncated_page.txt"]


def _read(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")  # BOM and CRLF left in the string


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED_FICHES.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def truth() -> list[dict]:
    return json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))["fiches"]


@pytest.mark.parametrize("name", TEXT_GOLDEN)
def test_golden(name: str) -> None:
    assert_matches_golden(name, parse_text(_read(name), name))


def test_lone_carriage_returns_read_like_line_feeds() -> None:
    content = _read("bom.txt").replace("\n", "\r")
    assert "\n" not in content
    assert_matches_golden("bom.txt", parse_text(content, "bom.txt"))


def test_list_page_years_follow_title_and_departement() -> None:
    fiches = [r for r in parse_text(_read("list_pages.txt"), "l") if isinstance(r, ParsedFiche)]
    years = {(f.title, f.departement): f.year for f in fiches}
    title = "Bienvenue ! Accueil de nouvelles populations en Ségala-Limargue"
    # the table lists Corrèze (2020) before Lot (2019); the blocks come Lot first
    assert years[(title, "Lot")] == 2019
    assert years[(title, "Corrèze")] == 2020
    assert years[("CAFE DES PARENTS", "Indre-et-Loire")] == 2018  # "Café des parents" in the table
    assert {f.format for f in fiches} == {"list"}


def test_table_rows_with_leading_bar_and_page_without_table() -> None:
    content = (
        "Les actions des centres sociaux\n| Nom | Département | Année |\n| Ecrivain public | Haute-Garonne | 2016 |\n"
        "Actions\nEcrivain public\n- Structure organisatrice\n- CS PARTAGE FAOURETTE - Haute-Garonne\n"
        "Les actions des centres sociaux\nActions\nDEMOS\n- Public\n- Jeunesse\n"
    )
    first, second = parse_text(content, "p")
    assert (first.year, first.format) == (2016, "list")
    assert (second.title, second.year, second.format, second.public) == ("DEMOS", None, "text", ["Jeunesse"])


def test_ambiguous_rows_are_consumed_in_order() -> None:
    block = "Actions\nAtelier cuisine\n- Structure organisatrice\n- CS DU CENTRE - Nord\n- Suite de l'action : Perspectives\n"
    content = "Les actions des centres sociaux\nNom | Département | Année |\n" + "".join(
        f"Atelier cuisine | Nord | {year} |\n" for year in (2016, 2017)
    ) + block * 3
    fiches = list(parse_text(content, "p"))
    assert [f.year for f in fiches] == [2016, 2017, None]
    assert "Année introuvable" in fiches[2].warnings[0]


def test_seed_fiches_match_ground_truth(seed_text: str, truth: list[dict]) -> None:
    records = list(parse_text(seed_text, "seed"))
    assert len(records) == 25
    assert all(isinstance(r, ParsedFiche) and not r.truncated and not r.warnings for r in records)
    for fiche, expected in zip(records, truth):
        for name in ("title", "structure", "departement", "statut", "dimension", "territoire",
                     "mots_cles", "public", "initiative"):
            assert getattr(fiche, name) == expected[name], (expected["index"], name)
        if any(value is not None for value in expected["budget_ok"]):
            assert fiche.ressources_financieres, expected["index"]
        if any(value is not None for value in expected["etp_ok"]):
            assert fiche.personnes_mobilisees, expected["index"]


def test_seed_raw_text_kept_as_written(seed_text: str) -> None:
    fiches = list(parse_text(seed_text, "seed"))
    assert fiches[0].ressources_financieres.startswith("Buget global 2014 : 30500 €")
    assert fiches[0].personnes_mobilisees.splitlines()[1] == "- 1 animatrice coordinatrice à 30%"
    assert fiches[15].ressources_financieres == "Pas de budget pour cette action"
    # a bullet starting like a label ("- Dimension d'accueil…") stays in the free text
    assert "- Dimension d'accueil solidaire et citoyen." in fiches[1].description_experience
    assert fiches[1].precision == "L'Etat et les municipalités."
    assert fiches[0].partenaires_action == ["Préfecture"]
    assert fiches[0].attachments == [] and fiches[0].limites.startswith("La pérénnisation")
    assert fiches[9].line == 561 and fiches[9].attachments == []  # no « Fichier(s) associé(s) » label
    assert fiches[18].statut == "Terminée" and fiches[18].raison_fin is None
    assert fiches[3].ressources_financieres is None and fiches[3].resultat_territoire is None


def test_malformed_fiche_in_the_middle_is_rejected_alone(seed_text: str, truth: list[dict]) -> None:
    lines = seed_text.split("\n")
    title_at = lines.index("Chantier d'insertion :\" T'Lien3\"")
    del lines[title_at]
    records = list(parse_text("\n".join(lines), "seed"))
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert len(records) == 25 and len(rejected) == 1
    assert rejected[0].line == title_at  # the « Actions » line just above the removed title
    assert "sans titre" in rejected[0].reason
    titles = [r.title for r in records if isinstance(r, ParsedFiche)]
    assert titles == [f["title"] for f in truth if f["index"] != 5]


def test_actions_line_at_the_very_end_and_in_free_text() -> None:
    content = (
        "Actions\nJardin partagé\n- Résumé\nUn jardin ouvert.\nActions\nPlantations au printemps.\n"
        "- Public\n- Tous publics\n- Suite de l'action : Perspectives\nAgrandir le jardin.\nActions\n"
    )
    (fiche,) = parse_text(content, "end")
    assert fiche.resume == "Un jardin ouvert.\nActions\nPlantations au printemps."
    assert fiche.public == ["Tous publics"] and not fiche.truncated


def test_empty_sections_give_none_and_duplicate_territoire_kept_once() -> None:
    content = (
        "Actions\nT\n- Territoire concerné\n- Un quartier\n- Résumé\n-\n\n- Territoire concerné\n- Une commune\n"
        "- Suite de l'action : Perspectives\n"
    )
    (fiche,) = parse_text(content, "t")
    assert fiche.resume is None and fiche.perspectives is None
    assert fiche.territoire == "Un quartier"
    assert "deux valeurs" in fiche.warnings[0]


def test_five_megabyte_dump_parses(seed_text: str) -> None:
    copies = 5_000_000 // len(seed_text.encode("utf-8")) + 1
    records = list(parse_text(seed_text * copies, "big"))
    assert len(records) == 25 * copies
    assert records[-1].title == "Fête de quartier de Chennevières"
    assert records[-1].line == 1442 + (copies - 1) * seed_text.count("\n") + 1


@pytest.mark.parametrize(("line", "expected"), [
    ("- Mots clés associés à l'actions", "mots_cles"),
    ("MOTS CLES ASSOCIES A L’ACTION :", "mots_cles"),
    ("-\tPrécision (si autre)\u00a0", "precision"),
    ("- Qui est a l'initiative de l'action", "initiative"),
    ("- Nombre de personnes mobilisées pour cette action", "personnes_mobilisees"),
    ("- Dimension d'accueil solidaire et citoyen.", None),
    ("- Partenaires", None),  # short forms are labels only in structured pages
    ("- Actions", None),
])
def test_label_matcher_is_tolerant_but_strict_on_unknown_lines(line: str, expected: str | None) -> None:
    assert match_label(line) == expected
    if line == "- Partenaires":
        assert match_label(line, ALL_GROUPS) == "partenaires_action"
