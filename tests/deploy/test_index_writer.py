"""The writer election itself, in one process: two roles on one index directory stand for two workers
(flock locks belong to an open file, so two opens conflict like two processes)."""

from __future__ import annotations

import os
import shutil
import threading
import time

import pytest

from app.services.index_writer import IndexCatchUpFailed, IndexWriterRole
from deploy.topology import flock_holders


class Counter:
    """A catch-up stand-in that counts its calls (and can be made to fail)."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail = False

    def __call__(self) -> int:
        self.calls += 1
        if self.fail:
            raise OSError("disque plein")
        return 1


def test_standalone_writes_directly_until_enabled(tmp_path):
    role, direct = IndexWriterRole(tmp_path / "index"), Counter()
    assert role.is_writer
    assert role.catch_up(direct) == 1 and direct.calls == 1
    assert not (tmp_path / "index" / "writer.lock").exists()


def test_one_writer_serves_the_readers_requests_and_a_reader_takes_over(tmp_path):
    index = tmp_path / "index"
    writer, reader = IndexWriterRole(index), IndexWriterRole(index)
    assert writer.enable() is True
    assert reader.enable() is False
    assert not reader.is_writer
    assert flock_holders(index / "writer.lock") != []  # the kernel's table has the lock
    writes, reads = Counter(), Counter()
    stop = threading.Event()
    loop = threading.Thread(target=writer.run, args=(writes, 0, stop), daemon=True)
    loop.start()
    try:
        assert reader.catch_up(reads, timeout=10) is None  # the writer did it
        assert writes.calls == 1 and reads.calls == 0
        writes.fail = True
        with pytest.raises(IndexCatchUpFailed):
            reader.catch_up(reads, timeout=10)
        assert reads.calls == 0
    finally:
        stop.set()
        loop.join()
    writer.release()  # as if the writer died: the kernel drops its lock
    assert reader.catch_up(reads, timeout=10) == 1
    assert reader.is_writer and reads.calls == 1
    assert writer.try_claim() is False
    reader.release()


def test_a_request_times_out_when_the_writer_never_answers(tmp_path):
    index = tmp_path / "index"
    writer, reader = IndexWriterRole(index), IndexWriterRole(index)
    writer.enable()
    reader.enable()
    assert reader.catch_up(Counter(), timeout=0.5) is None  # no loop runs in the writer: logged, not raised
    writer.release()


def test_a_deleted_index_directory_does_not_make_two_writers(tmp_path):
    index = tmp_path / "index"
    writer, reader = IndexWriterRole(index), IndexWriterRole(index)
    writer.enable()
    reader.enable()
    stop = threading.Event()
    loop = threading.Thread(target=writer.run, args=(Counter(), 0, stop), daemon=True)
    loop.start()
    try:
        shutil.rmtree(index)  # the writer still holds a lock, on a file that is gone
        reader.try_claim()  # a reader locks the new file (unless the writer's loop was quicker)
        time.sleep(0.6)  # a few ticks of the writer's loop
        assert len([role for role in (writer, reader) if role._fd is not None]) == 1
        assert writer.is_writer != reader.is_writer
        assert flock_holders(index / "writer.lock") == [os.getpid()]
    finally:
        stop.set()
        loop.join()
        writer.release()
        reader.release()


def test_every_worker_follows_the_index_on_each_tick_and_a_failure_does_not_stop_the_loop(tmp_path):
    index = tmp_path / "index"
    writer, reader = IndexWriterRole(index), IndexWriterRole(index)
    writer.enable()
    reader.enable()
    followed = {"writer": 0, "reader": 0}

    def follower(name: str):
        def follow() -> None:
            followed[name] += 1
            if followed[name] == 1:
                raise OSError("génération illisible")  # logged; the next tick tries again
        return follow

    stop = threading.Event()
    loops = [threading.Thread(target=role.run, args=(Counter(), 0, stop, follower(name)), daemon=True)
             for name, role in (("writer", writer), ("reader", reader))]
    for loop in loops:
        loop.start()
    try:
        deadline = time.monotonic() + 10
        while min(followed.values()) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert min(followed.values()) >= 3
    finally:
        stop.set()
        for loop in loops:
            loop.join()
        writer.release()
        reader.release()
