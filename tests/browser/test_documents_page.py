"""Projets sociaux in the page: units found beside the fiche results, a unit shown in its document (axe →
objectif → objectifs opérationnels → indicateurs) with links to the whole document and to its structure;
axe-core at 0 violations; nothing blocked by the CSP."""

from __future__ import annotations

import re

import pytest

from app.domain.db import make_engine
from app.domain.document_store import DocumentStore
from app.domain.structure_store import upsert_structures
from app.domain.structures import StructureBase, structure_id
from ingest.detect import read_document
from tests.browser.conftest import _start_server
from tests.browser.helpers import SCREENSHOTS, expect
from tests.browser.test_accessibility import assert_no_violations
from tests.paths import SEED, SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REMIREMONT = structure_id("CS REMIREMONT", "88")
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
        # « Centre Social de Remiremont » (a document's structure) is this structure, as a fiche's would be
        upsert_structures(engine, [StructureBase(nom="CS REMIREMONT", type_structure="CS", commune="Remiremont",
                                                 departement="Vosges", departement_code="88")])
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
    expect(unit.locator(".unit-axis")).to_have_text(re.compile(r"^Axe [I0-9]+\s: "))
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
    card = page.locator("#documents-results article.unit-card", has_text="Renforcer la gouvernance associative")
    expect(card.get_by_role("link", name="Centre Social de Remiremont")).to_have_attribute(
        "href", f"./?structure={REMIREMONT}")
    page.locator("#documents-results a", has_text="Renforcer la gouvernance associative").click()
    structure = page.get_by_role("link", name="Centre Social de Remiremont")
    expect(structure).to_have_attribute("href", f"./?structure={REMIREMONT}")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_no_violations(page, "a slide unit on a phone")
    structure.click()
    expect(page).to_have_url(re.compile(rf"/\?structure={REMIREMONT}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("CS REMIREMONT")


def test_an_unknown_document_says_so(doc_page):
    doc_page.goto("/document.html?id=inconnu&partie=2")
    expect(doc_page.get_by_role("heading", level=1)).to_have_text("Document introuvable")
    expect(doc_page.get_by_role("alert")).to_contain_text("Aucun document")
    assert_no_violations(doc_page, "an unknown document")
    doc_page.goto("/?q=")
    expect(doc_page.locator("#documents-results")).to_be_hidden()


def _choice(page, name):
    return page.get_by_role("group", name="Afficher").get_by_role("radio", name=re.compile(f"^{name}"))


def _counts(page):
    labels = page.locator("#type-choice .type-label").all_text_contents()
    return {label.split(" (")[0]: int(label.split(" (")[1].rstrip(")").replace("\u202f", "")) for label in labels[1:]}


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["desktop", "phone"])
def test_choosing_a_type_is_in_the_address(open_page, docs_url, size):
    page = open_page(docs_url, *size)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    api = page.request.get(f"{docs_url}/api/documents?q=habitants").json()
    expected = {f["label"]: f["count"] for f in api["facets"]["type"]}
    fiches = page.request.get(f"{docs_url}/api/fiches?q=habitants&size=1").json()["total_fiches"]
    assert expected["Fiche"] == fiches > 0 and expected["Projet social"] > 20

    page.goto("/?q=habitants")  # no type: as before, the fiches then the first parts found
    expect(_choice(page, "Tout")).to_be_checked()
    expect(page.locator("#results > li").first).to_be_visible()
    expect(page.locator("#documents-results article.unit-card")).to_have_count(6)
    assert _counts(page) == {"Fiches": expected["Fiche"], "Projets sociaux": expected["Projet social"],
                             "Plans fédéraux": expected["Plan fédéral"]}
    assert_no_violations(page, f"the type choice, {size}")

    _choice(page, "Projets sociaux").check()
    expect(page).to_have_url(re.compile(r"\?q=habitants&type=projet_social$"))
    section = page.locator("#documents-results")
    expect(section.get_by_role("heading", level=2)).to_have_text("Projets sociaux")
    expect(section.locator("article.unit-card")).to_have_count(20)
    expect(page.locator("#results")).to_be_hidden()
    expect(section.locator(".count")).to_contain_text("page 1 sur")
    assert_no_violations(page, f"the parts of projets sociaux, {size}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"types-projet-social-{size[0]}.png"))
    section.get_by_role("navigation", name="Pagination des parties").get_by_role("link", name="Page 2").click()
    expect(page).to_have_url(re.compile(r"type=projet_social&page_parties=2$"))
    expect(section.locator(".count")).to_contain_text("page 2 sur")
    expect(section.get_by_role("heading", level=2)).to_be_focused()
    first_on_2 = section.locator("article.unit-card h3").first.text_content()
    page.reload()  # the address alone gives the same view
    expect(_choice(page, "Projets sociaux")).to_be_checked()
    expect(section.locator("article.unit-card h3").first).to_have_text(first_on_2 or "")
    expect(page.locator("#results")).to_be_hidden()

    page.goto("/?q=habitants&type=projet_social&page_parties=40")  # past the end: the last page
    expect(page).to_have_url(re.compile(r"type=projet_social&page_parties=2$"))
    expect(section.locator("article.unit-card h3").first).to_have_text(first_on_2 or "")

    _choice(page, "Plans fédéraux").check()
    expect(page).to_have_url(re.compile(r"\?q=habitants&type=plan_federal$"))
    expect(section.locator("article.unit-card")).to_have_count(expected["Plan fédéral"])
    expect(section.locator("article.unit-card").first).to_contain_text("Plan fédéral")
    page.reload()
    expect(_choice(page, "Plans fédéraux")).to_be_checked()
    assert_no_violations(page, f"the parts of plans fédéraux, {size}")

    _choice(page, "Fiches").check()
    expect(page).to_have_url(re.compile(r"\?q=habitants&type=fiche$"))
    expect(page.locator("#results > li").first).to_be_visible()
    expect(section).to_be_hidden()
    page.reload()
    expect(_choice(page, "Fiches")).to_be_checked()
    expect(page.locator("#results > li").first).to_be_visible()
    expect(section).to_be_hidden()
    assert_no_violations(page, f"the fiches alone, {size}")

    page.go_back()  # the history follows the choices
    expect(_choice(page, "Plans fédéraux")).to_be_checked()
    _choice(page, "Tout").check()
    expect(page).to_have_url(re.compile(r"\?q=habitants$"))
    expect(page.locator("#documents-results article.unit-card")).to_have_count(6)
    _choice(page, "Tout").focus()  # by keyboard: the arrows choose, the focus stays on the choice
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"\?q=habitants&type=fiche$"))
    expect(_choice(page, "Fiches")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(section.locator("article.unit-card").first).to_be_visible()
    expect(_choice(page, "Projets sociaux")).to_be_focused()
    assert blocked == [], f"blocked by the CSP: {blocked}"
