"""Our JSON/CSV exports: written as a stream, read back to the same values, bad rows rejected."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from app.domain.fields import EXPORT_FIELDS, LIST_FIELDS
from app.domain.models import FichePublic
from app.domain.records import ParsedFiche, Rejected, fiche_id
from ingest.export import export_csv, export_json
from ingest.parse_export import parse_csv_export, parse_json_export, split_items
from ingest.parse_text import parse_text
from tests.paths import SEED as SEED_FICHES

CONTENT = ("title", "structure", "departement", "year", "statut", "dimension", "territoire", "source_url",
           "budget_eur", "etp", *LIST_FIELDS, "resume", "precision", "raison_fin", "diagnostic",
           "description_experience", "description_generale", "ressources_financieres", "personnes_mobilisees",
           "resultat_territoire", "resultat_centre", "resultat_habitants", "impacts", "facteurs_reussite",
           "limites", "perspectives")
NOW = datetime(2024, 5, 1, tzinfo=UTC)


def _public(fiche: ParsedFiche, index: int) -> dict:
    data = {name: value for name, value in fiche.as_dict().items() if name in FichePublic.model_fields}
    data.update(
        id=fiche_id(fiche.title, fiche.structure, fiche.departement, fiche.year), content_hash="h" * 16,
        year=2015 + index % 5, budget_eur=[None, 0.0, 30500.0, 38297.47][index % 4],
        etp=[1.4, None, 0.06][index % 3], departement_code="72", region="Pays de la Loire",
        source_file="seeds/001.txt", source_line=fiche.line, created_at=NOW, updated_at=NOW,
    )
    return FichePublic(**data).model_dump()


@pytest.fixture(scope="module")
def fiches() -> list[dict]:
    parsed = list(parse_text(SEED_FICHES.read_text(encoding="utf-8"), "seed"))
    rows = [_public(fiche, index) for index, fiche in enumerate(parsed)]
    tricky = dict(rows[0], id="tricky", title="=SOMME(A1) ; \"guillemets\"", resume="- puce\n'apostrophe\r\nfin",
                  mots_cles=["a | b", "back\\slash", " espace ", "-moins", "'quote"], public=[],
                  structure="+33 centre", precision="@mention", source_url="https://x.fr/a?b=1;c=2")
    return [*rows, tricky]


def _content(fiche: ParsedFiche | dict) -> dict:
    data = fiche.as_dict() if isinstance(fiche, ParsedFiche) else fiche
    return {name: data[name] for name in CONTENT}


def test_export_fields_are_fiche_public_fields() -> None:
    assert set(EXPORT_FIELDS) <= set(FichePublic.model_fields)
    assert len(set(EXPORT_FIELDS)) == len(EXPORT_FIELDS)


@pytest.mark.parametrize(("export", "parse"), [(export_json, parse_json_export), (export_csv, parse_csv_export)])
def test_round_trip_gives_the_same_values(fiches: list[dict], export, parse) -> None:
    buffer = io.StringIO(newline="")
    assert export(iter(fiches), buffer) == len(fiches)
    records = list(parse(buffer.getvalue(), "export"))
    assert all(isinstance(record, ParsedFiche) and not record.warnings for record in records)
    assert [_content(record) for record in records] == [_content(fiche) for fiche in fiches]
    lines = [record.line for record in records]
    assert lines[0] == (1 if export is export_json else 2) and lines == sorted(set(lines))


def test_json_shape(fiches: list[dict]) -> None:
    buffer = io.StringIO()
    export_json(fiches[:2], buffer)
    data = json.loads(buffer.getvalue())
    assert list(data[0]) == list(EXPORT_FIELDS)
    assert data[0]["budget_eur"] is None and data[0]["etp"] == 1.4 and data[0]["mots_cles"][0] == "Solidarité"
    assert data[1]["budget_eur"] == 0 and data[1]["source_line"] == 74
    empty = io.StringIO()
    export_json([], empty)
    assert json.loads(empty.getvalue()) == []


def test_csv_is_excel_friendly(fiches: list[dict]) -> None:
    buffer = io.StringIO(newline="")
    export_csv(fiches, buffer)
    text = buffer.getvalue()
    assert text.startswith("\ufeffid;title;structure;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    header, tricky = rows[0], rows[-1]
    cell = dict(zip(header, tricky))
    assert cell["title"] == "'=SOMME(A1) ; \"guillemets\""  # not run as a formula
    assert cell["mots_cles"] == "a \\| b | back\\\\slash |  espace  | -moins | 'quote"
    assert dict(zip(header, rows[4]))["budget_eur"] == "38297.47"
    assert dict(zip(header, rows[3]))["budget_eur"] == "30500"


def test_split_items_reads_escapes() -> None:
    assert split_items("a \\| b | c\\\\ | ") == ["a | b", "c\\", ""]
    assert split_items("") == []


def test_bad_json_items_are_rejected_by_record_number() -> None:
    content = json.dumps([{"title": "Bon"}, "pas un objet", {"title": " "}, {"title": "Budget", "budget_eur": "abc",
                                                                           "year": "2019", "inconnu": 1}])
    good, not_object, no_title, odd = parse_json_export(content, "f.json")
    assert good.title == "Bon" and good.line == 1 and good.format == "json"
    assert isinstance(not_object, Rejected) and not_object.line == 2
    assert isinstance(no_title, Rejected) and no_title.line == 3 and "title" in no_title.reason
    assert odd.budget_eur is None and odd.year == 2019 and len(odd.warnings) == 2


def test_malformed_json_is_one_rejection_at_line_one() -> None:
    (record,) = parse_json_export('[\n{"title": "A"},\n{"title": "B",\n]', "f.json")
    assert isinstance(record, Rejected) and record.line == 1 and "ligne 4" in record.reason


def test_bad_csv_rows_are_rejected_with_their_line() -> None:
    content = "\ufefftitle;resume;budget_eur\nA;texte;12.5\n;sans titre;\nB;trop;de;colonnes\n\"C\";\"deux\nlignes\";3,5\nD;;\n"
    records = list(parse_csv_export(content, "f.csv"))
    assert [type(r).__name__ for r in records] == ["ParsedFiche", "Rejected", "Rejected", "ParsedFiche", "ParsedFiche"]
    assert [r.line for r in records] == [2, 3, 4, 5, 7]
    assert records[0].budget_eur == 12.5 and records[3].resume == "deux\nlignes" and records[3].budget_eur == 3.5
    (header_error,) = parse_csv_export("nom;texte\nA;B\n", "f.csv")
    assert isinstance(header_error, Rejected) and header_error.line == 1
