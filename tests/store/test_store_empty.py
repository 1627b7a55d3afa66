"""``Store.is_empty``: what the first start asks before importing the sample data (one row read, not a count)."""

from __future__ import annotations

from app.domain.models import FicheCreate


def test_is_empty_counts_live_fiches_only(store):
    assert store.is_empty()
    store.upsert([FicheCreate(id="id0001", content_hash="h1", title="Fiche 1"),
                  FicheCreate(id="id0002", content_hash="h2", title="Fiche 2")])
    assert not store.is_empty()
    assert store.delete("id0001")
    assert not store.is_empty()  # one fiche still live
    assert store.delete("id0002")
    assert store.is_empty()  # tombstones only: the first start would import the sample data again
