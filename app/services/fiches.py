"""Service functions behind the fiche routes: whole fiche, similar fiches, exports, stats."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

from app.domain.errors import FicheNotFound
from app.domain.models import FichePublic
from app.services.runtime import Runtime
from ingest.export import export_csv, export_json

EXPORT_CHUNK = 500


def fiche_detail(runtime: Runtime, fiche_id: str) -> dict:
    fiche = runtime.store.get(fiche_id)
    if fiche is None:
        raise FicheNotFound(f"Aucune fiche n'a l'identifiant « {fiche_id} ».", id=fiche_id)
    data = FichePublic.model_validate(fiche).model_dump(mode="json")
    data["duplicates"] = [
        {"id": f.id, "title": f.title, "structure": f.structure, "departement": f.departement, "year": f.year}
        for f in runtime.store.group_members(fiche)
    ]
    return data


def similar(runtime: Runtime, fiche_id: str, limit: int = 6) -> dict:
    if runtime.store.get(fiche_id) is None:
        raise FicheNotFound(f"Aucune fiche n'a l'identifiant « {fiche_id} ».", id=fiche_id)
    return {"hits": runtime.search.similar(fiche_id, limit=limit)}


def export_result_set(runtime: Runtime, params, fmt: str) -> Iterator[bytes]:
    """Every fiche of a query's result set, in order, as our JSON or CSV export (re-importable)."""
    ids = runtime.search.export_ids(params)

    def fiches() -> Iterator[dict]:
        for start in range(0, len(ids), EXPORT_CHUNK):
            for fiche in runtime.store.get_many(ids[start : start + EXPORT_CHUNK]):
                yield FichePublic.model_validate(fiche).model_dump(mode="json")

    writer = export_csv if fmt == "csv" else export_json
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+", encoding="utf-8", newline="") as fp:
        writer(fiches(), fp)
        fp.seek(0)
        while chunk := fp.read(64 * 1024):
            yield chunk.encode("utf-8")
