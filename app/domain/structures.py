"""The Structure model family: a centre social or an espace de vie sociale, from its « Fiche identité ».

A structure is identified by its name and département (``structure_id``): the same structure re-imported,
from its page or from a list page, updates its row. Fiches are linked to it by ``structure_key`` (the name
without case, accents or « CS » / « Centre social » prefixes, and the département code), whichever of the
two is imported first. No contact e-mail address is ever stored (personal data).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Text
from sqlmodel import Field, SQLModel

from app.domain.fields import Facet
from app.domain.models import utcnow
from app.domain.text import compare_key

KINDS = {"CS": "Centre social", "EVS": "Espace de vie sociale"}

# Words that name the kind of structure rather than the structure itself (compared folded, in order, as
# whole words at the start of the name): « CS Les Tilleuls », « Centre social Les Tilleuls » and « LES
# TILLEULS » are one structure.
_PREFIXES = (
    "centre social et culturel", "centre socio culturel", "centre socioculturel", "centre social culturel",
    "centre social", "centres sociaux", "espace de vie sociale", "maison de quartier", "association",
    "csc", "cs", "evs", "asso",
)
_LINKING = ("de la", "de l", "des", "du", "de", "d")
_PREFIX = re.compile(r"^(?:(?:" + "|".join(re.escape(p) for p in _PREFIXES) + r")\s+)+")
_LINK = re.compile(r"^(?:" + "|".join(re.escape(p) for p in _LINKING) + r")\s+")


def name_key(name: str | None) -> str:
    """The name of a structure as compared for linking (no case, accents, punctuation or kind prefix)."""
    key = compare_key(name or "")
    stripped = _LINK.sub("", _PREFIX.sub("", key + " ").strip() + " ").strip()
    return stripped or key


def structure_key(name: str | None, departement_code: str | None) -> str:
    """The link key of a structure or of a fiche's structure line: folded name and département code."""
    key = name_key(name)
    return f"{key}|{(departement_code or '').upper()}" if key else ""


def structure_id(name: str | None, departement_code: str | None) -> str:
    """The stable id of a structure (same name and département, same id)."""
    return hashlib.sha256(structure_key(name, departement_code).encode("utf-8")).hexdigest()[:16]


def _text(title: str) -> Any:
    return Field(default=None, title=title, sa_column=Column(Text, nullable=True))


def _flag(title: str) -> Any:
    return Field(default=None, title=title, sa_column=Column(Boolean, nullable=True))


class StructureBase(SQLModel):
    """Every field of a structure, canonical values (what ``ingest.parse_structure`` returns)."""

    nom: str = Field(title="Nom", sa_column=Column(Text, nullable=False))
    type_structure: str | None = Field(default=None, max_length=3, title="Type de structure")  # CS or EVS
    adresse: str | None = _text("Adresse")
    code_postal: str | None = Field(default=None, max_length=10, title="Code postal")
    commune: str | None = Field(default=None, max_length=120, title="Commune")
    code_insee: str | None = Field(default=None, max_length=5, title="Code INSEE de la commune")
    departement: str | None = Field(default=None, max_length=80, title="Département")
    departement_code: str | None = Field(default=None, max_length=3, index=True, title="Code du département")
    region: str | None = Field(default=None, max_length=80, title="Région")
    site_internet: str | None = _text("Site internet")
    siret: str | None = Field(default=None, max_length=14, title="SIRET")
    date_agrement: date | None = Field(default=None, title="Date du 1er agrément")
    population: int | None = Field(default=None, title="Population de la zone de compétence")
    historique: str | None = _text("Historique")
    axes: list[str] = Field(default_factory=list, title="Axes du projet social en cours",
                            sa_column=Column(JSON, nullable=False, default=list))
    mode_gestion: str | None = Field(default=None, max_length=80, title="Mode de gestion")
    type_territoire: str | None = Field(default=None, max_length=40, title="Type de territoire")
    taille_territoire: str | None = Field(default=None, max_length=80, title="Taille du territoire")
    qpv: bool | None = _flag("En quartier prioritaire (QPV)")
    adherent_fcsf: bool | None = _flag("Adhérent à la Fédération des centres sociaux")
    autre_federation: str | None = _text("Autre fédération")
    gens_du_voyage: bool | None = _flag("Structure « gens du voyage »")
    multi_sites: bool | None = _flag("Structure multi-sites / éclatée")
    itinerante: bool | None = _flag("Structure itinérante")
    truncated: bool = Field(default=False, title="Fiche identité incomplète",
                            sa_column=Column(Boolean, nullable=False, default=False))
    source_file: str | None = _text("Fichier source")
    source_line: int | None = Field(default=None, title="Ligne source")
    source_url: str | None = _text("Adresse source")


class Structure(StructureBase, table=True):
    __tablename__ = "structure"

    id: str = Field(primary_key=True, max_length=16)
    structure_key: str = Field(max_length=300, index=True, unique=True)
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class StructurePublic(StructureBase):
    """A structure as the API returns it."""

    id: str
    created_at: datetime
    updated_at: datetime


# The structure attributes copied onto each linked fiche (fiche column → structure column): they become
# fiche facets (see app.domain.fields) without a join at search time.
LINKED_COLUMNS: dict[str, str] = {
    "structure_id": "id",
    "type_structure": "type_structure",
    "commune": "commune",
    "qpv": "qpv",
    "type_territoire": "type_territoire",
    "mode_gestion": "mode_gestion",
}


def _structure_facets() -> tuple[Facet, ...]:
    return (
        Facet("type_structure", "Type de structure", ("type_structure",),
              labels=(("CS", "Centre social"), ("EVS", "Espace de vie sociale"))),
        Facet("region", "Région", ("region",), long=True),
        Facet("departement", "Département", ("departement",), long=True),
        Facet("commune", "Commune", ("commune",), long=True),
        Facet("qpv", "Quartier prioritaire (QPV)", ("qpv",), labels=(("True", "En QPV"), ("False", "Hors QPV"))),
        Facet("type_territoire", "Type de territoire", ("type_territoire",)),
        Facet("mode_gestion", "Mode de gestion", ("mode_gestion",)),
    )


# The facets of a structure search (GET /api/structures), in display order.
STRUCTURE_FACETS: tuple[Facet, ...] = _structure_facets()
# Export columns, in the model's order.
STRUCTURE_EXPORT_FIELDS: tuple[str, ...] = ("id", *StructureBase.model_fields)
