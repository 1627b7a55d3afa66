"""Départements, codes and 2016 régions; structure lines "NAME - Département"."""

import csv
from collections import Counter

import pytest

from ingest.geo import DATA_FILE, departements, lookup, split_structure

VAL_DOISE = ("Val-d'Oise", "95", "Île-de-France")


def test_the_list_has_101_departements_in_18_regions():
    rows = [d for d in departements() if d.kind == "departement"]
    assert len(rows) == 101
    regions = Counter(d.region for d in rows)
    assert len(regions) == 18
    assert regions["Occitanie"] == 13 and regions["Île-de-France"] == 8 and regions["Corse"] == 2
    assert {"Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"} <= set(regions)
    assert len({d.code for d in departements()}) == len(departements())


def test_the_data_file_is_plain_csv():
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["code", "name", "region", "kind"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Val d'Oise", VAL_DOISE),
        ("Val-d’Oise", VAL_DOISE),
        ("VAL D OISE", VAL_DOISE),
        ("val-d-oise", VAL_DOISE),
        ("95", VAL_DOISE),
        ("Val-d'Oise (95)", VAL_DOISE),
        ("95 - Val d'Oise", VAL_DOISE),
        ("Réunion", ("La Réunion", "974", "La Réunion")),
        ("La Réunion", ("La Réunion", "974", "La Réunion")),
        ("974", ("La Réunion", "974", "La Réunion")),
        ("Territoire de Belfort", ("Territoire de Belfort", "90", "Bourgogne-Franche-Comté")),
        ("Corse-du-Sud", ("Corse-du-Sud", "2A", "Corse")),
        ("2A", ("Corse-du-Sud", "2A", "Corse")),
        ("2b", ("Haute-Corse", "2B", "Corse")),
        ("01", ("Ain", "01", "Auvergne-Rhône-Alpes")),
        ("1", ("Ain", "01", "Auvergne-Rhône-Alpes")),
        ("Bouches du Rhone", ("Bouches-du-Rhône", "13", "Provence-Alpes-Côte d'Azur")),
        ("Bouche-du-Rhône", ("Bouches-du-Rhône", "13", "Provence-Alpes-Côte d'Azur")),  # typo
        ("COTE D'OR", ("Côte-d'Or", "21", "Bourgogne-Franche-Comté")),
        ("Seine St Denis", ("Seine-Saint-Denis", "93", "Île-de-France")),
        ("Loire", ("Loire", "42", "Auvergne-Rhône-Alpes")),
        ("Loiret", ("Loiret", "45", "Centre-Val de Loire")),
        ("Guadeloupe", ("Guadeloupe", "971", "Guadeloupe")),
        ("Saint-Pierre-et-Miquelon", ("Saint-Pierre-et-Miquelon", "975", "Collectivités d'outre-mer")),
        ("Nouvelle Calédonie", ("Nouvelle-Calédonie", "988", "Collectivités d'outre-mer")),
    ],
)
def test_lookup_accepts_written_variants(written, expected):
    assert lookup(written) == expected


@pytest.mark.parametrize("written", [None, "", "Foo", "20", "98", "100", "Loir", "Centre social"])
def test_unknown_is_none(written):
    assert lookup(written) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("CENTRE SOCIAL GISELE HALIMI ALLONNES - Sarthe", ("CENTRE SOCIAL GISELE HALIMI ALLONNES", "Sarthe")),
        (
            "MPT-CS LES CAILLOLS - Synergie Family - Bouches-du-Rhône",
            ("MPT-CS LES CAILLOLS - Synergie Family", "Bouches-du-Rhône"),
        ),
        ("CENTRE SOCIO-CULTUREL DE SAINT- LOUIS - Haut-Rhin", ("CENTRE SOCIO-CULTUREL DE SAINT- LOUIS", "Haut-Rhin")),
        (
            "OIKOS - CENTRE CULTUREL ET SOCIAL - Territoire de Belfort",
            ("OIKOS - CENTRE CULTUREL ET SOCIAL", "Territoire de Belfort"),
        ),
        ("MAISON DE QUARTIER - Val d'Oise", ("MAISON DE QUARTIER", "Val d'Oise")),
        ("- CS LA SOURCE - Guadeloupe", ("CS LA SOURCE", "Guadeloupe")),
        ("CS Nord - Sud - Nord", ("CS Nord - Sud", "Nord")),
        ("CENTRE SOCIAL - Quartier Nord - Truc", ("CENTRE SOCIAL - Quartier Nord - Truc", None)),
        ("CENTRE SOCIAL LES ALLUMETTES", ("CENTRE SOCIAL LES ALLUMETTES", None)),
        ("", ("", None)),
    ],
)
def test_split_structure_at_the_last_departement(line, expected):
    assert split_structure(line) == expected
