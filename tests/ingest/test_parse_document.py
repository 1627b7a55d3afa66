"""Projets sociaux and federation plans (format.md §4, seeds 000, 002, 003, 004) read into documents and
units, with pinned expectations; and the parser fuzzed with hypothesis (it never raises, and what it returns
is well formed)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from app.domain.documents import DOCUMENT_TYPES, PART_TITLES, ParsedDocument
from ingest.detect import read_document
from ingest.parse_document import parse_document_text, sniff_document
from tests.paths import SEEDS

SLIDES, SECTIONS, GRID, THEMES = (SEEDS / f"{n}.txt" for n in (
    "000_486432dee1cf7a83", "002_2fcf364e08e6fce9", "003_8480cdf5dfdc581a", "004_603e9f97119bd15b"))


def _read(path) -> ParsedDocument:
    doc = read_document(path.read_bytes(), path.name)
    assert doc is not None
    return doc


def test_grid_one_unit_per_objectif_general_with_its_objectives_indicators_and_examples():
    doc = _read(GRID)
    assert (doc.type, doc.layout, doc.title) == ("projet_social", "grille", "Projet social")
    assert len(doc.units) == 9
    assert [u.axe for u in doc.units[::3]] == [
        "Axe I : IDENTIFIER LE CENTRE SOCIAL COMME LIEU RESSOURCES DES POLITIQUES TERRITORIALES",
        "Axe 2 : FAVORISER LA LISIBILITE DE L'ACTION DU CENTRE SOCIAL",
        "Axe 3 : ACCOMPAGNER ET SOUTENIR LES PROJETS HABITANTS",
    ]
    assert all(len(u.objectifs_operationnels) == 3 and len(u.indicateurs) == 3 and u.exemples for u in doc.units)
    first = doc.units[0]
    assert first.titre == "Développer des actions hors les murs"
    assert first.objectifs_operationnels == [
        "Déployer des actions au cœur des quartiers.", "S'associer à des actions à rayonnement municipal.",
        "Créer des temps de rencontres et de convivialité pour les habitants."]
    assert first.indicateurs[0] == "Nombre d'animation de quartier réalisée."
    assert first.exemples == ["Animations sorties d'école.", "Semaine de l'environnement."]
    assert doc.units[4].titre == "Construire des projets partagés"
    assert doc.units[4].objectifs_operationnels[0] == "Définir les modalités de coopérations inter-partenariales."
    assert doc.units[7].exemples == ["Fêtes de quartiers."]
    assert doc.units[8].indicateurs[-1] == "Nombre de collectifs créés."
    assert not any("Maire" in u.titre or "LEMOINE" in " ".join(u.exemples) for u in doc.units)


def test_themes_one_unit_per_theme_with_its_six_parts():
    doc = _read(THEMES)
    assert (doc.type, doc.layout, doc.title) == ("plan_federal", "themes", "Des organisations sur les territoires")
    assert [u.titre for u in doc.units] == ["Impact social", "Gouvernance", "Fonction accueil"]
    six = list(PART_TITLES)
    assert [p["cle"] for p in doc.units[0].parties] == six
    assert [p["cle"] for p in doc.units[1].parties] == six
    assert [p["cle"] for p in doc.units[2].parties] == six[:5]  # the source stops before its pistes d'actions
    impact = {p["cle"]: p["texte"] for p in doc.units[0].parties}
    assert impact["contexte"].startswith("La mesure de l’impact social s’est imposée")
    assert impact["actions_precedentes"] == "Dimension non abordée dans le cadre d’une démarche de réseau."
    assert impact["pistes_actions"].startswith("Engagement dans la démarche Chaîne de valeurs")
    assert impact["projets_engages"].count("→") == 3
    assert doc.units[1].objectifs_operationnels == ["Développer une gouvernance partagée et dynamique de nos projets."]
    assert "Développer la participation des habitants." in doc.units[2].objectifs_operationnels
    assert "Aller au contenu" not in doc.units[2].parties[-1]["texte"]  # the web page's menu is not content


def test_sections_one_unit_per_headed_section_with_period_and_territory():
    doc = _read(SECTIONS)
    assert (doc.type, doc.layout, doc.periode, doc.territoire) == (
        "projet_social", "sections", "2021/2024", "Thiers Dore et Montagne")
    assert doc.title == "Projet social — Thiers Dore et Montagne"
    assert [u.titre for u in doc.units] == [
        "NAISSANCE DU PROJET SOCIAL", "LES AXES DE DEVELOPPEMENT", "DES ACTIONS PARTAGEES", "DES ACTIONS ARTICULEES",
        "LA GOUVERNANCE", "LA COORDINATION", "LES TERRITOIRES COUVERTS", "UN PROJET SOCIAL AMBITIEUX ET AUDACIEUX"]
    assert doc.units[1].texte and "Créer les conditions du pouvoir d’agir des habitants" in doc.units[1].texte
    assert "commentaires" not in (doc.units[-1].texte or "")


def test_slides_one_unit_per_slide_section_with_objectives_and_evaluation_criteria():
    doc = _read(SLIDES)
    assert (doc.type, doc.layout, doc.structure) == ("projet_social", "diapositives", "Centre Social de Remiremont")
    assert doc.title == "Benoit Stamcar, présentation UC3 & UC4"
    slides = [u for u in doc.units if u.axe and u.axe[0] == "I"]
    assert [(u.axe, u.titre) for u in slides[:4]] == [
        ("I. Elements de contexte", "I.1 La Caumunauté de Commune de la Porte des Vosges Méridionales"),
        ("I. Elements de contexte", "I.2 La Commune de Remiremont"),
        ("I. Elements de contexte", "I.3 Le Centre Social de Remiremont"),
        ("II. Un diagnostic", "II.1 Les enjeux du diagnostic"),
    ]
    assert "29 683 habitants" in (slides[0].texte or "")
    (criteria,) = [u for u in doc.units if "critères" in u.titre]
    assert criteria.axe == "III. Ma stratégie" and len(criteria.indicateurs) == 10
    objectives = [u for u in doc.units if u.objectifs_operationnels]
    assert [u.titre[:30] for u in objectives] == ["Installer le Centre Social au ", "Renforcer la gouvernance assoc",
                                                  "Restaurer la confiance avec le", "Repositionner le Centre Social"]
    assert len(objectives[0].objectifs_operationnels) == 3
    assert len(doc.units) == 32
    assert not any("Genially" in (u.texte or "") + u.titre for u in doc.units)


def test_fiches_and_other_text_are_not_documents():
    assert parse_document_text("Une phrase.\nUne autre.", "x.txt") is None
    assert sniff_document("") is None
    assert read_document((SEEDS / "001_e1b83866734b736b.txt").read_bytes(), "001.txt") is None


def test_a_grid_written_with_li_items_and_crlf():
    cells = ("<p><u>Objectif général</u></p><p>Rompre l'isolement</p>\t<p><u>Objectif général</u></p><p>Agir</p>\r\n"
             "<p><u>Objectifs opérationnels</u></p><ul><li>Aller vers</li><li>Accueillir</li></ul>\t"
             "<p><u>Objectifs opérationnels</u></p><ul><li>Mobiliser</li></ul>\r\n"
             "<p><u>Indicateurs de résultats</u></p><ul><li>Nombre de visites</li></ul>\t"
             "<p><u>Indicateurs</u></p><p>-Nombre de bénévoles -Taux de retour</p>\r\n")
    doc = parse_document_text(f"AXE 1 : Lien social\r\n{cells}", "grille.txt")
    assert doc is not None and [u.titre for u in doc.units] == ["Rompre l'isolement", "Agir"]
    assert doc.units[0].axe == "Axe 1 : Lien social"
    assert doc.units[0].objectifs_operationnels == ["Aller vers", "Accueillir"]
    assert doc.units[1].indicateurs == ["Nombre de bénévoles", "Taux de retour"]


# --- fuzz ------------------------------------------------------------------------------------------------------

BASES = [path.read_text(encoding="utf-8") for path in (SLIDES, SECTIONS, GRID, THEMES)]
NOISE = st.sampled_from(["<p>", "</ul>", "<u>", "<u>Objectif général</u>", "\t", "\x00", "AXE IV", "I.1 ",
                         "II. Titre :", "CONTEXTE GLOBAL", "PISTES D'ACTIONS :", "Objectif : ", "  • ", "→",
                         "\r", "\ufeff", "LA GOUVERNANCE", "é", "<li>", "<![CDATA[", "&amp;", "-", ":"])


@st.composite
def mutated(draw) -> str:
    lines = draw(st.sampled_from(BASES)).split("\n")
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["drop", "dup", "noise", "cut", "swap"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "noise":
            cut = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:cut] + draw(NOISE) + lines[i][cut:]
        elif op == "cut":
            lines = lines[:i]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def _well_formed(doc: ParsedDocument | None) -> None:
    if doc is None:
        return
    assert doc.type in DOCUMENT_TYPES and doc.title and doc.units
    for unit in doc.units:
        assert unit.titre.strip()
        assert all(isinstance(item, str) and item for item in unit.objectifs_operationnels + unit.indicateurs)
        assert all(set(part) == {"cle", "titre", "texte"} for part in unit.parties)


@pytest.mark.parametrize("half", [0, 1])
def test_fuzz_mutated_documents_never_break_the_parser(half):
    @seed(9_000 + half)
    @settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(text=mutated())
    def check(text: str) -> None:
        _well_formed(parse_document_text(text, "fuzz.txt"))
        _well_formed(read_document(text.encode("utf-8", "surrogatepass"), "fuzz.txt"))

    check()


@seed(9_100)
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(st.characters(codec="utf-8"), max_size=3000) | st.lists(NOISE, max_size=60).map("\n".join))
def test_fuzz_any_text_never_breaks_the_parser(text):
    _well_formed(parse_document_text(text, "fuzz.txt"))
