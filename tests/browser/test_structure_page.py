"""The structure page (`?structure=ID`): reached from a fiche's structure line, shows the « Fiche identité », the
axes of its projet social and its fiches; state in the URL; axe-core at 0 violation at both screen sizes."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import _start_server
from tests.browser.helpers import api, expect
from tests.browser.test_accessibility import assert_no_violations
from tests.paths import FIXTURES, SEED

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="session")
def structures_url(browser, tmp_path_factory):
    """The app over the seed fiches and a structure list page (imported after them: linked on import)."""
    yield from _start_server(tmp_path_factory.mktemp("structures"),
                             {SEED.name: SEED, "zz_structures.txt": FIXTURES / "structures" / "seed_structures.txt"})


def _empalot(base_url: str) -> tuple[str, str]:
    structure = api(base_url, "/api/structures", {"q": "empalot"})["hits"][0]
    detail = api(base_url, f"/api/structures/{structure['id']}")
    return structure["id"], detail["fiches"][0]["id"]


def test_from_a_fiche_to_its_structure_and_back(open_page, structures_url):
    structure_id, fiche_id = _empalot(structures_url)
    page = open_page(structures_url)
    page.goto(f"/?fiche={fiche_id}")
    link = page.get_by_role("link", name=re.compile("Fiche identité de la structure"))
    expect(link).to_be_visible()
    expect(page.locator(".fiche-structure")).to_contain_text("Centre social, Toulouse")
    link.click()
    expect(page).to_have_url(re.compile(rf"\?structure={structure_id}$"))
    view = page.locator("#structure-view")
    expect(view.get_by_role("heading", level=1)).to_have_text("CS EMPALOT")
    expect(page.locator("#structure-title")).to_be_focused()
    expect(page).to_have_title(re.compile("^CS EMPALOT – "))
    facts = view.locator("dl.facts")
    expect(facts).to_contain_text("31400 Toulouse")
    expect(facts).to_contain_text("Caf gestion directe")
    expect(facts).to_contain_text("1er janvier 1995")  # French writes the first of a month « 1er »
    expect(view.get_by_role("heading", name="Axes du projet social en cours")).to_be_visible()
    expect(view.locator("ol > li")).to_have_text(["Agir avec les habitants"])
    expect(view.get_by_role("heading", name="Ses fiches actions (1)")).to_be_visible()
    assert "@" not in view.inner_text()
    assert_no_violations(page, "the structure page")

    view.locator(".structure-fiches a").first.click()  # one of its fiches, then back
    expect(page.locator("#fiche-view h1")).to_be_visible()
    assert "structure=" not in page.url
    page.go_back()
    expect(view.get_by_role("heading", level=1)).to_have_text("CS EMPALOT")
    view.get_by_role("link", name="← Retour à la recherche").click()
    expect(page.locator("#fiche-view")).to_be_visible()  # where the visit started


def test_structure_page_shared_link_on_a_phone(open_page, structures_url):
    structure_id, _ = _empalot(structures_url)
    page = open_page(structures_url, width=390, height=844)
    page.goto(f"/?structure={structure_id}")
    expect(page.locator("#structure-view h1")).to_have_text("CS EMPALOT")
    expect(page.locator("#filters")).to_be_hidden()
    assert_no_violations(page, "the structure page on a phone")
    page.get_by_role("link", name="← Retour à la recherche").click()
    expect(page.locator("#results > li").first).to_be_visible()
    assert "structure=" not in page.url


def test_unknown_structure(open_page, structures_url):
    page = open_page(structures_url)
    page.goto("/?structure=inconnue")
    expect(page.locator("#structure-view h1")).to_have_text("Structure introuvable")
    expect(page.locator("#structure-view")).to_contain_text("Aucune structure n'a l'identifiant")
    assert_no_violations(page, "an unknown structure")
