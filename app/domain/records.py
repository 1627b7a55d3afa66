"""Records that flow out of the parsers: a parsed fiche, or a rejection.

Parsers are pure functions ``parse_xxx(content: str, source: str) -> Iterator[ParsedFiche | Rejected]``.
They keep values as written (raw labels, raw département text); ``ingest.normalize`` turns a
``ParsedFiche`` into the canonical ``app.domain.models.FicheCreate``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields

from app.domain.text import fold_key


@dataclass
class Source:
    """A document to import: its name (path or URL, as reported in rejections) and its bytes."""

    name: str
    content: bytes = b""
    error: str | None = None  # set when the whole source is unusable


@dataclass
class ParsedFiche:
    """One fiche as read from a document, values as written (not yet normalised)."""

    title: str
    source: str  # file path or URL the fiche came from
    line: int  # 1-based line (or record number for JSON/CSV) where the fiche starts
    format: str  # "text", "list", "legacy", "html", "json", "csv"
    structure: str | None = None
    departement: str | None = None  # as written (name or code); checked by normalize
    year: int | None = None
    statut: str | None = None
    dimension: str | None = None
    territoire: str | None = None
    # free text (see app.domain.fields.TEXT_FIELDS)
    resume: str | None = None
    precision: str | None = None
    raison_fin: str | None = None
    diagnostic: str | None = None
    description_experience: str | None = None
    description_generale: str | None = None
    ressources_financieres: str | None = None
    personnes_mobilisees: str | None = None
    resultat_territoire: str | None = None
    resultat_centre: str | None = None
    resultat_habitants: str | None = None
    impacts: str | None = None
    facteurs_reussite: str | None = None
    limites: str | None = None
    perspectives: str | None = None
    # lists (see app.domain.fields.LIST_FIELDS)
    mots_cles: list[str] = field(default_factory=list)
    public: list[str] = field(default_factory=list)
    initiative: list[str] = field(default_factory=list)
    partenaires_action: list[str] = field(default_factory=list)
    partenaires_financiers: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    # figures given explicitly by a structured source (our JSON/CSV export); None = extract from text
    budget_eur: float | None = None
    etp: float | None = None
    source_url: str | None = None
    truncated: bool = False  # the document was cut off inside this fiche
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Rejected:
    """A record that could not be read. Always counted and reported, never silently dropped."""

    source: str
    line: int
    reason: str  # in French, says what is wrong and how to fix it
    whole: bool = False  # the whole document is unusable (no fiche in it), not one fiche

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


def fiche_id(title: str, structure: str | None, departement: str | None, year: int | None) -> str:
    """Stable id of a fiche: the same action, structure, département and year give the same id.

    Re-importing an edited fiche updates it in place instead of creating a new one.
    """
    raw = "\x1f".join([fold_key(title), fold_key(structure), fold_key(departement), str(year or "")])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
