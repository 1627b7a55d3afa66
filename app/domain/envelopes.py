"""The API's response shapes (its typed contracts), as pydantic models.

Routes declare them, so ``/openapi.json`` documents every response; ``tests/api/test_openapi.py`` checks
real responses against that document. The search route keeps a fast path (the service's plain dict goes
out as JSON without a second validation), so these models must describe exactly what the services return.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.domain.models import FichePublic
from app.domain.structures import StructurePublic


class Envelope(BaseModel):
    """A response shape: no undocumented field (the schema says ``additionalProperties: false``).

    Its validator is built when first needed (a route's response model, a validation), not on import."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class FacetValue(Envelope):
    value: str = Field(description="La valeur, telle qu'affichée.")
    count: int = Field(description="Fiches du résultat qui ont cette valeur (hors sélection de cette facette).")
    selected: bool = Field(description="Vrai si la valeur est cochée dans la recherche.")


class GroupMember(Envelope):
    """Another fiche of a hit's near-duplicate group (in the result set)."""

    id: str
    title: str
    structure: str | None = None
    year: int | None = None


class Hit(Envelope):
    """One action of a result page (its newest fiche): the short fields, a snippet and the score."""

    id: str
    title: str
    structure: str | None = None
    departement: str | None = None
    departement_code: str | None = None
    region: str | None = None
    year: int | None = None
    dimension: str | None = None
    mots_cles: list[str] = Field(default_factory=list)
    public: list[str] = Field(default_factory=list)
    territoire: str | None = None
    statut: str | None = None
    budget_eur: float | None = None
    etp: float | None = None
    duplicate_of: str | None = None
    truncated: bool = Field(default=False, description="Le texte source de la fiche est coupé.")
    duplicates: list[str] = Field(default_factory=list, description="Ids des doublons présents dans le résultat.")
    autres: list[GroupMember] = Field(default_factory=list,
                                      description="Les autres fiches de la même action dans le résultat.")
    libelle_doublons: str = Field(default="", description="Ce qui distingue ces fiches (« même action, autres "
                                                          "années : 2023 · 2020 »), vide si la fiche est seule.")
    snippet: str = Field(description="Extrait du texte, les mots cherchés marqués par <mark> (le reste échappé).")
    score: float = Field(description="Score de pertinence (0 sans texte cherché).")


class SimilarHit(Hit):
    commun: list[str] = Field(default_factory=list, description="Ce que la fiche partage avec celle consultée.")


class Lieu(Envelope):
    """A place named in the query, offered as a filter on its département."""

    code: str = Field(description="Code du département.")
    nom: str = Field(description="Nom du département.")
    commune: str | None = Field(description="La commune nommée, le cas échéant.")
    selected: bool


class SearchResult(Envelope):
    total: int = Field(description="Nombre d'actions du résultat (un groupe de quasi-doublons compte une fois).")
    total_fiches: int = Field(description="Nombre de fiches du résultat.")
    page: int
    size: int
    hits: list[Hit]
    approchants: list[Hit] = Field(description="Fiches qui ne contiennent qu'une partie des mots, les plus proches "
                                               "d'abord (hors total, facettes et exports) : quand aucune fiche ne "
                                               "les contient tous, ou après la dernière page d'un résultat de moins "
                                               "de 10 fiches, sans filtre.")
    lieux: list[Lieu] = Field(description="Communes ou départements reconnus dans la recherche.")
    facets: dict[str, list[FacetValue]] = Field(
        description="Une entrée par facette, dans l'ordre d'affichage (voir /api/catalogue).")
    suggestion: str | None = Field(description="« Vouliez-vous dire … ? » : la requête corrigée, s'il y a lieu.")
    took_ms: float


class SimilarResult(Envelope):
    hits: list[SimilarHit]


class DuplicateRef(Envelope):
    id: str
    title: str
    structure: str | None = None
    departement: str | None = None
    year: int | None = None


class TermeEtp(Envelope):
    """One term of the ETP sum: what one mention of the text counts for."""

    etp: float = Field(description="ETP de cette mention (0,5 pour « mi-temps »).")
    texte: str = Field(description="La ligne du texte d'où le terme est lu.")


class FicheDetail(FichePublic):
    """A whole fiche, with the other fiches of its near-duplicate group."""

    duplicates: list[DuplicateRef] = Field(default_factory=list)
    calcul_etp: list[TermeEtp] = Field(
        default_factory=list,
        description="Les termes dont la somme donne ``etp`` (« 0,3 + 1 + 0,1 = 1,4 ETP »), dans l'ordre du texte ; "
                    "vide si l'ETP n'est pas lu du texte de la fiche.")


class Deleted(Envelope):
    deleted: str


class Suggestions(Envelope):
    suggestions: list[str]


class CountByValue(Envelope):
    value: str | int | None
    count: int


class FigureSummary(Envelope):
    connus: int = Field(description="Fiches où le chiffre est connu.")
    total: float
    moyenne: float | None


class Stats(Envelope):
    total: int
    by_dimension: list[CountByValue]
    by_departement: list[CountByValue]
    by_year: list[CountByValue]
    budget_eur: FigureSummary
    etp: FigureSummary


class IndexHealth(Envelope):
    generation: str = Field(description="Génération de l'index servie par ce processus.")
    documents: int
    lag_writes: int = Field(description="Écritures de la base pas encore dans l'index.")
    lag_seconds: float = Field(description="Âge de la plus ancienne écriture pas encore indexée.")


class WorkerHealth(Envelope):
    pid: int
    writer: bool = Field(description="Vrai si ce processus est celui qui écrit l'index de sa réplique.")


class Health(Envelope):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "indisponible"]
    fiches: int | None = Field(description="Fiches de la base (absent si la base ne répond pas).")
    index: IndexHealth | None = Field(description="L'index de ce processus (absent s'il est illisible).")
    worker: WorkerHealth


class RejectionOut(Envelope):
    source: str
    line: int
    reason: str


class ImportReportOut(Envelope):
    created: int
    updated: int
    unchanged: int
    rejected: int
    duplicates_grouped: int
    sources: int
    rejections: list[RejectionOut]
    warnings: list[str]
    unusable: list[str]
    structures: dict[str, int] = Field(default_factory=dict, description="Structures lues (« Fiche identité », "
                                       "listes) : created, updated, unchanged, fiches_linked.")
    exit_code: int = Field(description="0 : tout importé ; 1 : des fiches rejetées ; 2 : entrée inutilisable ; "
                                       "3 : panne (base ou index).")
    index_error: str | None = Field(default=None, description="Si l'index n'a pas pu être mis à jour : pourquoi "
                                    "(les fiches sont enregistrées et seront cherchables après sa mise à jour).")
    documents: int = Field(default=0, description="Projets sociaux et plans fédéraux enregistrés comme documents "
                                                  "(créés, mis à jour ou inchangés).")


class FacetInfo(Envelope):
    name: str
    label: str
    long: bool


class RangeInfo(Envelope):
    name: str
    label: str
    kind: str


class SortInfo(Envelope):
    name: str
    label: str


class Catalogue(Envelope):
    """What a search can do: facets (in display order), ranges, sorts and page sizes."""

    facets: list[FacetInfo]
    ranges: list[RangeInfo]
    sorts: list[SortInfo]
    page_size: int
    max_page_size: int


class StructureHit(Envelope):
    """One structure of a result page: its identity line and how many fiches it has."""

    id: str
    nom: str
    type_structure: str | None = None
    commune: str | None = None
    code_postal: str | None = None
    departement: str | None = None
    departement_code: str | None = None
    region: str | None = None
    mode_gestion: str | None = None
    type_territoire: str | None = None
    qpv: bool | None = None
    fiches: int = Field(description="Fiches actions liées à cette structure.")


class StructureSearchResult(Envelope):
    total: int = Field(description="Structures du résultat.")
    page: int
    size: int
    hits: list[StructureHit]
    facets: dict[str, list[FacetValue]] = Field(description="Une entrée par facette, dans l'ordre d'affichage.")
    catalogue: list[FacetInfo] = Field(description="Les facettes des structures (nom, libellé), dans l'ordre.")
    took_ms: float


class StructureFiche(Envelope):
    """A fiche of a structure (newest first)."""

    id: str
    title: str
    year: int | None = None
    dimension: str | None = None
    statut: str | None = None


class StructureDetail(StructurePublic):
    """A whole structure (« Fiche identité »), with its fiches."""

    fiches: list[StructureFiche] = Field(default_factory=list)


class ErrorBody(Envelope):
    status: int
    code: str = Field(description="Code stable : invalid_parameter, not_found, unauthorized, payload_too_large, …")
    message: str = Field(description="Message en français, qui dit comment corriger.")
    detail: dict[str, Any] = Field(default_factory=dict)


class ErrorResponse(Envelope):
    """The one shape of every error."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorBody


# --- documents (projets sociaux, plans fédéraux) and import jobs --------------------------------------------

class DocumentRef(Envelope):
    """The document a unit belongs to."""

    id: str
    title: str
    type: Literal["projet_social", "plan_federal"]
    type_label: str = Field(description="« Projet social » ou « Plan fédéral ».")
    structure: str | None = None
    structure_id: str | None = Field(default=None, description="La structure du catalogue qui porte ce nom (même "
                                     "rapprochement que pour les fiches), si une seule le porte : "
                                     "/api/structures/{structure_id}.")
    territoire: str | None = None
    periode: str | None = Field(default=None, description="Période du projet, par exemple « 2021/2024 ».")


class UnitPart(Envelope):
    cle: str = Field(description="contexte, enjeux, actions_precedentes, objectifs_operationnels, projets_engages, "
                                 "pistes_actions…")
    titre: str
    texte: str


class UnitOut(Envelope):
    """One unit of a document: an objectif général, a theme, a section or a slide."""

    id: str
    position: int = Field(description="Rang de la partie dans son document (0 pour la première).")
    titre: str
    axe: str | None = None
    objectifs_operationnels: list[str] = Field(default_factory=list)
    indicateurs: list[str] = Field(default_factory=list, description="Indicateurs de résultats.")
    exemples: list[str] = Field(default_factory=list)
    parties: list[UnitPart] = Field(default_factory=list)
    texte: str | None = None


class UnitHit(UnitOut):
    document: DocumentRef
    score: float


class DocumentFacetValue(Envelope):
    value: str
    label: str
    count: int = Field(description="Parties du résultat qui ont cette valeur (hors sélection de cette facette) ; "
                                   "pour le type « fiche » : les fiches que la même recherche trouve (/api/fiches).")
    selected: bool


class DocumentsResult(Envelope):
    """Units of projets sociaux and federation plans matching a search (the fiches are in /api/fiches)."""

    total: int
    page: int
    size: int
    hits: list[UnitHit]
    approchants: list[UnitHit] = Field(description="Si aucune partie ne contient tous les mots : les plus proches.")
    facets: dict[str, list[DocumentFacetValue]] = Field(description="type (fiche, projet social, plan fédéral), structure.")


class DocumentDetail(DocumentRef):
    source_file: str | None = None
    units: list[UnitOut] = Field(description="Ses parties, dans l'ordre du document.")


class ImportJobOut(Envelope):
    """A background import: its state, its progress, then its report."""

    id: str
    state: Literal["en_attente", "en_cours", "termine", "echoue", "interrompu"]
    sources_total: int = Field(description="Fichiers et adresses à lire.")
    sources_done: int = Field(description="Fichiers et adresses lus jusqu'ici.")
    fiches_read: int = Field(description="Fiches lues et enregistrées jusqu'ici (lot par lot).")
    documents: int = Field(description="Projets sociaux et plans fédéraux enregistrés jusqu'ici.")
    created_at: str
    finished_at: str | None = None
    error: str | None = Field(default=None, description="Pourquoi l'import a échoué ou a été interrompu.")
    report: ImportReportOut | None = Field(default=None, description="Le rapport d'import, une fois terminé.")
    url: str = Field(description="Adresse où suivre l'import.")
