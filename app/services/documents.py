"""Projets sociaux and federation plans: stored on import, searched unit by unit, read whole.

Documents are stored on import by ``app.services.ingestion`` (the one import path for every kind of source).
The unit index (``app.search.units``) is built from the store, per process, and
rebuilt when the store's documents change (a cheap version check on each search).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from app.domain.document_store import DocumentStore
from app.domain.documents import DOCUMENT_TYPES, Document, DocumentNotFound, DocumentUnit
from app.domain.envelopes import DocumentDetail, DocumentsResult
from app.domain.errors import InvalidParameter
from app.domain.records import Source
from app.search.params import SearchParams
from app.search.thesaurus import Thesaurus
from app.search.thesaurus import load as load_thesaurus
from app.search.units import FACETS, UnitRow, UnitSnapshot, search_units
from app.services import fiches as fiche_service
from app.services.ingestion import DocumentCounts, import_all
from app.services.registry import PerRuntime
from app.services.runtime import Runtime
from app.services.structures import ids_by_name

if TYPE_CHECKING:
    from ingest.importer import ImportReport  # the ingest stack loads when an import runs (app.services.ingestion)

log = logging.getLogger("fiches.import")
MAX_SIZE = 100
FICHE = "fiche"
TYPES = {FICHE: "Fiche", **DOCUMENT_TYPES}  # the values of the `type` facet, in the order shown


def import_with_documents(runtime: Runtime, sources: Iterable[Source], batch_size: int | None = None,
                          on_batch: Callable[[int], None] | None = None,
                          on_source: Callable[[], None] | None = None, jobs: int = 1,
                          ) -> tuple[ImportReport, DocumentCounts]:
    """Import fiches, structures and documents from ``sources`` into ``runtime``'s store (the CLI and the
    import jobs come here; the first start calls ``import_all`` directly)."""
    return import_all(runtime.store, DocumentStore(runtime.engine), sources,
                      batch_size or runtime.settings.batch_size, on_batch, on_source, jobs)


# --- search ---------------------------------------------------------------------------------------------------

class _UnitIndex:
    """The unit index of one runtime, rebuilt when the store's documents change."""

    def __init__(self, store: DocumentStore, thesaurus: Thesaurus) -> None:
        self.store = store
        self.thesaurus = thesaurus
        self.lock = threading.Lock()
        self.version: tuple[Any, ...] | None = None
        self.snapshot = UnitSnapshot([], thesaurus)

    def current(self) -> UnitSnapshot:
        version = self.store.version()
        with self.lock:
            if version != self.version:
                rows = [_row(doc, unit) for doc, unit in self.store.all_units()]
                self.snapshot = UnitSnapshot(rows, self.thesaurus)
                self.version = version
            return self.snapshot


_index = PerRuntime(lambda runtime: _UnitIndex(DocumentStore(runtime.engine), load_thesaurus()))


def _row(doc: Document, unit: DocumentUnit) -> UnitRow:
    return UnitRow(
        id=unit.id, document_id=doc.id, document_title=doc.title, type=doc.type, titre=unit.titre,
        position=unit.position, structure=doc.structure, territoire=doc.territoire, periode=doc.periode,
        axe=unit.axe, objectifs_operationnels=list(unit.objectifs_operationnels), indicateurs=list(unit.indicateurs),
        exemples=list(unit.exemples), parties=list(unit.parties), texte=unit.texte,
    )


def _document_ref(row: UnitRow, structure_ids: dict[str, str]) -> dict[str, Any]:
    return {"id": row.document_id, "title": row.document_title, "type": row.type,
            "type_label": DOCUMENT_TYPES.get(row.type, row.type), "structure": row.structure,
            "structure_id": structure_ids.get(row.structure or ""), "territoire": row.territoire,
            "periode": row.periode}


def _unit(row: UnitRow | DocumentUnit) -> dict[str, Any]:
    return {"id": row.id, "position": row.position, "titre": row.titre, "axe": row.axe,
            "objectifs_operationnels": list(row.objectifs_operationnels), "indicateurs": list(row.indicateurs),
            "exemples": list(row.exemples), "parties": [dict(p) for p in row.parties], "texte": row.texte}


PARAMETERS = ("q", "type", "structure", "page", "size")


def check_parameters(names: Iterable[str]) -> None:
    """A parameter this search does not know is an error that lists the ones it does."""
    unknown = sorted(set(names) - set(PARAMETERS))
    if unknown:
        raise InvalidParameter(f"Paramètre inconnu : {', '.join(unknown[:5])}. Paramètres permis : "
                               f"{', '.join(PARAMETERS)}.", unknown=unknown[:20], allowed=list(PARAMETERS))


def _fiche_total(runtime: Runtime, q: str) -> int:
    """How many fiches the fiche search finds for ``q`` (its own service, its own result-set rules): its
    ``total_fiches`` (its ``total`` counts actions, near-duplicate fiches folded into one)."""
    return int(fiche_service.search(runtime, SearchParams.from_query([("q", q), ("size", "1")]))["total_fiches"])


def _type_facet(runtime: Runtime, q: str, units: list[tuple[str, int]], chosen: list[str]) -> list[dict[str, Any]]:
    """The three kinds, always, in order: fiches (counted by the fiche search), projets sociaux, plans."""
    counts = {FICHE: _fiche_total(runtime, q), **dict(units)}
    return [{"value": value, "label": label, "count": counts.get(value, 0), "selected": value in chosen}
            for value, label in TYPES.items()]


def search_documents(runtime: Runtime, q: str = "", types: list[str] | None = None,
                     structures: list[str] | None = None, page: int = 1, size: int = 20) -> DocumentsResult:
    """Units matching ``q``; ``types`` may name ``fiche`` (no unit is a fiche: the fiches are in /api/fiches),
    which only the ``type`` facet counts."""
    bad = [t for t in types or [] if t not in TYPES]
    if bad:
        raise InvalidParameter(f"Type inconnu : {', '.join(bad)}. Valeurs permises : {', '.join(TYPES)}.", invalid=bad)
    if page < 1 or not 1 <= size <= MAX_SIZE:
        raise InvalidParameter(f"page commence à 1 ; size va de 1 à {MAX_SIZE}.")
    index = _index(runtime)
    filters = {"type": types or [], "structure": structures or []}
    found = search_units(index.current(), index.thesaurus, q[:500], filters, page, size)
    facets = {"type": _type_facet(runtime, q[:500], found["facets"]["type"], filters["type"])}
    facets.update({name: [{"value": value, "label": value, "count": count, "selected": value in filters[name]}
                          for value, count in found["facets"][name]]
                   for name in FACETS if name != "type"})
    rows = [row for row, _ in [*found["hits"], *found["approchants"]]]
    linked = ids_by_name(runtime, (row.structure for row in rows))
    return DocumentsResult.model_validate({
        "total": found["total"], "page": page, "size": size,
        "hits": [{**_unit(row), "document": _document_ref(row, linked), "score": round(s, 4)}
                 for row, s in found["hits"]],
        "approchants": [{**_unit(row), "document": _document_ref(row, linked), "score": 0.0}
                        for row, _ in found["approchants"]],
        "facets": facets,
    })


def document_detail(runtime: Runtime, doc_id: str) -> DocumentDetail:
    found = DocumentStore(runtime.engine).get(doc_id)
    if found is None:
        raise DocumentNotFound(f"Aucun document « {doc_id[:40]} » : cherchez-le avec /api/documents?q=…",
                               id=doc_id[:40])
    doc, units = found
    return DocumentDetail.model_validate({
        "id": doc.id, "title": doc.title, "type": doc.type, "type_label": DOCUMENT_TYPES.get(doc.type, doc.type),
        "structure": doc.structure, "structure_id": ids_by_name(runtime, [doc.structure]).get(doc.structure or ""),
        "territoire": doc.territoire, "periode": doc.periode, "source_file": doc.source_file, "units": [_unit(unit) for unit in units],
    })
