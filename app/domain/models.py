"""The Fiche model family (Base / table / Create / Public) and the API envelopes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, Column, Index, Text, false
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _text() -> object:
    return Field(default=None, sa_column=Column(Text, nullable=True))


def _list() -> object:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))


class FicheBase(SQLModel):
    """Every field of a fiche, canonical (normalised) values."""

    title: str = Field(sa_column=Column(Text, nullable=False))
    structure: str | None = _text()
    departement: str | None = Field(default=None, max_length=80)  # canonical name
    departement_code: str | None = Field(default=None, max_length=3, index=True)
    region: str | None = Field(default=None, max_length=80)  # 2016 région
    year: int | None = Field(default=None, index=True)
    statut: str | None = Field(default=None, max_length=40)
    dimension: str | None = Field(default=None, max_length=80)
    territoire: str | None = Field(default=None, max_length=80)
    mots_cles: list[str] = _list()
    public: list[str] = _list()
    initiative: list[str] = _list()
    partenaires_action: list[str] = _list()  # SENACS « Partenaires d'action »
    partenaires_financiers: list[str] = _list()  # SENACS « Partenaires financiers »
    attachments: list[str] = _list()
    themes: list[str] = _list()
    resume: str | None = _text()
    precision: str | None = _text()
    raison_fin: str | None = _text()
    diagnostic: str | None = _text()
    description_experience: str | None = _text()
    description_generale: str | None = _text()
    ressources_financieres: str | None = _text()  # raw text the budget was read from
    personnes_mobilisees: str | None = _text()  # raw text the ETP was read from
    resultat_territoire: str | None = _text()
    resultat_centre: str | None = _text()
    resultat_habitants: str | None = _text()
    impacts: str | None = _text()
    facteurs_reussite: str | None = _text()
    limites: str | None = _text()
    perspectives: str | None = _text()
    budget_eur: float | None = None
    etp: float | None = None
    truncated: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False,
                                                            server_default=false()))  # source text cut off
    source_file: str | None = _text()  # the imported file's name (never a server path)
    source_label: str | None = _text()  # what the page shows: file name, or « Catalogue SENACS »
    source_line: int | None = None
    source_url: str | None = _text()
    format: str | None = Field(default=None, max_length=20)


class FicheCreate(FicheBase):
    """A normalised fiche ready to be stored (what ``ingest.normalize`` returns)."""

    id: str = Field(max_length=32)
    content_hash: str = Field(max_length=64)


class Fiche(FicheBase, table=True):
    """The store's table. Deletions are tombstones (``deleted_at``) so the index can catch up."""

    __tablename__ = "fiche"
    __table_args__ = (Index("ix_fiche_updated_at", "updated_at"),)

    id: str = Field(primary_key=True, max_length=32)
    content_hash: str = Field(max_length=64)
    title_key: str = Field(default="", max_length=200, index=True)  # folded title, for duplicate grouping
    duplicate_of: str | None = Field(default=None, max_length=32, index=True)  # group leader id
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = Field(default=None)


class FichePublic(FicheBase):
    """A fiche as the API returns it."""

    id: str
    content_hash: str
    duplicate_of: str | None = None
    created_at: datetime
    updated_at: datetime
