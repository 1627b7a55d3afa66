"""URL imports: the network is replaced at one point (httpx.MockTransport) and nothing else is faked."""

from __future__ import annotations

import httpx

from ingest.fetch import Fetcher
from ingest.importer import import_paths
from tests.paths import SEED


def _fetcher(handler, **kwargs) -> Fetcher:
    return Fetcher(transport=httpx.MockTransport(handler), backoff=0, **kwargs)


def test_url_import_goes_through_the_real_pipeline(store):
    body = SEED.read_bytes()
    fetcher = _fetcher(lambda request: httpx.Response(200, content=body))
    report = import_paths(["https://exemple.org/fiches.txt"], store, fetcher=fetcher)
    assert (report.created, report.rejected) == (25, 0)
    assert store.get_many([f.id for f in store.iter_live()])[0].source_url == "https://exemple.org/fiches.txt"


def test_retries_server_errors_then_succeeds():
    calls = []

    def handler(request):
        calls.append(request.url)
        return httpx.Response(503) if len(calls) < 3 else httpx.Response(200, content=b"ok")

    source = _fetcher(handler, retries=2).fetch("https://exemple.org/a")
    assert source.error is None and source.content == b"ok" and len(calls) == 3


def test_gives_up_with_a_clear_error():
    source = _fetcher(lambda request: httpx.Response(500), retries=1).fetch("https://exemple.org/a")
    assert "2 essais" in source.error and "500" in source.error


def test_client_errors_are_not_retried():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(404)

    source = _fetcher(handler).fetch("https://exemple.org/absente")
    assert "404" in source.error and len(calls) == 1


def test_size_cap():
    source = _fetcher(lambda request: httpx.Response(200, content=b"x" * 5000), max_bytes=1000).fetch("https://e.org/g")
    assert "trop volumineux" in source.error


def test_connection_errors_become_unusable_sources(store):
    def handler(request):
        raise httpx.ConnectError("refusé", request=request)

    report = import_paths(["https://injoignable.example/x.txt"], store, fetcher=_fetcher(handler, retries=0))
    assert report.exit_code == 2 and report.created == 0
    assert "injoignable" in report.unusable[0]
