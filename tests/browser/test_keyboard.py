"""Everything works with the keyboard alone, the focus is visible, and nothing traps it."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ACTIVE = "(() => { const e = document.activeElement; return e ? (e.id || e.dataset.key || e.textContent.trim().slice(0, 40)) : null; })()"


def active(page):
    return page.evaluate(ACTIVE)


def focus_is_visible(page) -> bool:
    return page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
    }""")


def tab_until(page, predicate_js: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    raise AssertionError(f"Tab never reached {predicate_js}; last focus: {active(page)}")


def test_skip_link_then_search_filter_open_and_return(page):
    page.goto("/")
    expect(page.locator("#results > li").first).to_be_visible()

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link").first
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    # Back to the top: the search box is reached with Tab, and Enter searches at once.
    page.goto("/")
    tab_until(page, "document.activeElement.id === 'q'")
    assert focus_is_visible(page)
    page.keyboard.type("emploi")
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_have_text("Résultats pour « emploi »")
    expect(page.locator("#q")).to_be_focused()

    # A facet checkbox with Space: the filter applies and the focus stays on the checkbox.
    # (the results come before the filters in the tab order)
    tab_until(page, "document.activeElement.type === 'checkbox' && Boolean(document.activeElement.closest('.facet-values'))")
    key = page.evaluate("document.activeElement.dataset.key")
    assert focus_is_visible(page)
    page.keyboard.press("Space")
    expect(page.locator("#chips button.chip")).to_have_count(1)
    assert page.evaluate("document.activeElement.dataset.key") == key
    assert page.evaluate("document.activeElement.checked") is True

    # The sort selector with the arrow keys.
    page.locator("#sort").focus()
    page.keyboard.press("ArrowDown")
    expect(page).to_have_url(re.compile(r"sort=recent"))

    # Open the first result with Enter: the focus goes to the fiche's title.
    tab_until(page, "document.activeElement.classList.contains('fiche-link')")
    fiche_id = page.evaluate("document.activeElement.dataset.fiche")
    page.keyboard.press("Enter")
    expect(page.locator("#fiche-title")).to_be_focused()

    # Back to the results with the back link: the focus returns to the fiche's link.
    tab_until(page, "document.activeElement.classList.contains('back-link')")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#search-view")).to_be_visible()
    assert page.evaluate("document.activeElement.dataset.fiche") == fiche_id
    expect(page.locator("#chips button.chip")).to_have_count(1)


def test_voir_plus_and_filter_box_with_keyboard(page):
    page.goto("/")
    fieldset = page.locator('fieldset[data-facet="departement"]')
    expect(fieldset).to_be_visible()
    more = fieldset.locator("button.facet-more")
    hidden_before = fieldset.locator("li:not([hidden])").count()
    more.focus()
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("aria-expanded", "true")
    assert fieldset.locator("li:not([hidden])").count() > hidden_before
    box = fieldset.locator("input.facet-filter")
    box.focus()
    page.keyboard.type("sarthe")
    expect(fieldset.locator("li:not([hidden])")).to_have_count(1)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "checkbox"
    page.keyboard.press("Space")
    expect(page.locator("#chips")).to_contain_text("Département : Sarthe")


def test_no_keyboard_trap(page):
    page.goto("/?q=familles")
    expect(page.locator("#results > li").first).to_be_visible()
    seen = []
    for _ in range(400):
        page.keyboard.press("Tab")
        current = active(page)
        if seen and current == seen[0]:
            break
        seen.append(current)
    else:
        raise AssertionError(f"Tab did not cycle through the page; stuck around {seen[-5:]}")
    assert "q" in seen and "sort" in seen and "Exporter" in seen
    assert len(seen) > 20
    # Shift+Tab walks back too.
    page.keyboard.press("Shift+Tab")
    assert active(page) != seen[0]
