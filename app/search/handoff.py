"""How a serving worker hands its index writes to the builder process (``app.search.builder``).

A serving worker never writes the index in its own process (``indexer.sync(..., elsewhere=True)``):
Whoosh writes in pure Python and would hold the worker's GIL for seconds, and every request waiting for
I/O meanwhile would wait for the GIL too (a convoy: hundreds of milliseconds for a 10-ms request). So
each catch-up and rebuild runs in one builder process, started on first use and kept for the next ones
(starting Python and importing the store costs a second of CPU); the new generation is handed over on
disk (``current`` swapped atomically, or Whoosh segments committed under Whoosh's lock, so several
processes may share one index directory).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger("fiches.index")
NICENESS = 5  # the builder runs behind the serving workers when the cores are busy: requests come first


class IndexBuildFailed(RuntimeError):
    """The builder process failed (its error, or how it ended)."""


class Builder:
    """This process's builder process, started on first use (see the module docstring); thread-safe, one
    task at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None

    @property
    def pid(self) -> int | None:
        """The builder's process id while one runs."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def run(self, task: str, index_dir: Path, url: str) -> int:
        """Have the builder run ``task`` ("sync" or "rebuild") and wait for it: the number of rows indexed.
        A builder that ended without answering (it had just left, idle, or it crashed) is replaced once."""
        request = json.dumps({"task": task, "index_dir": str(Path(index_dir).resolve()), "url": url}) + "\n"
        with self._lock:
            for attempt in (1, 2):
                process = self._started()
                assert process.stdin is not None and process.stdout is not None
                try:
                    process.stdin.write(request)
                    process.stdin.flush()
                    line = process.stdout.readline()
                except (BrokenPipeError, ValueError):
                    line = ""
                if line:
                    answer = json.loads(line)
                    if "error" in answer:
                        raise IndexBuildFailed(f"builder ({task}): {answer['error']}")
                    return int(answer["count"])
                code = self._stop()
                if attempt == 2:
                    raise IndexBuildFailed(f"builder ({task}) exited with {code} without answering")
        raise AssertionError("unreachable")

    def _started(self) -> subprocess.Popen[str]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._stop()
        self._process = subprocess.Popen([sys.executable, "-m", "app.search.builder"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True, encoding="utf-8")
        _lower_priority(self._process.pid)
        log.info("processus de construction de l'index démarré (pid %s)", self._process.pid)
        return self._process

    def _stop(self, wait: float | None = None) -> int | None:
        """Close the builder's input (it exits once its task is done) and reap it within ``wait`` seconds
        (None: as long as it takes): its exit code, None if it still runs (it ends on its own)."""
        process, self._process = self._process, None
        if process is None:
            return None
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        try:
            return process.wait(wait)
        except subprocess.TimeoutExpired:
            return None

    def reap(self) -> None:
        """Collect a builder that has ended on its own (idle for ``builder.IDLE_SECONDS``, or after a large
        task): otherwise it would stay a zombie, with its pipes open here, until the next task. Never waits:
        while a task is under way, nothing is done."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self._process is not None and self._process.poll() is not None:
                self._stop()
        finally:
            self._lock.release()

    def close(self) -> None:
        """Let the builder go: it exits once its task, if any, is done. (While another thread waits for a
        task, the builder is left alone: its input closes when this process ends.)"""
        if self._lock.acquire(timeout=1.0):
            try:
                self._stop(wait=1.0)
            finally:
                self._lock.release()


def _lower_priority(pid: int) -> None:
    """Run the builder ``NICENESS`` behind this process from its start: Python's start and the imports are a
    second of CPU, which took the cores from the requests when the builder lowered its own priority only
    once started (requests of 50–65 ms at 100,000 fiches while an import wrote beside them)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)
    except (AttributeError, OSError):  # not on every system (Windows), or the builder is already gone
        pass


BUILDER = Builder()
atexit.register(BUILDER.close)
