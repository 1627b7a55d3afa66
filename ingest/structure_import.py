"""Import of structure pages: a source that is a « Fiche identité » or a structure list page is parsed by
``ingest.parse_structure`` and stored (``app.domain.structure_store``), its fiches linked; any other source
goes on to the fiche parsers. Bad input never raises: a block that cannot be read is a named rejection."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from app.domain.records import Rejected, Source
from app.domain.store import Store
from app.domain.structure_store import upsert_structures
from app.domain.structures import StructureBase
from ingest.decoding import decode
from ingest.parse_structure import looks_like_structures, parse_structures

log = logging.getLogger("fiches.import")
BATCH = 200
HEAD_BYTES = 256 * 1024


@dataclass
class StructureOutcome:
    """What importing one structure source did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    fiches_linked: int = 0
    rejections: list[Rejected] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "fiches_linked": self.fiches_linked}


def structure_text(source: Source) -> str | None:
    """The text of ``source`` if it is a structure page, else None (it holds fiches, or nothing readable)."""
    if source.error or not source.content:
        return None
    try:
        head, _ = decode(source.content[:HEAD_BYTES])  # most sources hold fiches: decide on their head
        if not looks_like_structures(head):
            return None
        text, _ = decode(source.content)
    except Exception:  # noqa: BLE001 - an unreadable source is for the fiche parsers to report
        return None
    return text if looks_like_structures(text) else None


def import_structures(text: str, source: str, store: Store) -> StructureOutcome:
    """Parse a structure page and store its structures (in batches, one transaction each)."""
    outcome = StructureOutcome()
    batch: list[StructureBase] = []

    def flush() -> None:
        if batch:
            created, updated, unchanged, linked = upsert_structures(store.engine, batch)
            outcome.created += created
            outcome.updated += updated
            outcome.unchanged += unchanged
            outcome.fiches_linked += linked
            batch.clear()

    try:
        for record in parse_structures(text, source):
            if isinstance(record, Rejected):
                outcome.rejections.append(record)
                log.warning("rejeté %s", record)
                continue
            batch.append(record)
            if len(batch) >= BATCH:
                flush()
    except Exception as error:  # noqa: BLE001 - a parser bug must not abort the whole import
        log.exception("structure parser failed on %s", source)
        outcome.rejections.append(Rejected(source, 1, f"Lecture interrompue (structures) : "
                                                      f"{error.__class__.__name__}. Signalez ce document."))
    flush()
    return outcome
