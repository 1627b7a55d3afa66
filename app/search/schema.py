"""The one list of searchable, facet and sortable fields, and the Whoosh schema built from it."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from app.domain.fields import FACETS as FACET_SPECS
from app.domain.fields import TEXT_FIELDS, Facet
from app.search.analysis import french_analyzer

# Text fields of the index and their BM25F boosts: title > mots clés > résumé > the rest.
TEXT_BOOSTS: dict[str, float] = {"title": 3.0, "kw": 2.2, "resume": 1.5, "body": 1.0}

# Which fiche fields feed which index field ("body" gets every other text field).
KW_SOURCES = ("mots_cles", "themes")
BODY_SOURCES = ("structure", "commune", "departement", "region", "public", "partenaires_action", "partenaires_financiers",
                *(name for name in TEXT_FIELDS if name != "resume"))

# Facets, in display order: parameter name → its spec (the fields it reads: app.domain.fields).
FACETS: dict[str, Facet] = {facet.name: facet for facet in FACET_SPECS}

# The in-memory number column behind each kind of range, and the scale of its stored integers.
RANGE_COLUMNS: dict[str, tuple[str, int]] = {"euros": ("budget", 1), "etp": ("etp", 100), "year": ("year", 1)}

# Fields whose text gives the snippet, in order of preference.
SNIPPET_SOURCES = ("resume", "description_experience", "description_generale", "diagnostic", "impacts",
                   "resultat_habitants", "resultat_territoire", "resultat_centre", "perspectives", "limites",
                   "facteurs_reussite", "precision")


def build_schema() -> Schema:
    fr = french_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=fr, phrase=False),
        kw=TEXT(analyzer=fr, phrase=False),
        resume=TEXT(analyzer=fr, phrase=False),
        body=TEXT(analyzer=fr, phrase=False),
        # unstemmed words (see indexer); scorable only because Whoosh stats a file for every posting
        # of a field without lengths when it writes a segment
        spell=KEYWORD(lowercase=True, commas=False, scorable=True),
        # pairs of stems standing together, for the thesaurus' phrases (``analysis.pairs``): multi-word
        # expansions match as phrases
        pairs=KEYWORD(lowercase=False, commas=False, scorable=True),
        # sortable numbers are ints (NUMERIC(float, sortable=True) crashes in Whoosh 2.7.4)
        # one term per value (shift_step=bits): range queries run on the in-memory columns instead
        budget=NUMERIC(int, bits=64, sortable=True, shift_step=64),
        etp_centi=NUMERIC(int, bits=32, sortable=True, shift_step=32),  # hundredths of an ETP
        year=NUMERIC(int, bits=32, sortable=True, shift_step=32),
        meta=STORED(),  # facet values, numbers, group: loaded into in-memory columns by the reader
    )
