"""The "tableur" CSV: what a person reads in a spreadsheet, for a search's result set or a selection of fiches.

French column headings, decimal commas, ``;`` separator, UTF-8 with BOM (opens right in French Excel and
LibreOffice), lists joined by ", ", no internal id or server path. The full, re-importable export stays in
``app.services.fiches.export_result_set``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from unidecode import unidecode

from app.domain.errors import InvalidParameter
from app.domain.fields import display_values
from app.domain.models import FichePublic
from app.search.params import SearchParams
from app.services.runtime import Runtime
from ingest.export import CSV_DELIMITER, FORMULA_START

CHUNK = 500
MAX_IDS = 1000
SLUG_LENGTH = 40
BULLET = re.compile(r"^[-•*–]\s*")  # list lines of the fiches' texts


def _number(value: float | None, decimals: int) -> str:
    """12500.0 → "12500", 38297.47 → "38297,47", 0.5 → "0,5": a number French spreadsheets read as one."""
    if value is None:
        return ""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value if item)
    lines = (" ".join(line.split()) for line in str(value).splitlines())
    text = "\n".join(BULLET.sub("• ", line) for line in lines if line.strip("-• "))
    # a cell a spreadsheet would run as a formula is shown as text
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _place(fiche: dict) -> str:
    name, code = fiche.get("departement"), fiche.get("departement_code")
    if name and code:
        return f"{name} ({code})"
    return name or code or ""


# Heading, then how to read the cell from a fiche (FichePublic as a dict).
COLUMNS: tuple[tuple[str, Callable[[dict], str]], ...] = (
    ("Titre", lambda f: _text(f["title"])),
    ("Structure", lambda f: _text(f["structure"])),
    ("Département", _place),
    ("Région", lambda f: _text(f["region"])),
    ("Année", lambda f: str(f["year"]) if f["year"] else ""),
    ("Statut", lambda f: _text(f["statut"])),
    ("Dimension", lambda f: _text(f["dimension"])),
    ("Mots clés", lambda f: _text(f["mots_cles"])),
    ("Public", lambda f: _text(f["public"])),
    ("Territoire concerné", lambda f: _text(f["territoire"])),
    ("À l'initiative de", lambda f: _text(f["initiative"])),
    ("Partenaires de l'action", lambda f: _text(f["partenaires_action"])),
    ("Partenaires financiers", lambda f: _text(f["partenaires_financiers"])),
    ("Budget (€)", lambda f: _number(f["budget_eur"], 2)),
    ("ETP", lambda f: _number(f["etp"], 3)),
    ("Résumé", lambda f: _text(f["resume"])),
    ("Résultats sur le territoire", lambda f: _text(f["resultat_territoire"])),
    ("Limites", lambda f: _text(f["limites"])),
    ("Perspectives", lambda f: _text(f["perspectives"])),
)
HEADINGS: tuple[str, ...] = tuple(heading for heading, _ in COLUMNS)


def file_name(q: str | None, selection: bool, today: date | None = None) -> str:
    """`fiches-repair-cafe-2026-11-30.csv`; `fiches-selection-…` for a selection; `fiches-…` for no search."""
    day = (today or date.today()).isoformat()
    slug = "selection" if selection else re.sub(r"[^a-z0-9]+", "-", unidecode(q or "").lower()).strip("-")
    slug = slug[:SLUG_LENGTH].rstrip("-")
    return f"fiches-{slug}-{day}.csv" if slug else f"fiches-{day}.csv"


def selection_ids(values: Sequence[str]) -> list[str]:
    """The ids of a selection (`?id=…&id=…`, or comma-separated), in order, without repeats."""
    ids: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part and part not in ids:
                ids.append(part)
    if not ids:
        raise InvalidParameter("La sélection est vide : donnez au moins un identifiant de fiche (id=…).", parameter="id")
    if len(ids) > MAX_IDS:
        raise InvalidParameter(f"Une sélection compte au plus {MAX_IDS} fiches.", parameter="id", limit=MAX_IDS)
    return ids


def export(runtime: Runtime, params: SearchParams | None = None,
           ids: Sequence[str] | None = None) -> tuple[str, Iterator[bytes]]:
    """File name and content of the tableur CSV of a search's result set (`params`) or of a selection (`ids`)."""
    if ids is not None:
        return file_name(None, selection=True), _rows(runtime, selection_ids(ids))
    params = params or SearchParams()
    return file_name(params.q, selection=False), _rows(runtime, runtime.search.export_ids(params))


def _rows(runtime: Runtime, ids: Sequence[str]) -> Iterator[bytes]:
    """The tableur CSV of these fiches, in this order (unknown or deleted ids are skipped)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for start in range(0, len(ids), CHUNK):
        buffer.seek(0)
        buffer.truncate()
        for fiche in runtime.store.get_many(ids[start : start + CHUNK]):
            data = FichePublic.model_validate(fiche).model_dump(mode="json")
            data.update(display_values(data))  # "Familles", as the page writes it
            writer.writerow([read(data) for _, read in COLUMNS])
        yield buffer.getvalue().encode("utf-8")
