"""The Fiche model family (Base / table / Create / Public) and the API envelopes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Column, Index, Integer, Table, Text, false
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


SECTION_MARK = "x-section"  # marks the free-text sections of a fiche (see app.domain.fields.TEXT_FIELDS)


def _text(title: str) -> Any:
    return Field(default=None, title=title, sa_column=Column(Text, nullable=True))


def _section(title: str) -> Any:
    """A free-text section of the fiche (searched, shown, exported in reading order)."""
    return Field(default=None, title=title, schema_extra={"json_schema_extra": {SECTION_MARK: True}},
                 sa_column=Column(Text, nullable=True))


def _list(title: str) -> Any:
    return Field(default_factory=list, title=title, sa_column=Column(JSON, nullable=False, default=list))


class FicheBase(SQLModel):
    """Every field of a fiche, canonical (normalised) values."""

    title: str = Field(title="Titre", sa_column=Column(Text, nullable=False))
    structure: str | None = _text("Structure")
    departement: str | None = Field(default=None, max_length=80, title="Département")  # canonical name
    departement_code: str | None = Field(default=None, max_length=3, index=True, title="Code du département")
    region: str | None = Field(default=None, max_length=80, title="Région")  # 2016 région
    year: int | None = Field(default=None, index=True, title="Année")
    statut: str | None = Field(default=None, max_length=40, title="Statut")
    dimension: str | None = Field(default=None, max_length=80, title="Dimension")
    territoire: str | None = Field(default=None, max_length=80, title="Territoire")
    mots_cles: list[str] = _list("Mots clés")
    public: list[str] = _list("Public")
    initiative: list[str] = _list("À l'initiative de")
    partenaires_action: list[str] = _list("Partenaires de l'action")  # SENACS « Partenaires d'action »
    partenaires_financiers: list[str] = _list("Partenaires financiers")  # SENACS « Partenaires financiers »
    attachments: list[str] = _list("Pièces jointes")
    themes: list[str] = _list("Thèmes")
    resume: str | None = _section("Résumé")
    precision: str | None = _section("Précision")
    raison_fin: str | None = _section("Raison de la fin de l'action")
    diagnostic: str | None = _section("Diagnostic")
    description_experience: str | None = _section("Description de l'expérience")
    description_generale: str | None = _section("Description générale")
    ressources_financieres: str | None = _section("Ressources financières")  # raw text the budget was read from
    personnes_mobilisees: str | None = _section("Personnes mobilisées")  # raw text the ETP was read from
    resultat_territoire: str | None = _section("Résultats pour le territoire")
    resultat_centre: str | None = _section("Résultats pour le centre")
    resultat_habitants: str | None = _section("Résultats pour les habitants")
    impacts: str | None = _section("Impacts")
    facteurs_reussite: str | None = _section("Facteurs de réussite")
    limites: str | None = _section("Limites")
    perspectives: str | None = _section("Perspectives")
    budget_eur: float | None = Field(default=None, title="Budget (€)")
    etp: float | None = Field(default=None, title="ETP")
    truncated: bool = Field(default=False, title="Fiche incomplète", sa_column=Column(
        Boolean, nullable=False, default=False, server_default=false()))  # the source text was cut off
    source_file: str | None = _text("Fichier source")  # the imported file's name (never a server path)
    source_label: str | None = _text("Source")  # what the page shows: file name, or « Catalogue SENACS »
    source_line: int | None = Field(default=None, title="Ligne source")
    source_url: str | None = _text("Adresse source")
    format: str | None = Field(default=None, max_length=20, title="Format lu")


class FicheLinks(SQLModel):
    """What a fiche takes from its structure when one is known (copied at link time, see
    ``app.domain.structures.LINKED_COLUMNS``): not part of its content hash, filled by the store."""

    structure_id: str | None = Field(default=None, max_length=16, index=True, title="Fiche identité de la structure")
    type_structure: str | None = Field(default=None, max_length=3, title="Type de structure")
    commune: str | None = Field(default=None, max_length=120, title="Commune")
    qpv: bool | None = Field(default=None, title="Quartier prioritaire (QPV)")
    type_territoire: str | None = Field(default=None, max_length=40, title="Type de territoire")
    mode_gestion: str | None = Field(default=None, max_length=80, title="Mode de gestion")


class FicheCreate(FicheBase):
    """A normalised fiche ready to be stored (what ``ingest.normalize`` returns)."""

    id: str = Field(max_length=32)
    content_hash: str = Field(max_length=64)


class Fiche(FicheBase, FicheLinks, table=True):
    """The store's table. Deletions are tombstones (``deleted_at``) so the index can catch up.

    ``seq`` orders writes without trusting any clock: every write transaction takes the next value of the
    ``store_seq`` counter (a row lock held until it commits), so writes commit in ``seq`` order and an
    index that has applied every row up to ``seq`` N has missed nothing before it.
    """

    __tablename__ = "fiche"
    # ``ix_fiche_tombstones``, the partial index of the tombstones that ``Store.count`` reads, is created by
    # migration 0007 and not declared here: an index's dialect options load the dialect they name, and the
    # PostgreSQL one took 35-50 ms of every process's start, even on a SQLite store (``db.MIGRATION_ONLY``).
    __table_args__ = (Index("ix_fiche_updated_at", "updated_at"), Index("ix_fiche_seq", "seq"))

    id: str = Field(primary_key=True, max_length=32)
    content_hash: str = Field(max_length=64)
    title_key: str = Field(default="", max_length=200, index=True)  # folded title, for duplicate grouping
    duplicate_of: str | None = Field(default=None, max_length=32, index=True)  # group leader id
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = Field(default=None)
    seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    structure_key: str = Field(default="", max_length=300, index=True)  # see app.domain.structures


# One row: the last write sequence number handed out (see ``Fiche.seq``).
STORE_SEQ = Table(
    "store_seq", SQLModel.metadata,
    Column("id", Integer, primary_key=True),
    Column("value", BigInteger, nullable=False),
)


class FichePublic(FicheBase, FicheLinks):
    """A fiche as the API returns it."""

    id: str
    content_hash: str
    duplicate_of: str | None = None
    created_at: datetime
    updated_at: datetime
