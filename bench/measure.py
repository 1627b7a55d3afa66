"""Small measuring helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np


def _rank(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), _rank(ordered, 0.95)


def quantiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 (nearest rank)."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan"), float("nan"), float("nan")
    return statistics.median(ordered), _rank(ordered, 0.95), _rank(ordered, 0.99)


def proc_status(pid: int | str = "self") -> dict[str, float]:
    """Memory lines of /proc/PID/status in MB (VmRSS, VmHWM, RssAnon, RssFile)."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) / 1024
    return out


def rss_mb(pid: int | str = "self") -> float:
    return proc_status(pid).get("VmRSS", float("nan"))


def machine_speed(repeats: int = 5) -> dict[str, float]:
    """How fast this machine is right now (the best of ``repeats``, in ms): a pure-Python loop of 2 million
    additions (the interpreter) and one arithmetic pass over a million float64 (numpy, memory-bound). Printed
    beside the figures, so that runs on a machine whose speed varies (shared cores) can be compared."""
    def loop() -> None:
        total = 0
        for i in range(2_000_000):
            total += i

    values = np.arange(1_000_000, dtype=np.float64)
    out: dict[str, float] = {}
    for name, work in (("python_loop_ms", loop), ("numpy_pass_ms", lambda: values * 2.0 / (1.2 + values))):
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            work()
            best = min(best, (time.perf_counter() - started) * 1000)
        out[name] = best
    return out
