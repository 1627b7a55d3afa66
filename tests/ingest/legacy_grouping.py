"""The near-duplicate grouper as it was before the in-memory one (ingest.grouping): the reference the new
one is compared with in tests (same groups on the shipped data and the tests' corpora)."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process

from app.domain.models import FicheCreate
from app.domain.store import Store
from app.domain.text import fold_key, title_key

TEXT_SIMILARITY = 85.0


_GROUP_COLUMNS = ("title_key", "structure", "year", "duplicate_of", "resume", "description_experience")


def _group_text(fiche: dict[str, Any]) -> str:
    return " ".join(filter(None, [fiche["resume"], fiche["description_experience"]]))[:1500]


class LegacyGrouper:
    """Assigns each fiche of a batch to the near-duplicate group of an earlier fiche, if any.

    A group is led by its first fiche; later fiches are compared with the leaders only (members are
    already similar to theirs), so the work grows with the number of groups, not of fiches, sharing a
    title. A fiche already stored keeps its group, so re-importing never regroups.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def leaders(self, batch: list[FicheCreate]) -> dict[str, str | None]:
        keys = {title_key(f.title) for f in batch}
        candidates: dict[str, list[dict[str, Any]]] = {}
        for row in self.store.find_by_title_keys(keys, _GROUP_COLUMNS):
            _prepare(row)
            candidates.setdefault(row["title_key"], []).append(row)
        out: dict[str, str | None] = {}
        for fiche in batch:
            key = title_key(fiche.title)
            pool = candidates.setdefault(key, [])
            stored = next((row for row in pool if row["id"] == fiche.id), None)
            if stored is not None:
                leader = stored["duplicate_of"]
            else:
                leader = self._leader(fiche, pool)
                row = {"id": fiche.id, "duplicate_of": leader, **fiche.model_dump(include=set(_GROUP_COLUMNS))}
                pool.append(_prepare(row))
            out[fiche.id] = leader if leader != fiche.id else None
        return out

    def stored(self, batch: list[FicheCreate], failed: set[str]) -> None:
        """The old grouper re-read the store at each batch: nothing to follow."""

    @staticmethod
    def _leader(fiche: FicheCreate, pool: list[dict[str, Any]]) -> str | None:
        structure = fold_key(fiche.structure)
        for row in pool:  # the same structure filing the same action another year
            if structure and row["structure_key"] == structure and row["year"] != fiche.year:
                return str(row["duplicate_of"] or row["id"])
        text = _group_text(fiche.model_dump(include={"resume", "description_experience"}))
        leaders = [row for row in pool if not row["duplicate_of"] and row["text"]]
        if not text or not leaders:
            return None
        match = process.extractOne(text, [row["text"] for row in leaders], scorer=fuzz.token_sort_ratio,
                                   score_cutoff=TEXT_SIMILARITY)
        return str(leaders[match[2]]["id"]) if match else None


def _prepare(row: dict[str, Any]) -> dict[str, Any]:
    row["text"] = _group_text(row)
    row["structure_key"] = fold_key(row["structure"])
    return row
