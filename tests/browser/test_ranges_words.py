"""Issue 12, last items: the Période inside the Année facet, range errors next to their field, budget sorted
both ways, controlled values written with their capital, French typography everywhere, a shared link that
shows its search under way at once, an error that keeps the heading and offers "Réessayer"."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import _start_server
from tests.browser.helpers import SCREENSHOTS, api, count_re, expect, normalise_spaces
from tests.browser.test_accessibility import assert_no_violations
from tests.paths import FIXTURES, SEED

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DESKTOP, PHONE = (1366, 768), (390, 844)
VIEWPORTS = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1366x768", "390x844"])

# Text a person reads with a plain space (or none) where French wants a non-breaking one.
BAD_TYPOGRAPHY = re.compile(r"[ \t][:;?!»]|«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»")
READ_TEXT = """() => {
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('[hidden], script, style, noscript, datalist')) continue;
    out.push(node.nodeValue);
  }
  for (const input of document.querySelectorAll('input[placeholder]')) out.push(input.placeholder);
  // the text of a view, as read: adjacent text nodes joined (« » and : often meet across nodes)
  return out.join('');
}"""


@pytest.fixture(scope="module")
def dated_app_url(browser, tmp_path_factory):
    """The app over the seed (no year) plus pages of dated fiches (2014 to 2021)."""
    yield from _start_server(tmp_path_factory.mktemp("dated"), {
        SEED.name: SEED, "liste.txt": FIXTURES / "list_pages.txt", "fiches.html": FIXTURES / "html_definitions.html",
        "page-coupee.txt": FIXTURES / "truncated_page.txt"})


def open_filters(page, size) -> None:
    if size[0] < 800:
        page.locator("#filters-toggle").click()
        expect(page.locator("#filters")).to_have_attribute("aria-modal", "true")


@VIEWPORTS
def test_annee_facet_and_periode_are_one_control(open_page, dated_app_url, size):
    app_url = dated_app_url
    page = open_page(app_url, *size)
    page.goto("/")
    expect(page.locator("#results > li").first).to_be_visible()
    open_filters(page, size)
    annee = page.locator('fieldset[data-facet="annee"]')
    # the Période bounds sit in the Année fieldset, above its boxes; no second year block anywhere
    expect(annee.locator('fieldset[data-range="annee"] legend')).to_have_text("Période")
    expect(page.locator('fieldset[data-range="annee"]')).to_have_count(1)
    expect(page.locator("#ranges-form fieldset[data-range]")).to_have_count(2)  # budget and ETP
    period_box = annee.locator("#range-annee_min").bounding_box()
    first_year = annee.locator(".facet-values li").first.bounding_box()
    assert period_box["y"] < first_year["y"]

    annee.get_by_label("De").fill("2019")
    annee.get_by_label("À").fill("2021")
    annee.get_by_label("À").press("Enter")
    expect(page).to_have_url(re.compile(r"annee_min=2019&annee_max=2021"))
    total = api(app_url, "/api/fiches", {"annee_min": 2019, "annee_max": 2021})["total"]
    expect(page.locator("#count")).to_have_text(re.compile(rf"^{count_re(total)}"))
    # the year boxes count within the period, and both stay in the one fieldset after the search
    expect(page.locator('fieldset[data-facet="annee"] #range-annee_max')).to_have_value("2021")
    years = [int(v) for v in page.locator('fieldset[data-facet="annee"] .facet-label').all_text_contents()]
    assert years and all(2019 <= y <= 2021 for y in years)
    assert_no_violations(page, f"the Année facet with its Période at {size}")
    if size == DESKTOP:  # for the README
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("document.activeElement.blur()")
        annee.screenshot(path=str(SCREENSHOTS / "filtre-annee.png"))
        assert (SCREENSHOTS / "filtre-annee.png").stat().st_size > 3_000


def test_periode_without_any_year_stays_with_the_other_ranges(page):
    """The seed has no year: no Année facet, and the Période is drawn with the other ranges, once."""
    page.goto("/")
    expect(page.locator("#results > li").first).to_be_visible()
    expect(page.locator('fieldset[data-facet="annee"]')).to_have_count(0)
    expect(page.locator('#ranges-form fieldset[data-range="annee"]')).to_have_count(1)
    expect(page.locator("#range-annee_min")).to_have_count(1)


@VIEWPORTS
def test_range_errors_sit_next_to_their_field(open_page, app_url, size):
    page = open_page(app_url, *size)
    page.goto("/")
    expect(page.locator("#results > li").first).to_be_visible()
    open_filters(page, size)
    page.locator("#range-budget_max").fill("beaucoup")
    page.locator("#range-etp_min").fill("0,5")
    page.locator("#range-etp_min").press("Enter")
    field = page.locator("#range-budget_max")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "range-budget_max-error")
    error = page.locator("#range-budget_max-error")
    expect(error).to_contain_text("Saisissez un nombre positif, par exemple 1500, 10k ou 15 k€")
    expect(field).to_be_focused()
    # right under its own field, and the others say nothing
    gap = page.evaluate("""() => {
      const field = document.getElementById('range-budget_max').getBoundingClientRect();
      const error = document.getElementById('range-budget_max-error').getBoundingClientRect();
      return [error.top - field.bottom, Math.abs(error.left - field.left)];
    }""")
    assert 0 <= gap[0] < 24 and gap[1] < 24, gap
    assert page.locator("#range-etp_min").get_attribute("aria-invalid") is None
    expect(page.locator("#range-etp_min-error")).to_be_empty()
    assert "etp_min" not in page.url  # nothing applied while a field is wrong
    assert_no_violations(page, f"a range error at {size}")

    if size == DESKTOP:  # for the README
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator('#ranges-form fieldset[data-range="budget"]').screenshot(
            path=str(SCREENSHOTS / "erreur-intervalle.png"))
    field.fill("15 k€")
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"budget_max=15000"))
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#range-budget_max-error")).to_be_empty()


def test_inverted_url_says_so_next_to_the_field_and_in_the_alert(page, app_url):
    page.goto("/?q=atelier&budget_min=15k&budget_max=1000")
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"^Résultats pour «\s?atelier\s?»$"))
    expect(page.locator("#range-budget_min-error")).to_contain_text("Le minimum (15k) est supérieur au maximum (1000)")
    expect(page.locator("#range-budget_min")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#alert")).to_contain_text("budget_min")
    expect(page.locator("#count")).not_to_have_text(re.compile("Aucune fiche"))  # not a silent 0
    assert_no_violations(page, "an inverted range from the URL")
    page.locator("#alert").get_by_role("button", name="Corriger le filtre").click()
    expect(page.locator("#range-budget_min")).to_be_focused()


def test_budget_sorts_both_ways_and_says_which(page, app_url):
    page.goto("/")
    options = [normalise_spaces(t) for t in page.locator("#sort option").all_inner_texts()]
    assert "Budget décroissant (le plus élevé d’abord)" in options
    assert "Budget croissant (le plus faible d’abord)" in options
    expected = {}
    for sort in ("budget", "budget_croissant"):
        page.locator("#sort").select_option(sort)
        expect(page).to_have_url(re.compile(rf"sort={sort}(&|$)"))
        hits = api(app_url, "/api/fiches", {"sort": sort, "size": 20})["hits"]
        expected[sort] = [h["budget_eur"] for h in hits if h["budget_eur"] is not None]
        expect(page.locator("#results > li").first.locator(".card-title a")).to_have_attribute(
            "data-fiche", hits[0]["id"])
    assert expected["budget"] == sorted(expected["budget"], reverse=True)
    assert expected["budget_croissant"] == sorted(expected["budget_croissant"])
    assert expected["budget"][0] > expected["budget_croissant"][0]


def test_controlled_values_have_their_capital_in_the_text(page, app_url):
    page.goto("/?public=familles")  # a hand-typed value: the chip still writes it with its capital
    expect(page.locator("#results > li").first).to_be_visible()
    expect(page.locator("#chips .chip")).to_contain_text("Public : Familles")
    labels = page.locator('fieldset[data-facet="public"] .facet-label').all_inner_texts()
    assert "Familles" in labels and all(label[:1].isupper() for label in labels)
    keywords = page.locator('fieldset[data-facet="mots_cles"] .facet-label').all_text_contents()
    assert keywords and all(k[:1].isupper() for k in keywords)  # the text itself, not a CSS transform
    transforms = page.evaluate("""() => [...document.querySelectorAll('.facet-label, .tag')]
        .map((n) => getComputedStyle(n, '::first-letter').textTransform)""")
    assert set(transforms) <= {"none"}
    tags = page.locator("#results .tag").all_text_contents()
    assert tags and all(t[:1].isupper() for t in tags)


def test_words_and_french_typography_on_every_view(page, app_url):
    hits = api(app_url, "/api/fiches", {"q": "parentalité"})["hits"]
    ids = [h["id"] for h in hits[:3]]
    page.goto("/?q=parentalit%C3%A9&dimension=Services")
    expect(page.locator("#results > li").first).to_be_visible()
    expect(page.get_by_role("button", name="Effacer les filtres")).to_be_visible()
    expect(page.locator('fieldset[data-facet="initiative"] legend')).to_have_text("À l'initiative de")
    more = page.locator('fieldset[data-facet="departement"] .facet-more')
    if more.count():
        expect(more).to_have_text(re.compile(r"^Afficher (les \d+ autres|l’autre)$"))
    views = {
        "results": "/?q=parentalit%C3%A9&dimension=Services",
        "no result": "/?q=zzzzqqq",
        "fiche": f"/?q=parentalit%C3%A9&fiche={ids[0]}",
        "dossier": f"/?q=parentalit%C3%A9&selection={','.join(ids)}",
        "comparison": f"/?compare={','.join(ids)}&comparer=1",
    }
    ready = {"results": "#results > li", "no result": "#empty p", "fiche": "#fiche-title",
             "dossier": "#selection-view article.dossier-fiche", "comparison": "#compare-view thead th a"}
    for name, url in views.items():
        page.goto(url)
        expect(page.locator(ready[name]).first).to_be_visible()
        if name == "no result":
            expect(page.locator("#count")).to_have_text("Aucune fiche trouvée")
        text = page.evaluate(READ_TEXT)
        bad = [text[max(0, m.start() - 30): m.end() + 10] for m in BAD_TYPOGRAPHY.finditer(text)]
        assert bad == [], f"plain spaces where French wants a non-breaking one, on the {name} view: {bad[:8]}"


def test_a_very_long_query_is_shortened_in_the_heading_and_the_title(page):
    query = "atelier " * 20
    page.goto(f"/?q={query.strip().replace(' ', '+')}")
    heading = page.locator("#results-heading")
    expect(heading).to_have_text(re.compile(r"…\s?»$"))
    assert len(heading.inner_text()) < 80
    assert "…" in page.title() and len(page.title()) < 140
    expect(page.locator("#q")).to_have_value(query.strip())  # the box keeps it whole


def test_a_shared_link_shows_its_search_at_once_then_an_error_keeps_the_heading(page, app_url):
    held = []  # the search requests, answered only once the test has looked at the page
    page.route(re.compile(r"/api/fiches\?"), lambda route: held.append(route))
    page.goto("/?q=jardin+partag%C3%A9", wait_until="domcontentloaded")
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"^Résultats pour «\s?jardin partagé\s?»$"))
    expect(page.locator("#busy")).to_be_visible()
    expect(page.locator("#count")).to_have_text("Recherche en cours…")
    expect(page).to_have_title(re.compile(r"jardin partagé"))
    for _ in range(100):  # the request leaves once the page's modules have run: 300 ms was not always enough in CI
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the search should be under way"
    expect(page.locator("#count")).to_have_text("Recherche en cours…")  # still: nothing has answered
    for route in held:
        route.continue_()
    expect(page.locator("#count")).not_to_have_text("Recherche en cours…")
    expect(page.locator("#busy")).to_be_hidden()
    page.unroute(re.compile(r"/api/fiches\?"))

    # The service fails: the heading follows the box, the alert offers Réessayer, which works once it is back.
    failing = {"on": True}

    def broken(route):
        if failing["on"]:
            route.fulfill(status=503, content_type="application/json", body='{"error": {"status": 503, '
                          '"code": "unavailable", "message": "Le service est indisponible.", "detail": {}}}')
        else:
            route.continue_()

    page.route(re.compile(r"/api/fiches\?"), broken)
    page.locator("#q").fill("jardin")
    page.locator("#q").press("Enter")
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"^Résultats pour «\s?jardin\s?»$"))
    alert = page.locator("#alert")
    expect(alert).to_contain_text("Le service est indisponible.")
    retry = alert.get_by_role("button", name="Réessayer")
    expect(retry).to_be_visible()
    failing["on"] = False
    retry.click()
    expect(alert).to_be_empty()
    total = api(app_url, "/api/fiches", {"q": "jardin"})["total"]
    expect(page.locator("#count")).to_have_text(re.compile(rf"^{count_re(total)}"))


def test_every_module_is_preloaded(page):
    page.goto("/")
    expect(page.locator("#results > li").first).to_be_visible()
    preloaded = set(page.evaluate("""() => [...document.querySelectorAll('link[rel=modulepreload]')]
        .map((l) => new URL(l.href).pathname)"""))
    loaded = set(page.evaluate("""() => performance.getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.js'))"""))
    entry = {"/app.js", "/loading.js"}
    assert loaded - entry and loaded - entry <= preloaded, sorted(loaded - entry - preloaded)
