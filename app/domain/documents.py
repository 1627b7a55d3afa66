"""Projets sociaux and federation plans: a ``document`` and its ``unit`` records.

A document is not a fiche: it is a whole text a centre or a federation wrote (a projet social, a federal
plan), cut into units a reader can search and quote: one objectif général of a grid with its operational
objectives and indicators, one theme of a plan with its parts, one headed section, one slide section.

``ParsedDocument``/``ParsedUnit`` are what ``ingest.parse_document`` reads; ``Document``/``DocumentUnit``
are the store's tables (migration ``0005_documents``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer, Text
from sqlmodel import Field, SQLModel

from app.domain.errors import FichesError
from app.domain.models import utcnow
from app.domain.text import fold_key

# document types (the ``type`` facet of unit search), as stored → as shown
DOCUMENT_TYPES = {"projet_social": "Projet social", "plan_federal": "Plan fédéral"}
# the parts a unit may carry, in reading order (key → French heading)
PART_TITLES = {
    "contexte": "Contexte global",
    "enjeux": "Enjeux pour le réseau",
    "actions_precedentes": "Actions du précédent projet",
    "objectifs_operationnels": "Objectifs opérationnels",
    "projets_engages": "Projets déjà engagés",
    "pistes_actions": "Pistes d'actions",
}


class DocumentNotFound(FichesError):
    status = 404
    code = "not_found"


@dataclass
class ParsedUnit:
    """One searchable part of a document, values as written."""

    titre: str  # the objectif général, the theme, the section heading
    line: int  # 1-based line where it starts in the source
    axe: str | None = None  # the axis (or section) it belongs to
    objectifs_operationnels: list[str] = field(default_factory=list)
    indicateurs: list[str] = field(default_factory=list)
    exemples: list[str] = field(default_factory=list)
    parties: list[dict[str, str]] = field(default_factory=list)  # [{"cle", "titre", "texte"}] in reading order
    texte: str | None = None  # free text of a section or slide


@dataclass
class ParsedDocument:
    title: str
    type: str  # a key of DOCUMENT_TYPES
    layout: str  # "grille", "themes", "sections", "diapositives"
    source: str
    structure: str | None = None
    territoire: str | None = None
    periode: str | None = None  # "2021/2024"
    units: list[ParsedUnit] = field(default_factory=list)


def source_name(source: str) -> str:
    """The file name of a source (a path, ``envoi:name`` or a URL), never a server path."""
    name = source.removeprefix("envoi:").split("?", 1)[0].rstrip("/")
    return name.rsplit("/", 1)[-1] or name


def document_id(doc: ParsedDocument) -> str:
    """Stable id: the same document (type, title, structure or territory, period, file name) re-imported
    is updated in place, never duplicated."""
    raw = "\x1f".join([doc.type, fold_key(doc.title), fold_key(doc.structure), fold_key(doc.territoire),
                       doc.periode or "", fold_key(source_name(doc.source))])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def _text(title: str) -> Any:
    return Field(default=None, title=title, sa_column=Column(Text, nullable=True))


def _list(title: str) -> Any:
    return Field(default_factory=list, title=title, sa_column=Column(JSON, nullable=False, default=list))


class Document(SQLModel, table=True):
    __tablename__ = "document"

    id: str = Field(primary_key=True, max_length=32)
    title: str = Field(title="Titre", sa_column=Column(Text, nullable=False))
    type: str = Field(max_length=20, index=True, title="Type de document")
    layout: str = Field(max_length=20, title="Mise en forme lue")
    structure: str | None = _text("Structure")
    territoire: str | None = _text("Territoire")
    periode: str | None = Field(default=None, max_length=20, title="Période")
    source_file: str | None = _text("Fichier source")
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class DocumentUnit(SQLModel, table=True):
    __tablename__ = "document_unit"

    id: str = Field(primary_key=True, max_length=40)  # document id + position
    document_id: str = Field(max_length=32, index=True, foreign_key="document.id")
    position: int = Field(sa_column=Column(Integer, nullable=False))
    titre: str = Field(sa_column=Column(Text, nullable=False))
    axe: str | None = _text("Axe")
    objectifs_operationnels: list[str] = _list("Objectifs opérationnels")
    indicateurs: list[str] = _list("Indicateurs")
    exemples: list[str] = _list("Exemples")
    parties: list[dict[str, str]] = _list("Parties")
    texte: str | None = _text("Texte")
    source_line: int | None = Field(default=None)
