"""What issue 8 shows on the page: a cut-off fiche says so, and the source is a file name, never a path."""

from __future__ import annotations

import pytest

from tests.browser.conftest import _start_server
from tests.browser.helpers import api, expect
from tests.paths import FIXTURES, SEED

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NOTICE = "Fiche incomplète : le texte source est coupé"


@pytest.fixture(scope="module")
def cut_app_url(browser, tmp_path_factory):
    """The app over the seed plus a list page cut off in the middle of a fiche."""
    yield from _start_server(tmp_path_factory.mktemp("cut"), {SEED.name: SEED,
                                                               "page-coupee.txt": FIXTURES / "truncated_page.txt"})


def _hit(url: str, title: str) -> dict:
    hits = api(url, "/api/fiches", {"q": title})["hits"]
    return next(hit for hit in hits if hit["title"] == title)


def test_cut_fiche_says_it_is_incomplete_and_names_its_file(open_page, cut_app_url):
    page = open_page(cut_app_url)
    cut = _hit(cut_app_url, "Espace multimédia")
    assert api(cut_app_url, f"/api/fiches/{cut['id']}")["truncated"] is True
    page.goto(f"/?fiche={cut['id']}")
    expect(page.locator("#fiche-title")).to_have_text("Espace multimédia")
    expect(page.locator(".fiche-header .incomplete")).to_have_text(NOTICE)
    source = page.locator("section.fiche-section", has=page.locator("h2", has_text="Source"))
    expect(source).to_contain_text("Fichier importé : page-coupee.txt, ligne")
    assert "/" not in source.inner_text().replace("\xa0", " ").split("Fichier importé :", 1)[1].split("\n", 1)[0]


def test_complete_fiche_has_no_notice(open_page, cut_app_url):
    page = open_page(cut_app_url)
    whole = _hit(cut_app_url, "COOP MONS")
    page.goto(f"/?fiche={whole['id']}")
    expect(page.locator("#fiche-title")).to_have_text("COOP MONS")
    expect(page.locator(".incomplete")).to_have_count(0)
