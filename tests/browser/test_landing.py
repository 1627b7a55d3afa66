"""The first visit starts with a click (an introduction, entries by theme and by public), long queries are
shortened in the heading, and a failed search offers "Réessayer"."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import api, count_re, expect, wait_for_answer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_landing_introduces_and_offers_entries_by_theme_and_public(page, app_url):
    page.goto("/")
    landing = page.locator("#landing")
    expect(landing).to_be_visible()
    expect(landing).to_contain_text("Une fiche action décrit une action")
    expect(landing).to_contain_text("Le catalogue compte 25 fiches.")
    facets = api(app_url, "/api/fiches")["facets"]
    themes = landing.locator('ul[aria-labelledby="landing-themes"] button')
    expect(themes).to_have_count(min(12, len(facets["mots_cles"])))
    first = facets["mots_cles"][0]
    expect(themes.first).to_have_text(re.compile(rf"^{re.escape(first['value'][0].upper() + first['value'][1:])} \({first['count']}\)"))
    expect(landing.locator('ul[aria-labelledby="landing-public"] button').first).to_be_visible()

    themes.first.click()
    expect(page.locator("#count")).to_have_text(re.compile(rf"^{count_re(first['count'])}"))
    expect(page).to_have_url(re.compile(r"mots_cles="))
    expect(landing).to_be_hidden()
    # Typing hides it at once too.
    page.goto("/")
    expect(landing).to_be_visible()
    page.locator("#q").press_sequentially("ca")
    expect(landing).to_be_hidden()


def test_long_query_is_shortened_and_a_failed_search_offers_retry(page, app_url):
    long_query = "atelier " * 15
    page.goto(f"/?q={long_query.strip().replace(' ', '+')}")
    heading = page.locator("#results-heading")
    expect(heading).to_have_text(re.compile(r"^Résultats pour «\sat.*…\s»$"))
    assert len(heading.inner_text()) < 90
    assert len(page.title()) < 140

    page.route(re.compile(r"/api/fiches\?"), lambda route: route.fulfill(status=503, body="indisponible"))
    page.locator("#q").fill("jardin")
    page.locator("#q").press("Enter")
    alert = page.locator("#alert")
    expect(alert).to_contain_text("Le service a répondu par une erreur (503)")
    expect(heading).to_have_text("Résultats pour « jardin »")
    page.unroute(re.compile(r"/api/fiches\?"))
    alert.get_by_role("button", name="Réessayer").click()
    total = api(app_url, "/api/fiches", {"q": "jardin"})["total"]
    expect(page.locator("#count")).to_have_text(re.compile(rf"^{count_re(total)}"))
    expect(alert).to_be_hidden()


def test_fiche_highlights_steps_through_the_result_and_copies_its_link(open_page, app_url):
    page = open_page(app_url, 390, 844)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    hits = api(app_url, "/api/fiches", {"q": "emploi", "size": 20})["hits"]
    page.goto("/?q=emploi")
    page.locator("#results .card-title a").first.click()
    expect(page.locator("#fiche-title")).to_have_text(hits[0]["title"])
    marks = page.locator("#fiche-view .fiche-section:not(.no-print) mark")  # not the similar fiches' snippets
    expect(marks.first).to_be_visible()
    texts = marks.all_inner_texts()
    assert all(re.match(r"(?i)^emplo", text) for text in texts), [t for t in texts if not re.match(r"(?i)^emplo", t)]
    # On a phone the résumé comes before the facts box.
    assert page.locator("#fiche-view .fiche-resume").bounding_box()["y"] < page.locator("#fiche-view .facts").bounding_box()["y"]

    page.get_by_role("link", name=re.compile(r"^Fiche suivante")).click()
    expect(page.locator("#fiche-title")).to_have_text(hits[1]["title"])
    expect(page.get_by_role("link", name=re.compile(r"Fiche précédente"))).to_be_visible()
    page.get_by_role("button", name="Copier le lien").click()
    expect(page.locator("#fiche-view .copy-note")).to_have_text("Lien copié.")
    assert page.evaluate("navigator.clipboard.readText()") == page.url


def test_ranges_accept_thousands_and_report_an_inverted_url(page, app_url):
    page.goto("/")
    wait_for_answer(page)
    page.locator("#range-budget_min").fill("10k")
    page.locator("#range-budget_max").fill("15 k€")
    page.locator("#range-budget_max").press("Enter")
    expect(page).to_have_url(re.compile(r"budget_min=10000&budget_max=15000"))
    total = api(app_url, "/api/fiches", {"budget_min": 10000, "budget_max": 15000})["total"]
    expect(page.locator("#count")).to_have_text(re.compile(rf"^{count_re(total)}"))

    page.goto("/?etp_min=3&etp_max=1")
    error = page.locator("#range-etp_min-error")  # next to its field, and named by it
    expect(error).to_contain_text("Le minimum (3) est supérieur au maximum (1)")
    expect(page.locator("#range-etp_min")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#range-etp_min")).to_have_attribute("aria-describedby", "range-etp_min-error")
    expect(page.locator("#range-etp_max")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#alert")).to_contain_text("etp_min")  # the API's 422 says so: no silent 0
    expect(page.locator("#count")).not_to_contain_text("Aucune fiche trouvée")


def test_compare_button_next_to_the_ticked_boxes(page):
    page.goto("/")
    boxes = page.locator("#results input[data-compare]")
    boxes.nth(0).check()
    expect(page.locator("#results .compare-now")).to_have_count(0)
    boxes.nth(1).check()
    near = page.locator("#results > li").nth(1).get_by_role("button", name="Comparer ces 2 fiches")
    expect(near).to_be_visible()
    near.click()
    expect(page.locator("#compare-title")).to_have_text("Comparaison de 2 fiches")
