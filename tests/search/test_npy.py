"""The index's ``.npy`` files are read without ``ast`` (``app.search.npy``): the same arrays as ``np.load``,
the same refusals, and a background read never breaks a parse in another thread (Python 3.11's shared AST
recursion depth, python/cpython#106905)."""

from __future__ import annotations

import ast
import inspect
import sys
import threading
import time
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search import npy

DTYPES = ["<i8", "<i4", "<f8", "<f4", "|u1", "|b1", "|S1", "|S17", ">i8"]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(DTYPES), st.lists(st.integers(0, 5), max_size=3), st.booleans(), st.integers(0, 2**31))
def test_fuzz_the_same_arrays_as_np_load(tmp_path_factory, dtype, shape, mapped, seed):
    path = tmp_path_factory.mktemp("npy") / "a.npy"
    rng = np.random.default_rng(seed)
    array = rng.integers(0, 250, size=tuple(shape)).astype(dtype)
    np.save(path, array)
    found = npy.load(path, mmap=mapped)
    expected = np.load(path, mmap_mode="r" if mapped else None, allow_pickle=False)
    assert found.dtype == expected.dtype and found.shape == expected.shape
    assert np.array_equal(found, expected)
    if mapped and found.size:
        assert isinstance(found, np.memmap) and not found.flags.writeable


def test_headers_of_another_shape_are_read_by_np_load(tmp_path):
    fields = np.zeros(3, dtype=[("champ", "<i4"), ("autre", "<f8")])
    np.save(tmp_path / "fields.npy", fields)
    assert npy.load(tmp_path / "fields.npy").dtype == fields.dtype
    fortran = np.asfortranarray(np.arange(6).reshape(2, 3))
    np.save(tmp_path / "f.npy", fortran)
    assert np.array_equal(npy.load(tmp_path / "f.npy"), fortran)


@pytest.mark.parametrize("damage", ["truncated", "not npy", "object", "empty"])
def test_damaged_files_are_refused(tmp_path, damage):
    path = tmp_path / "a.npy"
    if damage == "object":
        np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    else:
        np.save(path, np.arange(1000))
        data = path.read_bytes()
        path.write_bytes({"truncated": data[:500], "not npy": b"PK" + data[2:], "empty": b""}[damage])
    with pytest.raises((ValueError, EOFError)):  # np.load: EOFError for an empty file
        np.load(path, mmap_mode="r", allow_pickle=False)
    with pytest.raises(ValueError):  # what the index's readers catch (with OSError)
        npy.load(path)


def test_reads_in_one_thread_never_break_a_parse_in_another(tmp_path):
    """np.load here broke hundreds of parses in two seconds: a collection during a parse ran finalizers,
    whose Python code let the other thread parse a header meanwhile."""
    path = tmp_path / "a.npy"
    np.save(path, np.arange(10))
    source = inspect.getsource(threading)
    errors: list[str] = []
    stop = time.monotonic() + 2.0

    class Finalized:
        def __del__(self) -> None:
            sum(range(50))

    def garbage() -> None:
        a, b = Finalized(), Finalized()
        a.other, b.other = b, a  # type: ignore[attr-defined]

    def repeat(work: Callable[[], object]) -> None:
        while time.monotonic() < stop:
            try:
                work()
            except SystemError as exc:
                errors.append(str(exc))
            garbage()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=repeat, args=(lambda: npy.load(path),)),
                   threading.Thread(target=repeat, args=(lambda: ast.parse(source),))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
