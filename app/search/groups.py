"""Near-duplicate groups folded by the engine: one entry per action, led by its most recent fiche.

An ordered result set is collapsed so that each group keeps one place (the rank of its best member); a
group is therefore never split across pages and counts once. The leader shown is the group's most recent
fiche within the result set; the others follow it in exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from app.search.ranking import first_of_groups

if TYPE_CHECKING:
    from app.search.snapshot import Snapshot


def collapse(snap: Snapshot, ordered: np.ndarray, result: np.ndarray | None = None) -> np.ndarray:
    """``ordered`` with one member of each group kept: the first (best placed) one, or, given the
    ``result`` mask, the group's leader (its most recent fiche there), at the leader's own place (so an
    order by budget or title stays true of the fiches shown)."""
    if result is not None:
        kept: np.ndarray = ordered[leaders(snap, result)[ordered]]
        return kept
    return first_of_groups(ordered, snap.group_code)


def leaders(snap: Snapshot, result: np.ndarray) -> np.ndarray:
    """``result`` with each group reduced to its leader there: its most recent fiche (ties: title, then
    docnum), as ``members`` orders them, for every group at once."""
    grouped = np.flatnonzero(result & (snap.group_code >= 0))
    if not len(grouped):
        return result
    codes = snap.group_code[grouped]
    years = snap.numbers["year"][grouped]
    by_group = np.lexsort((grouped, snap.title_rank[grouped], np.where(np.isnan(years), 1.0, -years), codes))
    first = np.ones(len(by_group), dtype=bool)
    first[1:] = codes[by_group][1:] != codes[by_group][:-1]
    keep = result.copy()
    keep[grouped] = False
    keep[grouped[by_group[first]]] = True
    return keep


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
