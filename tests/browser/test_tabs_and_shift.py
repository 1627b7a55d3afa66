"""Moving around: at most 5 Tabs from the search box to the first result, and nothing moves when a search runs
(cumulative layout shift measured with the Layout Instability API)."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import api, count_re, expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DESKTOP, PHONE = (1366, 768), (390, 844)
VIEWPORTS = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1366x768", "390x844"])
MAX_TABS = 5
MAX_CLS = 0.02

FIRST_RESULT = "document.activeElement === document.querySelector('#results .card-title a')"

# Layout shifts not caused by a recent input, summed from now on (the API's own definition of CLS, without
# session windows: a stricter sum).
WATCH_SHIFTS = """() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) {
                window.__shifts.push({ value: entry.value,
                    sources: (entry.sources || []).map((s) => s.node ? (s.node.id || s.node.className || s.node.nodeName) : '?') });
            }
        }
    }).observe({ type: 'layout-shift', buffered: false });
}"""


@VIEWPORTS
def test_at_most_five_tabs_from_the_search_box_to_the_first_result(open_page, app_url, size):
    page = open_page(app_url, *size)
    page.goto("/?q=emploi")
    expect(page.locator("#results .card-title a").first).to_be_visible()
    page.locator("#q").focus()
    tabs = 0
    while not page.evaluate(FIRST_RESULT):
        tabs += 1
        if tabs > MAX_TABS:
            where = page.evaluate("document.activeElement.id || document.activeElement.textContent.slice(0, 40)")
            raise AssertionError(f"the first result is not reached in {MAX_TABS} Tabs (focus on {where!r})")
        page.keyboard.press("Tab")


@VIEWPORTS
def test_no_layout_shift_when_a_search_runs(open_page, app_url, size):
    page = open_page(app_url, *size)
    assert page.evaluate("PerformanceObserver.supportedEntryTypes.includes('layout-shift')")
    page.goto("/?q=emploi")
    expect(page.locator("#count")).to_have_text(re.compile(rf"^{count_re(api(app_url, '/api/fiches', {'q': 'emploi'})['total'])}"))
    page.wait_for_timeout(300)

    def slow(route):
        page.wait_for_timeout(500)  # a slow network: the activity indicator shows while the search runs
        route.continue_()

    page.route(re.compile(r"/api/fiches\?"), slow)
    page.evaluate(WATCH_SHIFTS)
    # The search starts without a user input event (an input would excuse the shifts that follow it).
    page.evaluate("""() => {
        document.getElementById('q').value = 'parentalité';
        document.getElementById('search-form').requestSubmit();
    }""")
    expect(page.locator("#busy")).to_be_visible()
    total = api(app_url, "/api/fiches", {"q": "parentalité"})["total"]
    expect(page.locator("#count")).to_have_text(re.compile(rf"^{count_re(total)}"))
    expect(page.locator("#busy")).to_be_hidden()
    page.wait_for_timeout(500)
    shifts = page.evaluate("window.__shifts")
    cls = sum(s["value"] for s in shifts)
    assert cls < MAX_CLS, f"layout shift {cls:.4f} when a search runs: {shifts}"
    page.unroute(re.compile(r"/api/fiches\?"))

    # The measure sees a real shift: a block inserted above the results moves them.
    page.evaluate("document.querySelector('.results-head').before(Object.assign(document.createElement('div'), {style: 'height: 120px'}))")
    page.wait_for_timeout(500)
    assert sum(s["value"] for s in page.evaluate("window.__shifts")) > MAX_CLS
