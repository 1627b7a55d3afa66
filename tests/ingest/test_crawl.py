"""``fiches import --crawl``: a listing followed page by page on a local HTTP server (never the internet).

The site: a start page linking the fiche listing and two structure listings (one refused by robots.txt);
the fiche listing has two pages (the second answers 503 twice, then the page), the structure listing one.
Every fiche and structure is imported once; a second run fetches nothing and imports nothing new; a crawl
cut short resumes from its cache without fetching again what it had.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from app.domain.records import ParsedFiche
from ingest.crawl import USER_AGENT, Crawler, CrawlOptions
from ingest.detect import parse_document
from ingest.importer import import_sources
from tests.paths import FIXTURES

LIST_LINES = (FIXTURES / "list_pages.txt").read_text(encoding="utf-8").split("\n")
FICHE_PAGE_1 = "\n".join(LIST_LINES[:113])
FICHE_PAGE_2 = "\n".join(LIST_LINES[113:])
STRUCTURE_PAGE = "<!DOCTYPE html><html><body><pre>{}</pre></body></html>".format(
    (FIXTURES / "structures" / "seed_structures.txt").read_text(encoding="utf-8"))
INDEX = ('<!DOCTYPE html><html><body><h1>Catalogue</h1><a href="/action/list">Les actions</a> '
         '<a href="/structure/csx">Centres sociaux</a> <a href="/structure/evs">Espaces de vie sociale</a> '
         '<a href="https://ailleurs.example/action/list">ailleurs</a> <a href="/mentions">Mentions</a></body></html>')
ROBOTS = "User-agent: *\nDisallow: /structure/evs\n"


class Site:
    """A tiny SENACS: pages by path, hit counts, the largest number of requests served at once."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.agents: set[str] = set()
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    def answer(self, path: str) -> tuple[int, str, str, dict[str, str]]:
        if path == "/robots.txt":
            return 200, "text/plain", ROBOTS, {}
        if path == "/":
            return 200, "text/html; charset=utf-8", INDEX, {}
        if path == "/action/list":
            return 200, "text/plain; charset=utf-8", FICHE_PAGE_1, {"Link": '</action/list?page=2>; rel="next"'}
        if path == "/action/list?page=2":
            if self.hits[path] <= 2:
                return 503, "text/plain", "indisponible", {"Retry-After": "0"}
            return 200, "text/plain; charset=utf-8", FICHE_PAGE_2, {}
        if path == "/structure/csx":
            return 200, "text/html; charset=utf-8", STRUCTURE_PAGE, {}
        if path == "/structure/evs":
            return 200, "text/html", "<html><body>interdit par robots.txt</body></html>", {}
        return 404, "text/plain", "introuvable", {}


@pytest.fixture
def site():
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            with state.lock:
                state.hits[self.path] += 1
                state.agents.add(self.headers.get("User-Agent", ""))
                state.in_flight += 1
                state.max_in_flight = max(state.max_in_flight, state.in_flight)
            try:
                time.sleep(0.05)
                status, kind, body, headers = state.answer(self.path)
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            finally:
                with state.lock:
                    state.in_flight -= 1

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/"  # type: ignore[attr-defined]
    yield state
    server.shutdown()
    server.server_close()


OPTIONS = CrawlOptions(rate=50, concurrency=2, backoff=0.01, retries=3, allow_private=True)
EXPECTED_FICHES = sum(isinstance(r, ParsedFiche) for page in (FICHE_PAGE_1, FICHE_PAGE_2)
                      for r in parse_document(page, "page.txt"))


def _crawl(store, site, cache, options=OPTIONS):
    crawler = Crawler(cache, options)
    try:
        return import_sources(crawler.pages(site.url), store), crawler.stats
    finally:
        crawler.close()


def test_crawl_imports_everything_once_then_nothing_new(store, site, tmp_path):
    report, stats = _crawl(store, site, tmp_path / "cache")
    assert report.unusable == []
    assert report.created == EXPECTED_FICHES == store.count()
    assert report.structures["created"] == 3
    assert site.hits["/action/list?page=2"] == 3  # failed twice, then served
    assert stats.retries == 2 and stats.fetched == 4
    assert site.hits["/structure/evs"] == 0 and any("robots.txt" in s for s in stats.skipped)
    assert site.hits["/mentions"] == 0  # not a listing: not followed
    assert site.agents == {USER_AGENT} and "Fiches actions" in USER_AGENT
    assert site.max_in_flight <= OPTIONS.concurrency

    site.hits.clear()
    again, stats = _crawl(store, site, tmp_path / "cache")
    assert sum(site.hits.values()) == 0 and stats.from_cache == 5  # 4 pages and the refused one: no request
    assert (again.created, again.updated, again.structures["created"], again.structures["updated"]) == (0, 0, 0, 0)
    assert store.count() == EXPECTED_FICHES


def test_an_interrupted_crawl_resumes_from_its_cache(store, site, tmp_path):
    cut, stats = _crawl(store, site, tmp_path / "cache", CrawlOptions(**{**OPTIONS.__dict__, "max_pages": 2}))
    assert stats.fetched == 2 and site.hits["/"] == 1 and site.hits["/action/list"] == 1
    resumed, stats = _crawl(store, site, tmp_path / "cache")
    assert stats.from_cache == 2 and stats.fetched == 2
    assert site.hits["/"] == 1 and site.hits["/action/list"] == 1  # not fetched again
    assert store.count() == EXPECTED_FICHES
    assert cut.created + resumed.created == EXPECTED_FICHES


def test_rate_limit_spaces_requests(store, site, tmp_path):
    started = time.monotonic()
    _crawl(store, site, tmp_path / "cache", CrawlOptions(**{**OPTIONS.__dict__, "rate": 10}))
    # robots.txt, 4 pages and 2 retries: 7 requests, at least 0.1 s apart
    assert time.monotonic() - started >= 0.6


def test_page_too_large_or_not_text_is_skipped(site, tmp_path):
    crawler = Crawler(tmp_path / "cache", CrawlOptions(**{**OPTIONS.__dict__, "max_bytes": 1000}))
    pages = list(crawler.pages(site.url + "action/list"))
    crawler.close()
    assert pages == [] and any("trop volumineuse" in s for s in crawler.stats.skipped)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_cli_crawl(site, tmp_path, monkeypatch, database_url):
    from app.cli import app
    from app.domain.config import get_settings

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FICHES_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("FICHES_CRAWL_CACHE_DIR", str(tmp_path / "crawl"))
    monkeypatch.setenv("FICHES_CRAWL_RATE", "50")
    monkeypatch.setenv("FICHES_ALLOW_PRIVATE_URLS", "1")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["import", "--crawl", site.url, "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output  # the listing holds one fiche with no title: rejected, named
    report = json.loads(result.output[result.output.index("{"):])
    assert (report["created"], report["rejected"], report["structures"]["created"]) == (EXPECTED_FICHES, 1, 3)
    assert report["rejections"][0]["source"].endswith("/action/list")
