"""The index builder process: the index writes of a serving worker, run away from its requests.

    python -m app.search.builder        (started by a serving worker, ``handoff.BUILDER``)

It reads tasks on its standard input, one JSON line each (``{"task": "sync" | "rebuild", "index_dir": …,
"url": …}``: the database URL never appears on a command line), runs them one by one with ``indexer``
and answers each with one JSON line on its standard output (``{"count": rows indexed}`` or
``{"error": …}``); everything else it prints goes to standard error. It exits when its standard input
closes (the worker is gone: a task under way is finished first), after ``IDLE_SECONDS`` without a task,
and after a rebuild or a large catch-up (its peak memory goes back to the system). A builder killed at
any point leaves the index as a crashed write would: the next catch-up heals it. It runs at a
lower priority than the workers (``handoff.NICENESS``, set by the worker as soon as it starts it): on
busy cores, requests come first.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import select
import sys
from pathlib import Path
from typing import IO, Any

from app.domain.db import make_engine
from app.domain.store import Store
from app.search import indexer
from app.search.memory import release_free_memory

IDLE_SECONDS = 120.0  # an idle builder exits; the next task starts a new one
LARGE_ROWS = 1_000  # after a task this large (or a rebuild) the builder exits: its peak memory given back
log = logging.getLogger("fiches.index")


def run_task(task: str, index_dir: Path, url: str) -> int:
    """``indexer.sync`` or ``indexer.rebuild`` of ``index_dir`` from the store at ``url``, in this process."""
    engine = make_engine(url)
    try:
        store = Store(engine)
        return indexer.rebuild(index_dir, store) if task == "rebuild" else indexer.sync(index_dir, store)
    finally:
        engine.dispose()


def serve(tasks: IO[str], answers: IO[str], idle: float = IDLE_SECONDS) -> None:
    """Run the tasks read from ``tasks`` one by one, answering each on ``answers``, until ``tasks`` closes,
    ``idle`` seconds pass without one, or a large task is done. (One task is in flight at a time: the
    worker waits for each answer, so no second line can wait in the input's buffer unseen by ``select``.)"""
    while select.select([tasks], [], [], idle)[0]:
        line = tasks.readline()
        if not line:
            return  # the serving worker is gone
        answer: dict[str, Any]
        large = False
        try:
            request = json.loads(line)
            count = run_task(str(request["task"]), Path(request["index_dir"]), str(request["url"]))
            answer, large = {"count": count}, count >= LARGE_ROWS or request["task"] == "rebuild"
        except Exception as exc:  # reported to the worker, which raises it; this process serves on
            log.exception("tâche d'indexation impossible")
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        try:
            answers.write(json.dumps(answer) + "\n")
            answers.flush()
        except BrokenPipeError:
            return  # the serving worker is gone
        if large:
            return
        gc.collect()
        release_free_memory()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s %(message)s")
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")  # the answers' own channel: whatever else a
    os.dup2(2, 1)  # library prints goes to standard error
    serve(sys.stdin, answers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
