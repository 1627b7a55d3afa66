"""End to end in a real browser: type, filter, open a fiche, go back, share a URL, sort, page, export."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.helpers import api, card_titles, count_text, expect, normalise_spaces, wait_for_answer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REPAIR_FICHE = "Bien vivre dans son logement, s'ouvrir vers l'extérieur"


def expect_count(page, total: int, page_note: str = "") -> None:
    """``total`` fiches: « N fiches trouvées », or « M actions (N fiches) » when near-duplicates are folded."""
    shown = rf"(?:{re.escape(count_text(total))}|\d+ actions? \({total} fiches\))"
    expect(page.locator("#count")).to_have_text(re.compile(rf"^{shown}{page_note}"))


def facet_box(page, facet: str, value: str):
    return page.locator(f'fieldset[data-facet="{facet}"] li').filter(
        has=page.locator(".facet-label", has_text=re.compile(rf"^{re.escape(value)}$"))).locator("input")


def facet_count(page, facet: str, value: str) -> int:
    item = page.locator(f'fieldset[data-facet="{facet}"] li').filter(
        has=page.locator(".facet-label", has_text=re.compile(rf"^{re.escape(value)}$")))
    return int(re.sub(r"\D", "", item.locator(".facet-count").inner_text()))


def test_first_load_lists_every_seed_fiche(page, app_url, ground_truth):
    page.goto("/")
    expect_count(page, len(ground_truth))
    expect(page).to_have_title(re.compile(r"25 fiches trouvées|\(25 fiches\)"))
    assert page.locator("html").get_attribute("lang") == "fr"
    # Every dimension of the ground truth is a facet value with its count.
    for dimension in {f["dimension"] for f in ground_truth if f["dimension"]}:
        expected = sum(1 for f in ground_truth if f["dimension"] == dimension)
        assert facet_count(page, "dimension", dimension) == expected, dimension


def test_type_filter_open_back_share_sort_page_export(page, app_url, ground_truth, open_page, tmp_path):
    page.goto("/")
    expect_count(page, 25)

    # Type a query: results come after a short pause, without pressing Enter.
    page.locator("#q").press_sequentially("repair café", delay=40)
    expected = api(app_url, "/api/fiches", {"q": "repair café", "size": 20})
    expect_count(page, expected["total_fiches"])
    assert card_titles(page)[0] == REPAIR_FICHE
    assert expected["hits"][0]["title"] == REPAIR_FICHE
    assert parse_qs(urlsplit(page.url).query)["q"] == ["repair café"]
    expect(page).to_have_title(re.compile(r"^«\srepair café\s»"))
    expect(page.locator("#results .snippet mark").first).to_be_visible()

    # Clear the query with Enter: all the fiches again, then one facet, then AND across facets.
    page.locator("#q").fill("")
    page.locator("#q").press("Enter")
    expect_count(page, 25)
    facet_box(page, "dimension", "Citoyenneté").check()
    citoyennete = [f for f in ground_truth if f["dimension"] == "Citoyenneté"]
    expect_count(page, len(citoyennete))
    # Disjunctive counting: the other dimensions keep their own counts; other facets count within.
    services = sum(1 for f in ground_truth if f["dimension"] == "Services")
    assert facet_count(page, "dimension", "Services") == services
    parentalite = [f for f in citoyennete if "Parentalité" in f["mots_cles"]]
    assert facet_count(page, "mots_cles", "Parentalité") == len(parentalite)
    facet_box(page, "mots_cles", "Parentalité").check()
    expect_count(page, len(parentalite))
    # OR within a facet.
    facet_box(page, "dimension", "Services").check()
    both = [f for f in ground_truth
            if f["dimension"] in ("Citoyenneté", "Services") and "Parentalité" in f["mots_cles"]]
    expect_count(page, len(both))
    expect(page.locator("#chips button.chip")).to_have_count(3)
    page.locator("#chips button.chip", has_text="Dimension : Services").click()
    expect_count(page, len(parentalite))
    expect(facet_box(page, "dimension", "Services")).not_to_be_checked()

    # Open a fiche, then come back: the state is intact.
    results_url = page.url
    first = card_titles(page)[0]
    page.locator("#results .card-title a").first.click()
    expect(page.locator("#fiche-title")).to_have_text(first)
    assert "fiche=" in page.url
    expect(page.locator("#fiche-view h2", has_text="Résumé")).to_be_visible()
    expect(page).to_have_title(re.compile(rf"^{re.escape(first)}"))
    page.go_back()
    expect(page.locator("#search-view")).to_be_visible()
    assert page.url == results_url
    expect_count(page, len(parentalite))
    expect(facet_box(page, "dimension", "Citoyenneté")).to_be_checked()
    expect(facet_box(page, "mots_cles", "Parentalité")).to_be_checked()
    page.go_forward()
    expect(page.locator("#fiche-title")).to_have_text(first)
    page.locator("#fiche-view a.back-link").click()
    expect_count(page, len(parentalite))
    assert page.url == results_url

    # A shared URL opened in a fresh page shows the same results and filters.
    other = open_page(app_url)
    other.goto(results_url)
    expect_count(other, len(parentalite))
    assert card_titles(other) == card_titles(page)
    expect(facet_box(other, "dimension", "Citoyenneté")).to_be_checked()

    # Sort by title: the order is the API's for the same query.
    page.locator("#chips .clear-all").click()
    expect_count(page, 25)
    page.locator("#sort").select_option("titre")
    expect(page).to_have_url(re.compile(r"sort=titre"))
    by_title = api(app_url, "/api/fiches", {"sort": "titre", "size": 20})
    expect(page.locator("#results .card-title a").first).to_have_text(by_title["hits"][0]["title"])

    # Page 2 of 2.
    page.locator("#pager a[data-page='2']").first.click()
    expect_count(page, 25, r", page 2 sur 2")
    expect(page).to_have_url(re.compile(r"page=2"))
    second = api(app_url, "/api/fiches", {"sort": "titre", "size": 20, "page": 2})
    expect(page.locator("#results .card-title a").first).to_have_text(second["hits"][0]["title"])
    expect(page.locator("#pager a[aria-current='page']")).to_have_text("2")

    # Export the current result set as CSV: every fiche, ; separated, with a BOM for Excel.
    page.locator("#exports summary").click()  # the exports are in a menu
    with page.expect_download() as download_info:
        page.locator("#export-csv").click()
    path = tmp_path / "export.csv"
    download_info.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) - 1 == 25
    titles = {row[rows[0].index("title")] for row in rows[1:]}
    assert REPAIR_FICHE in titles


def test_export_links_follow_the_query(page, app_url):
    page.goto("/?q=emploi&dimension=Services&page=2&sort=recent")
    wait_for_answer(page)
    for link, fmt in (("#export-csv", "csv"), ("#export-json", "json")):
        href = page.locator(link).get_attribute("href")
        parsed = urlsplit(href)
        assert parsed.path.endswith(f"api/fiches.{fmt}")
        params = parse_qs(parsed.query)
        assert params["q"] == ["emploi"] and params["dimension"] == ["Services"]
        assert params["sort"] == ["recent"] and "page" not in params and "size" not in params
    data = page.request.get(page.locator("#export-json").get_attribute("href")).json()
    total = api(app_url, "/api/fiches", {"q": "emploi", "dimension": "Services"})["total"]
    assert isinstance(data, list) and len(data) == total > 0


def test_no_result_offers_the_spelling_and_the_filters_to_remove(page, app_url):
    page.goto("/?q=epicerie%20solidaire&dimension=Services&statut=Termin%C3%A9e")
    answer = api(app_url, "/api/fiches", {"q": "epicerie solidaire", "dimension": "Services", "statut": "Terminée"})
    if answer["total"]:
        pytest.fail(f"the query was meant to find nothing, found {answer['total']}")
    expect_count(page, 0)
    empty = page.locator("#empty")
    expect(empty.locator("h2")).to_have_text("Aucune fiche ne correspond à votre recherche")
    expect(empty.locator("button.chip")).to_have_count(2)
    empty.locator("button.chip", has_text="Statut : Terminée").click()
    expect(page).not_to_have_url(re.compile(r"statut="))


def test_did_you_mean_is_a_link_to_the_corrected_search(page, app_url):
    answer = api(app_url, "/api/fiches", {"q": "numerik"})
    assert answer["suggestion"] == "numérique" and answer["total"] > 0
    page.goto("/?q=numerik")
    expect_count(page, answer["total_fiches"])
    link = page.locator("#did-you-mean a")
    expect(link).to_have_text("numérique")
    link.click()
    expect(page.locator("#q")).to_have_value("numérique")
    expect(page).to_have_url(re.compile(r"q=num%C3%A9rique"))
    expect(page.locator("#results > li").first).to_be_visible()


def test_fiche_page_shows_figures_next_to_their_text(page, app_url):
    hit = api(app_url, "/api/fiches", {"q": "repair café"})["hits"][0]
    fiche = api(app_url, f"/api/fiches/{hit['id']}")
    page.goto(f"/?q=repair+caf%C3%A9&fiche={hit['id']}")
    expect(page.locator("#fiche-title")).to_have_text(REPAIR_FICHE)
    money = page.locator(".fiche-sub", has=page.locator("h3", has_text="Ressources financières"))
    expect(money.locator(".figure")).to_contain_text("30")
    assert normalise_spaces(money.locator(".figure").inner_text()) == "Budget retenu : 30 500 €"
    expect(money.locator(".raw-text")).to_contain_text("30500")
    people = page.locator(".fiche-sub", has=page.locator("h3", has_text="Personnes mobilisées"))
    assert normalise_spaces(people.locator(".figure").inner_text()) == "Équivalent temps plein : 1,4 ETP"
    # the computation, from the terms the API read in the text
    terms = " + ".join(f"{t['etp']:g}".replace(".", ",") for t in fiche["calcul_etp"])
    assert len(fiche["calcul_etp"]) >= 2
    assert normalise_spaces(people.locator(".figure-sum").inner_text()) == f"Calcul : {terms} = 1,4 ETP"
    headings = [normalise_spaces(h) for h in page.locator("#fiche-view h2").all_inner_texts()]
    order = ["Résumé", "L’expérience : objectifs, acteurs et étapes", "Description générale",
             "Moyens mobilisés", "Résultats"]
    assert [h for h in headings if h in order] == order
    back = page.locator("#fiche-view a.back-link")
    assert "q=repair" in back.get_attribute("href") and "fiche=" not in back.get_attribute("href")
    assert fiche["title"] == REPAIR_FICHE


def test_near_duplicates_fold_under_their_first_fiche(page, app_url):
    """The engine folds the group: one card, led by its most recent fiche, the other one inside."""
    answer = api(app_url, "/api/fiches", {"q": "Ségala-Limargue"})
    same = [h for h in answer["hits"] if h["title"].startswith("Bienvenue !")]
    assert len(same) == 1 and len(same[0]["autres"]) == 1, "the seed holds the Ségala-Limargue fiche twice"
    page.goto("/?q=S%C3%A9gala-Limargue")
    wait_for_answer(page)
    cards = page.locator("#results > li > article", has=page.locator(".card-title", has_text="Bienvenue !"))
    expect(cards).to_have_count(1)
    leader, follower = same[0], same[0]["autres"][0]
    expect(cards.locator(".card-title a")).to_have_attribute("data-fiche", leader["id"])
    folded = cards.locator("details.dups")
    expect(folded.locator("summary")).to_have_text(re.compile(r"^1 autre fiche"))
    folded.locator("summary").click()
    expect(folded.locator("a")).to_have_count(1)
    expect(folded.locator("a")).to_have_attribute("data-fiche", follower["id"])


def test_range_filters_with_french_numbers_and_errors(page, app_url, ground_truth):
    page.goto("/")
    expect_count(page, 25)
    page.locator("#range-budget_min").fill("30 000")
    page.locator("#range-budget_min").press("Enter")
    rich = [f for f in ground_truth if f["budget_eur"] is not None and f["budget_eur"] >= 30000]
    expect_count(page, len(rich))
    expect(page).to_have_url(re.compile(r"budget_min=30000"))
    chip = page.locator("#chips button.chip")
    expect(chip).to_have_count(1)
    assert "Budget : au moins 30 000 €" in normalise_spaces(chip.inner_text())

    page.locator("#range-etp_min").fill("0,5")
    page.locator("#range-etp_min").press("Enter")
    both = [f for f in rich if f["etp"] is not None and f["etp"] >= 0.5]
    expect_count(page, len(both))
    expect(page).to_have_url(re.compile(r"etp_min=0.5"))

    page.locator("#range-etp_max").fill("beaucoup")
    page.locator("#range-etp_max").press("Enter")
    expect(page.locator("#range-etp_max-error")).to_contain_text("Saisissez un nombre positif")
    expect(page.locator("#range-etp_max")).to_be_focused()
    expect(page.locator("#range-etp_max")).to_have_attribute("aria-invalid", "true")
    expect_count(page, len(both))


def test_api_errors_are_shown_in_french(page):
    page.goto("/?budget_min=abc")
    expect(page.locator("#alert")).to_contain_text("budget_min")
    expect(page.locator("#range-budget_min")).to_have_value("abc")
    page.goto("/?fiche=inconnu")
    expect(page.locator("#fiche-title")).to_have_text("Fiche introuvable")
    expect(page.locator("#fiche-view")).to_contain_text("Aucune fiche n'a l'identifiant « inconnu »")
    page.locator("#fiche-view a.back-link").click()
    expect_count(page, 25)


def test_typing_waits_for_a_pause_shows_progress_and_makes_one_history_entry(page, app_url):
    page.goto("/")
    expect_count(page, 25)
    searches = []
    page.on("request", lambda r: searches.append(r.url) if "/api/fiches?" in r.url else None)

    def slow(route):
        page.wait_for_timeout(600)  # a slow network, to see the in-flight indicator
        route.continue_()

    page.route(re.compile(r"/api/fiches\?"), slow)
    text = "accueil des réfugiés"
    page.locator("#q").press_sequentially(text, delay=30)
    expect(page.locator("#busy")).to_be_visible()
    expect(page.locator("#busy")).to_have_text(re.compile("Recherche en cours"))
    expect(page.locator("#results")).to_have_attribute("aria-busy", "true")
    total = api(app_url, "/api/fiches", {"q": text})["total_fiches"]
    expect_count(page, total)
    expect(page.locator("#busy")).to_be_hidden()
    assert len(searches) < len(text) / 2, f"one search per key: {searches}"
    page.unroute(re.compile(r"/api/fiches\?"))

    # One history entry for the whole typing: back returns to the first page.
    page.go_back()
    expect_count(page, 25)
    expect(page.locator("#q")).to_have_value("")


def test_french_counts_and_amounts(page):
    page.goto("/")
    expect_count(page, 25)
    formatted = page.evaluate("""async () => {
        const f = await import('./format.js');
        return [f.countLabel(0), f.countLabel(1), f.countLabel(2), f.countLabel(1234),
                f.formatBudget(12500), f.formatBudget(38297.47), f.formatBudget(0), f.formatEtp(0.5),
                f.formatEtp(2.61), f.formatBudget(null)];
    }""")
    assert [normalise_spaces(t) if t else t for t in formatted] == [
        "Aucune fiche trouvée", "1 fiche trouvée", "2 fiches trouvées", "1 234 fiches trouvées",
        "12 500 €", "38 297,47 €", "0 €", "0,5 ETP", "2,61 ETP", None,
    ]
