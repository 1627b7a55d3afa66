"""axe-core (vendored, offline) finds no WCAG 2.1 A/AA violation on the search, results and fiche pages."""

from __future__ import annotations

import json

import pytest

from tests.browser.helpers import AXE, api, expect, wait_for_answer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    # evaluated through the browser's debugging protocol, as a tool: the page's CSP (no inline script) holds
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        TAGS,
    )
    assert len(result["passes"]) > 10, "axe ran almost no rule: is the tag list right?"
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


def assert_no_violations(page, where: str) -> None:
    violations = axe_violations(page)
    if violations:
        print(f"axe violations on {where}:\n{describe(violations)}")
    assert violations == [], f"axe found {len(violations)} violation(s) on {where}:\n{describe(violations)}"


def test_axe_search_page(page):
    page.goto("/")
    expect(page.locator("#results > li").first).to_be_visible()
    assert_no_violations(page, "the search page")
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert_no_violations(page, "the search page with a dark colour-scheme preference")


def test_axe_results_page_with_filters_and_no_result(page):
    page.goto("/?q=parentalit%C3%A9&dimension=Citoyennet%C3%A9&budget_min=100")
    wait_for_answer(page)
    page.locator("#chips").get_by_role("button").first.wait_for()
    assert_no_violations(page, "a results page with filters")
    page.goto("/?q=zzzqqqxxx&statut=Termin%C3%A9e")
    expect(page.locator("#empty h2")).to_be_visible()
    assert_no_violations(page, "a page without results")
    page.goto("/?q=mobilit%C3%A9+rurale")  # a short set followed by its close results
    expect(page.locator("#near ol.approchants > li").first).to_be_visible()
    assert_no_violations(page, "a short result set with its close results")


def test_axe_fiche_page(page, app_url):
    hit = api(app_url, "/api/fiches", {"q": "repair café"})["hits"][0]
    page.goto(f"/?q=repair+caf%C3%A9&fiche={hit['id']}")
    expect(page.locator("#fiche-title")).to_be_visible()
    assert_no_violations(page, "a fiche page")


def test_axe_narrow_screen_with_open_filters(open_page, app_url):
    page = open_page(app_url, width=320, height=700)
    page.goto("/?q=emploi")
    expect(page.locator("#results > li").first).to_be_visible()
    page.locator("#filters-toggle").click()
    expect(page.locator("#filters-panel")).to_be_visible()
    assert_no_violations(page, "the search page at 320 px with the filters open")


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_compare_view(open_page, app_url, width):
    hits = api(app_url, "/api/fiches", {"q": "parentalité"})["hits"]
    ids = ",".join(h["id"] for h in hits[:3])
    page = open_page(app_url, width=width, height=800)
    page.goto(f"/?q=parentalit%C3%A9&compare={ids}")
    expect(page.locator("#compare-bar")).to_be_visible()
    assert_no_violations(page, f"the results with a compare selection at {width} px")
    page.get_by_role("button", name="Comparer les 3 fiches").click()
    expect(page.locator("#compare-view thead th[scope='col'] a")).to_have_count(3)
    assert_no_violations(page, f"the compare view at {width} px")


VIEWPORTS = pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["1366x768", "390x844"])


@VIEWPORTS
def test_axe_every_new_view(open_page, app_url, size):
    """The map, the filter sheet, the exports menu, Ma sélection's bar and dossier, the comparison."""
    hits = api(app_url, "/api/fiches", {"q": "parentalité"})["hits"]
    ids = [h["id"] for h in hits[:4]]
    page = open_page(app_url, *size)
    page.goto("/?departement=Nord")
    expect(page.locator("#results > li").first).to_be_visible()
    page.locator("#results input[data-select]").first.check()
    expect(page.locator("#selection-bar")).to_be_visible()
    page.locator("#exports summary").click()
    if size[0] < 800:
        page.locator("#filters-toggle").click()
        expect(page.locator("#filters")).to_have_attribute("aria-modal", "true")
    expect(page.locator("#map svg")).to_be_visible()
    page.locator('#map path[tabindex="0"]').focus()
    assert_no_violations(page, f"the results with the map, the exports menu and the sheet at {size}")

    page.goto(f"/?q=parentalit%C3%A9&selection={','.join(ids[:3])}")
    expect(page.locator("#selection-view article.dossier-fiche")).to_have_count(3)
    assert_no_violations(page, f"the dossier at {size}")
    page.emulate_media(media="print")
    assert_no_violations(page, f"the dossier as printed at {size}")
    page.emulate_media(media="screen")

    page.goto(f"/?compare={','.join(ids)}&comparer=1")
    expect(page.locator("#compare-view thead th[scope='col'] a")).to_have_count(4)
    page.get_by_label("Différences seulement").check()
    assert_no_violations(page, f"the comparison of 4 fiches at {size}")

    page.goto(f"/?q=parentalit%C3%A9&fiche={ids[0]}")
    expect(page.locator("#fiche-title")).to_be_visible()
    assert_no_violations(page, f"a fiche at {size}")
