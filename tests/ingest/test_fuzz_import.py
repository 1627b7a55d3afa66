"""Property-based test: real-looking fiches, mutated the ways real files break, through detection,
parsing, normalisation and the importer. 0 crashes, and every block is stored or rejected with a
reason and a line (hypothesis: 10 000 cases in two seeded halves, so CI runs the same ones every time)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from app.domain.db import init_db, make_engine
from app.domain.records import ParsedFiche, Rejected
from app.domain.store import Store
from ingest.detect import parse_document
from ingest.importer import import_records
from ingest.normalize import Limits, normalize
from tests.paths import FIXTURES, SEED

CASES = 10_000  # in two halves, one per xdist worker (``--dist loadgroup``)
LIMITS = Limits(fiche=60_000, field=20_000)  # small, so the huge-field mutation meets them
_SEED_FICHES = SEED.read_text(encoding="utf-8").split("\nActions\n")
BASES = [
    "Actions\n" + "\nActions\n".join(_SEED_FICHES[1:3]),
    "Les actions des centres sociaux\n" + "\nActions\n".join(_SEED_FICHES[10:12]),
    "Actions\n" + _SEED_FICHES[20],
    (FIXTURES / "legacy_pages.txt").read_text(encoding="utf-8"),
    (FIXTURES / "truncated_page.txt").read_text(encoding="utf-8"),
    (FIXTURES / "list_pages.txt").read_text(encoding="utf-8"),
    (FIXTURES / "legacy_fiche.txt").read_text(encoding="utf-8"),
]
CONTROL = st.sampled_from(["\x00", "\x00\x00\x00", "\x01", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\ufeff",
                           "\u2028", "\ud7ff", "\x0c"])


def _lines_op(draw, lines: list[str]) -> list[str]:
    if not lines:
        return lines
    kind = draw(st.sampled_from(["delete", "duplicate", "swap", "cut", "unicode", "control", "bom", "huge"]))
    i = draw(st.integers(0, len(lines) - 1))
    j = draw(st.integers(0, len(lines) - 1))
    out = list(lines)
    if kind == "delete":
        del out[i]
    elif kind == "duplicate":
        out.insert(i, out[i])
    elif kind == "swap":
        out[i], out[j] = out[j], out[i]
    elif kind == "cut":  # a label or a value cut by the end of a page
        out = out[: i + 1]
        out[-1] = out[-1][: draw(st.integers(0, max(0, len(out[-1]) - 1)))]
    elif kind == "unicode":
        out.insert(i, draw(st.text(max_size=40)))
    elif kind == "control":
        at = draw(st.integers(0, len(out[i])))
        out[i] = out[i][:at] + draw(CONTROL) + out[i][at:]
    elif kind == "bom":
        out.insert(i, "\ufeff" + out[i])
        del out[i + 1]
    else:
        out.insert(i, "Une phrase très longue. " * draw(st.sampled_from([200, 1200])))
    return out


@st.composite
def documents(draw) -> bytes:
    lines = draw(st.sampled_from(BASES)).split("\n")
    for _ in range(draw(st.integers(1, 6))):
        lines = _lines_op(draw, lines)
    ends = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=3))
    text = "".join(line + ends[n % len(ends)] for n, line in enumerate(lines))
    raw = text.encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=3)) + raw[at:]
    return raw


@pytest.fixture
def fuzz_store(tmp_path_factory):
    """A real SQLite store, in memory-backed /dev/shm when there is one (10 000 imports, no disk syncs)."""
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path_factory.mktemp("fuzz")
    engine = make_engine(f"sqlite:///{folder / 'fiches.db'}")
    init_db(engine)
    yield Store(engine)
    engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("half", [pytest.param(0, marks=pytest.mark.xdist_group("fuzz-0")),
                                  pytest.param(1, marks=pytest.mark.xdist_group("fuzz-1"))])
def test_mutated_fiches_never_crash_and_every_block_is_accounted_for(fuzz_store, half):
    counter = iter(range(10**9))

    @seed(20261130 + half)
    @settings(max_examples=CASES // 2, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                     HealthCheck.function_scoped_fixture])
    @given(documents())
    def check(raw: bytes) -> None:
        source = f"fuzz-{half}-{next(counter)}.txt"
        records = list(parse_document(raw, source))
        assert records, "a document always gives a record or a rejection"
        for record in records:
            assert isinstance(record, (ParsedFiche, Rejected))
            assert record.line >= 1 and record.source == source
        report = import_records(iter(records), fuzz_store, batch_size=3, limits=LIMITS)
        rejected = {(r.source, r.line) for r in report.rejections}
        assert report.rejected == len(report.rejections)
        assert all(r.reason.strip() and r.line >= 1 for r in report.rejections)
        live = fuzz_store.live_ids()
        for record in records:
            if isinstance(record, Rejected):
                assert (record.source, record.line) in rejected or any(record.reason in u for u in report.unusable)
                continue
            result = normalize(record, LIMITS)
            if isinstance(result, Rejected):
                assert (record.source, record.line) in rejected, result
            else:
                fiche = result[0]
                assert "\x00" not in fiche.title and all("\x00" not in (getattr(fiche, n) or "") for n in
                                                         ("structure", "resume", "description_experience"))
                stored = fiche.id in live or (record.source, record.line) in rejected or fiche.year is None
                assert stored, f"{record.source}:{record.line} « {fiche.title} » neither stored nor rejected"

    check()
