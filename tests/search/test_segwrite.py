"""A segment written from analysed terms (``segwrite``) is the segment Whoosh's own writer writes."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from app.search import columns, fullbuild, pagerows
from app.search.analysis import PAIR_WINDOW, pair_term, pairs, terms
from app.search.generations import new_generation
from app.search.indexer import analysed, fiche_to_doc
from app.search.schema import build_schema
from tests.devset.fiches import devset_fiches

_EDGES: list[dict[str, Any]] = [
    # a word more than 255 times (its count packs on more bytes), curly and straight elisions, hyphens
    {"title": "Jardin " * 300, "resume": "L’atelier d'aujourd'hui : aide-ménagère, enfants-parents.\n\nÉTÉ"},
    # empty and missing texts and numbers; upper-case words whose lower case differs in length
    {"title": "", "resume": None, "mots_cles": [], "budget_eur": None, "etp": float("nan"), "year": None},
    {"title": "İSTANBUL Straße ÆON", "mots_cles": ["Petite enfance", "Lien social", ""], "budget_eur": 0.0},
]


def _rows() -> list[dict]:
    """The development set three times (so common terms span several 128-posting blocks), then edge cases."""
    base = devset_fiches()
    rows = [dict(row, id=f"{row['id']}-{k}") for k in range(3) for row in base]
    rows += [dict(base[i], id=f"edge{i}", **edge) for i, edge in enumerate(_EDGES)]
    return rows


def _files(gen_dir: Path, segment) -> dict[str, bytes]:
    """A segment's files by their name after its id (Whoosh's files and the serving columns)."""
    prefix = segment.segment_id()
    return {p.name[len(prefix):]: p.read_bytes() for p in gen_dir.iterdir() if p.name.startswith(prefix)}


def _whoosh_segment(gen_dir: Path, rows: list[dict]):
    """The segment of ``rows`` as Whoosh's ``add_document`` writes it (its analyzers, pool and flush)."""
    ix = whoosh_index.open_dir(str(gen_dir))
    writer = SegmentWriter(ix, _lk=False, compound=False)
    for row in rows:
        writer.add_document(**fiche_to_doc(row))
    segment = writer._finalize_segment()
    reader = SegmentReader(ix.storage, ix.schema, segment)
    # its postings arrays read back from its postings file; its page rows from the rows
    columns.write_segment(gen_dir, reader, lambda segment_id, _: pagerows.write(gen_dir, segment_id, rows))
    reader.close()
    ix.close()
    return segment


def test_a_segment_from_analysed_terms_is_byte_for_byte_whooshs(tmp_path):
    rows = _rows()
    reference = new_generation(tmp_path / "a")
    fast = new_generation(tmp_path / "b")
    expected = _files(reference, _whoosh_segment(reference, rows))
    got = _files(fast, fullbuild.write_segment(str(fast), rows, analysed))
    assert {".pst", ".trm", "._stored.col", "._body_len.col", ".fc_pd_body.npy", ".fc_pw_pairs.npy",
            ".fc_rows.bin", ".fc_rowoffsets.npy"} <= set(expected)
    assert set(got) == set(expected)
    for name, content in expected.items():
        assert got[name] == content, name


def test_the_analysed_terms_are_the_field_analyzers_terms():
    schema = build_schema()
    for row in _rows()[:40] + _rows()[-len(_EDGES):]:
        doc, counts = analysed(row)
        assert doc == fiche_to_doc(row)
        for field, found in counts.items():
            tokens = Counter(t.text for t in schema[field].analyzer(doc[field]))
            assert found == tokens, (row["id"], field)


def _pairs_by_loop(text: str, wanted: frozenset[str]) -> set[str]:
    """The pairs as a plain loop over each line's terms finds them (the definition ``pairs`` keeps)."""
    follows: dict[str, set[str]] = {}
    for pair in wanted:
        first, _, second = pair.partition("_")
        follows.setdefault(first, set()).add(second)
    out = set()
    for line in text.splitlines():
        found = terms(line)
        for i, first in enumerate(found):
            for second in found[i + 1 : i + 1 + PAIR_WINDOW]:
                if second in follows.get(first, ()):
                    out.add(pair_term(first, second))
    return out


def test_pairs_found_by_set_operations_are_the_pairs_of_a_loop_over_each_line():
    rng = random.Random(11)
    words = ["aide", "alimentaire", "lien", "social", "petite", "enfance", "le", "jardin", "aide-ménagère"]
    breaks = ["\n", "\r\n", "\u2028", "\x0c", " . "]
    wanted = frozenset({"aid_alimentair", "lien_social", "petit_enfanc", "aid_aid", "jardin_aid", "aid_menager",
                        "aidemenager_menager"})
    found: Counter[str] = Counter()
    for _ in range(3000):
        text = " ".join(rng.choice(words + breaks) for _ in range(rng.randint(0, 12)))
        expected = _pairs_by_loop(text, wanted)
        assert pairs(text, wanted) == expected, text
        found.update(expected)
    assert set(found) == wanted
    assert pairs("aide\nalimentaire aide le jardin alimentaire", wanted) == {"aid_alimentair"}  # one apart
    assert pairs("aide\nalimentaire aide jardin\nalimentaire", wanted) == set()
