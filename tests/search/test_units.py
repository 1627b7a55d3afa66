"""The unit index (app.search.units) over the four seed documents, without a database: the fiche search's
rules (every concept, else the approchants; thesaurus; facets counted without their own filter), and any
query, fuzzed with hypothesis, answered without error."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from app.search.thesaurus import load
from app.search.units import UnitRow, UnitSnapshot, search_units
from ingest.detect import read_document
from tests.paths import SEEDS

NAMES = ["000_486432dee1cf7a83.txt", "002_2fcf364e08e6fce9.txt", "003_8480cdf5dfdc581a.txt",
         "004_603e9f97119bd15b.txt"]
THESAURUS = load()


@pytest.fixture(scope="module")
def snap() -> UnitSnapshot:
    rows = []
    for name in NAMES:
        doc = read_document((SEEDS / name).read_bytes(), name)
        assert doc is not None
        rows += [UnitRow(id=f"{name[:3]}-{i}", document_id=name[:3], document_title=doc.title, type=doc.type,
                         titre=u.titre, position=i, structure=doc.structure, axe=u.axe,
                         objectifs_operationnels=u.objectifs_operationnels, indicateurs=u.indicateurs,
                         exemples=u.exemples, parties=u.parties, texte=u.texte) for i, u in enumerate(doc.units)]
    return UnitSnapshot(rows, THESAURUS)


def _ids(result) -> list[str]:
    return [row.id for row, _ in result["hits"]]


def test_indicators_are_a_field_of_their_own(snap):
    found = search_units(snap, THESAURUS, "indicateurs participation des habitants", {})
    assert _ids(found)[:3] and all(i.startswith("003-") for i in _ids(found)[:3])
    assert all(row.indicateurs for row, _ in found["hits"][:3])
    without = search_units(snap, THESAURUS, "participation des habitants", {})
    assert found["total"] < without["total"]  # « indicateurs » narrows to the units that have some


def test_every_concept_or_the_approchants(snap):
    assert _ids(search_units(snap, THESAURUS, "mesure de l'impact social", {}))[0] == "004-0"
    none = search_units(snap, THESAURUS, "gouvernance xylophone", {})
    assert none["total"] == 0 and none["hits"] == [] and any(row.id == "004-1" for row, _ in none["approchants"])


def test_facets_and_filters(snap):
    everything = search_units(snap, THESAURUS, "", {}, size=100)
    assert everything["total"] == len(snap.rows) == 52
    assert dict(everything["facets"]["type"]) == {"projet_social": 49, "plan_federal": 3}
    federal = search_units(snap, THESAURUS, "", {"type": ["plan_federal"]})
    assert federal["total"] == 3 and dict(federal["facets"]["type"])["projet_social"] == 49
    page_two = search_units(snap, THESAURUS, "", {}, page=2, size=20)
    assert [row.id for row, _ in page_two["hits"]] == [row.id for row, _ in everything["hits"][20:40]]


@seed(9_200)
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(q=st.text(max_size=80) | st.lists(st.sampled_from(
    ["indicateurs", "habitants", "l'impact", "gouvernance", "aide aux devoirs", "Lyon", "13", "-", "\"", "AND",
     "participati", "é", "co-construction", "Axe", "2021/2024"]), max_size=6).map(" ".join),
       kind=st.sampled_from([[], ["projet_social"], ["plan_federal"]]), page=st.integers(1, 5))
def test_fuzz_any_query(snap, q, kind, page):
    found = search_units(snap, THESAURUS, q, {"type": kind}, page=page, size=7)
    assert 0 <= found["total"] <= len(snap.rows) and len(found["hits"]) <= 7
    assert all(math.isfinite(score) for _, score in found["hits"])
    assert all(row.type in kind for row, _ in found["hits"]) or not kind
