"""The older action/show/N fiche format."""

from __future__ import annotations

from app.domain.records import ParsedFiche, Rejected
from ingest.parse_legacy import parse_legacy
from tests.fixtures.golden import assert_matches_golden
from tests.paths import FIXTURES


def test_golden() -> None:
    content = (FIXTURES / "legacy_fiche.txt").read_text(encoding="utf-8")
    assert_matches_golden("legacy_fiche.txt", parse_legacy(content, "legacy_fiche.txt"))


def test_sizes_dropped_sic_label_and_no_structure() -> None:
    (fiche,) = parse_legacy((FIXTURES / "legacy_fiche.txt").read_text(encoding="utf-8"), "l")
    assert fiche.attachments == ["bilan-repair-cafe-2012.pdf", "affiche_atelier.jpg"]
    assert fiche.mots_cles == ["Solidarité", "développement durable"]  # « l'actions » (sic)
    assert fiche.structure is None and fiche.statut is None and fiche.format == "legacy"


def test_several_fiches_by_address_and_by_title_label() -> None:
    content = (
        "https://www.senacs.fr/action/show/812\n"
        "Jardin partagé\n"
        "Thèmes\n• Environnement\n"
        "Quels furent les facteurs de réussite ?\nLa mobilisation des voisins.\n"
        "Atelier couture\n"
        "Thèmes\n- Culture\n"
        "Quelles sont les limites de cette expérience ?\nLe local est trop petit.\n"
        "Titre\nSortie familles\n"
        "Description générale\nUne journée à la mer.\n"
    )
    first, second, third = parse_legacy(content, "l")
    assert (first.title, first.source_url, first.themes) == ("Jardin partagé", "https://www.senacs.fr/action/show/812",
                                                            ["Environnement"])
    assert first.facteurs_reussite == "La mobilisation des voisins."
    assert (second.title, second.themes, second.limites) == ("Atelier couture", ["Culture"], "Le local est trop petit.")
    assert (third.title, third.description_generale, third.line) == ("Sortie familles", "Une journée à la mer.", 12)


def test_fiche_without_title_is_rejected() -> None:
    (record,) = parse_legacy("\n\n- Thèmes\n- Santé\n", "l")
    assert isinstance(record, Rejected) and record.line == 3 and "sans titre" in record.reason


def test_title_label_wins_over_first_line() -> None:
    (fiche,) = parse_legacy("Fiche action n°12\nTitre : \n- Repair café\nThèmes\n- Habitat\n", "l")
    assert isinstance(fiche, ParsedFiche) and fiche.title == "Repair café"


def test_attachment_size_on_the_same_line_is_dropped() -> None:
    content = "Ludothèque\nFichier(s) associé(s)\nguide.docx ( 12.5K )\n2019\nplan.pdf\n(300 Ko)\n"
    (fiche,) = parse_legacy(content, "l")
    assert fiche.attachments == ["guide.docx", "plan.pdf"]


def test_page_header_is_never_a_title() -> None:
    """As the site prints old-format pages: « Actions », the title, « Thèmes » with « • » bullets."""
    content = (FIXTURES / "legacy_pages.txt").read_text(encoding="utf-8")
    titles = [f.title for f in parse_legacy(content, "l")]
    assert titles == ["Jardin partagé des Tilleuls", "Café des parents", "Atelier d'écriture intergénérationnel"]


def test_same_label_twice_in_a_row_is_one_label() -> None:
    content = "Actions\nJardin\nThèmes\nThèmes\n  • Culture\nDescription générale\nUn jardin.\n"
    (fiche,) = parse_legacy(content, "l")
    assert (fiche.title, fiche.themes, fiche.description_generale) == ("Jardin", ["Culture"], "Un jardin.")
