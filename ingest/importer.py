"""Streaming import: sources → parse → normalise → group near-duplicates → batched upsert.

One bad fiche never stops the others: it becomes a counted rejection naming its source and line. Each
batch is one transaction, so a failure (or a ``kill -9``) mid-import leaves the store as it was before
that batch, and re-running the import converges to the right set (upserts by stable id).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.domain.errors import StoreUnavailable
from app.domain.models import FicheCreate
from app.domain.records import ParsedFiche, Rejected, Source
from app.domain.store import Store, UpsertCounts
from ingest.fetch import Fetcher
from ingest.grouping import DuplicateGrouper, Grouper
from ingest.normalize import Limits
from ingest.pipeline import Reading, default_jobs, read_record, read_sources
from ingest.reconcile import adopt_years, refuse_poorer
from ingest.sources import expand, iter_sources
from ingest.structure_import import StructureOutcome, import_structures, structure_text

log = logging.getLogger("fiches.import")
__all__ = ["ImportReport", "default_jobs", "import_paths", "import_records", "import_sources"]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates_grouped: int = 0
    sources: int = 0
    rejections: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)  # whole inputs that could not be read
    structures: dict[str, int] = field(default_factory=dict)  # structure pages: created, updated, … linked
    parse_cpu: float = 0.0  # CPU seconds spent parsing and normalising, in any process (not in as_dict)

    @property
    def read(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def exit_code(self) -> int:
        """0 = clean, 1 = some fiches rejected, 2 = an input unusable (unreadable, or no fiche in it).

        3 (store or index unreachable) is an exception, ``StoreUnavailable``, not a report."""
        if self.unusable:
            return 2
        return 1 if self.rejected else 0

    def add_counts(self, counts: UpsertCounts) -> None:
        self.created += counts.created
        self.updated += counts.updated
        self.unchanged += counts.unchanged

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "duplicates_grouped": self.duplicates_grouped,
            "sources": self.sources,
            "rejections": [{"source": r.source, "line": r.line, "reason": r.reason} for r in self.rejections],
            "warnings": self.warnings,
            "unusable": self.unusable,
            "structures": self.structures,
            "exit_code": self.exit_code,
        }


def _normalised(readings: Iterable[Reading], report: ImportReport,
                where: dict[str, tuple[str, int]]) -> Iterator[FicheCreate]:
    for reading in readings:
        if reading.rejected is not None:
            _reject(report, reading.rejected)
            continue
        if reading.fiche is None:
            continue
        for warning in reading.warnings:
            message = f"{reading.source}:{reading.line}: {warning}"
            report.warnings.append(message)
            log.warning(message)
        where[reading.fiche.id] = (reading.source, reading.line)
        yield reading.fiche


def _reject(report: ImportReport, rejection: Rejected) -> None:
    if rejection.whole:
        report.unusable.append(f"{rejection.source} : {rejection.reason}")
        log.error("illisible %s", rejection)
        return
    report.rejected += 1
    report.rejections.append(rejection)
    log.warning("rejeté %s", rejection)


def import_records(
    records: Iterable[ParsedFiche | Rejected],
    store: Store,
    batch_size: int = 500,
    report: ImportReport | None = None,
    on_batch: Callable[[int], None] | None = None,
    limits: Limits | None = None,
    grouper: Grouper | None = None,
) -> ImportReport:
    """Normalise and upsert a stream of parsed records in batches of ``batch_size``; ``limits`` (sizes of a
    fiche and of a field) come from the settings unless given."""
    checked = limits or Limits.from_settings()
    return _import_readings((read_record(record, checked) for record in records), store, batch_size,
                            report or ImportReport(), on_batch, grouper)


def _import_readings(readings: Iterable[Reading], store: Store, batch_size: int, report: ImportReport,
                     on_batch: Callable[[int], None] | None, grouper: Grouper | None) -> ImportReport:
    """Group and upsert a stream of readings in batches of ``batch_size``."""
    grouper = grouper or DuplicateGrouper(store)
    batch: list[FicheCreate] = []
    where: dict[str, tuple[str, int]] = {}  # id → (source, line) of the reading being stored

    def flush() -> None:
        if not batch:
            return
        kept, refused = refuse_poorer(adopt_years(batch, store), store, where)
        for rejection in refused:
            _reject(report, rejection)
        leaders = grouper.leaders(kept)
        grouper.stored(kept, _store(kept, leaders, store, report, where))
        report.duplicates_grouped += sum(1 for fiche in kept if leaders.get(fiche.id))
        if on_batch:
            on_batch(len(batch))
        batch.clear()
        where.clear()

    for fiche in _normalised(readings, report, where):
        batch.append(fiche)
        if len(batch) >= batch_size:
            flush()
    flush()
    return report


def _store(batch: list[FicheCreate], leaders: dict[str, str | None], store: Store, report: ImportReport,
           where: dict[str, tuple[str, int]]) -> set[str]:
    """Upsert a batch in one transaction; if the database refuses it, again record by record, so only
    the record it refuses is lost (rejected with its source, line and the database's reason). Returns the
    ids of the records refused."""
    failed: set[str] = set()
    if not batch:
        return failed
    try:
        report.add_counts(store.upsert(batch, leaders))
        return failed
    except StoreUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 - any refusal of the database: find the record
        log.warning("lot refusé par la base (%s) : nouvel essai fiche par fiche", error.__class__.__name__)
    for fiche in batch:
        try:
            report.add_counts(store.upsert([fiche], {fiche.id: leaders.get(fiche.id)}))
        except StoreUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - the database's reason goes into the report
            failed.add(fiche.id)
            source, line = where.get(fiche.id, (fiche.source_file or "", fiche.source_line or 0))
            reason = str(getattr(error, "orig", None) or error).strip().split("\n", 1)[0][:300]
            _reject(report, Rejected(source, line, f"Fiche refusée par la base de données ({reason}) : "
                                                   "corrigez ce texte puis relancez l'import."))
    return failed


def import_sources(
    sources: Iterable[Source], store: Store, batch_size: int = 500, on_batch: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> ImportReport:
    """Import documents; with ``jobs`` > 1 they are parsed by that many processes (same report, same rows)."""
    report = ImportReport()

    def readings() -> Iterator[Reading]:
        for read in read_sources(sources, Limits.from_settings(), jobs,
                                 keep=lambda source: structure_text(source) is not None):
            report.sources += 1
            report.parse_cpu += read.cpu
            if read.error:
                report.unusable.append(f"{read.name} : {read.error}")
                log.error("illisible %s : %s", read.name, read.error)
                continue
            if read.kept is not None:  # a « Fiche identité » or a structure list page, read here
                text = structure_text(read.kept)
                if text is not None:
                    _add_structures(report, import_structures(text, read.name, store))
                continue
            yield from read.readings

    return _import_readings(readings(), store, batch_size, report, on_batch, None)


def _add_structures(report: ImportReport, outcome: StructureOutcome) -> None:
    for name, count in outcome.counts().items():
        report.structures[name] = report.structures.get(name, 0) + count
    for rejection in outcome.rejections:
        _reject(report, rejection)


def import_paths(
    paths: Iterable[str],
    store: Store,
    batch_size: int = 500,
    on_batch: Callable[[int], None] | None = None,
    fetcher: Fetcher | None = None,
    jobs: int = 1,
) -> ImportReport:
    """Import files, folders (recursively), globs and http(s) URLs. Raises ``UnusableInput`` when a
    path names nothing, before anything is imported. ``on_batch(n)`` is called after each stored batch
    (the CLI draws its progress bar with it). With ``jobs`` > 1 and several files, files are parsed by
    that many worker processes; the report and the stored rows are the same as with one."""
    names = expand(list(paths))  # raises before anything is read
    workers = min(jobs, len(names))  # one file: no pool to start
    return import_sources(iter_sources(names, fetcher=fetcher), store, batch_size, on_batch, workers)
