"""Reading the ``.npy`` files of an index generation without ``ast``.

``np.load`` parses a file's header with ``ast.literal_eval``. In Python 3.11 the AST constructor keeps its
recursion depth in state shared by every thread: when a garbage collection during one parse runs Python
code and another thread parses meanwhile, one of them fails with ``SystemError: AST constructor recursion
depth mismatch`` (python/cpython#106905). A serving process reads these files in a background thread (a
reopen, a warm-up) while requests run, and a request that imported a module (or read a file) then failed:
so the headers this module reads, the ones ``np.save`` writes, are parsed with a regular expression, and
only a header of another shape goes through ``np.load``, under a lock.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import BinaryIO

import numpy as np

_MAGIC = b"\x93NUMPY"
_HEADER = re.compile(r"\{'descr': '([^']+)', 'fortran_order': False, 'shape': \(((?:\d+, ?)*\d*)\), \} *\n")
_fallback = threading.Lock()


def _header(file: BinaryIO, path: Path) -> tuple[np.dtype, tuple[int, ...], int] | None:
    """(dtype, shape, data offset) of a file ``np.save`` wrote; None for a header of another shape."""
    start = file.read(12)
    if len(start) < 10 or not start.startswith(_MAGIC):
        raise ValueError(f"{path} : pas un fichier .npy")
    major = start[6]
    if major == 1:
        size, offset = int.from_bytes(start[8:10], "little"), 10
    elif major in (2, 3) and len(start) == 12:
        size, offset = int.from_bytes(start[8:12], "little"), 12
    else:
        return None
    file.seek(offset)
    text = file.read(size).decode("latin-1")
    found = _HEADER.fullmatch(text)
    if found is None or len(text) != size:
        return None
    dtype = np.dtype(found.group(1))
    if dtype.hasobject:
        raise ValueError(f"{path} : objets Python refusés")
    shape = tuple(int(n) for n in found.group(2).replace(" ", "").split(",") if n)
    return dtype, shape, offset + size


def load(path: Path | str, mmap: bool = True) -> np.ndarray:
    """The array in ``path``, memory-mapped read-only (``mmap``) or read; as ``np.load(path, mmap_mode="r"
    if mmap else None, allow_pickle=False)`` gives it. Raises ``OSError`` or ``ValueError``. The header
    and the data are read through one open file (a file replaced meanwhile is read whole, old or new)."""
    path = Path(path)
    with open(path, "rb") as file:
        header = _header(file, path)
        if header is not None:
            dtype, shape, offset = header
            count = int(np.prod(shape, dtype=np.int64))
            if os.fstat(file.fileno()).st_size < offset + count * dtype.itemsize:
                raise ValueError(f"{path} : fichier tronqué")
            if count == 0:
                return np.zeros(shape, dtype=dtype)
            if mmap:
                return np.memmap(file, dtype=dtype, mode="r", offset=offset, shape=shape)
            file.seek(offset)
            return np.fromfile(file, dtype=dtype, count=count).reshape(shape)
    with _fallback:  # a header of another shape: one parse at a time in this module at least
        found: np.ndarray = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    return found
