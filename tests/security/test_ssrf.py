"""URL imports never reach private, loopback or link-local addresses (redirects and DNS names included)."""

from __future__ import annotations

import httpx
import pytest

from ingest.fetch import Fetcher
from ingest.netguard import refused_address
from tests.importing import report_of

PUBLIC = "http://93.184.216.34/fiches.txt"  # a public address literal: the mock answers, nothing is sent


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/x", "http://127.8.9.10:8000/x", "http://10.1.2.3/x", "http://172.16.0.5/x",
    "http://192.168.1.1/x", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x",
    "http://[::ffff:127.0.0.1]/x", "http://[fe80::1]/x", "http://0.0.0.0/x", "http://100.64.0.1/x",
    "http://localhost:8000/x",  # a name that resolves to loopback
])
def test_non_public_addresses_are_refused_before_any_request(url):
    sent = []
    fetcher = Fetcher(transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200)),
                      backoff=0)
    source = fetcher.fetch(url)
    assert sent == []
    assert source.error and "adresse non publique refusée" in source.error


def test_a_redirect_to_a_private_address_is_refused():
    sent = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://10.0.0.1/interne"})

    source = Fetcher(transport=httpx.MockTransport(handler), backoff=0).fetch(PUBLIC)
    assert sent == [PUBLIC]
    assert source.error and "10.0.0.1" in source.error


def test_a_name_is_checked_on_what_it_resolves_to():
    assert refused_address("intranet.example", resolver=lambda host: ["10.20.30.40"]) == "10.20.30.40"
    assert refused_address("public.example", resolver=lambda host: ["93.184.216.34"]) is None
    assert refused_address("mixte.example", resolver=lambda host: ["93.184.216.34", "127.0.0.1"]) == "127.0.0.1"


def test_public_addresses_pass_and_a_setting_allows_private_ones():
    ok = Fetcher(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=b"ok")), backoff=0)
    assert ok.fetch(PUBLIC).content == b"ok"
    allowed = Fetcher(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=b"ok")), backoff=0,
                      allow_private=True)
    assert allowed.fetch("http://127.0.0.1/x").content == b"ok"


def test_the_import_endpoint_reports_a_refused_address(client):
    auth = {"Authorization": "Bearer jeton-de-test"}
    report = report_of(client, client.post("/api/imports", json={"urls": ["http://169.254.169.254/latest/meta-data/"]},
                                           headers=auth), auth)
    assert report["created"] == 0 and report["exit_code"] == 2
    assert any("adresse non publique refusée" in item for item in report["unusable"])
