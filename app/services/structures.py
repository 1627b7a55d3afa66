"""Service functions behind the structure routes: search with facets and pages, a whole structure with its
fiches, and exports (CSV for a spreadsheet, JSON).

About 4 000 structures exist in France: a search reads them all from the store and filters in memory (every
word typed must begin a word of the name, commune, département, région, history or axes; accents and case
ignored), which stays in milliseconds; facets count like the fiches' (OR within a facet, AND across, each
facet counted without its own selection).
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, or_, select

from app.domain.envelopes import FacetInfo, StructureDetail, StructureFiche
from app.domain.errors import InvalidParameter, StructureNotFound
from app.domain.fields import MAX_PAGE_SIZE, PAGE_SIZE
from app.domain.structure_store import FICHES, STRUCTURES
from app.domain.structures import STRUCTURE_EXPORT_FIELDS, STRUCTURE_FACETS, name_key
from app.domain.text import compare_key
from app.services.runtime import Runtime

FACET_NAMES = tuple(facet.name for facet in STRUCTURE_FACETS)
ALLOWED = ("q", *FACET_NAMES, "page", "size")
UNPAGED = ("page", "size")
_SEARCHED = ("nom", "commune", "code_postal", "departement", "region", "historique", "axes", "adresse")
_HIT = ("id", "nom", "type_structure", "commune", "code_postal", "departement", "departement_code", "region",
        "mode_gestion", "type_territoire", "qpv")
_STOP = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en"})


class StructureQuery(BaseModel):
    """A structure search: free text, facet selections and page."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field(default="", description="Texte libre : nom, commune, département, historique, axes.")
    page: int = Field(default=1, ge=1, le=100_000, description="Page (à partir de 1).")
    size: int = Field(default=PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE,
                      description=f"Structures par page (au plus {MAX_PAGE_SIZE}).")
    filters: dict[str, list[str]] = Field(default_factory=dict)

    @classmethod
    def from_query(cls, items: list[tuple[str, str]]) -> StructureQuery:
        data: dict[str, Any] = {"filters": {}}
        for key, value in items:
            if key not in ALLOWED:
                raise InvalidParameter(f"Paramètre inconnu : « {key} ». Paramètres acceptés : {', '.join(ALLOWED)}.",
                                       parameter=key, allowed=list(ALLOWED))
            if key in FACET_NAMES:
                if value.strip():
                    data["filters"].setdefault(key, []).append(value.strip())
            elif value.strip():
                data[key] = value.strip()
        try:
            return cls(**data)
        except ValidationError as exc:
            name = str(exc.errors()[0]["loc"][0])
            raise InvalidParameter(f"Valeur invalide pour « {name} » : « {data.get(name, '')} ». Attendu : un entier"
                                   f"{' de 1 à ' + str(MAX_PAGE_SIZE) if name == 'size' else ' à partir de 1'}.",
                                   parameter=name, value=data.get(name, ""), allowed=list(ALLOWED)) from None


def openapi_parameters(paged: bool = True) -> list[dict[str, Any]]:
    """The OpenAPI ``parameters`` of a structure search."""
    out: list[dict[str, Any]] = [
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "Texte libre : nom, commune, département, historique, axes du projet social."}]
    for facet in STRUCTURE_FACETS:
        out.append({"name": facet.name, "in": "query", "required": False, "style": "form", "explode": True,
                    "schema": {"type": "array", "items": {"type": "string"}},
                    "description": f"Facette « {facet.label} » : répétable, OU entre les valeurs, ET entre facettes."})
    if paged:
        out.append({"name": "page", "in": "query", "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100_000}, "description": "Page."})
        out.append({"name": "size", "in": "query", "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                    "description": "Structures par page."})
    return out


def _rows(runtime: Runtime) -> list[dict[str, Any]]:
    with runtime.store.engine.connect() as connection:
        rows = [dict(row) for row in connection.execute(select(STRUCTURES)).mappings()]
        counted = select(FICHES.c.structure_id, func.count()).where(
            FICHES.c.deleted_at.is_(None), FICHES.c.structure_id.is_not(None)).group_by(FICHES.c.structure_id)
        counts = {sid: int(n) for sid, n in connection.execute(counted)}
    for row in rows:
        row["fiches"] = counts.get(row["id"], 0)
        words = " ".join(compare_key(" ".join(row[n]) if isinstance(row[n], list) else str(row[n] or ""))
                         for n in _SEARCHED)
        row["_words"] = f" {words} "
    return rows


def _matches(row: dict[str, Any], words: list[str]) -> bool:
    return all(f" {word}" in row["_words"] for word in words)


def _facet_values(row: dict[str, Any]) -> dict[str, list[str]]:
    return {facet.name: facet.values_of(row) for facet in STRUCTURE_FACETS}


def _selected(values: dict[str, list[str]], filters: dict[str, list[str]], skip: str | None = None) -> bool:
    return all(set(values[name]) & set(chosen) for name, chosen in filters.items() if name != skip)


def _matching(runtime: Runtime, query: StructureQuery) -> tuple[list[dict[str, Any]], dict[str, list[dict]]]:
    words = [w for w in compare_key(query.q).split() if w not in _STOP]
    found = [row for row in _rows(runtime) if _matches(row, words)]
    values = {row["id"]: _facet_values(row) for row in found}
    facets: dict[str, list[dict]] = {}
    for facet in STRUCTURE_FACETS:
        chosen = query.filters.get(facet.name, [])
        counts = Counter(v for row in found if _selected(values[row["id"]], query.filters, facet.name)
                         for v in values[row["id"]][facet.name])
        for value in chosen:
            counts.setdefault(value, 0)
        facets[facet.name] = [{"value": value, "count": count, "selected": value in chosen}
                              for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    hits = [row for row in found if _selected(values[row["id"]], query.filters)]
    if words:  # a structure named by the words first, then the others
        hits.sort(key=lambda row: (not all(f" {w}" in f" {compare_key(row['nom'])} " for w in words),
                                   compare_key(row["nom"])))
    else:
        hits.sort(key=lambda row: compare_key(row["nom"]))
    return hits, facets


def search(runtime: Runtime, query: StructureQuery) -> dict[str, Any]:
    """A page of structures as plain JSON types (see ``envelopes.StructureSearchResult``)."""
    started = time.perf_counter()
    hits, facets = _matching(runtime, query)
    start = (query.page - 1) * query.size
    page = [{name: row[name] for name in (*_HIT, "fiches")} for row in hits[start:start + query.size]]
    return {"total": len(hits), "page": query.page, "size": query.size, "hits": page, "facets": facets,
            "catalogue": [FacetInfo(name=f.name, label=f.label, long=f.long).model_dump() for f in STRUCTURE_FACETS],
            "took_ms": round((time.perf_counter() - started) * 1000, 2)}


def detail(runtime: Runtime, structure_id: str) -> StructureDetail:
    """A whole structure and its fiches (newest first)."""
    with runtime.store.engine.connect() as connection:
        row = connection.execute(select(STRUCTURES).where(STRUCTURES.c.id == structure_id)).mappings().first()
        if row is None:
            raise StructureNotFound(f"Aucune structure n'a l'identifiant « {structure_id} ».", id=structure_id)
        stmt = (select(FICHES.c.id, FICHES.c.title, FICHES.c.year, FICHES.c.dimension, FICHES.c.statut)
                .where(FICHES.c.structure_id == structure_id, FICHES.c.deleted_at.is_(None))
                .order_by(FICHES.c.year.desc(), FICHES.c.title))
        fiches = [StructureFiche(**dict(f)) for f in connection.execute(stmt).mappings()]
    data = {name: value for name, value in dict(row).items() if name not in ("structure_key", "content_hash")}
    return StructureDetail.model_validate({**data, "fiches": fiches})


def ids_by_name(runtime: Runtime, names: Iterable[str | None]) -> dict[str, str]:
    """The structure id of each name (as fiches are linked: ``name_key``, without case, accents or « CS »
    prefix) that exactly one structure of the store bears, whatever its département; a name no structure
    or several (in several départements) bear is left out."""
    keys = {name: key for name in dict.fromkeys(n for n in names if n) if (key := name_key(name))}
    if not keys:
        return {}
    column = STRUCTURES.c.structure_key  # "name|DEP" (LIKE, not a range: collations may ignore the "|")
    wanted = or_(*(column.like(_like_escape(k) + "|%", escape="\\") for k in set(keys.values())))
    with runtime.store.engine.connect() as connection:
        rows = connection.execute(select(STRUCTURES.c.id, column).where(wanted)).all()
    found: dict[str, list[str]] = {}
    for structure, linked in rows:
        found.setdefault(linked.split("|", 1)[0], []).append(structure)
    return {name: found[k][0] for name, k in keys.items() if len(found.get(k, [])) == 1}


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _export_row(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name in STRUCTURE_EXPORT_FIELDS:
        value = row.get(name)
        out[name] = value.isoformat() if isinstance(value, (date, datetime)) else value
    return out


def export(runtime: Runtime, query: StructureQuery, fmt: str) -> Iterator[str]:
    """Every structure of the search, as JSON (a list) or CSV (``;``, UTF-8 with BOM, axes joined by `` | ``)."""
    hits, _ = _matching(runtime, query)
    if fmt == "json":
        yield "["
        for n, row in enumerate(hits):
            yield ("," if n else "") + "\n" + json.dumps(_export_row(row), ensure_ascii=False)
        yield "\n]\n"
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(STRUCTURE_EXPORT_FIELDS)
    yield "\ufeff" + buffer.getvalue()
    for row in hits:
        buffer.seek(0)
        buffer.truncate()
        data = _export_row(row)
        writer.writerow([_cell(data[name]) for name in STRUCTURE_EXPORT_FIELDS])
        yield buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "'") else text
