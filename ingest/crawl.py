"""Follow a SENACS-style listing (fiche list pages, structure list pages) page by page, politely and resumably.

``Crawler.pages(start)`` yields each page as a ``Source`` (its URL and bytes), in the order the listing gives
them; the importer reads fiches and structures from them as from any file.

Polite: at most ``rate`` requests a second and ``concurrency`` at once (settings ``FICHES_CRAWL_RATE`` and
``FICHES_CRAWL_CONCURRENCY``), a User-Agent that names the product, robots.txt obeyed (its Crawl-delay too),
retries with exponential backoff on 429 and 5xx (``Retry-After`` honoured, within a cap), a size cap, and only
HTML or plain-text pages kept. Private addresses are refused as for URL imports (``ingest.netguard``).

Resumable: every page fetched is written to the cache folder (``FICHES_CRAWL_CACHE_DIR``) before it is handed
on, so an interrupted crawl starts again from its cache without fetching those pages again, and a second run
reads everything from the cache (the import then finds nothing new: fiches and structures are upserted by
their stable ids).

What is followed, from the start URL's host only: a link marked ``rel="next"`` (HTML ``<a>``/``<link>`` or
the HTTP ``Link`` header), a link to the same path with another query (the page numbers of a listing:
``?page=2``), and links to SENACS listings (``LISTING_PATHS``: the fiche list and the structure lists).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from bs4 import BeautifulSoup

from app.domain.config import Settings
from app.domain.records import Rejected, Source
from ingest.decoding import decode
from ingest.detect import parse_document
from ingest.fetch import USER_AGENT as FETCH_USER_AGENT
from ingest.netguard import BlockedAddress, GuardedTransport
from ingest.parse_structure import looks_like_structures

log = logging.getLogger("fiches.crawl")

USER_AGENT = f"{FETCH_USER_AGENT.split(' ', 1)[0]} (robot du catalogue Fiches actions ; suit robots.txt)"
LISTING_PATHS = re.compile(r"/(?:action/list|actions|structure/csx|structure/evs)/?$", re.I)
KEPT_TYPES = ("text/html", "text/plain", "application/xhtml+xml")
SKIPPED = ("refusé", "ignoré")  # errors that another try would not change (robots.txt, type, size)
MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is cut to this


@dataclass(frozen=True)
class CrawlOptions:
    rate: float = 1.0  # requests per second, all workers together
    concurrency: int = 2
    max_bytes: int = 10 * 1024 * 1024
    max_pages: int = 5_000
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    timeout: float = 20.0
    allow_private: bool = False


@dataclass
class CrawlStats:
    fetched: int = 0  # pages downloaded in this run
    from_cache: int = 0  # pages read back from the cache (not fetched again)
    retries: int = 0
    skipped: list[str] = field(default_factory=list)  # refused by robots.txt, not HTML or text, too large


@dataclass
class _Page:
    url: str
    content: bytes = b""
    links: list[str] = field(default_factory=list)  # ``rel=next`` links of the HTTP header
    error: str | None = None
    cached: bool = False


class _Retryable(Exception):
    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class _Pace:
    """At most one request every ``interval`` seconds, whatever the number of workers."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_slot = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot)
            self.next_slot = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


class Crawler:
    def __init__(self, cache_dir: Path, options: CrawlOptions | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.options = options or CrawlOptions()
        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        inner = transport or httpx.HTTPTransport()
        self.client = httpx.Client(transport=inner if self.options.allow_private else GuardedTransport(inner),
                                   timeout=self.options.timeout, follow_redirects=True,
                                   headers={"User-Agent": USER_AGENT})
        self.pace = _Pace(1.0 / self.options.rate if self.options.rate > 0 else 0.0)
        self.robots: dict[str, RobotFileParser | None] = {}
        self.robots_lock = threading.Lock()
        self.stats = CrawlStats()

    # -- the listing ----------------------------------------------------------------------------------
    def pages(self, start: str) -> Iterator[Source]:
        """Every page of the listing from ``start``, breadth first, each once, as a ``Source``."""
        start = urldefrag(start)[0]
        origin = urlsplit(start)[:2]
        seen = {start}
        level = [start]
        count = 0
        with ThreadPoolExecutor(max_workers=max(1, self.options.concurrency)) as pool:
            while level and count < self.options.max_pages:
                level = level[: self.options.max_pages - count]
                found: list[str] = []
                for page in pool.map(self._page, level):
                    count += 1
                    if page.error and page.error.startswith(SKIPPED):
                        continue  # refused by robots.txt, not HTML or text, too large: said in ``stats``
                    if page.error:
                        yield Source(page.url, error=page.error)
                        continue
                    links = [link for link in self._links(page) if urlsplit(link)[:2] == origin]
                    for link in links:
                        if link not in seen:
                            seen.add(link)
                            found.append(link)
                    if links and _navigation_only(page.content):
                        continue  # a page of links (the catalogue's home): nothing to import
                    yield Source(page.url, page.content)
                level = found

    def _links(self, page: _Page) -> list[str]:
        links = [urldefrag(urljoin(page.url, link))[0] for link in page.links]
        head = page.content[:2048].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<div", b"<p", b"<ul", b"<table")):
            soup = BeautifulSoup(page.content, "html.parser")
            here = urlsplit(page.url)
            for tag in soup.find_all(["a", "link"], href=True):
                url = urldefrag(urljoin(page.url, str(tag["href"])))[0]
                parts = urlsplit(url)
                rel = " ".join(tag.get_attribute_list("rel") or []).lower()
                if parts.scheme not in ("http", "https"):
                    continue
                if "next" in rel or (parts.path == here.path and parts.query != here.query and parts.query) \
                        or LISTING_PATHS.search(parts.path):
                    links.append(url)
        return list(dict.fromkeys(links))

    # -- one page ---------------------------------------------------------------------------------------
    def _cache_paths(self, url: str) -> tuple[Path, Path]:
        name = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        return self.cache_dir / f"{name}.body", self.cache_dir / f"{name}.json"

    def _page(self, url: str) -> _Page:
        body_path, meta_path = self._cache_paths(url)
        if meta_path.is_file() and body_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            self.stats.from_cache += 1
            return _Page(url, body_path.read_bytes(), meta.get("links", []), meta.get("error"), cached=True)
        page = self._fetch(url)
        if page.error is None or page.error.startswith(SKIPPED):
            # a page that came (or that will never come) is kept; a failure is tried again next run
            body_path.write_bytes(page.content)
            tmp = meta_path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"url": url, "links": page.links, "error": page.error}), encoding="utf-8")
            tmp.replace(meta_path)  # the page counts as cached only once both files are whole
        return page

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        with self.robots_lock:
            if root not in self.robots:
                self.robots[root] = self._read_robots(root)
            robots = self.robots[root]
        if robots is None:
            return True
        delay = robots.crawl_delay(USER_AGENT)
        if delay and float(delay) > self.pace.interval:
            self.pace.interval = min(float(delay), MAX_RETRY_AFTER)
        return robots.can_fetch(USER_AGENT, url)

    def _read_robots(self, root: str) -> RobotFileParser | None:
        try:
            self.pace.wait()
            response = self.client.get(f"{root}/robots.txt")
        except httpx.HTTPError as exc:
            log.warning("robots.txt illisible sur %s (%s) : exploration permise", root, exc)
            return None
        if response.status_code >= 400:
            return None  # no robots.txt: everything is allowed
        parser = RobotFileParser()
        parser.parse(response.text[:500_000].splitlines())
        return parser

    def _fetch(self, url: str) -> _Page:
        try:
            if not self._allowed(url):
                self.stats.skipped.append(f"{url} : refusé par robots.txt")
                return _Page(url, error="refusé par robots.txt")
        except BlockedAddress as exc:
            return _Page(url, error=f"{exc} (réglage FICHES_ALLOW_PRIVATE_URLS pour l'autoriser)")
        last = "erreur inconnue"
        for attempt in range(self.options.retries + 1):
            wait: float | None = None
            try:
                self.pace.wait()
                page = self._fetch_once(url)
                if page.error is None:
                    self.stats.fetched += 1
                else:
                    self.stats.skipped.append(f"{url} : {page.error}")
                return page
            except BlockedAddress as exc:
                return _Page(url, error=f"{exc} (réglage FICHES_ALLOW_PRIVATE_URLS pour l'autoriser)")
            except _Retryable as exc:
                last, wait = str(exc), exc.wait
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__} : {exc}"
            if attempt < self.options.retries:
                self.stats.retries += 1
                delay = self.options.backoff * (2 ** attempt)
                time.sleep(min(max(delay, wait or 0.0), MAX_RETRY_AFTER))
        return _Page(url, error=f"téléchargement impossible après {self.options.retries + 1} essais ({last})")

    def _fetch_once(self, url: str) -> _Page:
        with self.client.stream("GET", url) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise _Retryable(f"le serveur a répondu {response.status_code}",
                                 _retry_after(response.headers.get("retry-after")))
            if response.status_code >= 400:
                return _Page(url, error=f"le serveur a répondu {response.status_code} : vérifiez l'adresse")
            kind = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if kind and kind not in KEPT_TYPES:
                return _Page(url, error=f"ignoré : ni HTML ni texte ({kind})")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.options.max_bytes:
                    return _Page(url, error=f"ignoré : page trop volumineuse (plus de "
                                            f"{self.options.max_bytes // 1024} Kio)")
                chunks.append(chunk)
            links = [str(link["url"]) for rel, link in response.links.items() if "next" in str(rel).split()]
        return _Page(url, b"".join(chunks), links)

    def close(self) -> None:
        self.client.close()


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def crawl_options(settings: Settings) -> CrawlOptions:
    """The crawl's politeness from the settings (``FICHES_CRAWL_*``, ``FICHES_ALLOW_PRIVATE_URLS``)."""
    return CrawlOptions(rate=settings.crawl_rate, concurrency=settings.crawl_concurrency,
                        max_bytes=settings.crawl_max_bytes, max_pages=settings.crawl_max_pages,
                        allow_private=settings.allow_private_urls)


def _navigation_only(content: bytes) -> bool:
    """True when a page holds neither fiches nor structures (every reading of it is a whole rejection)."""
    try:
        text, _ = decode(content)
    except Exception:  # noqa: BLE001 - unreadable: let the importer say so
        return False
    if looks_like_structures(text):
        return False
    return all(isinstance(record, Rejected) and record.whole for record in parse_document(text, "page"))
