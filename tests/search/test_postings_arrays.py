"""Postings read without Whoosh's matcher: the vectorised decode of its file, and the arrays saved next to
each segment (with the fallback for a segment without them, as an index written by an older version)."""

from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from app.search import postings
from app.search.analysis import terms
from app.search.generations import new_generation, verify, write_columns, write_manifest
from app.search.snapshot import Snapshot

WORDS = ["atelier", "jeunes", "parents", "jardin", "quartier", "sortie", "cuisine", "numérique"]


def _docs(start: int, count: int) -> list[dict]:
    """Documents where common words repeat a varying number of times (several 128-posting blocks, weights
    that differ) and rare words appear once (inlined postings)."""
    out = []
    for i in range(start, start + count):
        body = " ".join(WORDS[j] for j in range(len(WORDS)) for _ in range((i + j) % 4) if (i * 7 + j) % 3)
        out.append({"id": f"f{i}", "title": f"{WORDS[i % len(WORDS)]} rare{i}", "body": f"{body} seul{i}",
                    "kw": WORDS[i % 3], "pairs": "aid_devoir" if i % 2 else "", "meta": {"title": f"t{i}"}})
    return out


def _index(folder: Path, segments: int = 2, per_segment: int = 300) -> Path:
    gen = new_generation(folder)
    ix = whoosh_index.open_dir(str(gen))
    for s in range(segments):
        writer = ix.writer()
        for doc in _docs(s * per_segment, per_segment):
            writer.add_document(**doc)
        writer.commit(merge=False)
        write_columns(gen)
    ix.close()
    return gen


def _matcher(segreader, field: str, text: str) -> tuple[list[int], list[float]]:
    m = segreader.postings(field, text)
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


def _every_term(snap: Snapshot):
    for field in postings.FIELDS:
        for text, _ in snap.reader.iter_field(field):
            yield field, text.decode("utf-8")


def test_the_decode_gives_what_whoosh_matcher_gives(tmp_path):
    snap = Snapshot(_index(tmp_path))
    try:
        multi_block = 0
        for field, text in _every_term(snap):
            for segreader, _ in snap._leaves:
                found = postings.read_term(segreader, field, text)
                if found is None:
                    continue
                ids, weights = _matcher(segreader, field, text)
                assert found[0].tolist() == ids and np.allclose(found[1], weights), (field, text)
                multi_block += len(ids) > 128
        assert multi_block > 0
        assert postings.read_term(snap._leaves[0][0], "body", "absent") is None
    finally:
        snap.close()


def test_saved_arrays_serve_the_same_postings_as_whoosh_file(tmp_path):
    gen = _index(tmp_path)
    assert list(gen.glob("*.fc_pd_body.npy"))
    snap = Snapshot(gen)
    try:
        reader = snap._postings_reader
        fallback = postings.Reader(Path(tmp_path / "nowhere"), snap._leaves)  # no saved arrays there
        for field, text in _every_term(snap):
            saved, read = reader.read(field, text), fallback.read(field, text)
            assert saved is not None and read is not None
            assert np.array_equal(saved[0], read[0]) and np.array_equal(saved[1], read[1]), (field, text)
        assert all(part is not None for part in reader._saved.values())
        assert all(part is None for part in fallback._saved.values())
        assert reader.read("body", "absent") is None
    finally:
        snap.close()


def test_an_index_without_saved_arrays_is_served_from_whoosh_file(tmp_path):
    gen = _index(tmp_path)
    with_arrays = Snapshot(gen)
    expected = {key: with_arrays.postings(*key) for key in _every_term(with_arrays)}
    with_arrays.close()
    for path in gen.glob("*.fc_p[odw]_*.npy"):  # what an older version wrote: no postings arrays
        path.unlink()
    write_manifest(gen)
    assert verify(gen, deep=True) is None
    snap = Snapshot(gen)
    try:
        for key, (ids, weights) in expected.items():
            found = snap.postings(*key)
            assert np.array_equal(found[0], ids) and np.array_equal(found[1], weights)
        assert all(part is None for part in snap._postings_reader._saved.values())
    finally:
        snap.close()


def test_inconsistent_arrays_are_ignored_and_a_truncated_file_is_damage(tmp_path):
    gen = _index(tmp_path, segments=1)
    offsets = next(gen.glob("*.fc_po_body.npy"))
    np.save(offsets, np.zeros(3, dtype=np.int64))  # does not match the lexicon any more
    snap = Snapshot(gen)
    try:
        stem = terms("atelier")[0]
        ids, _ = snap.postings("body", stem)
        assert snap._postings_reader._saved[(0, "body")] is None
        assert len(ids) and ids.tolist() == _matcher(snap._leaves[0][0], "body", stem)[0]
    finally:
        snap.close()
    assert "tronqué" in (verify(gen) or "")
