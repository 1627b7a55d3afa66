"""Budget extraction from the free text "Ressources financières mobilisées pour cette action"."""

import pytest

from ingest.amounts import extract_budget, parse_number

CASES = [
    # --- a single amount, written every way ---
    ("30500€", 30500),
    ("37669 €", 37669),
    ("8 538 €", 8538),
    ("8\u202f538\u00a0€", 8538),  # narrow no-break space, no-break space
    ("12 000,50 €", 12000.5),
    ("12.000 euros", 12000),
    ("12.000,00 Euros", 12000),
    ("1.500.000 €", 1500000),
    ("15k€", 15000),
    ("15 K€", 15000),
    ("95 keuros", 95000),
    ("1,2 M€", 1200000),
    ("1,5 million d'euros", 1500000),
    ("€ 2 400", 2400),
    ("2400 EUR", 2400),
    ("3 500 EUROS", 3500),
    ("Environ 4500 euros.", 4500),
    ("5000", 5000),  # a bare number alone on the line
    ("1,250 €", 1250),  # an English thousands comma: euros never have three decimals
    # --- a stated total wins over everything else ---
    ("Budget global 2014 : 30500 € incluant un poste d'animateur.", 30500),
    ("Buget global : 12 400 €", 12400),  # typo in the label
    ("Le budget de l'action est de 31 600 €.\nMairie : 6 000 €\nCAF : 4 500 €", 31600),
    ("Budget total du projet : 45 000 € dont 12 000 € de subvention CAF", 45000),
    ("Le projet s'élève à 18 750 € TTC.", 18750),
    ("Coût total de l'action : 7 200 €\nDont fournitures : 1 200 €", 7200),
    ("Subventions : 20 000 €\nAutofinancement : 5 000 €\nTOTAL : 25 000 €", 25000),
    ("Budget prévisionnel 2019 : 9 000 €, budget réalisé : 8 700 €", 9000),
    ("Budget : 0 €", 0),
    # --- totals of charges or dépenses, funding lines do not add ---
    ("Dépenses : 8538€\nRecettes : 8806.06\nExcédent : 263.83€", 8538),
    ("charges: 8651 €\nproduits : Reeap 3000 €\ncontrat de ville : 1000 € et CGET : 1000 €", 8651),
    ("Total des charges : 14 300 €\nTotal des produits : 14 300 €", 14300),
    ("Charges de personnel : 5 000 €\nCharges de fonctionnement : 2 000 €", 7000),
    (
        "Charges de personnel : 5 000 €\nAchats : 2 000 €\nTotal des charges : 7 000 €\n"
        "Subvention Ville : 3 000 €",
        7000,
    ),
    ("Dépenses :\n- animation 1 200 €\n- transport 300 €\nRecettes :\n- CAF 1 000 €", 1500),
    # --- itemised costs with no total are summed ---
    ("- 20,00€ de fournitures\n- 30,00€ de frais de réception", 50),
    ("Intervenant : 800 €\nMatériel : 350 €\nCommunication : 150 €", 1300),
    ("Location de salle 200 €, goûters 150 €, sorties 650 €", 1000),
    ("Animation 3 000 €, matériel 2 000 €, soit 5 000 €", 5000),  # breakdown then its sum
    ("5 000 € (animation 3 000 €, matériel 2 000 €)", 5000),  # an unlabelled sum then its breakdown
    # one item happens to equal the sum of the others: still items, not a subtotal
    ("Dépenses prévues :\n- Animation : 3 000 €\n- Matériel : 1 000 €\n- Sorties : 2 000 €", 6000),
    ("Intervenant 1 500 €, location de salle 500 €, goûters 1 000 €", 3000),
    # --- funding only: the resources mobilised ---
    ("CAF : 3 000 €\nVille : 2 000 €", 5000),
    ("Subvention de la CAF de 4 000 euros", 4000),
    ("Subventions : 214650€ (Villes : 37250€ / Etat : 136200€ / CAF : 41200€)", 214650),
    # --- amounts that are not the budget ---
    ("27860 Euros, financés à 42% par la CAF, 12 % par la municipalité.\n"
     "Les contributions volontaires sont évaluées à 3000€ (MàD de locaux)", 27860),
    ("Valorisation du bénévolat : 2 000 €\nAchats : 600 €", 600),
    ("Participation des familles : 2 € par personne\nCoût de la sortie : 450 €", 450),
    ("Tarif : 5 € la séance", None),
    ("Budget de fonctionnement du centre : 850 000 €. Pas de budget spécifique.", 0),
    # --- per year: the first year's amount ---
    ("Le budget de l'action évalué à 38 297.47€ pour la première année. Puis 20 000€ / an.", 38297.47),
    ("2019 : 5 000 €\n2020 : 6 000 €", 5000),
    ("Année 1 : 12 000 €, année 2 : 9 000 €", 12000),
    ("3 000 € par an pendant 3 ans", 3000),
    # --- years, percentages, phones, dates, head counts are not amounts ---
    ("Attribution de 0.5 ETP sur 2 ans (2019 et 2020) par la CAF 46.", None),
    ("Financement : caf31, Ville, Etat (politique de la ville) et conseil départemental", None),
    ("Action financée à 80 % par le Contrat de Ville depuis 2016.", None),
    ("Contact : 05 61 22 33 44, le 12/05/2019", None),
    ("Contrat de Ville.", None),
    ("2014", None),
    ("Pour 12 jeunes sur 18 mois", None),
    ("En 2018, 3 200 € ont été mobilisés.", 3200),
    # --- explicitly none versus nothing stated ---
    ("Pas de budget pour cette action", 0),
    ("Aucun financement spécifique", 0),
    ("Néant", 0),
    ("", None),
    (None, None),
    ("   \n  ", None),
    ("Financement dans le cadre du Contrat Enfance Jeunesse", None),
]

# More realistic variations: labels, funders, unit prices, ranges, phone numbers.
CASES += [
    ("Coût de l'action : 2 500 € (financement CAF 1 500 €, Ville 1 000 €)", 2500),
    ("Le coût global est estimé à 6 000 euros par an.", 6000),
    ("Budget: 3.500€", 3500),
    ("Prestation de service CAF (ACF) : 24 000 €, Fonds propres : 6 000 €", 30000),
    ("Une subvention de 1 500 € a été obtenue auprès de la Fondation de France", 1500),
    ("Coût : 15 € par participant", None),
    ("Montant : 2 300,00 €", 2300),
    ("budget alloué 2500€", 2500),
    ("5 000 € (CAF) + 2 000 € (Ville)", 7000),
    ("Projet financé par la CAF à hauteur de 3 000 €", 3000),
    ("Les dépenses s'élèvent à 12 340,56 €.", 12340.56),
    ("Salaire animateur : 18 000 € ; matériel pédagogique : 1 500 € ; total : 19 500 €", 19500),
    ("BUDGET : 1 500 €\nFinanceurs : CAF 1 000 €, Commune 500 €", 1500),
    ("CAF 46 : 2 000 €", 2000),
    ("Coût d'un atelier : 80 €, 10 ateliers dans l'année soit 800 €", 800),
    ("Salaires : 25 000 €, charges sociales : 10 000 €", 35000),
    ("Achats : 500 €, Charges de personnel : 5 000 €", 5500),
    ("Animateur : 2000\nMatériel : 500\nTotal : 2500 €", 2500),
    ("Budget 15000", 15000),
    ("Tél : 03 25 32 12 11 - devis 450 €", 450),
    ("Le 15/03/2019 : 200 €", 200),
    ("Budget global de l'association : 450 000 €, dont 12 000 € pour l'action", 12000),
    ("Les frais de transport (500 €) et de repas (300 €) sont pris en charge par la CAF", 800),
    ("4 000 € de la Ville et 2 000 € de la CAF", 6000),
    ("Coût de la formation BAFA : 450 € par jeune", None),
    ("Pas encore de budget", 0),
    ("15 000 euros par an (financement CAF et Ville)", 15000),
    ("Budget de l'action : 3000 € dont 1500 € CAF", 3000),
    ("Total : 2 300 €", 2300),
    ("Reste à charge pour le centre : 500 €", 500),
    ("Une enveloppe de 1000 euros", 1000),
    ("Budget : 1 500 euros pour l'achat de matériel", 1500),
    ("Achat de matériel : 1 200 € TTC\nPrestation intervenant : 600 € TTC", 1800),
    ("Autofinancement 100%", None),
    ("Prise en charge par le budget de fonctionnement du centre social.", None),
    ("Budget global : 1,2 M€", 1200000),
    ("Coût horaire de l'animateur : 25 €/h", None),
    ("10 000€ sur deux ans", 10000),
    ("Budget estimé : 2 000 à 3 000 €", 2000),
    ("1500 € pour l'année 2018, 1800 € pour 2019", 1500),
    ("budget : environ 3000 euros", 3000),
    ("Budget 2016 : 4 500€ ; Budget 2017 : 5 000€", 4500),
    ("Subvention Politique de la ville : 3 000 €\nFonds de participation des habitants : 500 €", 3500),
    ("Recettes : 1000 €\nDépenses : 1000 €", 1000),
    ("Personnel : 3 200 €\nFournitures : 450 €\nTransport : 600 €\nTotal : 4 250 €", 4250),
    ("Total budget = 7 500 €", 7500),
    ("coût total de 900€", 900),
    ("Budget annuel : 60 000 €", 60000),
    ("Action gratuite pour les familles.", None),
    ("A définir", None),
    ("Subvention CAF : 3 000 € pour l'action\nBudget global : 10 000 €", 10000),
    ("Budget : 2 500 € HT", 2500),
    ("Budget : 2500 HT", 2500),
    ("Coût : 1200 euros\nfinancement : CAF (800 €) et participation des familles (400 €)", 1200),
    ("Les 3 000 habitants du quartier ; budget de 4 000 €", 4000),
    ("Budget : 12 000€ (2 ans)", 12000),
    ("Total : 35 participants", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_extract_budget(text, expected):
    got = extract_budget(text)
    want = None if expected is None else pytest.approx(expected, abs=0.005)
    assert got == want, f"{text!r}: expected {expected}, got {got}"


def test_flattened_table_takes_the_totals_row():
    text = (
        "PROJETS Budget global Produits actions Centre Social CAF ETAT REGION 971 CCAS / COMMUNE "
        "Autres CAFE SOLIDAIRE 500,00 €, 1 052,00 €, 7 000,00 €, 9 000,00 €, Batiment 2 000,00 €, "
        "2 ordinateurs portable 1 400,00 €, TOTAUX 27 552,00 €, 500,00 €, 1 052,00 €, - €,"
    )
    assert extract_budget(text) == 27552


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("12 000,50", 12000.5),
        ("12.000", 12000),
        ("8806.06", 8806.06),
        ("38 297.47", 38297.47),
        ("1.500,25", 1500.25),
        ("1,200.50", 1200.5),
        ("0,5", 0.5),
    ],
)
def test_parse_number(token, expected):
    assert parse_number(token) == pytest.approx(expected)


def test_parse_number_before_a_multiplier_reads_a_decimal():
    assert parse_number("1,250", decimal_only=True) == pytest.approx(1.25)
