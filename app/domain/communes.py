"""Communes with their INSEE code and postal codes, from INSEE's list as packaged by Etalab.

The list is ``data/communes.csv`` (built by ``data/build_communes.py`` from ``@etalab/decoupage-administratif``,
the package ``places.csv`` comes from; see ``data/places.LICENSE``). ``find_commune`` reads an address's
last line (« 18100 Vierzon », « 69009 Lyon 9e Arrondissement », « 20090 Ajaccio », « 69361 Lyon Cedex 07 »).
A postal code alone never decides the département: it is the commune found that does (a Corsican code starts
with 20 but the département is 2A or 2B; an overseas one has three digits; a cedex code is in no list).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.domain.text import compare_key

COMMUNES_CSV = Path(__file__).with_name("data") / "communes.csv"
_CEDEX = re.compile(r"\bcedex\b(\s*\d+)?", re.I)
_ARRONDISSEMENT = re.compile(r"\s+\d{1,2}\s*(?:er|e|eme|ème)?(?:\s+arrondissement)?\s*$", re.I)


@dataclass(frozen=True)
class Commune:
    code: str  # INSEE code (« 69123 »; a municipal arrondissement gives its commune's code)
    name: str  # as INSEE writes it (« Lyon »)
    departement: str  # the département's code (« 69 », « 2A », « 974 »)
    arrondissement: str | None = None  # « Lyon 9e Arrondissement » when the address names one


@dataclass(frozen=True)
class _Row:
    code: str
    name: str
    departement: str
    parent: str  # INSEE code of the commune of an arrondissement, else ""


def _name_key(text: str) -> str:
    words = compare_key(text).split()
    return " ".join("saint" if w == "st" else "sainte" if w == "ste" else w for w in words)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, list[_Row]], dict[str, list[_Row]], dict[str, _Row]]:
    """(postal code → rows, folded name → rows, INSEE code → row), read once."""
    by_postal: dict[str, list[_Row]] = {}
    by_name: dict[str, list[_Row]] = {}
    by_code: dict[str, _Row] = {}
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as fp:
        for record in csv.DictReader(fp, delimiter=";"):
            row = _Row(record["code"], record["nom"], record["departement"], record["commune"])
            by_code[row.code] = row
            by_name.setdefault(_name_key(row.name), []).append(row)
            for postal in record["codes_postaux"].split():
                by_postal.setdefault(postal, []).append(row)
    return by_postal, by_name, by_code


def _commune(row: _Row) -> Commune:
    if row.parent:
        parent = _tables()[2].get(row.parent)
        if parent is not None:
            return Commune(parent.code, parent.name, parent.departement, row.name)
    return Commune(row.code, row.name, row.departement)


def _guess_departement(postal: str) -> set[str]:
    """Départements a postal code may belong to (a hint among homonyms, never an answer by itself)."""
    if postal.startswith("97") or postal.startswith("98"):
        return {postal[:3]}
    if postal.startswith("20"):
        return {"2A", "2B"}
    return {postal[:2]}


def find_commune(postal_code: str | None, name: str | None) -> Commune | None:
    """The commune of an address (its postal code and the name written after it), or None."""
    by_postal, by_name, _ = _tables()
    postal = (postal_code or "").strip()
    written = _CEDEX.sub(" ", name or "")
    written_key = _name_key(written)
    bare_key = _name_key(_ARRONDISSEMENT.sub("", written))
    candidates = by_postal.get(postal, []) if postal else []
    for key in (written_key, bare_key):
        for row in candidates:
            if key and _name_key(row.name) == key:
                return _commune(row)
    if len(candidates) == 1 and not written_key:
        return _commune(candidates[0])
    named = by_name.get(written_key) or by_name.get(bare_key) or []
    if postal and len(postal) == 5:
        hinted = [row for row in named if row.departement in _guess_departement(postal)]
        if hinted:
            named = hinted
    communes = {_commune(row) for row in named}
    if len(communes) == 1:
        return communes.pop()
    if len(communes) > 1:
        # homonyms: an arrondissement and its commune are one place
        parents = {c.code for c in communes}
        if len(parents) == 1:
            return next(iter(communes))
    if len(candidates) == 1:
        return _commune(candidates[0])  # the name is misspelt but the postal code has one commune
    return None
