"""The result set on the page: places offered as filters, close results when nothing has every word or after a
short set, folded near-duplicates with what differs, what similar fiches share, previous results kept while
searching."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.helpers import api, card_titles, expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_place_in_the_query_offers_its_departement(page, app_url):
    page.goto("/?q=Marseille")
    offer = page.locator("#places button.place-filter")
    expect(offer).to_have_text("Filtrer sur Bouches-du-Rhône (13)")
    first = api(app_url, "/api/fiches", {"q": "Marseille"})["hits"][0]
    assert first["departement_code"] == "13"
    expect(page.locator("#results > li").first).to_contain_text(first["title"])
    offer.click()
    expect(page).to_have_url(re.compile(r"departement=Bouches-du-Rh"))
    expect(page.locator("#chips")).to_contain_text("Bouches-du-Rhône (13)")
    expect(page.locator("#places button")).to_have_count(0)  # already applied
    facet = page.locator('fieldset[data-facet="departement"] .facet-label', has_text="Bouches-du-Rhône (13)")
    expect(facet).to_be_visible()


def test_departement_facet_shows_codes_and_its_filter_box_matches_them(page):
    page.goto("/")
    fieldset = page.locator('fieldset[data-facet="departement"]')
    box = fieldset.locator("input.facet-filter")
    box.fill("13")
    visible = fieldset.locator("li:not([hidden]) .facet-label")
    expect(visible).to_have_count(1)
    expect(visible).to_have_text("Bouches-du-Rhône (13)")


def test_close_results_when_no_fiche_has_every_word(page, app_url):
    answer = api(app_url, "/api/fiches", {"q": "café apiculture"})
    assert answer["total"] == 0 and answer["approchants"]
    page.goto("/?q=café apiculture")
    empty = page.locator("#empty")
    expect(empty.locator("h2")).to_have_text("Aucune fiche ne contient tous les mots de votre recherche")
    expect(empty.locator("ol.approchants > li")).to_have_count(len(answer["approchants"]))
    expect(empty.locator("ol.approchants > li").first).to_contain_text(answer["approchants"][0]["title"])
    expect(page.locator("#results > li")).to_have_count(0)
    expect(page.locator("#export-csv")).to_be_hidden()


def test_close_results_follow_a_short_result_set(page, app_url):
    """« mobilité rurale »: the fiches saying both come first, then, apart, those that say only one."""
    answer = api(app_url, "/api/fiches", {"q": "mobilité rurale"})
    assert answer["total"] >= 1 and answer["approchants"]
    page.goto("/?q=mobilité rurale")
    expect(page.locator("#results > li")).to_have_count(len(answer["hits"]))
    near = page.locator("#near")
    expect(near.locator("h2")).to_have_text("Fiches approchantes")
    expect(near.locator("> p")).to_contain_text("une partie des mots de votre recherche, pas tous")
    expect(near.locator("ol.approchants > li")).to_have_count(len(answer["approchants"]))
    expect(near.locator("ol.approchants > li").first).to_contain_text(answer["approchants"][0]["title"])
    expect(page.locator("#empty h2")).to_have_count(0)
    page.goto("/?q=café apiculture")  # nothing has every word: the close results are the empty state's
    expect(page.locator("#empty ol.approchants > li").first).to_be_visible()
    expect(page.locator("#near")).to_be_hidden()


def test_near_duplicates_come_folded_with_what_differs(page, app_url):
    answer = api(app_url, "/api/fiches", {"q": "Bienvenue nouvelles populations"})
    grouped = [h for h in answer["hits"] if h["autres"]]
    assert grouped, "the seed holds one action published twice"
    assert answer["total"] == answer["total_fiches"] - len(grouped[0]["autres"])
    page.goto("/?q=Bienvenue nouvelles populations")
    expect(page.locator("#count")).to_have_text(re.compile(
        rf"^{answer['total']} actions? \({answer['total_fiches']} fiches\)"))
    titles = card_titles(page)
    assert titles.count(grouped[0]["title"]) == 1
    summary = page.locator("#results details.dups summary").first
    expect(summary).to_contain_text(grouped[0]["libelle_doublons"])


def test_similar_fiches_say_what_they_share(page, app_url):
    fiche_id = api(app_url, "/api/fiches", {"q": "repair café"})["hits"][0]["id"]
    similar = api(app_url, f"/api/fiches/{fiche_id}/similaires")["hits"]
    assert similar and all(h["commun"] for h in similar)
    page.goto(f"/?fiche={fiche_id}")
    shared = page.locator(".similar .commun").first
    expect(shared).to_have_text(re.compile(r"^En commun\s: "))
    expect(shared).to_contain_text(similar[0]["commun"][0])


def test_previous_results_stay_on_screen_while_a_new_search_runs(page, app_url):
    page.goto("/?q=jeunes")
    expect(page.locator("#results > li").first).to_be_visible()
    before = card_titles(page)

    def slow(route):
        time.sleep(1.5)
        route.continue_()

    page.route(re.compile(r"/api/fiches\?.*q=parents"), slow)
    page.locator("#q").fill("parents")
    expect(page.locator("#results")).to_have_attribute("aria-busy", "true")
    assert card_titles(page) == before  # still the previous results, not a blank list
    expect(page.locator("#results")).to_have_attribute("aria-busy", "false", timeout=15_000)
    assert card_titles(page) != before
