"""Relevance measures used by the relevance tests (and by hand while tuning): nDCG@k of the ranking, and
precision, recall and F1 of the result *set*.

Grades: 2 = answers the query, 1 = partly. Precision counts a fiche of grade 1 or 2 as right; recall is
over the grade-2 fiches (a set that leaves out a partly relevant fiche has not missed an answer). A query
with no relevant fiche is answered right by an empty set (precision 1 when nothing is returned, else 0).
"""

from __future__ import annotations

import math


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if ideal == 0:
        return 1.0 if not ranked else 0.0
    return dcg([relevant.get(i, 0) for i in ranked[:k]]) / ideal


def set_scores(found: list[str], relevant: dict[str, int]) -> tuple[float, float, float]:
    """(precision, recall, F1) of the result set ``found``."""
    answers = {i for i, g in relevant.items() if g >= 2}
    right = sum(1 for i in found if relevant.get(i, 0) >= 1)
    precision = right / len(found) if found else (1.0 if not answers else 0.0)
    recall = len(answers & set(found)) / len(answers) if answers else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def table(rows: list[tuple[str, float, float, float, str]]) -> str:
    """Per query: nDCG@10 of the shown list (set, then close results), of the set alone, of the baseline."""
    lines = [f"{'query':40} {'shown':>6} {'set':>6} {'BM25':>6}  misses"]
    for q, shown, in_set, base, note in rows:
        lines.append(f"{q[:40]:40} {shown:6.3f} {in_set:6.3f} {base:6.3f}  {note}")
    return "\n".join(lines)


def set_table(rows: list[tuple[str, int, tuple[float, float, float], int, tuple[float, float, float]]]) -> str:
    """Per query: our set's size, P, R, F1, then the FTS5 AND baseline's; and the means."""
    head = f"{'query':40} {'n':>4} {'P':>5} {'R':>5} {'F1':>5} | {'FTS5 n':>6} {'P':>5} {'R':>5} {'F1':>5}"
    lines = [head]
    for q, n, (p, r, f), bn, (bp, br, bf) in rows:
        lines.append(f"{q[:40]:40} {n:4d} {p:5.2f} {r:5.2f} {f:5.2f} | {bn:6d} {bp:5.2f} {br:5.2f} {bf:5.2f}")
    means = [sum(row[k][j] for row in rows) / len(rows) for k in (2, 4) for j in range(3)]
    lines.append(f"{'mean':40} {'':4} {means[0]:5.3f} {means[1]:5.3f} {means[2]:5.3f} | {'':6} "
                 f"{means[3]:5.3f} {means[4]:5.3f} {means[5]:5.3f}")
    return "\n".join(lines)
