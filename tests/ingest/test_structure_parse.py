"""Golden files for « Fiche identité » pages and structure list pages (format.md §5 and its quirks), and a
hypothesis fuzz of the structure parser: it never raises, and what it cannot read is a named rejection.

Regenerate the expected files after a deliberate parser change with
``python -m tests.ingest.test_structure_parse``, then review the diff by hand: they are the specification.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from app.domain.records import Rejected
from app.domain.structures import StructureBase, name_key, structure_key
from ingest.detect import detect_format
from ingest.parse_structure import looks_like_structures, parse_structures
from tests.paths import FIXTURES

FOLDER = FIXTURES / "structures"
GOLDEN = ("cs_page.txt", "cs_page.html", "evs_list_page.txt", "seed_structures.txt")


def as_json(records) -> list[dict]:
    out = []
    for record in records:
        if isinstance(record, Rejected):
            out.append({"rejected": True, "line": record.line, "reason": record.reason})
        else:
            out.append(record.model_dump(mode="json", exclude={"source_file", "source_url"}))
    return out


def _expected_path(name: str):
    return FOLDER / (name.rsplit(".", 1)[0] + ("_html" if name.endswith(".html") else "") + ".expected.json")


@pytest.mark.parametrize("name", GOLDEN)
def test_golden(name):
    got = as_json(parse_structures((FOLDER / name).read_text(encoding="utf-8"), name))
    want = json.loads(_expected_path(name).read_text(encoding="utf-8"))
    assert len(got) == len(want)
    for got_one, want_one in zip(got, want):
        for key in want_one:
            assert got_one.get(key) == want_one[key], (name, want_one.get("nom"), key)


def test_centre_social_quirks():
    [cs] = parse_structures((FOLDER / "cs_page.txt").read_text(encoding="utf-8"), "cs_page.txt")
    assert isinstance(cs, StructureBase)
    assert cs.adresse == "12 rue des Écoles"  # the name glued to the street is cut off
    assert cs.siret == "12345678900012"  # spaces dropped
    assert cs.axes == ["Favoriser le pouvoir d'agir des habitants", "Soutenir les familles dans leur rôle éducatif"]
    assert cs.historique is not None and cs.historique.count("né en 1972") == 1  # printed twice, kept once
    assert "@" not in cs.model_dump_json()  # the contact e-mail is personal data: never kept
    assert (cs.code_insee, cs.departement_code, cs.region) == ("18279", "18", "Centre-Val de Loire")


def test_evs_list_page_quirks():
    records = list(parse_structures((FOLDER / "evs_list_page.txt").read_text(encoding="utf-8"), "evs.txt"))
    by_name = {r.nom: r for r in records if isinstance(r, StructureBase)}
    assert {r.type_structure for r in by_name.values()} == {"EVS"}  # the page's heading says so
    lien = by_name["EVS Le Lien"]
    assert (lien.commune, lien.code_insee, lien.siret) == ("Lyon", "69123", "45212398700031")  # 9e arrondissement
    sartene = by_name["Familles Rurales de Sartène"]
    assert (sartene.departement_code, sartene.truncated) == ("2A", True)  # 20100 is Corse-du-Sud; page cut off
    assert sartene.date_agrement is None  # 31/02 is no date
    assert by_name["Association Ti Kaz"].departement_code == "974"  # a table row whose block is missing
    passerelle = by_name["ESPACE DE VIE SOCIALE LA PASSERELLE"]
    assert (passerelle.qpv, passerelle.type_territoire, passerelle.population) == (False, "Rural", 4300)


def test_detection():
    for name in GOLDEN:
        text = (FOLDER / name).read_text(encoding="utf-8")
        assert looks_like_structures(text), name
        assert detect_format(text, name) in (None, "html")  # the fiche parsers do not claim it
    assert not looks_like_structures((FIXTURES / "list_pages.txt").read_text(encoding="utf-8"))


def test_link_keys():
    assert name_key("CENTRE SOCIAL D'EMPALOT") == name_key("CS Empalot") == "empalot"
    assert structure_key("Centre Social Les Tilleuls", "18") == structure_key("LES TILLEULS", "18")
    assert structure_key("Les Tilleuls", "18") != structure_key("Les Tilleuls", "36")
    assert structure_key("", "18") == ""


def test_nameless_block_is_a_named_rejection():
    text = "Informations sur la structure\nFiche identité\nAdresse\n18100 Vierzon\n"
    [rejection] = parse_structures(text, "x.txt")
    assert isinstance(rejection, Rejected) and rejection.line == 2 and "sans nom" in rejection.reason


BASE = [(FOLDER / name).read_text(encoding="utf-8") for name in GOLDEN]
PIECES = st.sampled_from(["Informations sur la structure", "Fiche identité", "Adresse", "Historique",
                          "- Axe 1 :", "Axes du projet en cours :", "| 20000Ajaccio |", "97400", "Nom | Ville |",
                          "Liste des centres sociaux", "Géographie prioritaire : Non", "\x00", "\ufeff", "<p>",
                          "Date du 1er agrément : 99/99/9999", "Population de la zone de compétence : 1e999",
                          "Numéro SIRET : " + "9" * 40, "a@b.c", "\u2028", "é" * 300])


@st.composite
def documents(draw) -> str:
    lines = draw(st.sampled_from(BASE)).split("\n")
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.integers(0, 3))
        at = draw(st.integers(0, len(lines)))
        if op == 0:
            lines.insert(at, draw(PIECES))
        elif op == 1 and lines:
            del lines[min(at, len(lines) - 1):]  # cut off
        elif op == 2:
            lines.insert(at, draw(st.text(max_size=80)))
        elif lines:
            lines[min(at, len(lines) - 1)] = draw(PIECES) + lines[min(at, len(lines) - 1)]
    return "\n".join(lines)


@seed(9)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_fuzz_never_crashes_and_names_its_rejections(document):
    for record in parse_structures(document, "fuzz.txt"):
        if isinstance(record, Rejected):
            assert record.source == "fuzz.txt" and record.line >= 1 and record.reason
        else:
            assert record.nom and len(record.nom) <= 200
            assert record.siret is None or len(record.siret) == 14
            assert "@" not in (record.historique or "") + (record.site_internet or "")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_fuzz_any_text(text):
    records = list(parse_structures(text, "any.txt"))
    assert records  # at least a rejection saying what a structure page looks like


if __name__ == "__main__":
    for golden in GOLDEN:
        records = parse_structures((FOLDER / golden).read_text(encoding="utf-8"), golden)
        _expected_path(golden).write_text(json.dumps(as_json(records), ensure_ascii=False, indent=1) + "\n",
                                          encoding="utf-8")
        print("wrote", _expected_path(golden).name)


def test_blocks_opened_by_their_name_above_fiche_identite():
    text = ("Liste des centres sociaux\nCENTRE SOCIAL A\nFiche identité\nAdresse\n1 rue X\n18100 Vierzon\n"
            "Spécificités de la structure\nStructure itinérante : Non\nCS B\nFiche identité\nAdresse\n"
            "CS B2 place Y\n20200 Bastia\nSpécificités de la structure\nStructure itinérante : Oui\n")
    first, second = parse_structures(text, "x.txt")
    assert (first.nom, first.commune, first.itinerante) == ("CENTRE SOCIAL A", "Vierzon", False)
    assert (second.nom, second.adresse, second.departement_code, second.itinerante) == ("CS B", "2 place Y", "2B", True)


@pytest.mark.parametrize(("postal", "written", "code", "departement"), [
    ("18100", "Vierzon", "18279", "18"),
    ("69009", "Lyon 9e Arrondissement", "69123", "69"),  # an arrondissement is its commune
    ("13015", "MARSEILLE 15E", "13055", "13"),
    ("20090", "Ajaccio", "2A004", "2A"),  # 20… is Corse-du-Sud or Haute-Corse: the commune decides
    ("20200", "Bastia", "2B033", "2B"),
    ("97400", "Saint-Denis", "97411", "974"),  # not the Saint-Denis of the 93
    ("93200", "St Denis", "93066", "93"),
    ("69361", "Lyon Cedex 07", "69123", "69"),  # a cedex code is in no list: the name decides
])
def test_communes_from_the_official_list(postal, written, code, departement):
    from app.domain.communes import find_commune

    commune = find_commune(postal, written)
    assert commune is not None and (commune.code, commune.departement) == (code, departement)


def test_a_postal_code_alone_is_no_departement():
    from app.domain.communes import find_commune

    assert find_commune("20999", "Nulle Part") is None
    assert find_commune("99999", "") is None
