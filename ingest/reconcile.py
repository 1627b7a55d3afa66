"""A batch of fresh readings against what the store already holds, before it is written.

- **One action, one record.** A fiche read without a year (a dump without the year table) updates the
  record with the same title, structure and département and a known year, when exactly one such record
  exists (in the store or earlier in the batch), instead of creating a second one.
- **No good fiche overwritten by a poor reading.** An update that would empty several fields of the
  stored fiche (a garbled or cut-off reading of the same action) is refused and reported, not applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.domain.fields import LIST_FIELDS, TEXT_FIELDS
from app.domain.models import FicheCreate
from app.domain.records import Rejected
from app.domain.store import Store
from app.domain.text import fold_key, title_key
from ingest.labels import label_name
from ingest.normalize import content_hash

# Fields whose loss makes a reading "poorer"; three or more emptied at once and the update is refused.
COMPARED_FIELDS: tuple[str, ...] = (
    "structure", "departement", "statut", "dimension", "territoire", "budget_eur", "etp",
    *TEXT_FIELDS, *LIST_FIELDS,
)  # fmt: skip
MAX_EMPTIED = 2
_LABELS = {"budget_eur": "Budget", "etp": "ETP", "departement": "Département"}
_IDENTITY = ("title_key", "structure", "departement", "year")


def _filled(value: Any) -> bool:
    return value not in (None, "", [])


def _identity(title: str, structure: str | None, departement: str | None) -> tuple[str, str, str]:
    return title_key(title), fold_key(structure), fold_key(departement)


def adopt_years(batch: list[FicheCreate], store: Store) -> list[FicheCreate]:
    """The batch with every year-less fiche given the id and year of its one dated twin, if any."""
    if all(fiche.year is not None for fiche in batch):
        return batch
    dated: dict[tuple[str, str, str], set[tuple[str, int]]] = {}
    keys = {title_key(fiche.title) for fiche in batch if fiche.year is None}
    for row in store.find_by_title_keys(keys, _IDENTITY):
        if row["year"] is not None:
            dated.setdefault(_identity(row["title_key"], row["structure"], row["departement"]), set()).add(
                (row["id"], row["year"]))
    for fiche in batch:
        if fiche.year is not None:
            dated.setdefault(_identity(fiche.title, fiche.structure, fiche.departement), set()).add(
                (fiche.id, fiche.year))
    out: list[FicheCreate] = []
    for fiche in batch:
        twins = dated.get(_identity(fiche.title, fiche.structure, fiche.departement), set())
        if fiche.year is None and len(twins) == 1:
            twin_id, year = next(iter(twins))
            data = fiche.model_dump()
            data["year"] = year
            data.update(id=twin_id, content_hash=content_hash(data))
            fiche = FicheCreate(**data)
        out.append(fiche)
    return out


def _emptied(old: dict[str, Any], new: FicheCreate) -> list[str]:
    return [name for name in COMPARED_FIELDS if _filled(old.get(name)) and not _filled(getattr(new, name))]


def refuse_poorer(batch: list[FicheCreate], store: Store, where: dict[str, tuple[str, int]]
                  ) -> tuple[list[FicheCreate], list[Rejected]]:
    """(the batch without the updates that would empty fields of a stored fiche, their rejections).

    ``where`` maps a fiche id to the (source, line) it was read from, for the report."""
    hashes = store.get_rows([fiche.id for fiche in batch], ("content_hash",))
    changed = [f.id for f in batch if f.id in hashes and hashes[f.id]["content_hash"] != f.content_hash]
    stored = store.get_rows(changed, (*COMPARED_FIELDS, "content_hash", "truncated")) if changed else {}
    kept: list[FicheCreate] = []
    refused: list[Rejected] = []
    for fiche in batch:
        old = stored.get(fiche.id)
        if old is None:
            kept.append(fiche)
            continue
        emptied = _emptied(old, fiche)
        cut = fiche.truncated and not old["truncated"]
        if len(emptied) > MAX_EMPTIED or (cut and emptied):
            refused.append(_refusal(fiche, emptied, where))
        else:
            kept.append(fiche)
    return kept, refused


def _refusal(fiche: FicheCreate, emptied: Sequence[str], where: dict[str, tuple[str, int]]) -> Rejected:
    source, line = where.get(fiche.id, (fiche.source_file or "", fiche.source_line or 0))
    names = ", ".join(f"« {_LABELS.get(name) or label_name(name)} »" for name in emptied[:6])
    more = f" et {len(emptied) - 6} autre(s)" if len(emptied) > 6 else ""
    return Rejected(source, line, f"Mise à jour refusée : cette lecture viderait {len(emptied)} rubrique(s) de la "
                    f"fiche déjà enregistrée ({names}{more}). Texte abîmé ou coupé ? Corrigez le document ; "
                    "pour vider ces rubriques, supprimez d'abord la fiche.")
