"""Facet counts are counted once per result set: a refinement that turns the page or changes the order
reuses them; another filter, range, text or generation counts again, and what is reused equals what a
fresh count gives."""

from __future__ import annotations

import pytest

from app.search import service as service_module
from app.search.results import FACET_VALUE_BYTES, FacetCache, facet_bytes
from tests.search.conftest import load_devset, search
from tests.search.test_hits import ROWS, _fiche


@pytest.fixture()
def counted(monkeypatch) -> list[int]:
    """How many times the service counted facets."""
    calls: list[int] = []
    count = service_module.facet_counts
    monkeypatch.setattr(service_module, "facet_counts", lambda *a: calls.append(1) or count(*a))
    return calls


def test_a_page_or_an_order_reuses_the_counts_of_its_result_set(devset_service, counted):
    devset_service.clear_cache()
    first = search(devset_service, q="jardin", size=2)
    again = [search(devset_service, q="jardin", size=2, page=2), search(devset_service, q="jardin", size=2, sort="titre"),
             search(devset_service, q="  jardin ", size=2, sort="recent")]
    assert len(counted) == 1
    assert all(result["facets"] is first["facets"] for result in again)


@pytest.mark.parametrize("changed", [
    {"q": "jardin", "dimension": "Environnement"},
    {"q": "jardin", "annee_min": "2020"},
    {"q": "parents"},
    {},
])
def test_another_filter_range_or_text_counts_again_and_equals_a_fresh_count(devset_service, counted, changed):
    devset_service.clear_cache()
    search(devset_service, q="jardin")
    reused = search(devset_service, **changed)
    assert len(counted) == 2
    devset_service.clear_cache()
    assert reused["facets"] == search(devset_service, **changed)["facets"]


def test_a_new_generation_counts_again(service, store, counted):
    load_devset(store, [_fiche("a", title="Jardin partagé", dimension="Environnement")])
    service.sync()
    before = search(service, q="jardin")["facets"]["dimension"]
    load_devset(store, [_fiche("b", title="Jardin des voisins", dimension=ROWS["env1"]["dimension"]),
                        _fiche("c", title="Jardin d'hiver", dimension="Culture")])
    service.sync()
    after = search(service, q="jardin")["facets"]["dimension"]
    assert len(counted) == 2
    assert sum(e["count"] for e in after) == sum(e["count"] for e in before) + 2


def test_the_cache_keeps_within_its_bytes_and_entries():
    counts = {"dimension": [{"value": "Culture", "count": 3, "selected": False}] * 10, "public": []}
    assert facet_bytes(counts) == 256 + 10 * FACET_VALUE_BYTES
    cache = FacetCache(max_entries=3, max_bytes=3 * facet_bytes(counts))
    for key in range(5):
        cache.put((key,), counts)
    assert cache.keys() == [(2,), (3,), (4,)]
    small = FacetCache(max_entries=10, max_bytes=2 * facet_bytes(counts))
    for key in range(5):
        small.put((key,), counts)
    assert small.keys() == [(3,), (4,)]
    assert small.get((4,)) is counts and small.get((0,)) is None
    huge = FacetCache(max_entries=10, max_bytes=1)
    huge.put(("only",), counts)  # the newest always stays
    assert huge.keys() == [("only",)]
