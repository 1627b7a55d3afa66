"""French places named in a text: communes and départements (names and codes), from INSEE's official list.

The list is ``data/places.csv`` (built by ``data/build_places.py`` from the npm package
``@etalab/decoupage-administratif``; see ``data/places.LICENSE``). A text is cut into words (letters and
digits; hyphens and apostrophes separate words), and the longest run of words naming a place wins:
« Val-de-Marne », « val de marne » and « 94 » all give the Val-de-Marne; « Marseille » gives the
Bouches-du-Rhône. A place whose name is also a common French word (« Nord », « Mer ») counts only when
typed with its capital letter.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from unidecode import unidecode

PLACES_CSV = Path(__file__).with_name("data") / "places.csv"
_WORD = re.compile(r"[^\W_]+")
_MAX_WORDS = 8


class Place(NamedTuple):  # a tuple: 11,000 are made when the table is read (a first query waits for it)
    name: str  # as INSEE writes it
    departement: str  # the département's code (« 13 », « 2A », « 974 »)
    departement_name: str
    commune: bool  # a commune (else the département itself)


@dataclass(frozen=True)
class PlaceMatch:
    start: int  # character offsets of the words that name the place in the text
    end: int
    place: Place


class _Entry(NamedTuple):
    place: Place
    common: bool  # also a common word: needs a capital letter


def _key(words: list[str]) -> str:
    text = " ".join(words)
    # unidecode reads character by character: one call is enough, and none for plain ASCII (most names)
    return (text if text.isascii() else unidecode(text)).lower()


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, _Entry], dict[str, str]]:
    """(folded name or département code → entry, département code → name), read once."""
    by_key: dict[str, _Entry] = {}
    names: dict[str, str] = {}
    with PLACES_CSV.open(encoding="utf-8", newline="") as fp:
        reader = csv.reader(fp, delimiter=";")
        next(reader)  # the header: kind;name;code;departement;common
        rows = list(reader)
    for kind, name, code, _, _ in rows:
        if kind == "D":
            names[code] = name
    for kind, name, _, departement, common in rows:
        place = Place(name, departement, names.get(departement, departement), kind == "C")
        entry = _Entry(place, common == "1")
        key = _key(_WORD.findall(name))
        found = by_key.get(key)
        # a département wins over a commune of the same name; among communes, the first (largest code) stays
        if found is None or (not place.commune and found.place.commune):
            by_key[key] = entry
        if not place.commune:
            by_key[departement.lower()] = _Entry(place, False)
    return by_key, names


def departement_name(code: str) -> str | None:
    """The name of the département with this code (« 94 » → « Val-de-Marne »), or None."""
    return _places()[1].get(code.upper())


def find_places(text: str) -> list[PlaceMatch]:
    """The places named in ``text``, left to right (longest names first; no overlaps)."""
    return list(_found_places(text))


@lru_cache(maxsize=1024)
def _found_places(text: str) -> tuple[PlaceMatch, ...]:
    """``find_places``, remembered for recent texts (every search looks at its query's text, and the
    refinements of a query repeat it)."""
    by_key, _ = _places()
    words = list(_WORD.finditer(text))
    found: list[PlaceMatch] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            run = words[i : i + size]
            if any(text[a.end() : b.start()] not in ("-", " ", "'", "’", "' ", "’ ") for a, b in zip(run, run[1:])):
                continue  # the words of one name are written next to each other
            entry = by_key.get(_key([m.group() for m in run]))
            if entry is None or (entry.common and not run[0].group()[0].isupper()):
                continue
            if size == 1 and run[0].group().isdigit() and len(run[0].group()) < 2:
                continue  # « 5 ans » is not the Ain
            found.append(PlaceMatch(run[0].start(), run[-1].end(), entry.place))
            i += size
            break
        else:
            i += 1
    return tuple(found)
