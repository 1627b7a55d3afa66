"""`fiches import` stores projets sociaux and federation plans as documents, beside the fiches."""

from __future__ import annotations

import json

from tests.cli.test_cli import fiches  # noqa: F401 - the fixture
from tests.paths import SEED, SEEDS

DOCUMENTS = [SEEDS / "003_8480cdf5dfdc581a.txt", SEEDS / "004_603e9f97119bd15b.txt"]


def test_documents_are_imported_with_the_fiches(fiches):  # noqa: F811
    first = fiches("import", str(SEED), *map(str, DOCUMENTS))
    assert "Projets sociaux et plans fédéraux : 2 créé(s)" in first.stderr
    report = json.loads(fiches("import", str(SEED), *map(str, DOCUMENTS), "--json").stdout)
    assert (report["documents"], report["sources"], report["unchanged"], report["unusable"]) == (2, 3, 25, [])
    assert report["exit_code"] == 0
