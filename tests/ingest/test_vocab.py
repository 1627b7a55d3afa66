"""Controlled vocabularies: every written variant maps to the catalogue's canonical label."""

import pytest

from ingest.vocab import MOTS_CLES, VOCABULARIES, canonical_label, normalize_value, normalize_values


@pytest.mark.parametrize(
    ("field", "written", "expected"),
    [
        ("statut", "En cours", "En cours"),
        ("statut", "EN COURS", "En cours"),
        ("statut", "Terminée", "Terminée"),
        ("statut", "terminee", "Terminée"),
        ("statut", "Terminé", "Terminée"),
        ("dimension", "citoyennete", "Citoyenneté"),
        ("dimension", "Accompagnement de projet", "Accompagnement de projets"),
        ("dimension", "Service", "Services"),
        ("mots_cles", "Viellissement", "Vieillissement"),  # the catalogue's typo
        ("mots_cles", "vieillissement", "Vieillissement"),
        ("mots_cles", "Démocratie et citoyenneté", "Démocratie & citoyenneté"),
        ("mots_cles", "DEMOCRATIE & CITOYENNETE", "Démocratie & citoyenneté"),
        ("mots_cles", "Emploi, économie", "Emploi, économie"),
        ("mots_cles", "emploi / economie", "Emploi, économie"),
        ("mots_cles", "Education / Scolarité", "éducation / scolarité"),
        ("mots_cles", "éducation/scolarité", "éducation / scolarité"),
        ("mots_cles", "Developpement  durable", "développement durable"),
        ("mots_cles", "Intergénérationnel", "intergénérationnel"),
        ("mots_cles", "intergenerationel", "intergénérationnel"),  # typo
        ("mots_cles", "Parentalitée", "Parentalité"),  # typo
        ("mots_cles", "Mixite sociale", "Mixité sociale"),
        ("mots_cles", "Discrimination", "discriminations"),
        ("mots_cles", "- Précarité.", "Précarité"),
        ("public", "Familles", "familles"),
        ("public", "famille", "familles"),
        ("public", "Tout public", "Tous publics"),
        ("public", "petite  enfance", "Petite enfance"),
        ("public", "Jeunes Adultes", "Jeunes adultes"),
        ("public", "jeunesse", "Jeunesse"),
        ("territoire", "un quartier", "Un quartier"),
        ("territoire", "PLUSIEURS COMMUNES", "Plusieurs communes"),
        ("territoire", "Autre", "Autre"),
        ("initiative", "Un ou plusieurs partenaires", "Un ou plusieurs partenaire(s)"),
        ("initiative", "Un groupe d’habitants", "Un groupe d'habitants"),
        ("initiative", "le centre social", "Le centre social"),
    ],
)
def test_variants_map_to_the_canonical_label(field, written, expected):
    assert canonical_label(field, written) == expected


def test_canonical_labels_map_to_themselves():
    for field, labels in VOCABULARIES.items():
        for label in labels:
            assert canonical_label(field, label) == label, (field, label)


@pytest.mark.parametrize(
    ("field", "written"),
    [("public", "Jeunes"), ("public", "Seniors"), ("public", "Adolescents"), ("territoire", "Un département")],
)
def test_near_but_different_values_are_not_guessed(field, written):
    assert canonical_label(field, written) is None


def test_unknown_value_is_kept_cleaned_with_a_french_warning():
    value, warnings = normalize_value("public", "  Seniors ")
    assert value == "Seniors"
    assert len(warnings) == 1
    assert "Public" in warnings[0] and "« Seniors »" in warnings[0] and "inconnue" in warnings[0]


def test_empty_value_is_none_without_warning():
    assert normalize_value("statut", "  - ") == (None, [])


def test_lists_are_deduplicated_in_order_and_emptied_of_blanks():
    labels, warnings = normalize_values(
        "mots_cles", ["Solidarité", "", "-", "solidarite", "Santé", "Culture", "SANTE"]
    )
    assert labels == ["Solidarité", "Santé", "Culture"]
    assert warnings == []


def test_emploi_economie_is_one_keyword_even_when_split():
    labels, _ = normalize_values("mots_cles", ["Culture", "Emploi", "économie", "Santé"])
    assert labels == ["Culture", "Emploi, économie", "Santé"]


def test_the_canonical_keywords_are_the_catalogue_ones():
    assert "Emploi, économie" in MOTS_CLES
    assert "Vieillissement" in MOTS_CLES and "Viellissement" not in MOTS_CLES
    assert len(MOTS_CLES) == 17
