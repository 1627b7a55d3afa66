"""The 25 seed fiches, parsed by ``parse_text`` then normalised, against the hand-checked ground truth."""

import json

import pytest

from app.domain.models import FicheCreate
from app.domain.records import ParsedFiche
from ingest.normalize import normalize
from ingest.parse_text import parse_text
from tests.paths import GROUND_TRUTH, SEED

TRUTH = GROUND_TRUTH
EXACT_FIELDS = (
    "title", "structure", "departement", "statut", "dimension", "territoire",
    "mots_cles", "public", "initiative",
)  # fmt: skip


@pytest.fixture(scope="module")
def pairs() -> list[tuple[dict, FicheCreate]]:
    expected = json.loads(TRUTH.read_text(encoding="utf-8"))["fiches"]
    records = list(parse_text(SEED.read_text(encoding="utf-8"), str(SEED)))
    assert all(isinstance(r, ParsedFiche) for r in records), [r for r in records if not isinstance(r, ParsedFiche)]
    assert len(records) == len(expected), f"{len(records)} fiches parsed, {len(expected)} expected"
    out = []
    for truth, record in zip(expected, records, strict=True):
        result = normalize(record)
        assert isinstance(result, tuple), f"fiche {truth['index']} ({truth['title']}) rejected: {result}"
        out.append((truth, result[0]))
    return out


def _where(truth: dict, field: str) -> str:
    return f"fiche {truth['index']} « {truth['title']} », {field}"


def _acceptable(got: float | None, ok: list, tolerance: float) -> bool:
    """``got`` is one of the accepted readings (None matches None only)."""
    if got is None:
        return None in ok
    return any(v is not None and abs(v - got) <= tolerance for v in ok)


@pytest.mark.parametrize(("field", "tolerance"), [("budget_eur", 0.005), ("etp", 0.01)])
def test_figures_are_acceptable_readings(pairs, field, tolerance):
    accepted = {"budget_eur": "budget_ok", "etp": "etp_ok"}[field]
    for truth, fiche in pairs:
        got, ok = getattr(fiche, field), truth[accepted]
        assert _acceptable(got, ok, tolerance), f"{_where(truth, field)}: got {got}, expected one of {ok}"


@pytest.mark.parametrize("field", EXACT_FIELDS)
def test_labels_and_departement_match(pairs, field):
    for truth, fiche in pairs:
        assert getattr(fiche, field) == truth[field], (
            f"{_where(truth, field)}: got {getattr(fiche, field)!r}, expected {truth[field]!r}"
        )


def test_every_seed_departement_has_a_code_and_a_region(pairs):
    for truth, fiche in pairs:
        assert fiche.departement_code and fiche.region, f"{_where(truth, 'departement_code/region')}: missing"


def test_seed_fiches_have_distinct_ids(pairs):
    ids = [fiche.id for _truth, fiche in pairs]
    assert len(set(ids)) == len(ids)
