"""HTML pages: labels in any markup, text without markup, hostile content kept as text."""

from __future__ import annotations

import pytest

from ingest.parse_html import parse_html
from tests.fixtures.golden import assert_matches_golden
from tests.paths import FIXTURES


@pytest.mark.parametrize("name", ["html_headings.html", "html_definitions.html"])
def test_golden(name: str) -> None:
    content = (FIXTURES / name).read_text(encoding="utf-8")
    assert_matches_golden(name, parse_html(content, name))


def test_script_text_is_plain_text_and_script_elements_are_dropped() -> None:
    (fiche,) = parse_html((FIXTURES / "html_headings.html").read_text(encoding="utf-8"), "h")
    assert fiche.resume.endswith('<script>alert("coucou")</script>')  # written as &lt;script&gt; in the page
    everything = " ".join(str(value) for value in fiche.as_dict().values())
    assert "trackSection" not in everything and "dataLayer" not in everything and "color" not in everything
    assert "<p>" not in everything and "&amp;" not in everything
    assert fiche.perspectives is None  # empty <p>, and the page footer is not fiche text


def test_labels_in_table_cells_and_strong_in_paragraph() -> None:
    page = (
        "<html><head><title>Atelier vélo</title></head><body>"
        "<p><strong>Statut de l'action :</strong> En cours</p>"
        "<table><tr><th>Public</th><td>Jeunesse<br>Adultes</td></tr>"
        "<tr><td>Ressources financières mobilisées pour cette action</td><td>1 200 € (Caf)</td></tr></table>"
        "</body></html>"
    )
    (fiche,) = parse_html(page, "p")
    assert (fiche.title, fiche.statut, fiche.public) == ("Atelier vélo", "En cours", ["Jeunesse", "Adultes"])
    assert fiche.ressources_financieres == "1 200 € (Caf)" and fiche.line == 1


def test_page_without_labels_gives_nothing_and_broken_markup_does_not_crash() -> None:
    assert list(parse_html("<html><body><h1>Projet social</h1><p>Axe 1</p></body></html>", "p")) == []
    (fiche,) = parse_html("<h1>Titre cassé<h2>Résumé</h2><p>texte <b>gras<div>suite", "p")
    assert fiche.title == "Titre cassé" and fiche.resume == "texte gras\nsuite"


def test_several_fiches_titled_by_headings() -> None:
    (_first, second) = parse_html((FIXTURES / "html_definitions.html").read_text(encoding="utf-8"), "d")
    assert second.title == "Fête de quartier" and second.line == 23 and second.year == 2017
