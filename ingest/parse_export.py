"""Read our own JSON and CSV exports (``ingest.export``) back into ``ParsedFiche`` records.

``budget_eur`` and ``etp`` are taken as given. Computed columns (id, departement_code, region,
duplicate_of, source_file, source_line) are recomputed on import and are not read.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from app.domain.fields import EXPORT_FIELDS, LIST_FIELDS, TEXT_FIELDS
from app.domain.records import ParsedFiche, Rejected
from ingest.export import CSV_DELIMITER, NUMBER_FIELDS, unprotect_cell

_SCALARS = ("structure", "departement", "statut", "dimension", "territoire", "source_url")
_READ = frozenset(("title", "year", "truncated", *_SCALARS, *TEXT_FIELDS, *LIST_FIELDS, *NUMBER_FIELDS))
_KNOWN = frozenset(EXPORT_FIELDS) | {"format", "content_hash", "created_at", "updated_at", "deleted_at", "partenaires"}
_RENAMED = {"partenaires": "partenaires_action"}  # exports written before the partners were split
_YEAR = re.compile(r"\s*(\d{4})(?:\.0+)?\s*")
_TRUE = frozenset({"true", "1", "oui", "vrai", "yes"})


def split_items(cell: str) -> list[str]:
    """`` | ``-joined list cell → items (``\\|`` and ``\\\\`` are a literal ``|`` and ``\\``)."""
    if not cell:
        return []
    items, current, index = [], [], 0
    while index < len(cell):
        char = cell[index]
        if char == "\\" and index + 1 < len(cell):
            current.append(cell[index + 1])
            index += 2
            continue
        if char == "|":
            item = "".join(current)
            items.append(item[:-1] if item.endswith(" ") else item)
            current = []
            index += 2 if cell[index + 1:index + 2] == " " else 1
            continue
        current.append(char)
        index += 1
    items.append("".join(current))
    return items


def _to_number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return float(value)
    return float(str(value).strip().replace(",", ".").replace(" ", ""))


def _year(value: Any) -> int | None | bool:
    """A four-digit year; None when empty; False when written but not a year (``1e400``, ``20019``)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value if 1000 <= value <= 9999 else False
    found = _YEAR.fullmatch(str(value))
    return int(found.group(1)) if found else False


def _build(data: Mapping[str, Any], source: str, line: int, fmt: str) -> ParsedFiche | Rejected:
    """One exported record → ParsedFiche (bad values become warnings, a missing title a rejection)."""
    where = "élément" if fmt == "json" else "ligne"
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        return Rejected(source, line, f"{where.capitalize()} {line} sans titre : renseignez le champ « title ».")
    year = _year(data.get("year"))
    if year is False:
        return Rejected(source, line, f"{where.capitalize()} {line} : année illisible « {str(data.get('year'))[:20]} »"
                                      " ; une année s'écrit en quatre chiffres (2019).")
    fiche = ParsedFiche(title=title.strip(), source=source, line=line, format=fmt, year=year or None)
    data = {_RENAMED.get(key, key): value for key, value in data.items()}
    unknown = sorted(key for key in data if key not in _KNOWN)
    if unknown:
        fiche.warnings.append(f"Champs inconnus ignorés : {', '.join(map(str, unknown))}.")
    for name in _READ - {"title", "year"}:
        value = data.get(name)
        if value is None or value == "":
            continue
        try:
            if name in LIST_FIELDS:
                items = value if isinstance(value, list) else [value]
                setattr(fiche, name, [str(item) for item in items if item not in (None, "")])
            elif name in NUMBER_FIELDS:
                setattr(fiche, name, _to_number(value))
            elif name == "truncated":
                fiche.truncated = value is True or str(value).strip().lower() in _TRUE
            else:
                setattr(fiche, name, value if isinstance(value, str) else str(value))
        except (TypeError, ValueError, OverflowError):
            fiche.warnings.append(f"Valeur illisible pour « {name} » ({value!r}) : champ laissé vide.")
    return fiche


def parse_json_export(content: str, source: str) -> Iterator[ParsedFiche | Rejected]:
    """Fiches of a JSON export: a list of objects (or ``{"fiches": [...]}``); ``line`` = record number."""
    try:
        data = json.loads(content.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        yield Rejected(
            source,
            1,
            f"JSON invalide ({error.msg}, ligne {error.lineno}, colonne {error.colno}) : corrigez le fichier"
            " ou exportez-le de nouveau.",
        )
        return
    if isinstance(data, dict):
        data = data["fiches"] if isinstance(data.get("fiches"), list) else [data]
    if not isinstance(data, list):
        yield Rejected(source, 1, "JSON inattendu : une liste d'objets fiche est attendue.")
        return
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            yield Rejected(source, number, f"Élément {number} ignoré : un objet fiche {{…}} est attendu.")
            continue
        yield _build(item, source, number, "json")


def parse_csv_export(content: str, source: str) -> Iterator[ParsedFiche | Rejected]:
    """Fiches of a CSV export (``;`` separated, header of field names); ``line`` = line of the row."""
    text = content.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = CSV_DELIMITER if CSV_DELIMITER in first or "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        header = []
    if "title" not in header:
        yield Rejected(
            source, 1, "En-tête CSV invalide : la première ligne doit nommer les colonnes (dont « title »)."
        )
        return
    start = reader.line_num + 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield Rejected(
                    source,
                    line,
                    f"Ligne {line} : {len(row)} colonnes au lieu de {len(header)} ; vérifiez les « ; » et les"
                    " guillemets de cette ligne.",
                )
                continue
            record: dict[str, Any] = {}
            for name, cell in zip(header, row):
                value = unprotect_cell(cell)
                record[name] = split_items(value) if name in LIST_FIELDS else value
            yield _build(record, source, line, "csv")
    except csv.Error as error:
        yield Rejected(source, start, f"CSV illisible à partir de la ligne {start} ({error}) : vérifiez les guillemets.")
