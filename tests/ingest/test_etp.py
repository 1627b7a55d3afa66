"""ETP extraction from the free text "Nombre de personnes mobilisés pour cette action"."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.etp import etp_parts, extract_etp

CASES = [
    # --- stated ETP ---
    ("- 1 personne Conseillère ESF / 0.5 ETP.\n- la direction ASL.", 0.5),
    ("Secrétariat : 0,06 ETP\nCompta : 0,09 ETP\nDirecteur : 0,06 ETP", 0.21),
    ("1 Ecrivain public à Temps plein: 1 ETP", 1.0),  # the same person, not 2
    ("0,5ETP animatrice", 0.5),
    ("Animatrice : 0,8 équivalent temps plein", 0.8),
    ("Un ETP de coordination et deux ETP d'animation", 3.0),
    ("ETP : 1,5", 1.5),
    ("Nombre d'ETP = 2", 2.0),
    ("Deux animateurs à mi-temps soit 1 ETP", 1.0),
    ("1,5 E.T.P. sur l'action", 1.5),
    ("2 x 0,5 ETP", 1.0),
    ("1/2 ETP d'animatrice", 0.5),
    ("Un demi ETP de secrétariat", 0.5),
    ("Equipe : 2,5 ETP dont 0,5 ETP bénévole", 2.5),  # a part of the total, not added
    ("1 ETP animateur (35h/semaine)", 1.0),
    # --- ETP with bare decimals after ":" when the text speaks of ETP ---
    (
        "Encadrement technique 3 personnes : Linge : 0,6 ETP /Entretien : 0,5/ Epicerie : 0,3\n"
        "Accompagnement socio professionnel 1 personne : 0,42\nBénévolat : 4 personnes : 0,40 ETP",
        2.22,
    ),
    # --- shares of full time ---
    ("- 1 animatrice coordinatrice à 30%\n- 1 animatrice Logement à 100 %\n- 1 directrice à 10 %", 1.4),
    ("Une animatrice à mi-temps", 0.5),
    ("1 référente familles à temps plein", 1.0),
    ("2 animateurs à mi-temps", 1.0),
    ("2 animateurs à mi-temps et 1 directrice à 10%", 1.1),
    ("Coordinatrice (20% de son temps)", 0.2),
    ("Un animateur jeunesse à plein temps, une secrétaire à 1/4 temps", 1.25),
    ("Une conseillère ESF à trois-quarts temps", 0.75),
    ("Directeur : 15 % du temps", 0.15),
    ("Directrice 5%", 0.05),
    ("2 salariés à temps partiel (80%)", 1.6),
    ("Coordinatrice 0,2 ETP, animatrice 0,8 ETP, 3 bénévoles", 1.0),
    # --- hours and days per week ---
    ("Une personne est mobilisée, à raison de 10 heures/semaine", 0.29),
    ("4 salariées sur un peu plus de 18h hebdomadaires.", 2.06),
    ("1 animatrice 35 h/semaine", 1.0),
    ("1 animatrice (24h hebdo)", 0.69),
    ("Agent d'accueil : 4h/sem", 0.11),
    ("Une animatrice 17h30 par semaine", 0.5),
    ("Accueillante : 7 h par semaine", 0.2),
    ("Une animatrice 2 jours par semaine", 0.4),
    ("Temps de travail hebdomadaire de 14 heures", 0.4),
    # a decimal comma is part of the number, not a clause break
    ("- La référente famille : 17,5 h par semaine", 0.5),
    ("Une animatrice 1,5 jour par semaine", 0.3),
    ("Une animatrice à 12,5 %, un directeur à 17,5 h par semaine", 0.625),
    # --- head counts alone, volunteers without ETP, other numbers: unknown ---
    ("3 personnes sont mobilisées sur ce projet :", None),
    ("99 personnes : 30 professionnels et 69 bénévoles.", None),
    ("Environ 35 bénévoles avec une moyenne de 30h/bénévole.", None),
    ("7 à 8 professionnels", None),
    ("4", None),
    ("1 salariée (référente famille) / 2 volontaires en service civique", None),
    ("25 habitants dont 80 % de femmes", None),
    ("Séances de 2h, 3 fois par mois", None),
    ("Public : 12 jeunes de 16 à 25 ans", None),
    ("Temps partiel", None),
    ("Nombre d'équivalents temps plein : non défini", None),
    ("Ateliers de 2h par semaine", None),
    ("Taux de participation 80%", None),
    ("30 jeunes dont 60% de filles", None),
    ("100 % des familles", None),  # a schedule, not a person's time
    ("Les ateliers ont lieu 2 jours par semaine", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_extract_etp(text, expected):
    got = extract_etp(text)
    want = None if expected is None else pytest.approx(expected, abs=0.01)
    assert got == want, f"{text!r}: expected {expected}, got {got}"


def test_volunteers_count_when_given_in_etp():
    text = "Salariés : 1,2 ETP\nBénévolat : 4 personnes : 0,40 ETP"
    assert extract_etp(text) == pytest.approx(1.6)


def test_budget_text_with_etp_reads_no_amount_as_etp():
    # normalize falls back to the budget text when it speaks of ETP: "2,5 k€" is money, not ETP
    assert extract_etp("Attribution de 0,5 ETP par la CAF\nCAF : 2,5 k€") == pytest.approx(0.5)
    assert extract_etp("Poste à 0,5 ETP / 1,2 M€ de la Région") == pytest.approx(0.5)


def test_result_is_rounded_to_hundredths():
    assert extract_etp("Une personne 10 h/semaine") == 0.29


def test_etp_parts_are_the_terms_of_the_sum_with_their_lines():
    text = "Équipe : 1 animatrice à 0,3 ETP, 1 coordinatrice 1 ETP\nSecrétaire 0,1 ETP\n3 bénévoles"
    assert etp_parts(text) == [
        (0.3, "Équipe : 1 animatrice à 0,3 ETP, 1 coordinatrice 1 ETP"),
        (1.0, "Équipe : 1 animatrice à 0,3 ETP, 1 coordinatrice 1 ETP"),
        (0.1, "Secrétaire 0,1 ETP"),
    ]
    assert extract_etp(text) == 1.4
    assert etp_parts("2 animateurs à mi-temps\n1 directrice à 20 %") == [
        (1.0, "2 animateurs à mi-temps"), (0.2, "1 directrice à 20 %")]
    assert etp_parts("3 bénévoles") == [] and etp_parts(None) == []


_LINE = st.sampled_from(["1 animatrice à mi-temps", "0,5 ETP", "2 jours par semaine", "17h30 par semaine",
                         "3 bénévoles", "Entretien : 0,2", "coordinatrice à 30 %", "ETP total : 1"])


@given(st.lists(st.one_of(_LINE, st.text(max_size=40)), max_size=6))
def test_extract_etp_is_the_rounded_sum_of_its_parts(lines):
    text = "\n".join(lines)
    parts = etp_parts(text)
    assert extract_etp(text) == (round(sum(v for v, _ in parts), 2) if parts else None)
    assert all(line in text for _, line in parts)
