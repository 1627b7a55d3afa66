"""Compare: select fiches on the result cards, compare them side by side, keep the selection in the URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.helpers import api, expect, normalise_spaces
from tests.browser.test_keyboard import focus_is_visible, tab_until
from tests.browser.test_layout import horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def french_budget(amount: float | None) -> str:
    """The API's budget as the page must write it: `30 500 €`, `38 297,47 €`, else `non renseigné`."""
    if amount is None:
        return "non renseigné"
    if round(amount * 100) % 100:
        whole, cents = f"{amount:,.2f}".split(".")
        return f"{whole.replace(',', ' ')},{cents} €"
    return f"{int(round(amount)):,} €".replace(",", " ")


def french_etp(etp: float | None) -> str:
    return "non renseigné" if etp is None else f"{etp:g} ETP".replace(".", ",")


def compare_ids(page) -> list[str]:
    values = parse_qs(urlsplit(page.url).query).get("compare", [""])
    return [v for v in values[0].split(",") if v]


def column_titles(page) -> list[str]:
    return [normalise_spaces(t) for t in page.locator("#compare-view thead th[scope='col'] a").all_inner_texts()]


def row_cells(page, header: str) -> list[str]:
    row = page.locator("#compare-view tbody tr").filter(
        has=page.locator("th[scope='row']", has_text=re.compile(rf"^{re.escape(header)}$")))
    return [normalise_spaces(t) for t in row.locator("td").all_inner_texts()]


def card_ids(page) -> list[str]:
    """Ids of the result cards, in page order (folded near-duplicates have no card)."""
    expect(page.locator("#results article.card").first).to_be_visible()
    return [a.get_attribute("data-fiche") for a in page.locator("#results article.card .card-title a").all()]


def compare_box(page, title: str):
    return page.get_by_role("checkbox", name=f"Comparer la fiche « {title} »", exact=True)


def expect_compared(page, fiches: list[dict]) -> None:
    """The comparison shows these fiches, in this order, with the API's values."""
    expect(page.locator("#compare-view")).to_be_visible()
    expect(page.locator("#compare-view thead th[scope='col'] a")).to_have_count(len(fiches))
    assert column_titles(page) == [f["title"] for f in fiches]
    assert row_cells(page, "Budget") == [french_budget(f["budget_eur"]) for f in fiches]
    assert row_cells(page, "Moyens humains") == [french_etp(f["etp"]) for f in fiches]
    assert row_cells(page, "Structure") == [f["structure"] or "non renseigné" for f in fiches]
    assert row_cells(page, "Année") == [str(f["year"]) if f["year"] else "non renseigné" for f in fiches]
    expect(page.locator("#compare-view caption")).not_to_be_empty()
    assert page.locator("#compare-view tbody th[scope='row']").count() >= 16


def test_select_compare_reload_remove_and_return(page, app_url):
    page.goto("/?sort=titre")
    first, second = (api(app_url, f"/api/fiches/{fiche_id}") for fiche_id in card_ids(page)[:2])
    assert first["budget_eur"] is not None and second["budget_eur"] is None, "the seed changed: pick other fiches"

    # One fiche: the bar asks for another, without a compare button.
    compare_box(page, first["title"]).check()
    bar = page.locator("#compare-bar")
    expect(bar).to_be_visible()
    expect(bar.locator(".compare-status")).to_contain_text("1 fiche sélectionnée")
    expect(bar.get_by_role("button", name=re.compile("^Comparer"))).to_have_count(0)
    compare_box(page, second["title"]).check()
    expect(bar.get_by_role("button", name="Comparer les 2 fiches")).to_be_visible()
    assert compare_ids(page) == [first["id"], second["id"]]
    assert "compare=" + ",".join([first["id"], second["id"]]) in page.url

    # The selection survives paging, and a third fiche comes from page 2.
    page.locator("#pager a[data-page='2']").first.click()
    expect(page.locator("#count")).to_contain_text("page 2 sur 2")
    expect(bar.locator(".compare-status")).to_contain_text("2 fiches sélectionnées")
    third = api(app_url, f"/api/fiches/{card_ids(page)[0]}")
    compare_box(page, third["title"]).check()
    results_url = page.url

    bar.get_by_role("button", name="Comparer les 3 fiches").click()
    expect(page.locator("#compare-title")).to_have_text("Comparaison de 3 fiches")
    expect(page.locator("#compare-title")).to_be_focused()
    expect(page.locator("#search-view")).to_be_hidden()
    expect(page).to_have_title(re.compile(r"^Comparaison de 3 fiches"))
    assert parse_qs(urlsplit(page.url).query)["comparer"] == ["1"]
    expect_compared(page, [first, second, third])

    # The same URL loaded afresh shows the same comparison.
    page.reload()
    expect_compared(page, [first, second, third])

    # Remove the first column: the URL follows.
    page.get_by_role("button", name=f"Retirer la fiche « {first['title']} » de la comparaison").click()
    expect(page.locator("#compare-title")).to_have_text("Comparaison de 2 fiches")
    expect_compared(page, [second, third])
    assert compare_ids(page) == [second["id"], third["id"]]

    # A column title opens the fiche; its back link returns to the comparison.
    page.locator("#compare-view thead a", has_text=third["title"]).click()
    expect(page.locator("#fiche-title")).to_have_text(third["title"])
    page.locator("#fiche-view a.back-link", has_text="Retour à la comparaison").click()
    expect_compared(page, [second, third])

    # Back to the results: same page, sort and selection (minus the removed fiche).
    page.get_by_role("link", name="← Retour aux résultats").click()
    expect(page.locator("#search-view")).to_be_visible()
    expect(page.locator("#count")).to_contain_text("page 2 sur 2")
    query = parse_qs(urlsplit(page.url).query)
    assert query["sort"] == ["titre"] and query["page"] == ["2"] and "comparer" not in query
    assert compare_ids(page) == [second["id"], third["id"]]
    expect(compare_box(page, third["title"])).to_be_checked()
    expect(page.get_by_role("button", name="Comparer les 2 fiches")).to_be_focused()

    # Back and forward walk through the comparisons.
    page.go_back()
    expect_compared(page, [second, third])
    page.go_back()
    expect_compared(page, [first, second, third])
    page.go_forward()
    expect_compared(page, [second, third])
    page.go_forward()
    expect(page.locator("#search-view")).to_be_visible()
    expect(page.locator("#results input[data-compare]:checked")).to_have_count(1)

    # "Vider la sélection" on the results.
    page.goto(results_url)
    page.get_by_role("button", name="Vider la sélection").click()
    expect(bar).to_be_hidden()
    assert compare_ids(page) == []
    expect(page.locator("#results input[data-compare]:checked")).to_have_count(0)


def test_at_most_four_fiches(page, app_url):
    page.goto("/")
    cards = card_ids(page)
    ids, extra = cards[:4], cards[4]
    page.goto(f"/?compare={','.join(ids)}")
    expect(page.locator("#compare-bar .compare-status")).to_contain_text("4 fiches au maximum")
    expect(page.locator("#results input[data-compare]:checked")).to_have_count(4)
    assert page.locator("#results input[data-compare]:disabled").count() > 0
    assert page.locator("#results input[data-compare]:not(:checked):not(:disabled)").count() == 0
    # A URL asking for more keeps the first four.
    page.goto(f"/?compare={','.join(ids + [extra])}&comparer=1")
    expect(page.locator("#compare-title")).to_have_text("Comparaison de 4 fiches")
    assert compare_ids(page) == ids


def test_keyboard_only_selection(page):
    page.goto("/")
    expect(page.locator("#results > li").first).to_be_visible()
    chosen = []
    for _ in range(2):
        tab_until(page, "document.activeElement.dataset.compare !== undefined"
                        f" && !{chosen!r}.includes(document.activeElement.dataset.compare)", limit=120)
        assert focus_is_visible(page)
        chosen.append(page.evaluate("document.activeElement.dataset.compare"))
        page.keyboard.press("Space")
        expect(page.locator(f"input[data-compare='{chosen[-1]}']")).to_be_checked()
        assert page.evaluate("document.activeElement.dataset.compare") == chosen[-1]
    tab_until(page, "document.activeElement.id === 'compare-open'", limit=120)
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#compare-title")).to_be_focused()
    expect(page.locator("#compare-view thead th[scope='col'] a")).to_have_count(2)
    # The table's scroll container is reachable, then a "Retirer" button works with the keyboard.
    tab_until(page, "document.activeElement.classList.contains('compare-remove')")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#compare-view thead th[scope='col'] a")).to_have_count(1)
    tab_until(page, "document.activeElement.dataset.key === 'compare-back'")
    page.keyboard.press("Enter")
    expect(page.locator("#search-view")).to_be_visible()
    expect(page.locator("#results input[data-compare]:checked")).to_have_count(1)


def test_no_horizontal_page_scroll_at_320_px(open_page, app_url):
    hits = api(app_url, "/api/fiches", {"size": 20})["hits"]
    ids = ",".join(h["id"] for h in hits[:4])
    page = open_page(app_url, width=320, height=640)
    page.goto(f"/?compare={ids}")
    expect(page.locator("#compare-bar")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    page.get_by_role("button", name="Comparer les 4 fiches").click()
    expect(page.locator("#compare-view thead th[scope='col'] a")).to_have_count(4)
    assert horizontal_overflow(page) <= 0
    # On a phone the table is stacked: each row a heading, then one value per fiche, named by its title.
    scroller = page.locator("#compare-view .table-scroll")
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")
    rights = page.locator("#compare-view tbody td").evaluate_all("cells => cells.map((c) => c.getBoundingClientRect().right)")
    assert rights and max(rights) <= 320
    budget = page.locator("#compare-view tbody tr", has=page.locator("th", has_text=re.compile("^Budget$")))
    expect(budget.locator("td")).to_have_count(4)
    assert budget.locator("td").first.get_attribute("data-fiche-title") == hits[0]["title"]
