"""The exports French staff use: the tableur CSV (read back with French decimals), Ma sélection collected across
two searches, reloaded from its URL and printed as an A4 dossier, and the comparison printed in landscape."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.helpers import api, expect, wait_for_answer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DESKTOP, PHONE = (1366, 768), (390, 844)
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
VIEWPORTS = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1366x768", "390x844"])
A4_PORTRAIT = (595, 842)  # points, rounded
HEADINGS = ["Titre", "Structure", "Département", "Région", "Année", "Statut", "Dimension", "Mots clés", "Public",
            "Territoire concerné", "À l'initiative de", "Partenaires de l'action", "Partenaires financiers",
            "Budget (€)", "ETP", "Résumé",
            "Résultats sur le territoire", "Limites", "Perspectives"]


def french_number(text: str) -> float | None:
    """A spreadsheet cell written the French way: "30500", "38297,47", "0,5"; a dot is not allowed."""
    if text == "":
        return None
    assert re.fullmatch(r"\d+(,\d+)?", text), f"not a French number: {text!r}"
    return float(text.replace(",", "."))


def read_tableur(raw: bytes) -> list[dict[str, str]]:
    assert raw.startswith(b"\xef\xbb\xbf"), "no BOM: Excel would misread the accents"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADINGS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The (width, height) in points of every page of a PDF written by Chromium (one MediaBox a page)."""
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page\b", pdf)
    boxes = [tuple(float(v) for v in box.split()[2:4])
             for box in re.findall(rb"/MediaBox\s*\[\s*([-\d.\s]+)\]", pdf)]
    assert len(boxes) == len(pages) > 0
    return boxes


def ids_of(page, selector: str) -> list[str]:
    return [a.get_attribute("data-fiche") for a in page.locator(selector).all()]


@VIEWPORTS
def test_tableur_csv_is_the_default_export_and_reads_back_in_french(open_page, app_url, size, tmp_path):
    page = open_page(app_url, *size)
    page.goto("/?q=repair+caf%C3%A9")
    wait_for_answer(page)
    menu = page.locator("#exports summary")
    expect(page.locator("#export-tableur")).to_be_hidden()
    menu.click()
    links = page.locator("#exports a")
    expect(links.first).to_have_text(re.compile(r"^Tableur"))
    expect(page.locator("#export-csv")).to_have_text(re.compile(r"Export complet \(réimportable\)"))
    with page.expect_download() as info:
        page.locator("#export-tableur").click()
    download = info.value
    assert download.suggested_filename == f"fiches-repair-cafe-{date.today().isoformat()}.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = read_tableur(path.read_bytes())

    # The same fiches, in the same order, as the full export; numbers with decimal commas.
    full = page.request.get(page.locator("#export-json").get_attribute("href")).json()
    assert [r["Titre"] for r in rows] == [f["title"] for f in full]
    assert [french_number(r["Budget (€)"]) for r in rows] == [f["budget_eur"] for f in full]
    assert [french_number(r["ETP"]) for r in rows] == [f["etp"] for f in full]
    assert any("," in r["ETP"] for r in rows), "no decimal ETP in this result: pick another query"
    # Only what a person reads: no internal id, no server path.
    text = path.read_text(encoding="utf-8-sig")
    for fiche in full:
        assert fiche["id"] not in text
        if fiche["source_file"]:
            assert fiche["source_file"] not in text
    assert rows[0]["Département"] == f"{full[0]['departement']} ({full[0]['departement_code']})"


def collect(page, query: str, count: int) -> list[str]:
    """Search `query` in the box and keep its first `count` cards in Ma sélection; their ids."""
    page.locator("#q").fill(query)
    page.locator("#q").press("Enter")
    expect(page.locator("#results-heading")).to_have_text(re.compile(re.escape(query)))
    cards = page.locator("#results article.card")
    expect(cards.first).to_be_visible()
    ids = []
    for card in cards.all()[:count]:
        card.get_by_role("checkbox", name=re.compile(r"^Ma sélection")).check()
        ids.append(card.locator(".card-title a").get_attribute("data-fiche"))
    return ids


@VIEWPORTS
def test_selection_across_two_searches_reloaded_and_printed_as_a_dossier(open_page, app_url, size):
    page = open_page(app_url, *size)
    page.goto("/")
    expect(page.locator("#results article.card").first).to_be_visible()
    kept = collect(page, "repair café", 1) + collect(page, "parentalité", 2)
    assert len(set(kept)) == 3
    bar = page.locator("#selection-bar")
    expect(bar.locator(".selection-status")).to_have_text("3 fiches dans ma sélection")

    bar.get_by_role("link", name=re.compile("^Voir ma sélection")).click()
    view = page.locator("#selection-view")
    expect(view).to_be_visible()
    expect(page.locator("#dossier-title")).to_have_text("Ma sélection : 3 fiches")
    expect(page.locator("#dossier-title")).to_be_focused()
    assert parse_qs(urlsplit(page.url).query)["selection"] == [",".join(kept)]
    titles = [api(app_url, f"/api/fiches/{fiche_id}")["title"] for fiche_id in kept]
    expect(view.locator("article.dossier-fiche h2")).to_have_text(titles)
    expect(view.locator(".dossier-toc li a")).to_have_text(titles)

    # The URL alone brings it back: reloaded, and in another browser (no stored selection).
    url = page.url
    page.reload()
    expect(view.locator("article.dossier-fiche h2")).to_have_text(titles)
    other = open_page(app_url, *size)
    other.goto(url)
    expect(other.locator("#selection-view article.dossier-fiche h2")).to_have_text(titles)

    # Printed: a cover with the date and the search, the contents, then one fiche a page, on A4.
    page.emulate_media(media="print")
    cover = page.locator(".dossier-cover")
    expect(cover).to_be_visible()
    expect(cover).to_contain_text("Dossier d’inspiration")
    expect(cover).to_contain_text(re.compile(rf"Le (1er|[12]?[0-9]|3[01]) ({'|'.join(MONTHS)}) [0-9]{{4}}"))
    expect(cover).to_contain_text("Recherche : « parentalité »")
    # the cover names both searches the fiches were picked from, from the URL alone (the other browser too)
    expect(cover).to_contain_text("Fiches réunies au fil de 2 recherches")
    expect(cover.locator(".dossier-searches li")).to_have_text(["Recherche : « repair café »",
                                                               "Recherche : « parentalité »"])
    expect(other.locator(".dossier-cover .dossier-searches li")).to_have_count(2)
    for hidden in ("header.site-header", ".dossier-actions", ".fiche-nav", "#filters"):
        expect(page.locator(hidden)).to_be_hidden()
    breaks = page.evaluate("""() => [...document.querySelectorAll('#selection-view article.dossier-fiche')]
        .map((a) => getComputedStyle(a).breakBefore)""")
    assert breaks == ["page"] * 3
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = pdf_pages(pdf)
    assert len(pages) == 2 + 3, f"cover + contents + 3 fiches expected, got {len(pages)} pages"
    assert all(round(w) == A4_PORTRAIT[0] and round(h) == A4_PORTRAIT[1] for w, h in pages)
    page.emulate_media(media="screen")

    # The same selection as a tableur CSV, in its order.
    rows = read_tableur(page.request.get(page.locator("#dossier-tableur").get_attribute("href")).body())
    assert [r["Titre"] for r in rows] == titles

    # Remove one: the URL and the stored selection follow.
    page.get_by_role("button", name=f"Retirer la fiche « {titles[0]} » de la sélection").click()
    expect(page.locator("#dossier-title")).to_have_text("Ma sélection : 2 fiches")
    assert parse_qs(urlsplit(page.url).query)["selection"] == [",".join(kept[1:])]
    page.locator("#selection-view a.back-link").click()
    expect(page.locator("#selection-bar .selection-status")).to_have_text("2 fiches dans ma sélection")


@pytest.mark.parametrize(("now", "written"), [
    (datetime(2026, 12, 1, 12, 0), "Le 1er décembre 2026"),
    (datetime(2027, 2, 14, 12, 0), "Le 14 février 2027"),
])
def test_the_dossier_cover_is_dated_in_french(open_page, app_url, now, written):
    fiche_id = api(app_url, "/api/fiches?q=parentalité")["hits"][0]["id"]
    page = open_page(app_url, *DESKTOP)
    page.clock.set_fixed_time(now)
    page.goto(f"/?selection={fiche_id}")
    page.emulate_media(media="print")
    expect(page.locator(".dossier-cover .dossier-date")).to_have_text(written)


@VIEWPORTS
def test_comparison_printed_in_landscape_with_four_columns(open_page, app_url, size):
    hits = api(app_url, "/api/fiches", {"sort": "titre", "size": 4})["hits"]
    ids = [h["id"] for h in hits]
    page = open_page(app_url, *size)
    page.goto(f"/?compare={','.join(ids)}&comparer=1")
    expect(page.locator("#compare-view thead th[scope='col'] a")).to_have_count(4)
    for header in ("Résultats", "Limites", "Perspectives"):
        expect(page.locator("#compare-view tbody th[scope='row']", has_text=re.compile(rf"^{header}$"))).to_have_count(1)

    # "Différences seulement" hides the rows where every fiche says the same, and only those.
    same = page.locator("#compare-view tbody tr.is-same")
    rows = page.locator("#compare-view tbody tr")
    total_rows = rows.count()
    page.get_by_label("Différences seulement").check()
    visible = page.locator("#compare-view tbody tr:visible")
    expect(visible).to_have_count(total_rows - same.count())
    expect(page.locator("#compare-view tbody tr", has=page.locator("th", has_text=re.compile("^Budget$")))).to_be_visible()
    page.get_by_label("Différences seulement").uncheck()
    expect(visible).to_have_count(total_rows)

    # Printed: landscape A4 pages, and the four columns fit the page's width.
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert all(round(w) == A4_PORTRAIT[1] and round(h) == A4_PORTRAIT[0] for w, h in pdf_pages(pdf))
    page.set_viewport_size({"width": 1047, "height": 740})  # 297 mm less the margins, at 96 px an inch
    page.emulate_media(media="print")
    fit = page.evaluate("""() => {
        const table = document.querySelector('#compare-view table');
        const heads = [...table.querySelectorAll('thead th[scope="col"]:not(.compare-corner)')].map((th) => th.getBoundingClientRect());
        return { width: document.documentElement.clientWidth, table: table.getBoundingClientRect().right,
                 heads: heads.map((r) => [r.left, r.right, r.width]) };
    }""")
    assert len(fit["heads"]) == 4
    assert fit["table"] <= fit["width"] + 1
    assert all(right <= fit["table"] + 1 and width > 100 for _, right, width in fit["heads"])
