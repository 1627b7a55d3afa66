"""Browser tests: the real app (uvicorn subprocess over a temporary SQLite store and Whoosh index, seeded
at start-up by the lead's importer) driven by Debian's Chromium through Playwright.

Chromium missing: skipped, unless FICHES_REQUIRE_BROWSER is set (CI), where the tests fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.browser.helpers import XSS_FICHE
from tests.paths import GROUND_TRUTH, REPO, SEED

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
START_TIMEOUT = 180  # seconds for the first start: import of the seed and index build


def _required() -> bool:
    return os.environ.get("FICHES_REQUIRE_BROWSER", "").lower() not in ("", "0", "false", "no")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(root: Path, files: dict[str, str | Path]):
    """Start `python -m tests.browser.server` over a fresh store seeded with `files`; yield its URL."""
    data = root / "data"
    data.mkdir(parents=True)
    for name, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, data / name)
        else:
            (data / name).write_text(content, encoding="utf-8")
    port = _free_port()
    log = (root / "server.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.browser.server", "--port", str(port),
         "--database-url", f"sqlite:///{root / 'fiches.db'}", "--index-dir", str(root / "index"),
         "--data-dir", str(data)],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"the app exited with code {process.returncode}:\n{log.read()[-4000:]}")
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"the app did not answer within {START_TIMEOUT} s:\n{log.read()[-4000:]}")
            time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def browser():
    problem = None
    if not CHROMIUM.exists():
        problem = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the environment
        problem = f"the playwright package is missing: {exc}"
    if problem:
        if _required():
            pytest.fail(f"FICHES_REQUIRE_BROWSER is set but {problem}")
        pytest.skip(problem)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def app_url(browser, tmp_path_factory):
    """The app over the 25 seed fiches."""
    yield from _start_server(tmp_path_factory.mktemp("app"), {SEED.name: SEED})


@pytest.fixture(scope="session")
def xss_app_url(browser, tmp_path_factory):
    """The app over the seed fiches plus one fiche full of script payloads."""
    yield from _start_server(tmp_path_factory.mktemp("xss"), {SEED.name: SEED, "zz_xss.txt": XSS_FICHE})


@pytest.fixture(scope="session")
def ground_truth() -> list[dict]:
    return json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))["fiches"]


class PageWatch:
    """What a page did that it must not: uncaught errors and dialogs."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []


def _new_page(browser, base_url: str, width: int = 1280, height: int = 900):
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, locale="fr-FR",
        accept_downloads=True, reduced_motion="reduce",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = PageWatch()
    page.on("pageerror", lambda error: watch.errors.append(str(error)))

    def on_dialog(dialog) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return context, page, watch


@pytest.fixture
def open_page(browser):
    """Factory: a fresh page on a base URL; checks at teardown that no script error or dialog happened."""
    opened = []

    def factory(base_url: str, width: int = 1280, height: int = 900):
        context, page, watch = _new_page(browser, base_url, width, height)
        opened.append((context, watch))
        return page

    yield factory
    for context, watch in opened:
        context.close()
        assert watch.errors == [], f"script errors in the page: {watch.errors}"
        assert watch.dialogs == [], f"dialogs opened by the page: {watch.dialogs}"


@pytest.fixture
def page(open_page, app_url):
    return open_page(app_url)
