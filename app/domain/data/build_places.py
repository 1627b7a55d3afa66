"""Build ``places.csv`` from the official list of communes and départements (INSEE's COG as packaged by Etalab).

Run it from a folder where the npm package was unpacked (nothing is downloaded by the app)::

    cd "$(mktemp -d)" && npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-*.tgz
    python /path/to/app/domain/data/build_places.py package/data app/domain/data/places.csv /usr/share/dict/french

Output, one row per place, ``;``-separated, UTF-8: ``kind;name;code;departement;common``. ``kind`` is ``D``
(département: its code, twice) or ``C`` (a current commune with at least ``MIN_POPULATION`` inhabitants:
its INSEE code and its département). Small communes are left out to keep the file small. ``common`` is 1
when the name is also a common French word (Debian's ``wfrench`` list: « Nord », « Lot », « Mer »,
« Orange »; not a city of ``BIG_CITY`` inhabitants or more): such a place is recognised only when typed with its capital letter.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

MIN_POPULATION = 2000
BIG_CITY = 50_000  # a city this big is meant when its name is typed, even if it is also a word (Tours)


def build(source: Path, target: Path, words: Path) -> int:
    common = {w.strip() for w in words.read_text(encoding="utf-8").splitlines() if w[:1].islower()}
    departements = json.loads((source / "departements.json").read_text(encoding="utf-8"))
    communes = json.loads((source / "communes.json").read_text(encoding="utf-8"))
    rows = [("D", d["nom"], d["code"], d["code"], int(d["nom"].lower() in common)) for d in departements]
    rows += sorted(
        ("C", c["nom"], c["code"], c["departement"],
         int(c["nom"].lower() in common and c["population"] < BIG_CITY)) for c in communes
        if c.get("type") == "commune-actuelle" and (c.get("population") or 0) >= MIN_POPULATION
    )
    with target.open("w", encoding="utf-8", newline="") as fp:
        writer = csv.writer(fp, delimiter=";", lineterminator="\n")
        writer.writerow(("kind", "name", "code", "departement", "common"))
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])), "places written")
