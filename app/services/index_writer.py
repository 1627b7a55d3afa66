"""One index writer per index directory, elected among a replica's worker processes by an OS file lock.

A replica serves with several worker processes over one index directory. Exactly one of them (the
writer) applies the store's changes to the index: the catch-up loop and every catch-up asked for by an
import or a deletion. The others only read; the search service reopens its reader when the index changed.

Files in the index directory::

    writer.lock     flock(LOCK_EX) held by the writer for its whole life; holds its pid (for operators).
                    The kernel releases it when the writer dies: a reader takes it over at its next tick.
    sync.request    the time (CLOCK_MONOTONIC, ns) of the newest catch-up asked for by a reader, written
                    after the reader committed its changes to the store
    sync.done       the time the writer *started* its newest catch-up, written when it finished: a request
                    older than it is served (its commit was visible to that catch-up)
    sync.failed     the time the writer started its newest catch-up that failed: the waiting readers raise
                    ``IndexCatchUpFailed`` (as the writer's own request would have raised)

Until ``enable()`` (the server's start), every catch-up writes directly (the CLI, scripts, tests).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("fiches.index")

LOCK_FILE = "writer.lock"
START_LOCK_FILE = "start.lock"
REQUEST_FILE = "sync.request"
DONE_FILE = "sync.done"
FAILED_FILE = "sync.failed"
TICK_SECONDS = 0.1  # how often the writer looks for a request, and a reader for a dead writer
CLAIM_EVERY_SECONDS = 0.5  # how often a reader tries to take over the writer lock
REQUEST_AGAIN_SECONDS = 1.0  # a waiting reader writes its request again (another may have overwritten it)
REQUEST_TIMEOUT_SECONDS = 60.0  # a request path (import, deletion) waits this long for the writer
RETRY_SECONDS = 1.0  # after a failed catch-up, the writer waits this long before the next try


class IndexCatchUpFailed(RuntimeError):
    """The writer worker tried to bring the index up to the store for this reader's request and failed."""


def _read_ns(path: Path) -> int:
    try:
        return int(path.read_text(encoding="ascii").strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def _write_ns(path: Path, value: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_text(str(value), encoding="ascii")
    os.replace(tmp, path)


class IndexWriterRole:
    """This process's part in writing one index directory: the writer, a reader, or standalone."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.enabled = False
        self._fd: int | None = None
        self._claim = threading.Lock()
        self._writing = threading.Lock()
        self._claimed_at = 0.0

    # -- election -------------------------------------------------------------------------------------
    @property
    def is_writer(self) -> bool:
        """True when this process writes the index (always, until the writer/reader split is enabled)."""
        return not self.enabled or self._fd is not None

    def enable(self) -> bool:
        """Split writing from reading for this index directory; returns whether this process is the writer."""
        self.enabled = True
        return self.try_claim()

    def try_claim(self) -> bool:
        """Take the writer lock if it is free (never blocks). True if this process is now the writer."""
        with self._claim:
            if self._fd is not None:
                return True
            self._claimed_at = time.monotonic()
            self.index_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            self._fd = fd
            now = time.monotonic_ns()
            for name in (REQUEST_FILE, DONE_FILE, FAILED_FILE):  # stamps from before a reboot look served
                if _read_ns(self.index_dir / name) > now:
                    _write_ns(self.index_dir / name, 0)
        log.info("processus %s : écrivain de l'index %s", os.getpid(), self.index_dir)
        return True

    def _lock_file_replaced(self) -> bool:
        """Whether the lock file this writer holds is no longer the one at its path (the index directory
        was deleted or replaced): a new process could lock the new file and write alongside."""
        fd = self._fd
        if fd is None:
            return False
        try:
            return os.stat(self.index_dir / LOCK_FILE).st_ino != os.fstat(fd).st_ino
        except FileNotFoundError:
            return True

    def writer_pid(self) -> int | None:
        """The pid written by the current writer (None if none ever claimed this directory)."""
        value = _read_ns(self.index_dir / LOCK_FILE)
        return value or None

    def release(self) -> None:
        with self._claim:
            if self._fd is not None:
                os.close(self._fd)  # closing the only descriptor releases the flock
                self._fd = None

    def startup_lock(self) -> _StartLock:
        """Serialises the start of a replica's workers (schema migration, first import)."""
        return _StartLock(self.index_dir / START_LOCK_FILE)

    # -- catch-ups ------------------------------------------------------------------------------------
    def catch_up(self, direct: Callable[[], int], timeout: float | None = REQUEST_TIMEOUT_SECONDS) -> int | None:
        """Bring the index up to the store: ``direct()`` here if this process writes, otherwise ask the
        writer and wait until it has caught up (``timeout`` seconds; None = as long as a writer lives).
        Returns ``direct()``'s result, or None when the writer did the work (or the wait timed out)."""
        if self.is_writer or self.try_claim():
            return self._write(direct)
        asked = time.monotonic_ns()
        _write_ns(self.index_dir / REQUEST_FILE, asked)
        log.info("processus %s : mise à jour de l'index demandée à l'écrivain (pid %s)", os.getpid(),
                 self.writer_pid())
        deadline = None if timeout is None else time.monotonic() + timeout
        requested_at = time.monotonic()
        while _read_ns(self.index_dir / DONE_FILE) < asked:
            if _read_ns(self.index_dir / FAILED_FILE) >= asked:
                raise IndexCatchUpFailed(f"the index writer (pid {self.writer_pid()}) failed to catch up")
            now = time.monotonic()
            if deadline is not None and now > deadline:
                log.warning("processus %s : l'écrivain de l'index n'a pas répondu en %s s ; la boucle de mise "
                            "à jour rattrapera", os.getpid(), timeout)
                return None
            if now - self._claimed_at > CLAIM_EVERY_SECONDS and self.try_claim():  # the writer died
                return self._write(direct)
            if now - requested_at > REQUEST_AGAIN_SECONDS:
                _write_ns(self.index_dir / REQUEST_FILE, max(asked, _read_ns(self.index_dir / REQUEST_FILE)))
                requested_at = now
            time.sleep(TICK_SECONDS / 2)
        return None

    def _write(self, direct: Callable[[], int]) -> int:
        with self._writing:
            started = time.monotonic_ns()
            try:
                changed = direct()
            except Exception:
                if self.enabled:
                    _write_ns(self.index_dir / FAILED_FILE, started)
                raise
            if self.enabled:
                _write_ns(self.index_dir / DONE_FILE, started)
            return changed

    def run(self, direct: Callable[[], int], interval: float, stop: threading.Event,
            follow: Callable[[], None] | None = None) -> None:
        """The catch-up loop of every worker: the writer serves requests and catches up every ``interval``
        seconds (0 = only on request); a reader takes over when the writer's lock is released. Every
        worker calls ``follow`` on each tick (the search service opens the index's new generation, so an
        idle worker's next request is not answered from the generation it served last)."""
        next_catch_up = time.monotonic() + interval
        while not stop.wait(TICK_SECONDS):
            if follow is not None:
                try:
                    follow()
                except Exception:  # the next tick tries again; requests keep the generation they have
                    log.exception("nouvelle génération de l'index non ouverte")
            now = time.monotonic()
            if self._lock_file_replaced():
                log.warning("processus %s : fichier de verrou de l'index remplacé, nouvelle élection", os.getpid())
                self.release()
            if self._fd is None:
                if now - self._claimed_at < CLAIM_EVERY_SECONDS or not self.try_claim():
                    continue
                interval_due = True  # a new writer first catches up with everything
            else:
                interval_due = interval > 0 and now >= next_catch_up
            served = max(_read_ns(self.index_dir / DONE_FILE), _read_ns(self.index_dir / FAILED_FILE))
            pending = _read_ns(self.index_dir / REQUEST_FILE) > served
            if pending or interval_due:
                try:
                    self._write(direct)
                    next_catch_up = time.monotonic() + interval
                except Exception:  # retried a little later (the store or the disk may come back)
                    log.exception("mise à jour de l'index impossible")
                    next_catch_up = time.monotonic() + min(interval, RETRY_SECONDS)
                    stop.wait(RETRY_SECONDS)

    def start_loop(self, direct: Callable[[], int], interval: float,
                   follow: Callable[[], None] | None = None) -> IndexLoop:
        return IndexLoop(self, direct, interval, follow)


class IndexLoop:
    """The catch-up loop's thread, stopped with ``stop()``."""

    def __init__(self, role: IndexWriterRole, direct: Callable[[], int], interval: float,
                 follow: Callable[[], None] | None = None) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=role.run, args=(direct, interval, self._stop, follow), name="index-sync",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout=timeout)


class _StartLock:
    """A blocking flock held for a ``with`` block."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> _StartLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
