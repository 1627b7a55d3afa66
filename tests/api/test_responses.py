"""The search pages are rendered by pydantic-core's serializer (``app/api/responses.py``): the same JSON
values as the standard library gives, UTF-8, and never a ``NaN`` (not JSON)."""

from __future__ import annotations

import json

from starlette.responses import JSONResponse

from app.api.responses import FastJSONResponse
from app.search.params import SearchParams
from app.services import fiches as fiche_service


def test_the_same_values_as_the_standard_library():
    content = {"total": 3, "score": 0.1234, "big": 1e16, "title": "Café « des parents » <b>é</b>", "none": None,
               "list": [True, False, 2.5, "’"], "nested": {"a": [{"b": -0.0}]}}
    fast = FastJSONResponse(content)
    assert json.loads(fast.body) == json.loads(JSONResponse(content).body) == content
    assert fast.media_type == "application/json" and "é".encode() in fast.body


def test_a_number_that_is_not_finite_is_written_null():
    body = FastJSONResponse({"a": float("nan"), "b": [float("inf")]}).body
    assert json.loads(body) == {"a": None, "b": [None]}


def test_a_search_page_through_the_api_is_the_service_result(client):
    runtime = client.app.state.runtime
    for query in ("q=repair+caf%C3%A9", "q=jeunes&page=2&size=5", "sort=budget", "dimension=Famille&q=parents"):
        response = client.get(f"/api/fiches?{query}")
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        expected = fiche_service.search(runtime, SearchParams.from_query(
            [tuple(pair.split("=")) for pair in query.replace("+", " ").replace("%C3%A9", "é").split("&")]))
        got = response.json()
        got.pop("took_ms"), expected.pop("took_ms")
        assert got == json.loads(JSONResponse(expected).body)
