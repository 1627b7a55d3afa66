"""Search parameters: one pydantic model, derived from the field catalogue, built from raw query-string pairs.

``SearchParams`` holds what every search has (``q``, ``sort``, ``page``, ``size``); ``from_query`` builds the
full model, which adds one list field per facet and a ``_min``/``_max`` pair per range of
``app.domain.fields``. The OpenAPI description of the parameters (``openapi_parameters``) is read from that
same model. No web framework here.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from app.domain.errors import InvalidParameter
from app.domain.fields import FACETS, MAX_PAGE_SIZE, PAGE_SIZE, RANGES, SORTS, Facet, Range
from app.domain.numbers import parse_amount, parse_number

FACET_NAMES: tuple[str, ...] = tuple(facet.name for facet in FACETS)
RANGE_PARAMS: tuple[str, ...] = tuple(f"{r.name}_{end}" for r in RANGES for end in ("min", "max"))
RANGES_BY_PARAM: dict[str, Range] = {f"{r.name}_{end}": r for r in RANGES for end in ("min", "max")}
SORT_NAMES: tuple[str, ...] = tuple(sort.name for sort in SORTS)
SORT_ALIASES: dict[str, str] = {alias: s.name for s in SORTS for alias in (s.name, *s.aliases)}
ALLOWED_PARAMS: tuple[str, ...] = ("q", *FACET_NAMES, *RANGE_PARAMS, "sort", "page", "size")
UNPAGED = ("page", "size")  # exports take the whole result set

_EXPECTED = {
    "page": "un entier à partir de 1",
    "size": f"un entier de 1 à {MAX_PAGE_SIZE}",
    "sort": ", ".join(SORT_NAMES),
    **{f"{r.name}_{end}": r.expected for r in RANGES for end in ("min", "max")},
}


class SearchParams(BaseModel):
    """A search: free text, facet selections, intervals, sort and page."""

    q: str = Field(default="", description="Texte libre en français (échappé : guillemets, AND, champ: sans "
                                            "effet spécial).")
    sort: str = Field(default=SORT_NAMES[0], description="Tri : " + ", ".join(SORT_NAMES) + ".",
                      json_schema_extra={"enum": list(SORT_NAMES)})
    page: int = Field(default=1, ge=1, le=100_000, description="Page (à partir de 1).")
    size: int = Field(default=PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE,
                      description=f"Fiches par page (au plus {MAX_PAGE_SIZE}).")

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, value: str) -> str:
        if value not in SORT_NAMES:
            raise ValueError(f"tri inconnu : {value}")
        return value

    @model_validator(mode="after")
    def _clean(self) -> SearchParams:
        self.q = " ".join(self.q.split())[:500]
        for name in FACET_NAMES:
            if name in type(self).model_fields:
                values = [v.strip() for v in getattr(self, name) if v and v.strip()]
                setattr(self, name, list(dict.fromkeys(values)))
        return self

    def filters(self) -> dict[str, list[str]]:
        """Selected facet values, by facet (only the facets with a selection)."""
        return {name: values for name in FACET_NAMES if (values := getattr(self, name, None))}

    def bounds(self, name: str) -> tuple[float | None, float | None]:
        """The ``(min, max)`` of the range ``name`` (``None`` where not set)."""
        return getattr(self, f"{name}_min", None), getattr(self, f"{name}_max", None)

    @classmethod
    def from_query(cls, items: list[tuple[str, str]]) -> SearchParams:
        """Build from raw query-string pairs (a repeated facet key gives several values).

        Raises ``InvalidParameter`` (French message) on an unknown parameter or a bad value.
        """
        data: dict[str, Any] = {}
        for key, value in items:
            if key not in ALLOWED_PARAMS:
                raise InvalidParameter(
                    f"Paramètre inconnu : « {key} ». Paramètres acceptés : {', '.join(ALLOWED_PARAMS)}.",
                    parameter=key, allowed=list(ALLOWED_PARAMS),
                )
            if key in FACET_NAMES:
                _check_facet_value(key, value)
                data.setdefault(key, []).append(value)
                continue
            value = value.strip()
            if key in data:
                raise InvalidParameter(f"Le paramètre « {key} » ne peut être donné qu'une fois.", parameter=key,
                                       allowed=list(ALLOWED_PARAMS))
            if value == "":
                continue  # an empty form field means "not set"
            if key == "sort":
                value = SORT_ALIASES.get(value.casefold(), value)
            elif key in RANGE_PARAMS:
                data[key] = _range_value(key, value)
                continue
            data[key] = value
        try:
            params = FULL_MODEL(**data)
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error.get("loc") else "?"
            raise _invalid(name, data.get(name, "")) from None
        _check_bounds(params, dict(items))
        return params


def _invalid(name: str, given: object) -> InvalidParameter:
    return InvalidParameter(
        f"Valeur invalide pour « {name} » : « {given} ». Attendu : {_EXPECTED.get(name, 'une valeur valide')}.",
        parameter=name, value=str(given), allowed=list(ALLOWED_PARAMS),
    )


def _range_value(key: str, value: str) -> float | str:
    """A range bound as a person types it: "10k", "15 k€", "12 000" for euros (read as the importer reads
    amounts), "0,5" for ETP, "2019" for years. A value that is no number goes to the model, which refuses it."""
    kind = RANGES_BY_PARAM[key].kind
    try:
        if kind == "euros":
            return parse_amount(value)
        if kind == "etp":
            return parse_number(re.sub(r"(?i)\s*e\.?t\.?p\.?$", "", value))
    except ValueError:
        raise _invalid(key, value) from None
    return re.sub(r"[\s\u00a0\u202f]", "", value)


def _check_bounds(params: SearchParams, given: dict[str, str]) -> None:
    """A minimum above its maximum finds nothing: say so, naming the field, rather than answer 0 fiches."""
    for spec in RANGES:
        low, high = params.bounds(spec.name)
        if low is not None and high is not None and low > high:
            name = f"{spec.name}_min"
            raise InvalidParameter(
                f"« {name} » ({given.get(name, low)}) est supérieur à « {spec.name}_max » "
                f"({given.get(f'{spec.name}_max', high)}) : aucune fiche ne peut correspondre. {spec.label} : "
                "donnez un minimum inférieur ou égal au maximum, ou inversez-les.",
                parameter=name, value=str(given.get(name, low)), allowed=list(ALLOWED_PARAMS),
            )


def _check_facet_value(key: str, value: str) -> None:
    numeric = next(f.numeric for f in FACETS if f.name == key)
    if numeric and value.strip() and not value.strip().isdigit():
        raise InvalidParameter(
            f"Valeur invalide pour « {key} » : « {value} ». Attendu : un nombre entier (par exemple 2019).",
            parameter=key, value=value, allowed=list(ALLOWED_PARAMS),
        )


def _range_field(spec: Range) -> tuple[Any, Any]:
    if spec.kind == "year":
        return int | None, Field(default=None, ge=1900, le=2100, description=f"{spec.label} : borne incluse.")
    typed = " ; « 10k », « 15 k€ » ou « 12 000 » sont lus comme à l'import" if spec.kind == "euros" else ""
    return float | None, Field(default=None, ge=0, description=f"{spec.label} : borne incluse{typed}. Un minimum "
                                                                "supérieur au maximum donne une erreur 422.")


def _facet_field(facet: Facet) -> tuple[Any, Any]:
    item: Any = Annotated[str, StringConstraints(pattern=r"^\s*[0-9]*\s*$")] if facet.numeric else str
    return list[item], Field(default_factory=list, description=f"Facette « {facet.label} » : répétable, OU entre "
                                                               "les valeurs, ET entre facettes.")


FULL_MODEL: type[SearchParams] = create_model(  # type: ignore[call-overload]
    "SearchParams",
    __base__=SearchParams,
    **{facet.name: _facet_field(facet) for facet in FACETS},
    **{f"{r.name}_{end}": _range_field(r) for r in RANGES for end in ("min", "max")},
)


def openapi_parameters(paged: bool = True) -> list[dict[str, Any]]:
    """The OpenAPI ``parameters`` of a search, read from the model (names, types, bounds, descriptions)."""
    schema = FULL_MODEL.model_json_schema()
    out = []
    for name in ALLOWED_PARAMS:
        if not paged and name in UNPAGED:
            continue
        prop = dict(schema["properties"][name])
        description = prop.pop("description", "")
        prop.pop("title", None)
        out.append({"name": name, "in": "query", "required": False, "schema": prop, "description": description,
                    **({"style": "form", "explode": True} if name in FACET_NAMES else {})})
    return out
