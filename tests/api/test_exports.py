"""Exports stream from the first byte, and a failure mid-export is visible in the body."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from app.domain.models import FicheCreate
from app.domain.records import fiche_id
from app.search.params import SearchParams
from app.services.exports import ERROR_MARKERS, stream_export
from app.services.runtime import Runtime
from bench.synth import generate


def _load(runtime: Runtime, n: int) -> None:
    batch = []
    for i, row in enumerate(generate(n, seed=3)):
        data = dict(row)
        data["id"] = fiche_id(f"{data['title']} {i}", data.get("structure"), data.get("departement"), data.get("year"))
        data["content_hash"] = data["id"]
        batch.append(FicheCreate(**{k: v for k, v in data.items() if k in FicheCreate.model_fields}))
    runtime.store.upsert(batch)
    runtime.search.sync()


@pytest.fixture
def big_runtime(settings):
    settings.seed_on_start = False
    with Runtime(settings) as runtime:
        runtime.start()
        _load(runtime, 600)
        yield runtime


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_complete_export_streams_in_chunks_and_parses(big_runtime, fmt):
    released = []
    chunks = list(stream_export(big_runtime, SearchParams(), fmt, lambda: released.append(1)))
    assert len(chunks) > 3 and released == [1]
    body = b"".join(chunks).decode("utf-8")
    if fmt == "json":
        assert len(json.loads(body)) == 600
    else:
        assert body.count("\r\n") >= 601


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_failure_mid_export_ends_with_a_marker_and_cuts_the_stream(big_runtime, fmt):
    released = []
    stream = stream_export(big_runtime, SearchParams(), fmt, lambda: released.append(1))
    received = [next(stream)]  # the first bytes left before the failure
    with big_runtime.engine.begin() as connection:
        connection.execute(text("DROP TABLE fiche"))
    with pytest.raises(RuntimeError, match="export interrompu"):
        for chunk in stream:
            received.append(chunk)
    body = b"".join(received).decode("utf-8")
    assert body.endswith(ERROR_MARKERS[fmt])
    if fmt == "json":
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
    assert released == [1]
