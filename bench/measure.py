"""Small measuring helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
from pathlib import Path


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
