import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import InvalidParameter
from app.domain.numbers import parse_amount
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


@pytest.mark.parametrize(("typed", "value"), [
    ("10k", 10_000), ("15 k€", 15_000), ("12 000", 12_000), ("12.000", 12_000), ("1,2 M€", 1_200_000),
    ("800 euros", 800), ("5\u202f000,50 €", 5000.5), ("0", 0),
])
def test_budget_bounds_are_read_as_the_importer_reads_amounts(typed, value):
    assert SearchParams.from_query([("budget_max", typed)]).budget_max == value


def test_etp_bound_may_say_etp():
    assert SearchParams.from_query([("etp_min", "0,5 ETP")]).etp_min == 0.5


@pytest.mark.parametrize("typed", ["abc", "-5", "10 kg", "k", "1e9", "9" * 400])
def test_bad_budget_bound_names_its_field(typed):
    with pytest.raises(InvalidParameter) as err:
        SearchParams.from_query([("budget_min", typed)])
    assert err.value.detail["parameter"] == "budget_min" and "budget_min" in err.value.message
    assert "10k" in err.value.message  # says what would be accepted


@pytest.mark.parametrize(("name", "low", "high"), [("budget", "5000", "1k"), ("etp", "2", "0,5"),
                                                     ("annee", "2022", "2019")])
def test_minimum_above_maximum_is_an_error_naming_the_field(name, low, high):
    with pytest.raises(InvalidParameter) as err:
        SearchParams.from_query([(f"{name}_min", low), (f"{name}_max", high)])
    assert err.value.status == 422 and err.value.detail["parameter"] == f"{name}_min"
    assert f"{name}_max" in err.value.message and "aucune fiche ne peut correspondre" in err.value.message
    assert SearchParams.from_query([(f"{name}_min", high), (f"{name}_max", high)]).bounds(name)[0] is not None


@given(st.text(max_size=30))
def test_any_typed_bound_is_a_value_or_an_invalid_parameter(typed):
    try:
        params = SearchParams.from_query([("budget_min", typed), ("etp_max", typed)])
    except InvalidParameter as err:
        assert err.detail["parameter"] in ("budget_min", "etp_max")
    else:
        assert params.budget_min is None or params.budget_min >= 0


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["", " €", "€", " euros", " EUR"]),
       st.sampled_from([" ", "\u00a0", "\u202f", "."]))
def test_amounts_written_the_french_way_read_back(amount, currency, thousands):
    written = f"{amount:,}".replace(",", thousands) + currency
    assert parse_amount(written) == amount
    thousands_of = f"{amount / 1000:.3f}".rstrip("0").rstrip(".").replace(".", ",")
    assert parse_amount(f"{thousands_of} k€") == pytest.approx(amount) == parse_amount(f"{thousands_of}k")
