"""Serving data: the memory-mapped columns say what the stored fields say, and the page-only sorts give
the page the full sort gives."""

from __future__ import annotations

import json
import mmap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.search import columns, groups, lexicons
from app.search.generations import MANIFEST, current_dir
from app.search.params import SearchParams
from app.search.schema import TEXT_BOOSTS
from app.search.service import SearchService
from app.search.snapshot import Snapshot
from app.search.sorts import order, page
from app.search.spelling import build_vocabulary
from tests.search.conftest import load_devset, make_store

WORDS = ["jeunes", "familles", "jardin", "numérique", "parentalité", "seniors", "culture", "alimentation",
         "insertion", "sport", "vacances", "quartier"]


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> SearchService:
    folder = tmp_path_factory.mktemp("serving")
    store = make_store(folder)
    load_devset(store)
    service = SearchService(folder / "index", store)
    service.sync()
    return service


def _gen(service: SearchService) -> Path:
    gen = current_dir(service.index_dir)
    assert gen is not None
    return gen


def test_every_segment_has_columns_listed_in_the_manifest(served):
    gen = _gen(served)
    listed = json.loads((gen / MANIFEST).read_text())["files"]
    column_files = [p.name for p in gen.iterdir() if ".fc_" in p.name]
    assert column_files and all(name in listed for name in column_files)
    snap = served._current(force=True)
    for segreader, _ in snap.reader.leaf_readers():
        loaded = columns.load(gen, segreader)
        assert _mapped(loaded.ids) and not loaded.ids.flags.writeable  # memory-mapped, not unpickled


def _mapped(array: object) -> bool:
    """Whether an array's memory is a file mapping (a plain array over ``np.memmap``'s pages counts)."""
    while array is not None:
        if isinstance(array, (np.memmap, mmap.mmap)):
            return True
        array = getattr(array, "base", None)
    return False


def test_columns_match_the_stored_fields(served):
    """What the writer put in the column files is what the stored fields say, array by array."""
    gen = _gen(served)
    snap = served._current(force=True)
    for segreader, _ in snap.reader.leaf_readers():
        mapped = columns.read(gen, segreader.segment().segment_id(), segreader.doc_count_all())
        stored = columns.from_stored(segreader)
        for name in columns.ARRAYS:
            assert np.array_equal(np.asarray(getattr(mapped, name)), getattr(stored, name), equal_nan=name == "numbers")
        assert (mapped.facet_labels, mapped.dep_codes, mapped.group_keys) == (
            stored.facet_labels, stored.dep_codes, stored.group_keys)


def test_a_segment_without_columns_is_read_from_its_stored_fields(served, tmp_path):
    gen = _gen(served)
    before = served.search(SearchParams(q="jardin"))
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in gen.iterdir():
        if ".fc_" not in path.name:
            (copy / path.name).write_bytes(path.read_bytes())
    snap = Snapshot(copy)
    original = served._current(force=True)
    assert snap.n_docs == original.n_docs
    assert np.array_equal(snap.live_mask, original.live_mask)
    assert snap.group_members == original.group_members
    for name, facet in snap.facets.columns.items():
        assert facet.labels == original.facets.columns[name].labels
        assert np.array_equal(facet.pair_docs, original.facets.columns[name].pair_docs)
    assert snap.facets.departement_names == original.facets.departement_names
    assert np.array_equal(snap.title_rank, original.title_rank)
    assert before["total"] > 0
    snap.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(WORDS), max_size=2), sort=st.sampled_from(["pertinence", "recent", "budget", "titre"]),
       stop=st.integers(min_value=0, max_value=60))
def test_the_page_is_the_start_of_the_full_order(served, words, sort, stop):
    snap = served._current()
    text = served._text(snap, " ".join(words))
    result = text.mask if text is not None else snap.live_mask
    full = groups.collapse(snap, order(snap, result, text, sort),
                           None if sort == "pertinence" and text is not None else result)
    top, total = page(snap, result, text, sort, stop)
    assert total == len(full)
    assert top.tolist() == full[:stop].tolist()


def test_leaders_are_the_most_recent_member_of_each_group(served):
    snap = served._current()
    kept = groups.leaders(snap, snap.live_mask)
    for members in snap.group_members.values():
        chosen = [d for d in members if kept[d]]
        assert chosen == [groups.members(snap, members[0], snap.live_mask)[0]]


def test_saved_lexicons_give_what_whoosh_gives(served):
    """The vocabulary and the completion stems from the saved lexicons equal those read through Whoosh."""
    snap = Snapshot(_gen(served))
    saved = lexicons.merged(snap.gen_dir, snap._leaves, "spell")
    assert saved is not None and len(saved[0]) > 0
    assert build_vocabulary(lexicons.as_lexicon(saved)) == build_vocabulary(snap.lexicon("spell"))
    df: dict[str, int] = {}
    for field in TEXT_BOOSTS:
        for text, info in snap.lexicon(field):
            term = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            df[term] = max(df.get(term, 0), info.doc_frequency())
    assert snap.stems == (sorted(df), [df[k] for k in sorted(df)])
    snap.close()
