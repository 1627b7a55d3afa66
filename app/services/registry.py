"""One object per runtime (per process), made on first use: the unit index, the import jobs."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from app.services.runtime import Runtime

T = TypeVar("T")


class PerRuntime(Generic[T]):
    def __init__(self, make: Callable[[Runtime], T]) -> None:
        self.make = make
        self.lock = threading.Lock()
        self.made: weakref.WeakKeyDictionary[Runtime, T] = weakref.WeakKeyDictionary()

    def __call__(self, runtime: Runtime) -> T:
        with self.lock:
            found = self.made.get(runtime)
            if found is None:
                found = self.made[runtime] = self.make(runtime)
            return found
