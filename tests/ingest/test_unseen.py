"""Issue 8, "what it must show": unseen data never loses a file, a batch or a good fiche.

Every test runs on a real store, once on SQLite and once on PostgreSQL (the ``store`` fixture).
"""

from __future__ import annotations

import json

import pytest

from app.domain.config import Settings
from app.domain.records import ParsedFiche
from ingest.importer import import_paths, import_records
from ingest.normalize import Limits, normalize
from tests.paths import FIXTURES, SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
GARBAGE_BLOCK = ("Actions\n\x00\x00\x00\x8a\x01PK\x03\x04\x00\x00binaire\x00\x00\n- Structure organisatrice\n"
                 "- \x00\x00\x00 - Sarthe\n- Résumé\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\n")
LEGACY_TITLES = ["Jardin partagé des Tilleuls", "Café des parents", "Atelier d'écriture intergénérationnel"]


def _with_block_after(text: str, block: str, after: int) -> tuple[str, int]:
    """``text`` with ``block`` inserted before its fiche number ``after`` (0-based); the block's first line."""
    parts = text.split("\nActions\n")
    head = "\nActions\n".join(parts[: after + 1])
    out = head + "\n" + block + "Actions\n" + "\nActions\n".join(parts[after + 1 :])
    return out, head.count("\n") + 2


def test_old_format_pages_with_the_page_header_import_every_fiche(store, tmp_path):
    path = tmp_path / "anciennes.txt"
    path.write_bytes((FIXTURES / "legacy_pages.txt").read_bytes())
    report = import_paths([str(path)], store)
    assert (report.created, report.rejected, report.exit_code) == (3, 0, 0), report.as_dict()
    assert sorted(f.title for f in store.iter_live()) == sorted(LEGACY_TITLES)
    jardin = next(f for f in store.iter_live() if f.title == LEGACY_TITLES[0])
    assert jardin.themes == ["Environnement, cadre de vie", "Lien social"]
    assert jardin.attachments == ["plaquette-jardin-2011.pdf", "photos_chantier.zip"]


def test_a_file_mixing_both_formats_is_read_whole(store, tmp_path):
    path = tmp_path / "melange.txt"
    path.write_text(SEED_TEXT + "\n" + (FIXTURES / "legacy_pages.txt").read_text(encoding="utf-8"), encoding="utf-8")
    report = import_paths([str(path)], store)
    assert (report.created, report.rejected, report.exit_code) == (28, 0, 0), report.as_dict()
    legacy = {f.title: f.source_line for f in store.iter_live() if f.format == "legacy"}
    assert sorted(legacy) == sorted(LEGACY_TITLES)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert all(lines[line - 1] == title for title, line in legacy.items()), "each line is the title's"


def test_sample_with_one_invalid_byte_changes_nothing_and_says_where(store, tmp_path):
    path = tmp_path / SEED.name
    path.write_bytes(SEED.read_bytes())
    assert import_paths([str(path)], store).created == 25
    path.write_bytes(SEED.read_bytes() + b"\xff")
    report = import_paths([str(path)], store)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 25, 0)
    last_line = SEED_TEXT.count("\n") + 1
    assert any(f"ligne {last_line} " in w and "non UTF-8" in w for w in report.warnings), report.warnings
    assert store.count() == 25


def test_latin1_byte_inside_a_word_is_read_as_its_letter(store, tmp_path):
    path = tmp_path / "accent.txt"
    raw = SEED.read_bytes().replace("repair café".encode(), b"repair caf\xe9", 1)
    path.write_bytes(raw)
    report = import_paths([str(path)], store)
    assert report.created == 25 and len([w for w in report.warnings if "non UTF-8" in w]) == 1
    assert not any("Ã" in (f.structure or "") + (f.resume or "") for f in store.iter_live())


def test_nul_byte_block_in_the_middle_loses_only_itself(store, tmp_path):
    text, block_line = _with_block_after(SEED_TEXT, GARBAGE_BLOCK, 12)
    path = tmp_path / "avec-nul.txt"
    path.write_text(text, encoding="utf-8")
    report = import_paths([str(path)], store)
    assert (report.created, report.rejected, report.exit_code) == (25, 1, 1), report.as_dict()
    (rejection,) = report.rejections
    assert (rejection.source, rejection.line) == (str(path), block_line)
    assert "illisible" in rejection.reason
    assert store.count() == 25
    assert not any("\x00" in (f.title + (f.structure or "")) for f in store.iter_live())


def test_a_stray_control_character_is_removed_with_a_warning(store, tmp_path):
    path = tmp_path / "controle.txt"
    path.write_text(SEED_TEXT.replace("repair café", "repair\x00 café\x07", 1), encoding="utf-8")
    report = import_paths([str(path)], store)
    assert (report.created, report.rejected) == (25, 0)
    assert any("caractère(s) de contrôle" in w and str(path) in w for w in report.warnings)
    assert any("un repair café\n" in (f.description_experience or "") for f in store.iter_live())


def test_a_record_the_database_refuses_is_rejected_alone(store):
    """A batch the database refuses is retried fiche by fiche: only the refused one is lost."""
    good = [ParsedFiche(title=f"Atelier {n}", source="lot.txt", line=10 * n + 1, format="text",
                        structure="CS Les Tilleuls", departement="Sarthe", year=2019) for n in range(5)]
    bad = ParsedFiche(title="Atelier trop loin", source="lot.txt", line=2**70, format="text")  # no INTEGER holds it
    report = import_records([*good[:2], bad, *good[2:]], store)
    assert (report.created, report.rejected, report.exit_code) == (5, 1, 1), report.as_dict()
    (rejection,) = report.rejections
    assert (rejection.source, rejection.line) == ("lot.txt", 2**70)
    assert rejection.reason.startswith("Fiche refusée par la base de données (")
    assert sorted(f.title for f in store.iter_live()) == [f"Atelier {n}" for n in range(5)]


def test_a_poorer_reading_never_blanks_a_stored_fiche(store, tmp_path):
    path = tmp_path / "fiches.txt"
    path.write_text(SEED_TEXT, encoding="utf-8")
    import_paths([str(path)], store)
    first = SEED_TEXT.split("- Ressources financières mobilisées pour cette action")[0]
    cut = first.rsplit("\n- Public", 1)[0]  # the first fiche, cut before half of its sections
    path.write_text(cut, encoding="utf-8")
    report = import_paths([str(path)], store)
    assert (report.updated, report.rejected, report.exit_code) == (0, 1, 1), report.as_dict()
    assert report.rejections[0].line == 2 and "Mise à jour refusée" in report.rejections[0].reason
    stored = next(f for f in store.iter_live() if f.title.startswith("Bien vivre"))
    assert stored.budget_eur == 30500 and stored.resultat_habitants and not stored.truncated


def test_a_fiche_read_without_its_year_updates_the_dated_record(store, tmp_path):
    dated = tmp_path / "page.txt"
    dated.write_text((FIXTURES / "list_pages.txt").read_text(encoding="utf-8"), encoding="utf-8")
    first = import_paths([str(dated)], store)
    before = {f.id: f.year for f in store.iter_live()}
    assert all(before.values())
    undated = tmp_path / "dump.txt"  # the same fiches, copied without the page and its year table
    lines = dated.read_text(encoding="utf-8").split("\n")
    undated.write_text("\n".join(line for line in lines if "|" not in line
                                 and line != "Les actions des centres sociaux"), encoding="utf-8")
    report = import_paths([str(undated)], store)
    assert report.created == 0 and report.unchanged + report.updated == first.created, report.as_dict()
    assert {f.id: f.year for f in store.iter_live()} == before


def test_limits_reject_a_huge_fiche_and_say_which_and_where(store, tmp_path):
    path = tmp_path / "enorme.txt"
    huge = "Une phrase de description assez longue. " * 5000  # 205 000 characters in one section
    text, _line = _with_block_after(SEED_TEXT, f"Actions\nÉnorme\n- Résumé\n{huge}\n", 3)
    path.write_text(text, encoding="utf-8")
    report = import_paths([str(path)], store)
    assert (report.created, report.rejected, report.exit_code) == (25, 1, 1)
    (rejection,) = report.rejections
    assert "Rubrique « Résumé » trop longue" in rejection.reason and "maximum 100" in rejection.reason
    assert rejection.line == text.split("\n").index("Énorme")  # the « Actions » line above the title


def test_fiche_limit_and_field_limit_are_settings() -> None:
    fiche = ParsedFiche(title="A", source="a.txt", line=7, format="text", resume="x" * 60, limites="y" * 60)
    too_big = normalize(fiche, Limits(fiche=100, field=80))
    assert str(too_big) == ("a.txt:7: Fiche trop volumineuse (121 caractères, maximum 100) : est-ce bien une "
                            "seule fiche ? Vérifiez le document.")
    settings = Settings(max_fiche_chars=5000, max_field_chars=1000)
    assert (settings.max_fiche_chars, settings.max_field_chars) == (5000, 1000)
    assert (Settings().max_fiche_chars, Settings().max_field_chars) == (250_000, 100_000)


def test_a_year_written_1e400_rejects_its_record_only(store, tmp_path):
    path = tmp_path / "export.json"
    records = [{"title": "Atelier A", "year": 2019}, {"title": "Atelier B", "year": "1e400"},
               {"title": "Atelier C", "year": 2020}]
    path.write_text(json.dumps(records).replace('"1e400"', "1e400"), encoding="utf-8")
    report = import_paths([str(path)], store)
    assert (report.created, report.rejected) == (2, 1)
    assert report.rejections[0].line == 2 and "année illisible" in report.rejections[0].reason


def test_document_with_no_fiche_is_unusable_input(store, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Compte rendu de réunion.\nRien à importer ici.\n", encoding="utf-8")
    report = import_paths([str(path)], store)
    assert (report.created, report.rejected, report.exit_code) == (0, 0, 2)
    assert report.unusable and str(path) in report.unusable[0]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_partners_truncated_and_source_round_trip_through_exports(store, tmp_path, fmt):
    from ingest.export import export_csv, export_json

    text = (FIXTURES / "truncated_page.txt").read_text(encoding="utf-8").replace(
        "- Public\n- Jeunesse\n",
        "- Public\n- Jeunesse\n- Avec qui cette action a-t-elle été menée ?\n-\nPartenaires financiers:\n- Caf\n"
        "- Ville\nPartenaires d'action:\n- Mission locale\n", 1)
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    import_paths([str(path)], store)
    coop = next(f for f in store.iter_live() if f.title == "COOP MONS")
    assert (coop.partenaires_financiers, coop.partenaires_action) == (["Caf", "Ville"], ["Mission locale"])
    assert (coop.source_file, coop.source_label) == ("page.txt", "page.txt")
    assert sorted(f.truncated for f in store.iter_live()) == [False, True]
    out = tmp_path / f"export.{fmt}"
    with out.open("w", encoding="utf-8", newline="") as handle:
        (export_json if fmt == "json" else export_csv)((f.model_dump() for f in store.iter_live()), handle)
    again = import_paths([str(out)], store)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 0), again.as_dict()
