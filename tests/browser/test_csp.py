"""The page and /docs work under the strict Content Security Policy: nothing is blocked, nothing inline."""

from __future__ import annotations

import pytest

from tests.browser.helpers import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _blocked(page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    return messages


def test_the_page_runs_under_the_csp(open_page, app_url):
    page = open_page(app_url)
    blocked = _blocked(page)
    page.goto("/?q=jardin")
    expect(page.locator("#count")).to_contain_text("fiche")
    page.locator("#q").fill("numérique")
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_contain_text("numérique")
    assert blocked == []


def test_the_api_docs_run_under_the_csp(open_page, app_url):
    page = open_page(app_url)
    blocked = _blocked(page)
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    assert page.locator(".opblock").count() >= 10
    assert blocked == []
