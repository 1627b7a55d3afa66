"""Budget and ETP accuracy on the development set (run with ``-s`` to read the printed figures), and the
cases issue 8 lists, each pinned."""

from __future__ import annotations

import pytest

from app.domain.records import ParsedFiche
from ingest.amounts import extract_budget
from ingest.etp import extract_etp
from ingest.normalize import normalize
from ingest.parse_text import parse_text
from tests.ingest.figures_devset import BUDGET, ETP

TARGET = 0.97


def _right(got: float | None, want: float | None, tolerance: float) -> bool:
    return got is None if want is None else got is not None and abs(got - want) <= tolerance


@pytest.mark.parametrize(("name", "cases", "extract", "tolerance"), [
    ("budget", BUDGET, extract_budget, 0.005), ("ETP", ETP, extract_etp, 0.01)])
def test_accuracy_on_the_development_set(name, cases, extract, tolerance):
    wrong = [(text, want, extract(text)) for text, want in cases if not _right(extract(text), want, tolerance)]
    accuracy = 1 - len(wrong) / len(cases)
    print(f"\n{name} : {len(cases) - len(wrong)}/{len(cases)} justes ({accuracy:.1%})")
    for text, want, got in wrong:
        print(f"  {text!r}: lu {got}, attendu {want}")
    assert len(BUDGET) + len(ETP) >= 150
    assert accuracy >= TARGET, wrong


@pytest.mark.parametrize(("text", "etp"), [
    ("4 animatrices : 0,3 ETP chacune", 1.2),
    ("deux référents à 0,15 ETP chacun", 0.3),
    ("7 h par semaine", 0.2),
    ("Une animatrice 151,67 h par mois", 1.0),
    ("1 607 h par an", 1.0),
    ("15 bénévoles, 3 h chacun", None),
    ("15 bénévoles, 3 h par semaine chacun", None),
])
def test_issue_8_people_cases(text, etp):
    assert extract_etp(text) == etp


@pytest.mark.parametrize(("text", "budget"), [
    ("3 x 1 500 € = 4 500 €", 4500),
    ("3 × 1 500 € = 4 500 €", 4500),
    ("30 séances à 150 € soit 4 500 €", 4500),
    ("Budget total : 12 000 €\nCAF : 4 000 €\nVille : 8 000 €", 12000),
    ("CAF : 4 000 €\nVille : 8 000 €\nBudget total : 12 000 €", 12000),
    ("Budget : 4 000 € de la CAF, 8 000 € de la ville\nBudget total 12 000 €", 12000),
    ("2 800 e", 2800),
])
def test_issue_8_budget_cases(text, budget):
    assert extract_budget(text) == budget


def test_budget_given_only_in_the_general_description():
    fiche = ParsedFiche(title="Séjour familles", source="a.txt", line=1, format="text",
                        description_generale="Un séjour de trois jours à la mer. Coût total : 3 200 €.")
    result = normalize(fiche)
    assert not isinstance(result, type(None)) and result[0].budget_eur == 3200
    with_section = ParsedFiche(title="Séjour familles", source="a.txt", line=1, format="text",
                               description_generale="Coût total : 3 200 €.", ressources_financieres="Budget : 900 €")
    assert normalize(with_section)[0].budget_eur == 900


def test_a_town_after_the_structure_name_is_part_of_the_name():
    text = ("Actions\nAtelier vélo\n- Structure organisatrice\n- CENTRE SOCIAL LES TILLEULS - VIERZON - Cher\n"
            "- Statut de l'action\n- En cours\n")
    (parsed,) = parse_text(text, "a.txt")
    fiche, _warnings = normalize(parsed)
    assert (fiche.structure, fiche.departement, fiche.departement_code) == (
        "CENTRE SOCIAL LES TILLEULS - VIERZON", "Cher", "18")
