"""Every label of every fiche format, in one place, with a tolerant matcher.

A label is matched on its *key*: accents, case, spaces and punctuation removed, so
``- Mots clés associés à l’action :`` and ``MOTS CLES ASSOCIES A L'ACTION`` give the same key.
Only known labels are labels: any other line (a ``- bullet`` in free text) is text.

The module also says how a label's value lines are stored in a ``ParsedFiche``
(``fill_fiche``), so the text, legacy and HTML parsers share one reading of values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.domain.fields import LIST_FIELDS, TEXT_FIELDS
from app.domain.records import ParsedFiche
from app.domain.text import compare_key, label_key
from ingest.geo import split_structure

# Label groups: which formats recognise a label.
SENACS = "senacs"  # current SENACS fiche (text dumps, list pages, HTML)
LEGACY = "legacy"  # older action/show/N fiche
EXTRA = "extra"  # structured pages only (HTML): title, département, year given by label

TEXT_GROUPS = frozenset({SENACS})
LEGACY_GROUPS = frozenset({SENACS, LEGACY})
ALL_GROUPS = frozenset({SENACS, LEGACY, EXTRA})


@dataclass(frozen=True)
class Label:
    field: str
    group: str
    names: tuple[str, ...]  # exact labels, as printed (variants and typos included)
    prefixes: tuple[str, ...] = ()  # long questions printed with variable endings ("…")


LABELS: tuple[Label, ...] = (
    # SENACS fiche, as printed in the text dumps (and their known variants)
    Label("structure", SENACS, ("Structure organisatrice",)),
    Label("attachments", SENACS, ("Fichier(s) associé(s)", "Fichiers associés", "Fichier associé")),
    Label("statut", SENACS, ("Statut de l'action",)),
    Label("raison_fin", SENACS, ("Raisons pour lesquelles l'action est terminée",
                                 "Raison pour laquelle l'action est terminée")),
    Label("dimension", SENACS, ("Dimension",)),
    Label("mots_cles", SENACS, ("Mots clés associés à l'action", "Mots clés associés à l'actions",
                                "Mots clés associés à cette action")),
    Label("resume", SENACS, ("Résumé",)),
    Label("initiative", SENACS, ("Qui est à l'initiative de l'action ?",)),
    Label("precision", SENACS, ("Précision ( si autre )",)),
    Label("territoire", SENACS, ("Territoire concerné",)),
    Label("description_experience", SENACS,
          ("Description de l'expérience, ses objectifs, ses acteurs et ses différentes phases.",)),
    Label("public", SENACS, ("Public",)),
    Label("partenaires_action", SENACS, ("Avec qui cette action a-t-elle été menée ?", "Partenaires d'action",
                                         "Partenaires d'actions")),
    Label("description_generale", SENACS, ("Description générale",)),
    Label("ressources_financieres", SENACS, ("Ressources financières mobilisées pour cette action",)),
    Label("personnes_mobilisees", SENACS, ("Nombre de personnes mobilisés pour cette action",
                                           "Nombre de personnes mobilisées pour cette action")),
    Label("resultat_territoire", SENACS, ("Résultat sur le territoire",)),
    Label("resultat_centre", SENACS, ("Résultat pour le centre social",)),
    Label("resultat_habitants", SENACS, ("Résultat pour les habitants",)),
    Label("limites", SENACS, ("Suite de l'action : Limites",)),
    Label("perspectives", SENACS, ("Suite de l'action : Perspectives",)),
    # older action/show/N format (long questions also match by their opening words)
    Label("themes", LEGACY, ("Thèmes", "Thème")),
    Label("description_experience", LEGACY, (), ("Description de l'expérience",)),
    Label("diagnostic", LEGACY, ("Quels furent les éléments de diagnostic à l'origine de l'expérience ?",),
          ("Quels furent les éléments de diagnostic", "Quels ont été les éléments de diagnostic")),
    Label("impacts", LEGACY, (), ("Quels sont les impacts ou effets positifs", "Quels ont été les impacts")),
    Label("facteurs_reussite", LEGACY, (), ("Quels furent les facteurs de réussite",
                                            "Quels ont été les facteurs de réussite")),
    Label("limites", LEGACY, ("Quelles sont les limites de cette expérience ?",),
          ("Quelles sont les limites", "Quelles furent les limites")),
    Label("title", LEGACY, ("Titre", "Titre de l'action", "Intitulé de l'action")),
    # structured pages (HTML): short forms a template may use; too common in free text for dumps
    Label("title", EXTRA, ("Nom de l'action",)),
    Label("structure", EXTRA, ("Structure", "Structure porteuse")),
    Label("departement", EXTRA, ("Département",)),
    Label("year", EXTRA, ("Année", "Année de l'action")),
    Label("statut", EXTRA, ("Statut",)),
    Label("mots_cles", EXTRA, ("Mots clés", "Mots-clés")),
    Label("initiative", EXTRA, ("Initiative", "À l'initiative de l'action")),
    Label("precision", EXTRA, ("Précision",)),
    Label("territoire", EXTRA, ("Territoire",)),
    Label("description_experience", EXTRA, ("Description de l'expérience",)),
    Label("public", EXTRA, ("Publics", "Public concerné", "Public visé")),
    Label("partenaires_action", EXTRA, ("Partenaires",)),
    Label("partenaires_financiers", EXTRA, ("Partenaires financiers", "Financeurs")),
    Label("ressources_financieres", EXTRA, ("Ressources financières", "Budget")),
    Label("personnes_mobilisees", EXTRA, ("Personnes mobilisées", "Moyens humains")),
    Label("limites", EXTRA, ("Limites",)),
    Label("perspectives", EXTRA, ("Perspectives",)),
    Label("themes", EXTRA, ("Thématiques",)),
    Label("diagnostic", EXTRA, ("Diagnostic",)),
    Label("impacts", EXTRA, ("Impacts",)),
    Label("facteurs_reussite", EXTRA, ("Facteurs de réussite",)),
)

# Page-level markers of the SENACS text dumps.
PAGE_HEADER = "Les actions des centres sociaux"
BLOCK_START = "Actions"
TABLE_HEADER = ("Nom", "Département", "Année")

# Reading order of the SENACS sections: a label that goes back in this order starts a new fiche.
SECTION_ORDER: tuple[str, ...] = (
    "title", "structure", "attachments", "statut", "raison_fin", "dimension", "mots_cles", "resume",
    "initiative", "precision", "territoire", "description_experience", "public", "partenaires_action",
    "description_generale", "ressources_financieres", "personnes_mobilisees", "resultat_territoire",
    "resultat_centre", "resultat_habitants", "limites", "perspectives",
)
LEGACY_ORDER: tuple[str, ...] = (
    "title", "themes", "attachments", "diagnostic", "mots_cles", "description_generale",
    "description_experience", "impacts", "facteurs_reussite", "limites",
)

SINGLE_FIELDS = frozenset({"structure", "statut", "dimension", "territoire", "departement"})

_BULLET = re.compile(r"^\s*(?:[-–—•*·▪◦]\s*)+")
_SIZE_LINE = re.compile(r"^\(?\s*\d+(?:[.,]\d+)?\s*(?:[kKmMgG][oObB]?|octets|bytes)?\s*\)?$")
_SIZE_SUFFIX = re.compile(r"\s*\(\s*\d+(?:[.,]\d+)?\s*[kKmMgG]?[oObB]?\s*\)$")  # "name.pdf ( 56.06K )"
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_MAX_LABEL_LEN = 140  # the longest label is 84 characters; longer lines are text
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _build_tables() -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str]]]:
    exact: dict[str, tuple[str, str]] = {}
    prefixes: list[tuple[str, str, str]] = []
    for label in LABELS:
        for name in label.names:
            exact.setdefault(label_key(name), (label.field, label.group))
        for prefix in label.prefixes:
            prefixes.append((label_key(prefix), label.field, label.group))
    return exact, prefixes


_EXACT, _PREFIXES = _build_tables()


_MARKERS = {label_key(PAGE_HEADER): PAGE_HEADER, label_key(BLOCK_START): BLOCK_START}


def _resolve(key: str, groups: frozenset[str]) -> str | None:
    """Field of the label whose key is ``key`` (exact, then a long question's opening words), in ``groups``."""
    if not key:
        return None
    hit = _EXACT.get(key)
    if hit and hit[1] in groups:
        return hit[0]
    if groups != TEXT_GROUPS:
        for prefix, field_name, group in _PREFIXES:
            if group in groups and key.startswith(prefix):
                return field_name
    return None


_GROUP_SLOTS = {TEXT_GROUPS: 0, LEGACY_GROUPS: 1, ALL_GROUPS: 2}
# key, field by group set, bulleted, marker (PAGE_HEADER, BLOCK_START or None)
_LineInfo = tuple[str, tuple[str | None, str | None, str | None], bool, str | None]


@lru_cache(maxsize=1 << 16)
def _line_info(line: str) -> _LineInfo:
    """Everything the parsers ask of a short line, from one key: each line is folded once, not once per
    question (a label of each format, a marker), and looked up in prepared tables."""
    key = label_key(line)
    fields = (_resolve(key, TEXT_GROUPS), _resolve(key, LEGACY_GROUPS), _resolve(key, ALL_GROUPS))
    bulleted = _BULLET.match(line) is not None
    return key, fields, bulleted, None if bulleted else _MARKERS.get(key)


_NO_LINE: _LineInfo = ("", (None, None, None), False, None)


def marker_and_label(line: str) -> tuple[str | None, str | None]:
    """(the page marker written on ``line``, PAGE_HEADER or BLOCK_START, else None; its SENACS label's field,
    else None): ``is_marker`` and ``match_label`` in one lookup."""
    key, fields, _bulleted, marker = _line_info(line) if len(line) <= _MAX_LABEL_LEN else _NO_LINE
    return marker, fields[0]


def match_label(line: str, groups: frozenset[str] = TEXT_GROUPS) -> str | None:
    """Field name of the label written on ``line``, or None when the line is not a label.

    ``groups`` selects the formats whose labels count (``TEXT_GROUPS``, ``LEGACY_GROUPS``,
    ``ALL_GROUPS``). Long legacy questions also match by their opening words.
    """
    if len(line) > _MAX_LABEL_LEN:
        return None
    key, fields, _bulleted, _marker = _line_info(line)
    slot = _GROUP_SLOTS.get(groups)
    return fields[slot] if slot is not None else _resolve(key, groups)


_MIN_CUT_KEY = 4


@lru_cache(maxsize=8)
def _label_starts(groups: frozenset[str]) -> frozenset[str]:
    """Every opening (of ``_MIN_CUT_KEY`` characters or more) of the keys of the labels in ``groups``."""
    return frozenset(full[:end] for full, (_field, group) in _EXACT.items() if group in groups
                     for end in range(_MIN_CUT_KEY, len(full) + 1))


def is_cut_label(line: str, groups: frozenset[str] = TEXT_GROUPS) -> bool:
    """True when ``line`` is the start of a label cut by the end of a page (``- Territoire con``)."""
    if not _BULLET.match(line) or match_label(line, groups) is not None:
        return False
    return label_key(line) in _label_starts(groups)


def is_marker(line: str, marker: str) -> bool:
    """True when ``line`` is the page marker ``marker`` (PAGE_HEADER, BLOCK_START), written loosely.

    Unlike labels, a marker is never a bullet: ``- Actions`` in free text is text.
    """
    if len(line) > _MAX_LABEL_LEN:
        return False
    key, _fields, bulleted, _marker = _line_info(line)
    return not bulleted and key == label_key(marker)


def strip_bullet(line: str) -> str:
    """``- value`` → ``value``; a lone ``-`` gives an empty string."""
    return _BULLET.sub("", line).strip()


def list_items(lines: Iterable[str], field_name: str = "") -> list[str]:
    """Values of a list section: one per non-empty line, bullets removed, attachment sizes dropped."""
    items = []
    for line in lines:
        item = strip_bullet(line)
        if field_name == "attachments":
            item = "" if _SIZE_LINE.match(item) else _SIZE_SUFFIX.sub("", item)
        if not item:
            continue
        items.append(item)
    return items


def text_value(lines: Sequence[str]) -> str | None:
    """Free text as written (bullets and line breaks kept); None when empty or only dashes."""
    kept = [line.rstrip() for line in lines]
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    if not any(strip_bullet(line) for line in kept):
        return None
    return "\n".join(kept)


def label_name(field_name: str) -> str:
    """The printed label of a field (the opening words of a long question; the name when it has none)."""
    for label in LABELS:
        if label.field == field_name and label.names:
            return label.names[0]
    for label in LABELS:
        if label.field == field_name and label.prefixes:
            return f"{label.prefixes[0]}…"
    return field_name


_PARTNER_HEADER = re.compile(r"^[\s\-–—•*]*partenaires?\s+(financiers?|d'?\s*actions?)\s*:?\s*(.*)$", re.I)


def _partner_lists(lines: Sequence[str]) -> dict[str, list[str]]:
    """Lines of « Avec qui cette action a-t-elle été menée ? » by partner kind: SENACS prints
    ``Partenaires financiers:`` and ``Partenaires d'action:`` sub-headers (items before any go to action)."""
    out: dict[str, list[str]] = {"partenaires_action": [], "partenaires_financiers": []}
    target = "partenaires_action"
    for line in lines:
        header = _PARTNER_HEADER.match(line.replace("’", "'"))
        if header is None:
            out[target].append(line)
            continue
        target = "partenaires_financiers" if header.group(1).lower().startswith("financ") else "partenaires_action"
        if header.group(2).strip():
            out[target].extend(re.split(r"\s*[,;]\s*", header.group(2)))
    return out


def assign(fiche: ParsedFiche, field_name: str, lines: Sequence[str]) -> None:
    """Store the value ``lines`` of label ``field_name`` in ``fiche`` (values as written)."""
    if field_name == "partenaires_action":
        for name, kind_lines in _partner_lists(lines).items():
            current = getattr(fiche, name)
            current.extend(item for item in list_items(kind_lines, name) if item not in current)
    elif field_name in LIST_FIELDS:
        current = getattr(fiche, field_name)
        current.extend(item for item in list_items(lines, field_name) if item not in current)
    elif field_name in TEXT_FIELDS:
        value = text_value(lines)
        previous = getattr(fiche, field_name)
        if value is not None and previous is not None and value != previous:
            fiche.warnings.append(f"Rubrique « {label_name(field_name)} » présente deux fois : textes réunis.")
            value = f"{previous}\n{value}"
        if value is not None:
            setattr(fiche, field_name, value)
    elif field_name == "year":
        match = _YEAR.search(" ".join(lines))
        if match and fiche.year is None:
            fiche.year = int(match.group(0))
    elif field_name == "title":
        value = " ".join(list_items(lines))
        if value and not fiche.title:
            fiche.title = value
    elif field_name in SINGLE_FIELDS:
        value = " ".join(list_items(lines)) or None
        previous = getattr(fiche, field_name)
        if previous is None:
            setattr(fiche, field_name, value)
        elif value is not None and compare_key(value) != compare_key(previous):
            fiche.warnings.append(
                f"Rubrique « {label_name(field_name)} » avec deux valeurs (« {previous} », « {value} ») :"
                " la première est gardée."
            )


Section = tuple[str, int, list[str]]  # (field, 1-based line of the label, value lines)


def split_sections(
    lines: Sequence[tuple[int, str]], groups: frozenset[str] = TEXT_GROUPS
) -> tuple[list[str], list[Section]]:
    """Cut numbered lines at labels: (lines before the first label, sections in order)."""
    return labelled_sections([(number, line, match_label(line, groups)) for number, line in lines])


def labelled_sections(lines: Sequence[tuple[int, str, str | None]]) -> tuple[list[str], list[Section]]:
    """``split_sections`` of lines whose label (field or None) is already known."""
    preamble: list[str] = []
    sections: list[Section] = []
    for number, line, field_name in lines:
        if field_name is not None:
            sections.append((field_name, number, []))
        elif sections:
            sections[-1][2].append(line)
        else:
            preamble.append(line)
    return preamble, sections


def fill_fiche(fiche: ParsedFiche, sections: Iterable[Section]) -> None:
    """Assign every section to ``fiche``, then split ``NAME - Département`` structure lines."""
    for field_name, _number, value_lines in sections:
        assign(fiche, field_name, value_lines)
    if fiche.structure and fiche.departement is None:
        name, departement = split_structure(fiche.structure)
        if departement:
            fiche.structure, fiche.departement = name, departement
