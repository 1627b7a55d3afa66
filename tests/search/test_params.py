import pytest

from app.domain.errors import InvalidParameter
from app.search.params import ALLOWED_PARAMS, SearchParams


def test_from_query_reads_repeated_facets_and_numbers():
    p = SearchParams.from_query([
        ("q", "  aide   aux devoirs "), ("mots_cles", "Culture"), ("mots_cles", "Santé"), ("dimension", "Services"),
        ("budget_min", "1 000,5"), ("etp_max", "0,5"), ("annee_min", "2019"), ("sort", "récent"), ("page", "2"),
        ("size", "50"),
    ])
    assert p.q == "aide aux devoirs"
    assert p.mots_cles == ["Culture", "Santé"] and p.dimension == ["Services"]
    assert p.budget_min == 1000.5 and p.etp_max == 0.5 and p.annee_min == 2019
    assert (p.sort, p.page, p.size) == ("recent", 2, 50)
    assert p.filters() == {"dimension": ["Services"], "mots_cles": ["Culture", "Santé"]}


def test_defaults_and_empty_values():
    p = SearchParams.from_query([("q", ""), ("budget_min", ""), ("public", "")])
    assert (p.q, p.budget_min, p.public, p.page, p.size, p.sort) == ("", None, [], 1, 20, "pertinence")


def test_unknown_parameter_lists_the_allowed_ones():
    with pytest.raises(InvalidParameter) as err:
        SearchParams.from_query([("qq", "x")])
    assert "qq" in err.value.message and "Paramètres acceptés" in err.value.message
    assert err.value.detail["allowed"] == list(ALLOWED_PARAMS)
    assert err.value.status == 422


@pytest.mark.parametrize("key,value", [
    ("page", "0"), ("page", "abc"), ("size", "101"), ("size", "0"), ("sort", "hasard"),
    ("budget_min", "beaucoup"), ("budget_max", "-3"), ("etp_min", "nan"), ("annee_max", "20x9"),
    ("annee", "deux mille"),
])
def test_bad_values_are_a_clear_french_error(key, value):
    with pytest.raises(InvalidParameter) as err:
        SearchParams.from_query([(key, value)])
    assert key in err.value.message and "Valeur invalide" in err.value.message


def test_a_scalar_parameter_given_twice_is_refused():
    with pytest.raises(InvalidParameter):
        SearchParams.from_query([("page", "1"), ("page", "2")])
