"""The filter sheet with its live count (phone) or the sidebar (desktop), and the map of France by département:
a click filters, the keyboard works, the counts are the Département facet's."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.helpers import api, count_re, expect, wait_for_answer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DESKTOP, PHONE = (1366, 768), (390, 844)
VIEWPORTS = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1366x768", "390x844"])


def show_label(total: int) -> str:
    if total == 0:
        return "Aucune fiche trouvée"
    return "Afficher 1 fiche" if total == 1 else f"Afficher les {total} fiches"


def facet_box(page, facet: str, value: str):
    """A facet value's checkbox; a département may read « Sarthe » or « Sarthe (72) »."""
    code = r"(?: \([0-9AB]{2,3}\))?" if facet == "departement" else ""
    return page.locator(f'fieldset[data-facet="{facet}"] li').filter(
        has=page.locator(".facet-label", has_text=re.compile(rf"^{re.escape(value)}{code}$"))).locator("input")


def open_filters(page, size) -> None:
    """On a phone, open the sheet; on a desktop the filters are already there."""
    if size == PHONE:
        page.locator("#filters-toggle").click()
        expect(page.locator("#filters")).to_have_attribute("role", "dialog")


def map_codes(app_url: str, params: dict) -> dict[str, int]:
    """The Département facet of the API: {name: count} (its values read « Nom (code) »)."""
    facet = api(app_url, "/api/fiches", params)["facets"]["departement"]
    return {re.sub(r" \([0-9AB]{2,3}\)$", "", entry["value"]): entry["count"] for entry in facet}


def test_phone_filter_sheet_live_count_and_close(open_page, app_url):
    page = open_page(app_url, *PHONE)
    page.goto("/?q=emploi")
    total = api(app_url, "/api/fiches", {"q": "emploi"})["total"]
    expect(page.locator("#count")).to_have_text(re.compile(rf"^{count_re(total)}"))
    sheet = page.locator("#filters")
    expect(sheet).to_be_hidden()

    toggle = page.locator("#filters-toggle")
    toggle.click()
    expect(sheet).to_be_visible()
    expect(sheet).to_have_attribute("aria-modal", "true")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#sheet-close")).to_be_focused()
    apply = page.locator("#sheet-apply")
    expect(apply).to_have_text(show_label(total))
    # The sheet covers the screen and the page behind it is inert.
    box = sheet.bounding_box()
    assert box["width"] == PHONE[0] and box["height"] == PHONE[1]
    assert page.evaluate("document.getElementById('search-view').inert") is True

    # Ticking a filter keeps the sheet open and the sticky button carries the new count at once.
    filtered = api(app_url, "/api/fiches", {"q": "emploi", "dimension": "Citoyenneté"})["total"]
    assert 0 < filtered < total
    facet_box(page, "dimension", "Citoyenneté").check()
    expect(apply).to_have_text(show_label(filtered))
    expect(sheet).to_be_visible()
    expect(apply).to_be_in_viewport()
    expect(facet_box(page, "dimension", "Citoyenneté")).to_be_focused()

    # "Afficher les N fiches" closes the sheet on the results.
    apply.click()
    expect(sheet).to_be_hidden()
    expect(page.locator("#count")).to_have_text(re.compile(rf"^{count_re(filtered)}"))
    expect(page.locator("#results-heading")).to_be_focused()
    expect(toggle).to_have_text(re.compile(r"Filtres\s*\(1 actif\)"))
    assert page.evaluate("document.getElementById('search-view').inert") is False

    # Escape and "Fermer" close it too, the focus back on the toggle.
    toggle.click()
    expect(sheet).to_be_visible()
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    expect(toggle).to_be_focused()
    toggle.click()
    page.locator("#sheet-close").click()
    expect(sheet).to_be_hidden()
    expect(toggle).to_be_focused()


def test_desktop_sidebar_counts_follow_each_filter(open_page, app_url):
    page = open_page(app_url, *DESKTOP)
    page.goto("/?q=emploi")
    expect(page.locator("#filters-toggle")).to_be_hidden()
    expect(page.locator("#sheet-apply")).to_be_hidden()
    filtered = api(app_url, "/api/fiches", {"q": "emploi", "dimension": "Citoyenneté"})["total"]
    facet_box(page, "dimension", "Citoyenneté").check()
    expect(page.locator("#count")).to_have_text(re.compile(rf"^{count_re(filtered)}"))
    expect(page.locator('fieldset[data-facet="dimension"]')).to_be_in_viewport()


def expect_map_matches_facet(page, app_url: str, params: dict) -> None:
    """Every département of the facet is an active, labelled shape with the facet's count; no other is."""
    facet = map_codes(app_url, params)
    shapes = page.locator("#map path.is-active")
    expect(shapes).to_have_count(len(facet))
    labels = {}
    for shape in shapes.all():
        name, count = re.match(r"^(.+) : (\d+) fiches?$", shape.get_attribute("aria-label")).groups()
        labels[name] = int(count)
        assert shape.get_attribute("role") == "checkbox"
    # Names of the facet: the map says « Paris » for the vendored « Ville de Paris », the rest as the fiches do.
    assert labels == facet


@VIEWPORTS
def test_map_counts_click_and_keyboard(open_page, app_url, size):
    page = open_page(app_url, *size)
    page.goto("/")
    wait_for_answer(page)
    open_filters(page, size)
    expect(page.locator("#map svg")).to_be_visible()
    expect_map_matches_facet(page, app_url, {})
    # Overseas départements are on the map (the seed has fiches in Guadeloupe).
    guadeloupe = page.locator('#map path[data-code="971"]')
    expect(guadeloupe).to_have_attribute("aria-label", re.compile(r"^Guadeloupe : \d+ fiches?$"))
    legend = page.locator("#map .map-legend li")
    expect(legend.first).to_have_text("aucune fiche")

    # A click on a département filters on it; the map and the facet agree.
    sarthe = page.locator('#map path[data-code="72"]')
    sarthe.click()
    expect(page).to_have_url(re.compile(r"departement=Sarthe"))
    total = api(app_url, "/api/fiches", {"departement": "Sarthe"})["total"]
    if size == PHONE:
        expect(page.locator("#sheet-apply")).to_have_text(show_label(total))
    else:
        expect(page.locator("#count")).to_have_text(re.compile(rf"^{count_re(total)}"))
    expect(sarthe).to_have_attribute("aria-checked", "true")
    expect(facet_box(page, "departement", "Sarthe")).to_be_checked()
    expect_map_matches_facet(page, app_url, {"departement": "Sarthe"})

    # Click again: the filter goes.
    sarthe.click()
    expect(sarthe).to_have_attribute("aria-checked", "false")
    assert "departement" not in parse_qs(urlsplit(page.url).query)

    # Keyboard: one Tab stop, arrows move between départements with fiches, Enter toggles.
    focusable = page.locator('#map path[tabindex="0"]')
    expect(focusable).to_have_count(1)
    codes = sorted(p.get_attribute("data-code") for p in page.locator("#map path.is-active").all())
    focusable.focus()
    first = page.evaluate("document.activeElement.dataset.code")
    page.keyboard.press("ArrowRight")
    second = page.evaluate("document.activeElement.dataset.code")
    assert codes.index(second) == (codes.index(first) + 1) % len(codes)
    tip = page.locator("#map .map-tip")
    expect(tip).to_be_visible()
    name = page.evaluate("document.activeElement.getAttribute('aria-label')").split(" : ")[0]
    expect(tip).to_contain_text(name)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"departement="))
    value = parse_qs(urlsplit(page.url).query)["departement"][0]
    assert value in (name, f"{name} ({second})")  # the facet's own value, « Nom (code) »
    expect(page.locator(f'#map path[data-code="{second}"]')).to_have_attribute("aria-checked", "true")
    expect(page.locator(f'#map path[data-code="{second}"]')).to_be_focused()


def test_map_follows_the_query(open_page, app_url):
    page = open_page(app_url, *DESKTOP)
    page.goto("/?q=parentalit%C3%A9")
    wait_for_answer(page)
    expect_map_matches_facet(page, app_url, {"q": "parentalité"})


def test_map_reads_names_codes_and_both(page):
    page.goto("/")
    wait_for_answer(page)
    found = page.evaluate("""async () => {
        const m = await import('./map.js');
        return ['Sarthe', '72', 'Sarthe (72)', '2A', 'Corse-du-Sud', 'La Réunion', '974', "Côte-d'Or",
                'cote d or', 'Paris', 'Guyane', 'Nulle part'].map((v) => m.departementOf(v)?.code ?? null);
    }""")
    assert found == ["72", "72", "72", "2A", "2A", "974", "974", "21", "21", "75", "973", None]
