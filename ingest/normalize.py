"""Turn a ``ParsedFiche`` (values as written) into the canonical ``FicheCreate``.

- text: Unicode NFC, odd spaces made plain, runs of spaces collapsed, line breaks kept inside free
  text (at most one blank line), empty or a lone "-" → None;
- controlled fields (statut, dimension, territoire, mots clés, public, initiative) mapped to their
  canonical labels by ``ingest.vocab``; unknown values kept with a French warning;
- lists cleaned, empty items dropped, duplicates removed (first kept);
- département resolved by ``ingest.geo`` (canonical name, code, 2016 région), split from the structure
  line when the parser left it there; an unknown one is dropped with a warning;
- ``budget_eur`` and ``etp`` taken from a structured source when given, else read from the free text;
- ``id`` from ``fiche_id`` and ``content_hash`` over every content field (not where it came from).

A fiche without a title or with an impossible year is a ``Rejected`` saying how to fix it.
"""

from __future__ import annotations

import hashlib
import json
import math
import posixpath
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from annotated_types import MaxLen
from pydantic import ValidationError

from app.domain.config import get_settings
from app.domain.fields import LIST_FIELDS, TEXT_FIELDS
from app.domain.models import FicheBase, FicheCreate
from app.domain.records import ParsedFiche, Rejected, fiche_id
from app.domain.text import fold_key
from ingest.amounts import extract_budget
from ingest.etp import extract_etp
from ingest.geo import find_departement, split_structure
from ingest.labels import label_name
from ingest.vocab import FIELD_LABELS, clean_label, normalize_value, normalize_values

FIRST_YEAR = 1990
SOURCE_FIELDS = frozenset({"source_file", "source_label", "source_line", "source_url", "format"})
SENACS_LABEL = "Catalogue SENACS"
CONTENT_FIELDS: tuple[str, ...] = tuple(n for n in FicheBase.model_fields if n not in SOURCE_FIELDS)
SINGLE_CONTROLLED = ("statut", "dimension", "territoire")
LIST_CONTROLLED = ("mots_cles", "public", "initiative")

_ODD_CHARS: tuple[tuple[str, str], ...] = (("\u00a0", " "), ("\u202f", " "), ("\u2007", " "), ("\u2009", " "), ("\t", " "), ("\r\n", "\n"))
_ODD_CHARS += (("\r", "\n"), ("\ufeff", ""), ("\u200b", ""), ("\u200c", ""), ("\u200d", ""))
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACE_RUNS = re.compile(r"[^\S\n]+")  # whitespace as str.split sees it (str.isspace), line breaks apart
_LINE_EDGES = re.compile(r" ?\n ?")
_EMPTY = re.compile(r"^[\s\-–—•*.]*$")
_URL = re.compile(r"^https?://", re.IGNORECASE)
_MONEY_HINT = re.compile(r"€|\beuros?\b|\d\s*k€", re.IGNORECASE)
# Control characters (C0 but tab and line breaks, DEL, C1): removed before anything reaches the store.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_GARBAGE_CONTROLS = 32  # more control characters than this (or 1 % of the text): a binary block
_NOT_SIZED = frozenset({"warnings", "source", "format", "source_url"})
_SUB_HEADERS = frozenset({"partenaires d'action", "partenaires financiers", "partenaires d'actions"})


@dataclass(frozen=True)
class Limits:
    """Size limits of one fiche, in characters (``FICHES_MAX_FICHE_CHARS``, ``FICHES_MAX_FIELD_CHARS``)."""

    fiche: int
    field: int

    @classmethod
    def from_settings(cls) -> Limits:
        settings = get_settings()
        return cls(settings.max_fiche_chars, settings.max_field_chars)


def clean_text(value: str | None) -> str | None:
    """Free text: spaces collapsed on each line, line breaks kept, empty → None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value))
    for odd, plain in _ODD_CHARS:
        if odd in text:
            text = text.replace(odd, plain)
    if "\n" in text:  # each line's spaces collapsed and trimmed, in three passes of C code
        text = _LINE_EDGES.sub("\n", _SPACE_RUNS.sub(" ", text)).strip(" ")
    else:
        text = " ".join(text.split())
    text = _BLANK_LINES.sub("\n\n", text).strip("\n")
    return None if _EMPTY.match(text) else text


def clean_line(value: str | None) -> str | None:
    """A one-line value (title, structure): all whitespace collapsed, empty → None."""
    text = clean_text(value)
    return " ".join(text.split()) if text else None


def _clean_list(values: list[str] | None) -> list[str]:
    """Free list items (partenaires, attachments, thèmes): cleaned, empty and repeated ones dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for value in values or []:
        item = clean_label(clean_line(value))
        key = fold_key(item)
        if not item or key in seen or key.rstrip(" :") in _SUB_HEADERS:
            continue
        seen.add(key)
        out.append(item)
    return out


def _max_length(name: str) -> int | None:
    for meta in FicheBase.model_fields[name].metadata:
        if isinstance(meta, MaxLen):
            return meta.max_length
    return None


def _departement(p: ParsedFiche, structure: str | None, warnings: list[str]) -> tuple[str | None, dict[str, Any]]:
    """(structure without its département suffix, {departement, departement_code, region})."""
    written = clean_line(p.departement)
    if structure:
        name, suffix = split_structure(structure)
        if suffix and (written is None or find_departement(suffix) == find_departement(written)):
            structure, written = name, written or suffix
    found = find_departement(written)
    if written and found is None:
        warnings.append(
            f"Département inconnu « {written} » : écrivez son nom officiel ou son numéro "
            "(ex. « Val-d'Oise » ou « 95 ») ; la fiche est gardée sans département."
        )
    if found is None:
        return structure, {"departement": None, "departement_code": None, "region": None}
    return structure, {"departement": found.name, "departement_code": found.code, "region": found.region}


def _figure(given: float | None, label: str, warnings: list[str]) -> float | None:
    """A figure given by a structured source, if usable."""
    if given is None:
        return None
    try:
        value = float(given)
    except (TypeError, ValueError):
        value = math.nan
    if math.isfinite(value) and value >= 0:
        return round(value, 2)
    warnings.append(f"{label} « {given} » illisible : indiquez un nombre positif ; lu dans le texte.")
    return None


def _figures(p: ParsedFiche, data: dict[str, Any], warnings: list[str]) -> None:
    budget = _figure(p.budget_eur, "Budget", warnings)
    if budget is None:
        budget = extract_budget(data["ressources_financieres"])
        if budget is None and not data["ressources_financieres"]:
            budget = extract_budget(data["description_generale"], stated_only=True)  # the only place it is given
        text = data["ressources_financieres"] or ""
        if budget is None and _MONEY_HINT.search(text):
            warnings.append(
                "Budget non reconnu dans « Ressources financières » : écrivez le total sous la forme "
                "« Budget global : 12 000 € »."
            )
    etp = _figure(p.etp, "ETP", warnings)
    if etp is None:
        etp = extract_etp(data["personnes_mobilisees"])
    if etp is None and re.search(r"\bETP\b", data["ressources_financieres"] or "", re.IGNORECASE):
        etp = extract_etp(data["ressources_financieres"])  # "Attribution de 0,5 ETP par la CAF"
    data["budget_eur"], data["etp"] = budget, etp


def _year(p: ParsedFiche) -> int | None | Rejected:
    if p.year is None:
        return None
    last = date.today().year + 1
    try:
        year = int(str(p.year).strip())
    except ValueError:
        year = None
    if year is None or not FIRST_YEAR <= year <= last:
        return Rejected(
            p.source,
            p.line,
            f"Année impossible « {p.year} » : une fiche date de {FIRST_YEAR} à {last}. "
            "Corrigez l'année de la fiche (colonne « Année » du tableau de la page) puis relancez l'import.",
        )
    return year


def content_hash(data: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of every content field (where the fiche came from is left out)."""
    content = {name: data.get(name) for name in CONTENT_FIELDS}
    raw = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _scrub(p: ParsedFiche) -> tuple[ParsedFiche, int]:
    """``p`` without control characters (the one place they are removed), and how many there were."""
    changes: dict[str, Any] = {}
    removed = 0
    for name, value in vars(p).items():
        if name == "warnings":
            continue
        if isinstance(value, str) and _CONTROL.search(value):
            changes[name], count = _CONTROL.subn("", value)
            removed += count
        elif isinstance(value, list) and any(isinstance(item, str) and _CONTROL.search(item) for item in value):
            items = [_CONTROL.subn("", item) if isinstance(item, str) else (item, 0) for item in value]
            changes[name] = [item for item, _count in items]
            removed += sum(count for _item, count in items)
    return (replace(p, **changes) if changes else p), removed


def _n(number: int) -> str:
    """``250000`` → ``250 000`` (narrow no-break space, as French writes it)."""
    return f"{number:,}".replace(",", "\u202f")


def _size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return sum(len(item) for item in value if isinstance(item, str))
    return 0


def _check_size(p: ParsedFiche, limits: Limits) -> Rejected | None:
    """A rejection naming the field (or the fiche) over its limit, with the source and line."""
    sizes = {name: _size(value) for name, value in vars(p).items() if name not in _NOT_SIZED}
    for name, size in sizes.items():
        if size > limits.field:
            return Rejected(p.source, p.line, f"Rubrique « {label_name(name)} » trop longue ({_n(size)} caractères, "
                            f"maximum {_n(limits.field)}) : découpez ou raccourcissez ce texte.")
    total = sum(sizes.values())
    if total > limits.fiche:
        return Rejected(p.source, p.line, f"Fiche trop volumineuse ({_n(total)} caractères, maximum "
                        f"{_n(limits.fiche)}) : est-ce bien une seule fiche ? Vérifiez le document.")
    return None


def _unreadable(p: ParsedFiche, raw_title: str, removed: int) -> Rejected | None:
    """A block of binary garbage (control characters in its title, or many of them) is rejected."""
    length = sum(_size(value) for name, value in vars(p).items() if name not in _NOT_SIZED)
    if _CONTROL.search(raw_title) or removed > _GARBAGE_CONTROLS or (removed >= 8 and removed > 0.01 * length):
        return Rejected(p.source, p.line, f"Bloc illisible : {removed} caractère(s) de contrôle (octets nuls…), "
                        "sans doute des données binaires ou un fichier abîmé. Vérifiez le document à cette ligne.")
    return None


def source_label(source: str, source_url: str | None) -> tuple[str | None, str | None]:
    """(file name, human label) of where a fiche came from: never a server path."""
    url = source_url or (source if _URL.match(source) else None)
    if url and "senacs" in (urlsplit(url).hostname or "").lower():
        return None if _URL.match(source) else _file_name(source), SENACS_LABEL
    if _URL.match(source):
        parts = urlsplit(source)
        return None, posixpath.basename(parts.path) or parts.hostname or source
    name = _file_name(source)
    return name, name


def _file_name(source: str) -> str | None:
    name = posixpath.basename(source.removeprefix("envoi:").replace("\\", "/"))
    return name or None


def normalize(p: ParsedFiche, limits: Limits | None = None) -> tuple[FicheCreate, list[str]] | Rejected:
    """The canonical fiche and its French warnings, or a ``Rejected`` saying how to fix it."""
    raw_title = p.title
    p, removed = _scrub(p)
    problem = _unreadable(p, raw_title, removed) if removed else None
    problem = problem or _check_size(p, limits or Limits.from_settings())
    if problem is not None:
        return problem
    title = clean_line(p.title)
    if title is None:
        return Rejected(
            p.source,
            p.line,
            "Fiche sans titre : ajoutez le titre de l'action (dans un export texte, la ligne qui suit "
            "« Actions ») puis relancez l'import.",
        )
    year = _year(p)
    if isinstance(year, Rejected):
        return year
    warnings: list[str] = list(dict.fromkeys(p.warnings))
    if removed:
        warnings.append(f"{removed} caractère(s) de contrôle (octet nul…) supprimé(s) du texte de la fiche.")
    structure, place = _departement(p, clean_line(p.structure), warnings)
    data: dict[str, Any] = {"title": title, "structure": structure, "year": year, **place}
    for name in TEXT_FIELDS:
        data[name] = clean_text(getattr(p, name))
    for name in SINGLE_CONTROLLED:
        value, warns = normalize_value(name, clean_line(getattr(p, name)))
        limit = _max_length(name)
        if value is not None and limit is not None and len(value) > limit:
            warns = [f"{FIELD_LABELS[name]} : valeur trop longue ignorée « {value[:60]}… »."]
            value = None
        data[name] = value
        warnings.extend(warns)
    for name in LIST_FIELDS:
        if name in LIST_CONTROLLED:
            data[name], warns = normalize_values(name, getattr(p, name))
            warnings.extend(warns)
        else:
            data[name] = _clean_list(getattr(p, name))
    _figures(p, data, warnings)
    source = clean_line(p.source) or ""
    data["source_url"] = source if _URL.match(source) else clean_line(p.source_url)
    data["source_file"], data["source_label"] = source_label(source, data["source_url"])
    data["source_line"], data["format"], data["truncated"] = p.line, p.format, bool(p.truncated)
    data["id"] = fiche_id(title, structure, data["departement"], year)
    data["content_hash"] = content_hash(data)
    try:
        return FicheCreate(**data), list(dict.fromkeys(warnings))
    except ValidationError as error:
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))} : {e['msg']}" for e in error.errors())
        return Rejected(p.source, p.line, f"Fiche illisible ({fields}) : corrigez ces champs puis relancez.")
