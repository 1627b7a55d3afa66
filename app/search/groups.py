"""Near-duplicate groups folded by the engine: one entry per action, led by its most recent fiche.

An ordered result set is collapsed so that each group keeps one place (the rank of its best member); a
group is therefore never split across pages and counts once. The leader shown is the group's most recent
fiche within the result set; the others follow it in exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot


def collapse(snap: Snapshot, ordered: np.ndarray, result: np.ndarray | None = None) -> np.ndarray:
    """``ordered`` with one member of each group kept: the first (best placed) one, or, given the
    ``result`` mask, the group's leader (its most recent fiche there), at the leader's own place (so an
    order by budget or title stays true of the fiches shown)."""
    codes = snap.group_code[ordered]
    grouped = np.flatnonzero(codes >= 0)
    if not len(grouped):
        return ordered
    keep = np.ones(len(ordered), dtype=bool)
    keep[grouped] = False
    if result is None:
        _, first = np.unique(codes[grouped], return_index=True)
        keep[grouped[first]] = True
    else:
        docs = ordered[grouped].tolist()
        keep[grouped] = [members(snap, d, result)[0] == d for d in docs]
    return ordered[keep]


def members(snap: Snapshot, doc: int, result: np.ndarray) -> list[int]:
    """The members of ``doc``'s group within the result set, most recent first (``doc`` alone if none)."""
    group = snap.group_of.get(doc)
    if group is None:
        return [doc]
    found = [m for m in snap.group_members[group] if result[m]] or [doc]
    years = snap.numbers["year"]
    return sorted(found, key=lambda m: (-(years[m] if not np.isnan(years[m]) else -1), snap.title_rank[m], m))


def expand(snap: Snapshot, collapsed: np.ndarray, result: np.ndarray) -> list[int]:
    """Every fiche of the result set, group by group, each group led by its most recent fiche."""
    out: list[int] = []
    for doc in collapsed.tolist():
        out.extend(members(snap, doc, result))
    return out


def label(leader: dict[str, Any], others: list[dict[str, Any]]) -> str:
    """What differs between the fiches of a group, in French."""
    if not others:
        return ""
    structures = {(r.get("structure") or "").strip().casefold() for r in [leader, *others]}
    if len(structures) > 1:
        return "même action, autres structures"
    years = sorted({r["year"] for r in others if r.get("year") and r.get("year") != leader.get("year")}, reverse=True)
    if years:
        return "même action, autres années : " + " · ".join(str(y) for y in years)
    return "même action, autres fiches"
