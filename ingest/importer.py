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

from rapidfuzz import fuzz, process

from app.domain.errors import StoreUnavailable
from app.domain.models import FicheCreate
from app.domain.records import ParsedFiche, Rejected, Source
from app.domain.store import Store, UpsertCounts
from app.domain.text import fold_key, title_key
from ingest.detect import parse_document
from ingest.fetch import Fetcher
from ingest.normalize import Limits, normalize
from ingest.reconcile import adopt_years, refuse_poorer
from ingest.sources import iter_sources
from ingest.structure_import import StructureOutcome, import_structures, structure_text

log = logging.getLogger("fiches.import")

# Two fiches with the same folded title are near-duplicates when they come from the same structure
# (re-filed another year) or when their texts are this similar (the same action filed by a sister
# structure). token_sort_ratio ignores word order but, unlike token_set_ratio, does not call a short
# generic résumé a copy of every longer text that contains its words.
TEXT_SIMILARITY = 85.0

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


_GROUP_COLUMNS = ("title_key", "structure", "year", "duplicate_of", "resume", "description_experience")


def _group_text(fiche: dict[str, Any]) -> str:
    return " ".join(filter(None, [fiche["resume"], fiche["description_experience"]]))[:1500]


class _DuplicateGrouper:
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


def _normalised(records: Iterable[ParsedFiche | Rejected], report: ImportReport,
                where: dict[str, tuple[str, int]], limits: Limits) -> Iterator[FicheCreate]:
    for record in records:
        if isinstance(record, Rejected):
            _reject(report, record)
            continue
        result = normalize(record, limits)
        if isinstance(result, Rejected):
            _reject(report, result)
            continue
        fiche, warnings = result
        for warning in warnings:
            message = f"{record.source}:{record.line}: {warning}"
            report.warnings.append(message)
            log.warning(message)
        where[fiche.id] = (record.source, record.line)
        yield fiche


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
) -> ImportReport:
    """Normalise and upsert a stream of parsed records in batches of ``batch_size``; ``limits`` (sizes of a
    fiche and of a field) come from the settings unless given."""
    report = report or ImportReport()
    grouper = _DuplicateGrouper(store)
    batch: list[FicheCreate] = []
    where: dict[str, tuple[str, int]] = {}  # id → (source, line) of the reading being stored

    def flush() -> None:
        if not batch:
            return
        kept, refused = refuse_poorer(adopt_years(batch, store), store, where)
        for rejection in refused:
            _reject(report, rejection)
        leaders = grouper.leaders(kept)
        _store(kept, leaders, store, report, where)
        report.duplicates_grouped += sum(1 for fiche in kept if leaders.get(fiche.id))
        if on_batch:
            on_batch(len(batch))
        batch.clear()
        where.clear()

    for fiche in _normalised(records, report, where, limits or Limits.from_settings()):
        batch.append(fiche)
        if len(batch) >= batch_size:
            flush()
    flush()
    return report


def _store(batch: list[FicheCreate], leaders: dict[str, str | None], store: Store, report: ImportReport,
           where: dict[str, tuple[str, int]]) -> None:
    """Upsert a batch in one transaction; if the database refuses it, again record by record, so only
    the record it refuses is lost (rejected with its source, line and the database's reason)."""
    if not batch:
        return
    try:
        report.add_counts(store.upsert(batch, leaders))
        return
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
            source, line = where.get(fiche.id, (fiche.source_file or "", fiche.source_line or 0))
            reason = str(getattr(error, "orig", None) or error).strip().split("\n", 1)[0][:300]
            _reject(report, Rejected(source, line, f"Fiche refusée par la base de données ({reason}) : "
                                                   "corrigez ce texte puis relancez l'import."))


def import_sources(
    sources: Iterable[Source], store: Store, batch_size: int = 500, on_batch: Callable[[int], None] | None = None
) -> ImportReport:
    report = ImportReport()

    def records() -> Iterator[ParsedFiche | Rejected]:
        for source in sources:
            report.sources += 1
            if source.error:
                report.unusable.append(f"{source.name} : {source.error}")
                log.error("illisible %s : %s", source.name, source.error)
                continue
            text = structure_text(source)
            if text is not None:  # a « Fiche identité » or a structure list page
                _add_structures(report, import_structures(text, source.name, store))
                continue
            yield from parse_document(source.content, source.name)

    return import_records(records(), store, batch_size=batch_size, report=report, on_batch=on_batch)


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
) -> ImportReport:
    """Import files, folders (recursively), globs and http(s) URLs. Raises ``UnusableInput`` when a
    path names nothing, before anything is imported. ``on_batch(n)`` is called after each stored batch
    (the CLI draws its progress bar with it)."""
    return import_sources(iter_sources(list(paths), fetcher=fetcher), store, batch_size, on_batch)
