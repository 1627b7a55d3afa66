"""Reflow at 320 px without horizontal scrolling, the filters panel on narrow screens, and the
screenshots of the results and fiche pages for the README."""

from __future__ import annotations

import pytest

from tests.browser.helpers import SCREENSHOTS, api, expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_reflow_at_320_px(open_page, app_url):
    page = open_page(app_url, width=320, height=640)
    page.goto("/?q=parentalit%C3%A9&mots_cles=Parentalit%C3%A9")
    expect(page.locator("#results > li").first).to_be_visible()
    assert horizontal_overflow(page) <= 0

    toggle = page.locator("#filters-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_text("Filtres (1 actif)")
    expect(page.locator("#filters-panel")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator('fieldset[data-facet="dimension"]')).to_be_visible()
    assert horizontal_overflow(page) <= 0

    hit = api(app_url, "/api/fiches", {"q": "repair café"})["hits"][0]
    page.goto(f"/?fiche={hit['id']}")
    expect(page.locator("#fiche-title")).to_be_visible()
    assert horizontal_overflow(page) <= 0


def test_filters_are_a_sidebar_on_wide_screens(page):
    page.goto("/")
    expect(page.locator("#filters-toggle")).to_be_hidden()
    expect(page.locator('fieldset[data-facet="dimension"]')).to_be_visible()
    sidebar = page.locator("#filters").bounding_box()
    results = page.locator("#results").bounding_box()
    assert sidebar["x"] + sidebar["width"] <= results["x"]


def test_print_stylesheet_keeps_only_the_fiche(page, app_url):
    hit = api(app_url, "/api/fiches", {"q": "repair café"})["hits"][0]
    page.goto(f"/?fiche={hit['id']}")
    expect(page.locator("#fiche-title")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in ("header.site-header", "#filters", ".fiche-nav", "footer.site-footer"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("#fiche-title")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_screenshots_for_the_readme(open_page, app_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page(app_url, width=1280, height=1000)
    page.goto("/?q=parentalit%C3%A9")
    expect(page.locator("#results > li").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "resultats.png"))

    hit = api(app_url, "/api/fiches", {"q": "repair café"})["hits"][0]
    page.goto(f"/?q=repair+caf%C3%A9&fiche={hit['id']}")
    expect(page.locator("#fiche-title")).to_be_visible()
    page.mouse.move(0, 0)
    page.evaluate("document.activeElement.blur()")
    page.screenshot(path=str(SCREENSHOTS / "fiche.png"))
    for name in ("resultats.png", "fiche.png"):
        assert (SCREENSHOTS / name).stat().st_size > 10_000


def test_screenshots_of_the_new_views(open_page, app_url):
    """The map, the filter sheet on a phone, the dossier of Ma sélection and the comparison, for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    hits = api(app_url, "/api/fiches", {"q": "parentalité"})["hits"]
    ids = ",".join(h["id"] for h in hits[:3])

    repair = api(app_url, "/api/fiches", {"q": "repair café"})["hits"][0]["id"]
    picked = ",".join([repair] + [h["id"] for h in hits[:2] if h["id"] != repair][:2])
    searches = "&recherche=q%3Drepair%2Bcaf%C3%A9&recherche=q%3Dparentalit%C3%A9"

    page = open_page(app_url, width=1366, height=768)
    page.goto("/?q=parentalit%C3%A9")
    expect(page.locator("#map svg")).to_be_visible()
    page.locator("#map").screenshot(path=str(SCREENSHOTS / "carte.png"))
    page.goto(f"/?q=parentalit%C3%A9&compare={ids}&comparer=1")
    expect(page.locator("#compare-view thead th[scope='col'] a")).to_have_count(3)
    page.evaluate("document.activeElement.blur()")
    page.screenshot(path=str(SCREENSHOTS / "comparaison.png"))
    page.goto(f"/?q=parentalit%C3%A9&selection={picked}{searches}")
    expect(page.locator("#selection-view article.dossier-fiche")).to_have_count(3)
    expect(page.locator(".dossier-searches li")).to_have_count(2)
    page.evaluate("document.activeElement.blur()")
    page.screenshot(path=str(SCREENSHOTS / "dossier.png"))

    # the fiche's means, with the ETP computation next to the text it is read from
    page.goto(f"/?q=repair+caf%C3%A9&fiche={repair}")
    means = page.locator(".fiche-sub", has=page.locator("h3", has_text="Personnes mobilisées"))
    expect(means.locator(".figure-sum")).to_be_visible()
    page.evaluate("document.activeElement.blur()")
    means.screenshot(path=str(SCREENSHOTS / "fiche-etp.png"))

    phone = open_page(app_url, width=390, height=844)
    phone.goto("/?q=parentalit%C3%A9")
    expect(phone.locator("#results > li").first).to_be_visible()
    phone.screenshot(path=str(SCREENSHOTS / "telephone-resultats.png"))
    phone.locator("#filters-toggle").click()
    expect(phone.locator("#sheet-apply")).to_be_visible()
    phone.screenshot(path=str(SCREENSHOTS / "telephone-filtres.png"))
    for name in ("carte.png", "comparaison.png", "dossier.png", "telephone-resultats.png", "telephone-filtres.png",
                 "fiche-etp.png"):
        assert (SCREENSHOTS / name).stat().st_size > 10_000
