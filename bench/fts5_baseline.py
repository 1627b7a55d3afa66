"""A plain SQLite FTS5 search over the same fiches: the baseline of bench/search_bench.py.

Same work as one search request: full-text match (words OR'ed, bm25 rank), the filters, the total,
one page of 20 in the requested order, and the counts of every facet over the result set.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from app.search.params import SearchParams

SINGLE = {"dimension": "dimension", "territoire": "territoire", "statut": "statut", "departement": "departement",
          "region": "region", "annee": "year"}
MULTI = ("mots_cles", "public", "initiative")
TEXT = ("title", "resume", "description_experience", "description_generale", "diagnostic", "impacts",
        "resultat_territoire", "resultat_centre", "resultat_habitants", "limites", "perspectives", "structure")
ORDER = {"recent": "d.year DESC", "budget": "d.budget DESC", "titre": "d.title", "pertinence": "h.r"}


class Fts5Baseline:
    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(str(path))
        self.db.executescript(
            "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2');"
            "CREATE TABLE IF NOT EXISTS d(rowid INTEGER PRIMARY KEY, id TEXT, title TEXT, dimension TEXT, territoire TEXT,"
            " statut TEXT, departement TEXT, region TEXT, year INT, budget REAL, etp REAL);"
            "CREATE TABLE IF NOT EXISTS v(rowid INT, facet TEXT, value TEXT);"
        )

    def load(self, store) -> None:
        with self.db:
            for i, fiche in enumerate(store.iter_live(), start=1):
                f = fiche.model_dump()
                body = "\n".join(f.get(k) or "" for k in TEXT[1:]) + "\n" + " ".join(f["mots_cles"])
                self.db.execute("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)", (i, f["title"], body))
                self.db.execute("INSERT INTO d VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                                (i, f["id"], f["title"], f["dimension"], f["territoire"], f["statut"],
                                 f["departement"], f["region"], f["year"], f["budget_eur"], f["etp"]))
                self.db.executemany("INSERT INTO v VALUES (?,?,?)",
                                    [(i, m, value) for m in MULTI for value in f[m]])
            self.db.execute("CREATE INDEX IF NOT EXISTS v_rowid ON v(rowid, facet)")

    def timed(self, items: list[tuple[str, str]]) -> float:
        started = time.perf_counter()
        self.search(SearchParams.from_query(items))
        return (time.perf_counter() - started) * 1000

    def search(self, params: SearchParams) -> dict:
        db = self.db
        db.execute("DROP TABLE IF EXISTS temp.h")
        words = re.findall(r"\w+", params.q)
        if words:
            match = " OR ".join(f'"{w}"' for w in words)
            db.execute("CREATE TEMP TABLE h AS SELECT rowid, bm25(fts, 3.0, 1.0) AS r FROM fts WHERE fts MATCH ?",
                       (match,))
        else:
            db.execute("CREATE TEMP TABLE h AS SELECT rowid, 0.0 AS r FROM d")
        where, args = [], []
        for facet, values in params.filters().items():
            marks = ",".join("?" * len(values))
            if facet in SINGLE:
                where.append(f"d.{SINGLE[facet]} IN ({marks})")
            else:
                where.append(f"h.rowid IN (SELECT rowid FROM v WHERE facet='{facet}' AND value IN ({marks}))")
            args += values
        cond = " AND ".join(where) or "1"
        base = f"FROM h JOIN d ON d.rowid = h.rowid WHERE {cond}"
        total = db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
        offset = (params.page - 1) * params.size
        page = db.execute(f"SELECT d.id {base} ORDER BY {ORDER[params.sort]} LIMIT ? OFFSET ?",
                          args + [params.size, offset]).fetchall()
        facets = {}
        for facet, column in SINGLE.items():
            facets[facet] = db.execute(f"SELECT d.{column}, count(*) {base} GROUP BY 1 ORDER BY 2 DESC", args).fetchall()
        for facet in MULTI:
            facets[facet] = db.execute(
                f"SELECT v.value, count(*) FROM v WHERE v.facet = ? AND v.rowid IN (SELECT h.rowid {base}) "
                "GROUP BY 1 ORDER BY 2 DESC", [facet] + args).fetchall()
        return {"total": total, "hits": page, "facets": facets}


def and_ranked_ids(fiches: list[dict], q: str) -> list[str]:
    """Relevance baseline: a plain FTS5 table (no stemming, accents folded), an AND of the typed words,
    ranked by bm25 (title weighs 3). ``fiches`` are ``Fiche.model_dump()`` dicts."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, body, tokenize='unicode61 remove_diacritics 2')")
    for f in fiches:
        body = "\n".join(str(f.get(k) or "") for k in TEXT[1:]) + "\n" + " ".join(f.get("mots_cles") or [])
        db.execute("INSERT INTO fts(id, title, body) VALUES (?,?,?)", (f["id"], f.get("title") or "", body))
    words = re.findall(r"\w+", q)
    if not words:
        return []
    match = " AND ".join(f'"{w}"' for w in words)
    rows = db.execute("SELECT id FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 0.0, 3.0, 1.0)", (match,)).fetchall()
    db.close()
    return [r[0] for r in rows]
