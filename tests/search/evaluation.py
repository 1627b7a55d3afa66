"""nDCG@k and the per-query table used by the relevance tests (and by hand while tuning)."""

from __future__ import annotations

import math


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if ideal == 0:
        return 1.0 if not ranked else 0.0
    return dcg([relevant.get(i, 0) for i in ranked[:k]]) / ideal


def table(rows: list[tuple[str, float, float | None, str]]) -> str:
    lines = [f"{'query':40} {'nDCG@10':>8} {'baseline':>9}  misses"]
    for q, ours, base, note in rows:
        lines.append(f"{q[:40]:40} {ours:8.3f} {'' if base is None else f'{base:9.3f}'}  {note}")
    return "\n".join(lines)
