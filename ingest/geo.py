"""Départements (and overseas collectivités) with their 2016 région, and lookup by name or code.

The list is ``ingest/data/departements.csv``: the 101 départements of the INSEE code officiel
géographique with their région as of 2016 (13 in mainland France, 5 overseas), plus the six overseas
collectivités (975, 977, 978, 986, 987, 988) grouped under the label "Collectivités d'outre-mer".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from app.domain.text import compare_key

DATA_FILE = Path(__file__).with_name("data") / "departements.csv"

# Other names people write (folded form → code).
_ALIASES = {
    "reunion": "974",
    "ile de la reunion": "974",
    "guyane francaise": "973",
    "corse du sud": "2A",
    "haute corse": "2B",
    "belfort": "90",
    "metropole de lyon": "69",
    "cotes du nord": "22",
    "st pierre et miquelon": "975",
    "st barthelemy": "977",
    "st martin": "978",
    "polynesie": "987",
}
# Codes written in other ways (upper-cased input → code).
_CODE_ALIASES = {"20A": "2A", "20B": "2B", "69D": "69", "69M": "69"}

_FUZZY_MIN = 90  # rapidfuzz ratio for a misspelt name ("Bouche-du-Rhône") to be accepted
_FUZZY_MIN_LEN = 7


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: str
    kind: str  # "departement" or "collectivite"


@lru_cache(maxsize=1)
def departements() -> tuple[Departement, ...]:
    """Every département and collectivité of the data file, in file order."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(Departement(**row) for row in csv.DictReader(handle))


def _name_key(text: str) -> str:
    words = compare_key(text).split()
    words = ["saint" if w == "st" else "sainte" if w == "ste" else w for w in words]
    return " ".join(words)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, Departement], dict[str, Departement]]:
    by_code = {d.code: d for d in departements()}
    by_name = {_name_key(d.name): d for d in departements()}
    for alias, code in _ALIASES.items():
        by_name.setdefault(_name_key(alias), by_code[code])
    return by_code, by_name


def _by_code(text: str) -> Departement | None:
    by_code, _ = _tables()
    code = text.strip().upper()
    code = _CODE_ALIASES.get(code, code)
    if re.fullmatch(r"\d{1,3}", code):
        code = code.zfill(2)
    return by_code.get(code)


@lru_cache(maxsize=4096)
def find_departement(text: str | None) -> Departement | None:
    """The département named or numbered by ``text`` (any case, accents, hyphens, apostrophes)."""
    if not text:
        return None
    raw = " ".join(text.split()).strip(" -–—.,;:")
    if not raw:
        return None
    # "Val-d'Oise (95)", "95 - Val-d'Oise": keep the part that resolves.
    found = _by_code(raw)
    if found:
        return found
    _, by_name = _tables()
    key = _name_key(raw)
    if key in by_name:
        return by_name[key]
    parts = re.match(r"^(.*?)\s*\((\w{1,3})\)$", raw) or re.match(r"^(\w{1,3})\s*[-–]\s*(.*)$", raw)
    if parts:
        for part in parts.groups():
            candidate = _by_code(part) or by_name.get(_name_key(part))
            if candidate:
                return candidate
    if len(key) < _FUZZY_MIN_LEN:
        return None
    best = process.extract(key, list(by_name), scorer=fuzz.ratio, limit=2)
    if not best or best[0][1] < _FUZZY_MIN:
        return None
    if len(best) > 1 and by_name[best[1][0]] != by_name[best[0][0]] and best[1][1] >= _FUZZY_MIN:
        return None  # two names equally close: do not guess
    return by_name[best[0][0]]


def lookup(text: str | None) -> tuple[str, str, str] | None:
    """``(canonical name, code, région)`` for a département name or code, or None if unknown."""
    found = find_departement(text)
    return (found.name, found.code, found.region) if found else None


_SEPARATOR = re.compile(r"\s+[-–—]\s+|\s+[-–—](?=\S)|(?<=\S)[-–—]\s+")


def split_structure(line: str | None) -> tuple[str, str | None]:
    """Split a SENACS structure line "NAME - Département" into (NAME, département as written).

    NAME may itself contain " - ": the split is made at the last separator whose right side is a
    known département; if no right side is one, the whole (cleaned) line comes back with None.
    """
    text = " ".join((line or "").split())
    text = re.sub(r"^[-–—•]\s+", "", text)
    for match in reversed(list(_SEPARATOR.finditer(text))):
        name, dept = text[: match.start()].strip(), text[match.end() :].strip()
        if name and find_departement(dept):
            return name, dept
    return text, None
