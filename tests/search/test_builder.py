"""A serving worker's index writes run in its builder process (``app.search.handoff``, ``app.search.builder``),
never in its own: the catch-ups as the rebuilds, whatever their size; a builder that died is replaced,
even in the middle of a catch-up; the builder answers each task and leaves when its worker is gone."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from app.search import builder, indexer
from app.search.generations import current_dir
from app.search.handoff import BUILDER
from app.search.params import SearchParams
from app.search.service import SearchService
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset

ROWS = devset_fiches()


def ids(service: SearchService) -> set[str]:
    return set(service.export_ids(SearchParams()))


@pytest.fixture
def worker(tmp_path, store):
    """The search service of a serving worker (``Runtime`` sets ``build_elsewhere`` the same way)."""
    service = SearchService(tmp_path / "index", store)
    service.build_elsewhere = True
    yield service
    service.close()


@pytest.fixture
def no_write_here(monkeypatch):
    """Any index write in this process fails (the builder process is another interpreter: not patched)."""
    def refuse(ix):
        raise AssertionError(f"process {os.getpid()} opened an index writer itself")
    monkeypatch.setattr(indexer, "_open_writer", refuse)


def test_the_tripwire_catches_a_write_in_this_process(tmp_path, store, no_write_here):
    load_devset(store, ROWS[:3])
    standalone = SearchService(tmp_path / "cli-index", store)  # the CLI and scripts write in-process
    with pytest.raises(AssertionError, match="opened an index writer itself"):
        standalone.sync()
    standalone.close()


def test_a_serving_worker_never_writes_the_index_itself(worker, store, no_write_here):
    load_devset(store, ROWS[:20])
    assert worker.sync() == 20  # the first build
    pid = BUILDER.pid
    assert pid is not None and pid != os.getpid()
    assert len(ids(worker)) == 20
    load_devset(store, ROWS[20:25])
    assert worker.sync() == 5  # a small catch-up, by the same builder
    assert BUILDER.pid == pid
    assert len(ids(worker)) == 25  # served as soon as sync() returns
    store.delete(ROWS[0]["id"])
    assert worker.sync() == 1
    assert ROWS[0]["id"] not in ids(worker)
    assert worker.sync() == 0  # nothing pending: the builder is not even asked
    shutil.rmtree(current_dir(worker.index_dir))  # a damaged index: rebuilt elsewhere too
    assert worker.sync() == 24
    assert ids(worker) == {r["id"] for r in ROWS[1:25]}


def test_a_builder_that_died_is_replaced(worker, store):
    load_devset(store, ROWS[:10])
    worker.sync()
    pid = BUILDER.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    load_devset(store, ROWS[10:20])
    assert worker.sync() == 10
    assert BUILDER.pid not in (None, pid)
    assert len(ids(worker)) == 20


def test_a_builder_killed_during_a_catch_up_leaves_an_index_the_next_one_completes(worker, store):
    """Killed before, during or after its commit (whichever comes first here), the builder is replaced and
    the catch-up done again: the index ends up holding every fiche once."""
    load_devset(store, ROWS[:5])
    worker.sync()
    load_devset(store)
    pid = BUILDER.pid
    assert pid is not None
    done: list[int] = []
    catch_up = threading.Thread(target=lambda: done.append(worker.sync()))
    catch_up.start()
    os.kill(pid, signal.SIGKILL)
    catch_up.join(timeout=120)
    assert done and BUILDER.pid != pid
    assert ids(worker) == {r["id"] for r in ROWS}
    assert worker.check() == {"problem": None, "missing_in_index": [], "missing_in_store": []}


# -- the builder's loop, run here on pipes --------------------------------------------------------------

def _serve(lines: list[str], idle: float = 5.0, keep_open: bool = False) -> list[dict]:
    read_tasks, write_tasks = os.pipe()
    read_answers, write_answers = os.pipe()
    with os.fdopen(write_tasks, "w") as tasks:
        tasks.writelines(lines)
        if keep_open:  # the worker is still there: only the idle timeout ends the loop
            tasks.flush()
            with os.fdopen(read_tasks) as source, os.fdopen(write_answers, "w") as answers:
                builder.serve(source, answers, idle=idle)
    if not keep_open:
        with os.fdopen(read_tasks) as source, os.fdopen(write_answers, "w") as answers:
            builder.serve(source, answers, idle=idle)
    with os.fdopen(read_answers) as answers:
        return [json.loads(line) for line in answers]


def _task(task: str, index_dir: Path, store) -> str:
    return json.dumps({"task": task, "index_dir": str(index_dir), "url": str(store.engine.url)}) + "\n"


def test_the_builder_answers_each_task_until_its_worker_is_gone(tmp_path, store):
    load_devset(store, ROWS[:4])
    index = tmp_path / "index"
    answers = _serve(["not json\n", _task("sync", index, store), _task("sync", index, store)])
    assert "error" in answers[0]  # reported, and the builder serves on
    assert answers[1:] == [{"count": 4}, {"count": 0}]  # then its input closed: it returned


def test_the_builder_leaves_after_a_rebuild_and_when_idle(tmp_path, store):
    load_devset(store, ROWS[:4])
    index = tmp_path / "index"
    assert _serve([_task("rebuild", index, store), _task("sync", index, store)]) == [{"count": 4}]
    assert _serve([_task("sync", index, store)], idle=0.05, keep_open=True) == [{"count": 0}]


def test_a_builder_that_ended_on_its_own_is_collected_by_the_next_tick(worker, store):
    """An idle builder exits by itself; the catch-up loop's next tick (``follow``) collects it, where it
    stayed a zombie until the next task."""
    load_devset(store, ROWS[:5])
    worker.sync()
    pid = BUILDER.pid
    assert pid is not None
    process = BUILDER._process
    assert process is not None and process.stdin is not None
    process.stdin.close()  # as when it leaves: it reads the end of its input and exits
    deadline = time.monotonic() + 30
    while _state(pid) not in ("Z", None) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _state(pid) == "Z"  # ended, not yet collected
    worker.follow()
    assert _state(pid) is None and BUILDER._process is None
    load_devset(store, ROWS[5:10])
    assert worker.sync() == 5  # the next task starts a new builder
    assert BUILDER.pid not in (None, pid)


def _state(pid: int) -> str | None:
    """The process's state letter (``Z``: a zombie), None once it is collected."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None
