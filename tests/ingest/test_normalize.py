"""ParsedFiche → FicheCreate: cleaning, labels, département, figures, id, hash, rejections."""

from dataclasses import replace
from datetime import date

import pytest

from app.domain.models import FicheCreate
from app.domain.records import ParsedFiche, Rejected, fiche_id
from ingest.normalize import CONTENT_FIELDS, clean_text, normalize


def _fiche(**values) -> ParsedFiche:
    base = {"title": "Café des parents", "source": "dump.txt", "line": 12, "format": "text"}
    return ParsedFiche(**{**base, **values})


def _ok(parsed: ParsedFiche) -> tuple[FicheCreate, list[str]]:
    result = normalize(parsed)
    assert not isinstance(result, Rejected), f"unexpected rejection: {result}"
    return result


def test_free_text_keeps_line_breaks_and_drops_trailing_spaces():
    fiche, _ = _ok(_fiche(resume="  Première ligne   \r\n- un  point\u00a0  \n\n\n\nFin  "))
    assert fiche.resume == "Première ligne\n- un point\n\nFin"


@pytest.mark.parametrize("value", [None, "", "   ", "-", " - \n -", "\n\n"])
def test_empty_text_is_none(value):
    assert clean_text(value) is None
    fiche, _ = _ok(_fiche(limites=value))
    assert fiche.limites is None


def test_title_and_structure_are_one_line():
    fiche, _ = _ok(_fiche(title="  Café\n des   parents ", structure="CS  LA SOURCE "))
    assert fiche.title == "Café des parents"
    assert fiche.structure == "CS LA SOURCE"


def test_controlled_values_are_canonical_and_lists_deduplicated():
    fiche, warnings = _ok(
        _fiche(
            statut="terminé",
            dimension="citoyennete",
            territoire="PLUSIEURS QUARTIERS",
            mots_cles=["Viellissement", "Démocratie et citoyenneté", "vieillissement", "Emploi, économie"],
            public=["Familles", "familles", "Tous publics"],
            initiative=["Le centre social", "Un ou plusieurs partenaires"],
            partenaires_action=["Caf", "  Caf ", "", "Bailleur social"],
        )
    )
    assert fiche.statut == "Terminée"
    assert fiche.dimension == "Citoyenneté"
    assert fiche.territoire == "Plusieurs quartiers"
    assert fiche.mots_cles == ["Vieillissement", "Démocratie & citoyenneté", "Emploi, économie"]
    assert fiche.public == ["familles", "Tous publics"]
    assert fiche.initiative == ["Le centre social", "Un ou plusieurs partenaire(s)"]
    assert fiche.partenaires_action == ["Caf", "Bailleur social"]
    assert warnings == []


def test_unknown_label_is_kept_with_a_warning():
    fiche, warnings = _ok(_fiche(public=["Seniors", "Adultes"]))
    assert fiche.public == ["Seniors", "Adultes"]
    assert any("« Seniors »" in w for w in warnings)


def test_overlong_unknown_statut_is_dropped_with_a_warning():
    fiche, warnings = _ok(_fiche(statut="En cours de réflexion avec les partenaires du territoire et la ville"))
    assert fiche.statut is None
    assert any("trop longue" in w for w in warnings)


def test_departement_by_code_gets_canonical_name_and_region():
    fiche, _ = _ok(_fiche(departement="95"))
    assert (fiche.departement, fiche.departement_code, fiche.region) == ("Val-d'Oise", "95", "Île-de-France")


def test_departement_is_split_from_the_structure_line_when_missing():
    fiche, _ = _ok(_fiche(structure="MPT-CS LES CAILLOLS - Synergie Family - Bouches du Rhone"))
    assert fiche.structure == "MPT-CS LES CAILLOLS - Synergie Family"
    assert (fiche.departement, fiche.departement_code) == ("Bouches-du-Rhône", "13")


def test_structure_suffix_repeating_the_departement_is_removed():
    fiche, _ = _ok(_fiche(structure="CS LA SOURCE - Guadeloupe", departement="971"))
    assert fiche.structure == "CS LA SOURCE"
    assert fiche.departement == "Guadeloupe"


def test_unknown_departement_is_dropped_with_a_warning():
    fiche, warnings = _ok(_fiche(departement="Atlantide"))
    assert fiche.departement is None and fiche.departement_code is None and fiche.region is None
    assert any("Département inconnu « Atlantide »" in w for w in warnings)


def test_figures_are_read_from_the_free_text():
    fiche, _ = _ok(
        _fiche(
            ressources_financieres="Budget global : 12 000 €\nCAF : 4 000 €",
            personnes_mobilisees="- 1 animatrice à mi-temps\n- 1 directrice à 10 %",
        )
    )
    assert fiche.budget_eur == 12000
    assert fiche.etp == 0.6


def test_etp_stated_only_in_the_resources_is_used():
    fiche, _ = _ok(
        _fiche(
            ressources_financieres="Attribution de 0.5 ETP sur 2 ans par la CAF 46.",
            personnes_mobilisees="- la direction\n- la coordinatrice",
        )
    )
    assert fiche.budget_eur is None
    assert fiche.etp == 0.5


def test_figures_given_by_a_structured_source_win():
    fiche, _ = _ok(_fiche(budget_eur=900.0, etp=0.0, ressources_financieres="Budget : 12 000 €"))
    assert fiche.budget_eur == 900 and fiche.etp == 0


def test_unusable_given_figure_falls_back_to_the_text_with_a_warning():
    fiche, warnings = _ok(_fiche(budget_eur=-5, ressources_financieres="Budget : 700 €"))
    assert fiche.budget_eur == 700
    assert any("Budget « -5 »" in w for w in warnings)


def test_unread_amount_is_reported():
    fiche, warnings = _ok(_fiche(ressources_financieres="Tarif : 5 € la séance"))
    assert fiche.budget_eur is None
    assert any("Budget non reconnu" in w for w in warnings)


def test_id_uses_the_canonical_departement():
    a, _ = _ok(_fiche(structure="CS X", departement="Val d'Oise", year=2018))
    b, _ = _ok(_fiche(structure="CS X", departement="95", year=2018))
    assert a.id == b.id == fiche_id("Café des parents", "CS X", "Val-d'Oise", 2018)
    c, _ = _ok(_fiche(structure="CS X", departement="95", year=2019))
    assert c.id != a.id


def test_content_hash_ignores_where_the_fiche_came_from():
    parsed = _fiche(resume="Texte", departement="Nord")
    a, _ = _ok(parsed)
    b, _ = _ok(replace(parsed, source="https://example.org/action/3", line=99, format="html"))
    c, _ = _ok(replace(parsed, resume="Texte modifié"))
    assert a.content_hash == b.content_hash
    assert c.content_hash != a.content_hash
    assert len(a.content_hash) == 64
    assert "source_file" not in CONTENT_FIELDS and "format" not in CONTENT_FIELDS
    assert "budget_eur" in CONTENT_FIELDS and "mots_cles" in CONTENT_FIELDS


def test_source_becomes_file_or_url():
    fiche, _ = _ok(_fiche())
    assert (fiche.source_file, fiche.source_url, fiche.source_line, fiche.format) == ("dump.txt", None, 12, "text")
    fiche, _ = _ok(_fiche(source="https://senacs.fr/action/show/12", format="html"))
    assert fiche.source_file is None and fiche.source_url == "https://senacs.fr/action/show/12"


def test_parser_warnings_are_passed_on_once():
    _, warnings = _ok(_fiche(warnings=["Fiche incomplète.", "Fiche incomplète."]))
    assert warnings == ["Fiche incomplète."]


@pytest.mark.parametrize("title", ["", "   ", "-"])
def test_fiche_without_title_is_rejected(title):
    result = normalize(_fiche(title=title))
    assert isinstance(result, Rejected)
    assert (result.source, result.line) == ("dump.txt", 12)
    assert "titre" in result.reason and "ajoutez" in result.reason


@pytest.mark.parametrize("year", [1850, 1989, date.today().year + 2, "deux mille"])
def test_impossible_year_is_rejected(year):
    result = normalize(_fiche(year=year))
    assert isinstance(result, Rejected)
    assert "Année impossible" in result.reason and "Corrigez" in result.reason


@pytest.mark.parametrize("year", [1990, 2015, date.today().year + 1, None])
def test_possible_year_is_kept(year):
    fiche, _ = _ok(_fiche(year=year))
    assert fiche.year == year
