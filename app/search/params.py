"""Search parameters: one pydantic model, built from raw query-string pairs (no web framework here)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from app.domain.errors import InvalidParameter
from app.search.schema import FACETS

MAX_SIZE = 100
SORT_ALIASES = {"pertinence": "pertinence", "recent": "recent", "récent": "recent", "budget": "budget",
                "titre": "titre"}
RANGE_PARAMS = ("budget_min", "budget_max", "etp_min", "etp_max", "annee_min", "annee_max")
ALLOWED_PARAMS: tuple[str, ...] = ("q", *FACETS, *RANGE_PARAMS, "sort", "page", "size")

_LABELS = {
    "budget_min": "un montant en euros",
    "budget_max": "un montant en euros",
    "etp_min": "un nombre d'ETP (par exemple 0,5)",
    "etp_max": "un nombre d'ETP (par exemple 0,5)",
    "annee_min": "une année (par exemple 2019)",
    "annee_max": "une année (par exemple 2019)",
    "page": "un entier à partir de 1",
    "size": f"un entier de 1 à {MAX_SIZE}",
    "sort": "pertinence, recent, budget ou titre",
}


class SearchParams(BaseModel):
    q: str = ""
    dimension: list[str] = Field(default_factory=list)
    mots_cles: list[str] = Field(default_factory=list)
    public: list[str] = Field(default_factory=list)
    territoire: list[str] = Field(default_factory=list)
    initiative: list[str] = Field(default_factory=list)
    statut: list[str] = Field(default_factory=list)
    departement: list[str] = Field(default_factory=list)
    region: list[str] = Field(default_factory=list)
    annee: list[str] = Field(default_factory=list)
    budget_min: float | None = Field(default=None, ge=0)
    budget_max: float | None = Field(default=None, ge=0)
    etp_min: float | None = Field(default=None, ge=0)
    etp_max: float | None = Field(default=None, ge=0)
    annee_min: int | None = Field(default=None, ge=1900, le=2100)
    annee_max: int | None = Field(default=None, ge=1900, le=2100)
    sort: Literal["pertinence", "recent", "budget", "titre"] = "pertinence"
    page: int = Field(default=1, ge=1, le=100_000)
    size: int = Field(default=20, ge=1, le=MAX_SIZE)

    model_config = {"extra": "forbid", "allow_inf_nan": False}

    @model_validator(mode="after")
    def _clean(self) -> SearchParams:
        self.q = " ".join(self.q.split())[:500]
        for name in FACETS:
            values = [v.strip() for v in getattr(self, name) if v and v.strip()]
            setattr(self, name, list(dict.fromkeys(values)))
        return self

    def filters(self) -> dict[str, list[str]]:
        """Selected facet values, by facet (only the facets with a selection)."""
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}

    @classmethod
    def from_query(cls, items: list[tuple[str, str]]) -> SearchParams:
        """Build from raw query-string pairs (a repeated facet key gives several values).

        Raises ``InvalidParameter`` (French message) on an unknown parameter or a bad value.
        """
        data: dict[str, object] = {}
        for key, value in items:
            if key not in ALLOWED_PARAMS:
                raise InvalidParameter(
                    f"Paramètre inconnu : « {key} ». Paramètres acceptés : {', '.join(ALLOWED_PARAMS)}.",
                    parameter=key,
                    allowed=list(ALLOWED_PARAMS),
                )
            if key in FACETS:
                if key == "annee" and value.strip() and not value.strip().isdigit():
                    raise InvalidParameter(
                        f"Valeur invalide pour « annee » : « {value} ». Attendu : une année (par exemple 2019).",
                        parameter=key, value=value, allowed=list(ALLOWED_PARAMS),
                    )
                values = data.setdefault(key, [])
                assert isinstance(values, list)
                values.append(value)
                continue
            value = value.strip()
            if key in data:
                raise InvalidParameter(
                    f"Le paramètre « {key} » ne peut être donné qu'une fois.", parameter=key,
                    allowed=list(ALLOWED_PARAMS),
                )
            if value == "":
                continue  # an empty form field means "not set"
            if key == "sort":
                value = SORT_ALIASES.get(value.casefold(), value)
            elif key in ("budget_min", "budget_max", "etp_min", "etp_max"):
                value = value.replace(",", ".").replace(" ", "").replace("\u202f", "")
            data[key] = value
        try:
            return cls(**data)
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error.get("loc") else "?"
            given = data.get(name, "")
            expected = _LABELS.get(name, "une valeur valide")
            raise InvalidParameter(
                f"Valeur invalide pour « {name} » : « {given} ». Attendu : {expected}.",
                parameter=name,
                value=given,
                allowed=list(ALLOWED_PARAMS),
            ) from None
