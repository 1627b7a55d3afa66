"""Build ``communes.csv`` (every commune with its postal codes) from ``@etalab/decoupage-administratif``.

Same package and version as ``build_places.py`` (see there how to unpack it; nothing is downloaded by the
app)::

    python /path/to/app/domain/data/build_communes.py package/data app/domain/data/communes.csv

Output, one row per current commune and per municipal arrondissement (Paris, Lyon, Marseille), ``;``-separated,
UTF-8: ``code;nom;departement;codes_postaux;commune``. ``codes_postaux`` is space-separated; ``commune`` is
the INSEE code of the commune an arrondissement belongs to (empty for a commune).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

KINDS = ("commune-actuelle", "arrondissement-municipal")


def build(source: Path, target: Path) -> int:
    communes = json.loads((source / "communes.json").read_text(encoding="utf-8"))
    rows = sorted(
        (c["code"], c["nom"], c["departement"], " ".join(c.get("codesPostaux") or []), c.get("commune", ""))
        for c in communes if c.get("type") in KINDS
    )
    with target.open("w", encoding="utf-8", newline="") as fp:
        writer = csv.writer(fp, delimiter=";", lineterminator="\n")
        writer.writerow(("code", "nom", "departement", "codes_postaux", "commune"))
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), Path(sys.argv[2])), "communes written")
