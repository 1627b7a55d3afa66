"""A fiche full of script payloads is shown as written, and nothing in it runs."""

from __future__ import annotations

import html
import re

import pytest

from tests.browser.helpers import XSS_RESUME, XSS_TITLE, api, expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def assert_nothing_ran(page) -> None:
    assert page.evaluate("window.__xss") is None, "a payload ran"
    # No element came from the fiche's text: only the page's own markup.
    assert page.locator("main img, main script, main iframe, main svg, aside img").count() == 0
    assert page.locator("a[href^='javascript:' i], [onerror], [onload], [onmouseover]").count() == 0


@pytest.fixture
def xss_page(open_page, xss_app_url):
    page = open_page(xss_app_url)
    # Any script payload would call window.__xss = …; record it if it ever happens.
    page.add_init_script("window.__xss = null;")
    return page


def test_payloads_are_text_in_results_and_fiche(xss_page, xss_app_url):
    answer = api(xss_app_url, "/api/fiches", {"q": "cuisine"})
    stored = next(h for h in answer["hits"] if "<script>" in h["title"])
    assert stored["title"] == XSS_TITLE, "the importer changed the title"

    page = xss_page
    page.goto("/?q=cuisine")
    link = page.locator("#results .card-title a", has_text="<script>")
    expect(link).to_have_text(XSS_TITLE)
    expect(page.locator("#results .card-meta").filter(has_text="ESSAI").first).to_contain_text("<b onmouseover=")
    assert_nothing_ran(page)

    link.click()
    expect(page.locator("#fiche-title")).to_have_text(XSS_TITLE)
    expect(page).to_have_title(re.compile(re.escape(XSS_TITLE)))
    resume = page.locator(".fiche-section", has=page.locator("h2", has_text="Résumé"))
    expect(resume.locator("p")).to_have_text(XSS_RESUME)
    expect(page.locator("#fiche-view")).to_contain_text("<img src=x onerror=\"window.__xss='description'\">")
    expect(page.locator("#fiche-view")).to_contain_text("javascript:window.__xss='url'")
    page.locator("#fiche-view").hover()
    assert_nothing_ran(page)


def test_highlighted_snippet_keeps_payloads_as_text(xss_page, xss_app_url):
    page = xss_page
    answer = api(xss_app_url, "/api/fiches", {"q": "script cuisine"})
    snippets = {h["id"]: h["snippet"] for h in answer["hits"] if h.get("snippet")}
    assert any("<mark>" in s and "&lt;" in s for s in snippets.values()), "no escaped, highlighted snippet to check"
    page.goto("/?q=script+cuisine")
    expect(page.locator("#results .snippet mark").first).to_be_visible()
    # Only <mark> elements inside snippets, never anything else from the API.
    tags = page.evaluate(
        "[...document.querySelectorAll('#results .snippet *')].map(e => e.tagName.toLowerCase())")
    assert set(tags) == {"mark"}
    # The text reads as the API's escaped snippet, decoded once.
    for card in page.locator("#results article.card").all():
        fiche_id = card.locator(".card-title a").get_attribute("data-fiche")
        if fiche_id in snippets:
            expected = html.unescape(re.sub(r"</?mark>", "", snippets[fiche_id]))
            assert card.locator(".snippet").text_content() == expected
            marks = card.locator(".snippet mark").all_text_contents()
            assert marks == [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", snippets[fiche_id])]
    assert_nothing_ran(page)


def test_typed_payload_is_shown_as_text(xss_page):
    page = xss_page
    payload = "\"><img src=x onerror=\"window.__xss='saisie'\">"
    page.goto("/")
    page.locator("#q").fill(payload)
    page.locator("#q").press("Enter")
    expect(page.locator("#results-heading")).to_have_text(f"Résultats pour « {payload.strip()} »")
    page.goto("/?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E&dimension=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E")
    expect(page.locator("#chips")).to_contain_text("Dimension : <img src=x onerror=alert(1)>")
    assert_nothing_ran(page)


def test_payloads_are_text_in_the_comparison(xss_page, xss_app_url):
    answer = api(xss_app_url, "/api/fiches", {"q": "cuisine"})
    xss = next(h for h in answer["hits"] if "<script>" in h["title"])
    other = next(h for h in answer["hits"] if h["id"] != xss["id"])
    page = xss_page
    page.goto("/?q=cuisine")
    page.get_by_role("checkbox", name=f"Comparer la fiche « {XSS_TITLE} »", exact=True).check()
    page.locator(f"#results input[data-compare='{other['id']}']").check()
    page.get_by_role("button", name="Comparer les 2 fiches").click()
    header = page.locator("#compare-view thead th[scope='col'] a", has_text="<script>")
    expect(header).to_have_text(XSS_TITLE)
    resume = page.locator("#compare-view tbody tr", has=page.locator("th", has_text="Résumé"))
    expect(resume).to_contain_text(XSS_RESUME)
    budget_text = page.locator("#compare-view tbody tr", has=page.locator("th", has_text="Ressources financières"))
    expect(budget_text).to_contain_text("<iframe src=\"javascript:window.__xss='iframe'\"></iframe>")
    expect(page.locator("#compare-view")).to_contain_text("<b onmouseover=")
    page.get_by_role("button", name=f"Retirer la fiche « {XSS_TITLE} » de la comparaison").focus()
    page.locator("#compare-view").hover()
    page.reload()
    expect(header).to_have_text(XSS_TITLE)
    assert_nothing_ran(page)
