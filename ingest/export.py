"""Our own export formats (JSON and CSV), written as a stream.

A fiche is a dict with the ``FichePublic`` fields (a pydantic model is accepted too). Both formats
hold the columns of ``EXPORT_FIELDS``, in that order, and ``ingest.parse_export`` reads them back.

CSV: ``;`` separated, UTF-8 with BOM (opens right in French Excel), list fields joined by `` | ``
(a literal ``|`` or ``\\`` in a value is written ``\\|`` / ``\\\\``), numbers with a dot. A text cell that
Excel would run as a formula (``=``, ``+``, ``-``, ``@``…) or that starts with ``'`` gets a leading ``'``,
removed on reading.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO, cast

from app.domain.fields import EXPORT_FIELDS, LIST_FIELDS

NUMBER_FIELDS = frozenset({"budget_eur", "etp"})
INT_FIELDS = frozenset({"year", "source_line"})
LIST_SEPARATOR = " | "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
CSV_DELIMITER = ";"


def _as_dict(fiche: Mapping[str, Any] | Any) -> Mapping[str, Any]:
    if isinstance(fiche, Mapping):
        return fiche
    if hasattr(fiche, "model_dump"):
        return cast(Mapping[str, Any], fiche.model_dump())
    return cast(Mapping[str, Any], vars(fiche))


def _number(value: Any) -> float | int | None:
    if value is None or value == "":
        return None
    number = float(value)
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def export_record(fiche: Mapping[str, Any] | Any) -> dict[str, Any]:
    """The exported object of one fiche: every ``EXPORT_FIELDS`` key, lists as lists, numbers or None."""
    data = _as_dict(fiche)
    record: dict[str, Any] = {}
    for name in EXPORT_FIELDS:
        value = data.get(name)
        if name in LIST_FIELDS:
            value = [str(item) for item in (value or [])]
        elif name in NUMBER_FIELDS:
            value = _number(value)
        elif name in INT_FIELDS:
            value = None if value in (None, "") else int(value)
        record[name] = value
    return record


def export_json(fiches: Iterable[Mapping[str, Any] | Any], fp: TextIO) -> int:
    """Write ``fiches`` as a JSON list to the text stream ``fp``, one object at a time; returns the count."""
    count = 0
    fp.write("[")
    for fiche in fiches:
        fp.write(",\n" if count else "\n")
        fp.write(json.dumps(export_record(fiche), ensure_ascii=False))
        count += 1
    fp.write("\n]\n" if count else "]\n")
    return count


def escape_item(item: str) -> str:
    return item.replace("\\", "\\\\").replace("|", "\\|")


def protect_cell(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would read as a formula (undone by ``unprotect_cell``)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unprotect_cell(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def _csv_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in LIST_FIELDS:
        return protect_cell(LIST_SEPARATOR.join(escape_item(item) for item in value))
    if name in NUMBER_FIELDS or name in INT_FIELDS:
        return repr(value) if isinstance(value, float) else str(value)
    return protect_cell(str(value))


def export_csv(fiches: Iterable[Mapping[str, Any] | Any], fp: TextIO) -> int:
    """Write ``fiches`` as CSV for French Excel to ``fp`` (open it with ``newline=""``); returns the count.

    The BOM is written first, so ``fp`` must use a plain ``utf-8`` encoding (not ``utf-8-sig``).
    """
    fp.write("\ufeff")
    writer = csv.writer(fp, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(EXPORT_FIELDS)
    count = 0
    for fiche in fiches:
        record = export_record(fiche)
        writer.writerow([_csv_cell(name, record[name]) for name in EXPORT_FIELDS])
        count += 1
    return count
