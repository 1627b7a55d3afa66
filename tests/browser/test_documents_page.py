"""Projets sociaux in the page: units found beside the fiche results, a unit shown in its document (axe →
objectif → objectifs opérationnels → indicateurs) with links to the whole document and to its structure;
axe-core at 0 violations; nothing blocked by the CSP."""

from __future__ import annotations

import re

import pytest

from app.domain.db import make_engine
from app.domain.document_store import DocumentStore
from ingest.detect import read_document
from tests.browser.conftest import _start_server
from tests.browser.helpers import SCREENSHOTS, expect
from tests.browser.test_accessibility import assert_no_violations
from tests.paths import SEED, SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DOCUMENTS = ["000_486432dee1cf7a83.txt", "002_2fcf364e08e6fce9.txt", "003_8480cdf5dfdc581a.txt",
             "004_603e9f97119bd15b.txt"]


@pytest.fixture(scope="module")
def docs_url(browser, tmp_path_factory):
    """The app over the seed fiches, with the four seed documents stored in its database."""
    root = tmp_path_factory.mktemp("documents")
    for url in _start_server(root, {SEED.name: SEED}):
        engine = make_engine(f"sqlite:///{root / 'fiches.db'}")
        store = DocumentStore(engine)
        for name in DOCUMENTS:
            document = read_document((SEEDS / name).read_bytes(), name)
            assert document is not None
            assert store.upsert(document) == "created"
        engine.dispose()
        yield url


@pytest.fixture
def doc_page(open_page, docs_url):
    page = open_page(docs_url)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    assert blocked == [], f"blocked by the CSP: {blocked}"


def test_units_beside_the_results_then_a_unit_in_its_document(doc_page):
    page = doc_page
    page.goto("/?q=indicateurs%20participation%20des%20habitants")
    section = page.locator("#documents-results")
    expect(section).to_be_visible()
    expect(section.get_by_role("heading", level=2)).to_have_text("Dans les projets sociaux et plans fédéraux")
    cards = section.locator("article.unit-card")
    expect(cards.first).to_contain_text("Projet social")
    expect(cards.first.locator(".unit-indicators-line")).to_contain_text("Indicateurs\u00a0:")
    assert_no_violations(page, "the results with projets sociaux")

    cards.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/document\.html\?id=\w+&partie=\d+$"))
    unit = page.locator(".unit-focus")
    expect(unit.locator(".unit-axis")).to_have_text(re.compile(r"^Axe [I0-9]+ : "))
    expect(unit.get_by_role("heading", level=3, name="Objectifs opérationnels")).to_be_visible()
    expect(unit.locator(".unit-objectives li")).to_have_count(3)
    expect(unit.get_by_role("heading", level=3, name="Indicateurs de résultats")).to_be_visible()
    expect(unit.locator(".unit-indicators li")).to_have_count(3)
    expect(page.get_by_role("navigation", name="Fil d’Ariane")).to_contain_text("Projet social")
    assert " – Projet social – Fiches actions" in page.title()
    assert_no_violations(page, "a projet social unit")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "projet-social.png"))

    page.locator("#whole-document").click()
    expect(page.locator("section.unit")).to_have_count(9)
    expect(page.locator("h2.axis-heading")).to_have_count(3)
    expect(page.locator(".unit-indicators li")).to_have_count(27)
    assert_no_violations(page, "a whole projet social")


def test_a_plan_theme_and_a_structure_link(doc_page):
    page = doc_page
    page.goto("/?q=mesure%20de%20l%27impact%20social")
    first = page.locator("#documents-results article.unit-card").first
    expect(first.get_by_role("link")).to_have_text("Impact social")
    first.get_by_role("link").click()
    unit = page.locator(".unit-focus")
    for heading in ("Contexte global", "Enjeux pour le réseau", "Pistes d’actions"):
        expect(unit.get_by_role("heading", level=3, name=re.compile(heading, re.I))).to_be_visible()
    expect(page.locator(".kicker")).to_have_text("Plan fédéral")
    assert_no_violations(page, "a federation plan's theme")

    page.goto("/?q=gouvernance%20associative")
    page.locator("#documents-results a", has_text="Renforcer la gouvernance associative").click()
    structure = page.get_by_role("link", name="Centre Social de Remiremont")
    expect(structure).to_have_attribute("href", "./?q=Centre+Social+de+Remiremont")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_no_violations(page, "a slide unit on a phone")


def test_an_unknown_document_says_so(doc_page):
    doc_page.goto("/document.html?id=inconnu&partie=2")
    expect(doc_page.get_by_role("heading", level=1)).to_have_text("Document introuvable")
    expect(doc_page.get_by_role("alert")).to_contain_text("Aucun document")
    assert_no_violations(doc_page, "an unknown document")
    doc_page.goto("/?q=")
    expect(doc_page.locator("#documents-results")).to_be_hidden()
