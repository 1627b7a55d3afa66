"""Decoding, format detection and dispatch: every golden file through ``parse_document``."""

from __future__ import annotations

import io
import random

import pytest

from app.domain.records import ParsedFiche, Rejected
from ingest.decoding import decode
from ingest.detect import detect_format, parse_document, read_document
from ingest.export import export_csv, export_json
from tests.fixtures.golden import GOLDEN, assert_matches_golden
from tests.paths import FIXTURES, SEEDS
from tests.paths import SEED as SEED_FICHES


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_through_parse_document(name: str) -> None:
    assert_matches_golden(name, parse_document((FIXTURES / name).read_bytes(), name))


@pytest.mark.parametrize("seed", ["000_486432dee1cf7a83.txt", "002_2fcf364e08e6fce9.txt",
                                  "003_8480cdf5dfdc581a.txt", "004_603e9f97119bd15b.txt"])
def test_projets_sociaux_are_not_fiches_but_documents(seed: str) -> None:
    (record,) = parse_document((SEEDS / seed).read_bytes(), seed)
    assert isinstance(record, Rejected) and record.line == 1 and record.whole
    assert record.reason.startswith("Projet social ou plan fédéral, pas une fiche")
    document = read_document((SEEDS / seed).read_bytes(), seed)
    assert document is not None and document.units


def test_fiche_formats_are_never_read_as_documents() -> None:
    assert read_document(SEED_FICHES.read_bytes(), "001.txt") is None
    assert read_document(b"\x00\x01binaire" * 100, "x.bin") is None
    assert read_document(b"", "vide.txt") is None


def test_seed_dump_is_text() -> None:
    records = list(parse_document(SEED_FICHES.read_bytes(), "001.txt"))
    assert len(records) == 25 and {r.format for r in records} == {"text"}


def test_windows_1252_is_decoded_with_a_warning() -> None:
    raw = (FIXTURES / "crlf_tabs.txt").read_text(encoding="utf-8").replace("’", "'").replace("\u00a0", " ")
    first, second = parse_document(raw.encode("cp1252"), "vieux.txt")
    assert first.title == "Fête de quartier de Chennevières" and first.mots_cles[1] == "Parentalité"
    assert "Windows-1252" in first.warnings[0] and "ligne" in first.warnings[0]
    assert not any("Windows-1252" in w for w in second.warnings), "a file-level warning is given once"
    assert decode(b"\xef\xbb\xbfabc") == ("abc", [])
    assert decode("\ufeffabc") == ("abc", [])
    assert decode("é".encode("utf-16"))[0] == "é"


def test_detect_format_by_content_and_extension() -> None:
    assert detect_format(SEED_FICHES.read_text(encoding="utf-8"), "x.bin") == "text"
    assert detect_format((FIXTURES / "legacy_fiche.txt").read_text(encoding="utf-8"), "a.txt") == "legacy"
    assert detect_format((FIXTURES / "html_definitions.html").read_text(encoding="utf-8"), "page") == "html"
    assert detect_format("<p>Résumé</p>", "fiche.htm") == "html"
    assert detect_format('  [{"title": "A"}]', "export") == "json"
    assert detect_format("title;resume\nA;B\n", "export") == "csv"
    assert detect_format("title,resume\nA,B\n", "export.csv") == "csv"
    assert detect_format("n'importe quoi", "f.json") == "json"
    assert detect_format("Une phrase.\nUne autre.", "f.txt") is None


def test_exports_are_recognised() -> None:
    fiche = {"title": "Atelier", "mots_cles": ["Culture"], "budget_eur": 100.0}
    for export, fmt in ((export_json, "json"), (export_csv, "csv")):
        buffer = io.StringIO(newline="")
        export([fiche], buffer)
        (record,) = parse_document(buffer.getvalue().encode("utf-8"), "export")
        assert (record.format, record.title, record.mots_cles, record.budget_eur) == (fmt, "Atelier", ["Culture"], 100.0)


def test_bad_input_never_raises() -> None:
    rng = random.Random(20240501)
    samples = [b"", b"   \n", b"%PDF-1.7\x00\x00", b"{", b"\xff\xfe\x00\xd8", b"<html>", b"title;x\n\"unclosed",
               "Actions\n- Résumé\n".encode(), b"Actions\n" * 50]
    samples += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))) for _ in range(40)]
    for sample in samples:
        records = list(parse_document(sample, "bad.txt"))
        assert records and all(isinstance(r, (ParsedFiche, Rejected)) for r in records)
    (empty,) = parse_document(b"", "vide.txt")
    assert empty.reason.startswith("Document vide")
    (binary,) = parse_document(b"%PDF-1.7\x00\x00", "f.pdf")
    assert "binaire" in binary.reason
    (untitled,) = parse_document("Actions\n- Résumé\nTexte\n".encode(), "t.txt")
    assert isinstance(untitled, Rejected) and "sans titre" in untitled.reason


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(encoding: str) -> None:
    records = list(parse_document(SEED_FICHES.read_text(encoding="utf-8").encode(encoding), "utf16.txt"))
    assert len(records) == 25 and records[0].title.startswith("Bien vivre dans son logement")
    assert "UTF-16 sans BOM" in records[0].warnings[0]


def test_one_bad_byte_is_reported_with_its_line_and_the_rest_stays_utf8() -> None:
    text, warnings = decode("Ligne un\nCafé du quartier\n".encode() + b"Fin \xff\n")
    assert text == "Ligne un\nCafé du quartier\nFin \n"
    assert len(warnings) == 1 and "ligne 3 " in warnings[0]
    text, warnings = decode("Café\n".encode() + b"associ\xe9(s)\n")
    assert text == "Café\nassocié(s)\n" and "ligne 2 " in warnings[0]
