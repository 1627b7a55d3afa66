"""SENACS structure pages (« Fiche identité ») and structure list pages, read into ``StructureBase`` records.

A pure function of the document's text (``parse_structures``). The format is in ``format.md`` §5: a list
page starts with « Liste des centres sociaux » (or « … des espaces de vie sociale »), may carry a table
``Nom | Ville |`` whose town cell glues the postal code to the name (``46300Gourdon``), then one block per
structure, opened by « Informations sur la structure » or by its name above « Fiche identité ».

Quirks handled: the name glued to the street on the address line; a commune line such as « 69009 Lyon 9e
Arrondissement » or « 69361 Lyon Cedex 07 »; a SIRET with or without spaces; empty axes (« - Axe 4 : »);
any line missing; a long or repeated history; a page cut off mid-block (the record is marked truncated).
The contact e-mail line is read past and never kept. A table row with no block still gives a structure
(name and commune). A block with no name is a named rejection.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from bs4 import BeautifulSoup

from app.domain.communes import find_commune
from app.domain.records import Rejected
from app.domain.structures import StructureBase, name_key
from app.domain.text import compare_key
from ingest.geo import lookup

LIST_HEADINGS = {"liste des centres sociaux": "CS", "liste des espaces de vie sociale": "EVS"}
BLOCK_START = "informations sur la structure"
IDENTITY = "fiche identite"
# Section headings (folded): they carry no value.
SECTIONS = ("adresse", "historique", "mode de gestion", "territoire d intervention et geographie prioritaire",
            "adhesion a une federation", "specificites de la structure", IDENTITY)
LAST_SECTION = "specificites de la structure"
# « Label : value » lines (folded label → field).
LABELS = {
    "adresse mail contact": "email",
    "adresse mail": "email",
    "site internet": "site_internet",
    "numero siret": "siret",
    "date du 1er agrement": "date_agrement",
    "population de la zone de competence": "population",
    "axes du projet en cours": "axes",
    "mode de gestion de la structure": "mode_gestion",
    "type de territoire d intervention": "type_territoire",
    "taille du territoire d intervention": "taille_territoire",
    "geographie prioritaire": "qpv",
    "adherent a la federation des centres sociaux": "adherent_fcsf",
    "adherent a une autre federation": "autre_federation",
    "structure gens du voyage": "gens_du_voyage",
    "structure multi sites eclate": "multi_sites",
    "structure multi sites eclatee": "multi_sites",
    "structure itinerante": "itinerante",
}
_FLAGS = ("adherent_fcsf", "gens_du_voyage", "multi_sites", "itinerante")
_KIND_WORDS = (("espace de vie sociale", "EVS"), ("evs", "EVS"), ("centre social", "CS"), ("centre socio", "CS"),
               ("cs", "CS"), ("csc", "CS"))
_POSTAL_LINE = re.compile(r"^(\d{5})\s*(.*)$")
_TABLE_ROW = re.compile(r"^\|?\s*(?P<name>[^|]+?)\s*\|\s*(?P<town>[^|]*?)\s*\|?\s*$")
_TOWN = re.compile(r"^(\d{5})\s*(.*)$")
_AXE = re.compile(r"^[-•]?\s*axe\s*(\d+)\s*:?\s*(.*)$", re.I)
_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_DIGITS = re.compile(r"\d")
_NUMBER = re.compile(r"\d{1,3}(?:[ .]\d{3})+(?!\d)|\d+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HTML = re.compile(r"^\s*<(?:!doctype|html|head|body|div|p|h\d|table|section|article|ul|dl)\b", re.I)
_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "dt", "dd",
                     "dl", "section", "article", "header", "footer", "main", "address", "blockquote", "pre"})
_MARKERS = re.compile(r"fiche\s+identit|liste\s+des\s+(?:centres\s+sociaux|espaces\s+de\s+vie\s+sociale)", re.I)
_HEAD = 200_000  # characters read to recognise a structure page
_MAX_NAME = 200
_MAX_HISTORY = 20_000


@dataclass
class _Block:
    name: str
    line: int
    values: dict[str, str] = field(default_factory=dict)
    address: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    axes: list[tuple[int, str]] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


def _key(text: str) -> str:
    return compare_key(text.strip(" -•:"))


def to_lines(content: str) -> list[str]:
    """The document as lines of plain text (an HTML page is flattened first; odd spaces made plain)."""
    if _HTML.match(content[:2000]):
        soup = BeautifulSoup(content, "html.parser")
        for tag in soup(["script", "style", "noscript", "template", "head"]):
            tag.decompose()
        for tag in soup.find_all(True):
            if tag.name == "br":
                tag.replace_with("\n")
            elif tag.name in _BLOCKS:
                tag.insert_before("\n- " if tag.name == "li" else "\n")
                tag.insert_after("\n")
            elif tag.name in ("td", "th"):
                tag.insert_after(" | ")
        content = soup.get_text("")
    content = content.replace("\ufeff", "").replace("\u00a0", " ").replace("\u202f", " ").replace("\t", " ")
    return [" ".join(line.split()) for line in re.split(r"\r\n|\r|\n", content)]


def looks_like_structures(content: str) -> bool:
    """True when the document is a structure list page or holds a « Fiche identité » block."""
    if not _MARKERS.search(content[:_HEAD]):
        return False  # the common case (a document of fiches), decided without reading it into lines
    head = [_key(line) for line in to_lines(content[:_HEAD])[:3000] if line.strip()]
    if any(line in LIST_HEADINGS for line in head[:40]):
        return True
    return BLOCK_START in head and IDENTITY in head or head.count(IDENTITY) >= 1 and "adresse" in head


def _label(line: str) -> tuple[str, str] | None:
    """(field, value) of a « Label : value » line, or None."""
    if ":" not in line:
        return None
    left, _, right = line.partition(":")
    name = LABELS.get(_key(left))
    return (name, right.strip()) if name else None


def _blocks(lines: list[str]) -> tuple[list[_Block], list[Rejected], str | None, dict[str, str], int]:
    """Blocks of the page, nameless blocks (rejected), the page's kind, its table (name key → town) and the
    index of the last line read."""
    blocks: list[_Block] = []
    nameless: list[int] = []
    kind: str | None = None
    table: dict[str, str] = {}
    current: _Block | None = None
    section = ""
    pending_name: tuple[str, int] | None = None  # the last plain line, a name if « Fiche identité » follows
    expect_name = False
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        key = _key(line)
        if key in LIST_HEADINGS and current is None:
            kind = kind or LIST_HEADINGS[key]
            continue
        if current is None and "|" in line:
            row = _TABLE_ROW.match(line)
            if row and _key(row["name"]) not in ("nom", "") and _TOWN.match(row["town"].strip()):
                table[name_key(row["name"])] = row["town"].strip()
                pending_name = None
                continue
            if row and _key(row["name"]) == "nom":
                continue
        if key == BLOCK_START:
            expect_name = True
            current = None
            continue
        if expect_name:
            expect_name = False
            if key == IDENTITY:
                nameless.append(index + 1)
                current = _Block("", index + 1)
                section = IDENTITY
                continue
            current = _Block(line[:_MAX_NAME], index + 1)
            blocks.append(current)
            section = ""
            continue
        if key == IDENTITY:
            if current is None or current.sections:
                if pending_name is None:
                    nameless.append(index + 1)
                    current = _Block("", index + 1)
                else:
                    current = _Block(pending_name[0][:_MAX_NAME], pending_name[1])
                    blocks.append(current)
            current.sections.append(IDENTITY)
            section = IDENTITY
            continue
        if current is None:
            pending_name = (line, index + 1)
            continue
        if key in SECTIONS:
            current.sections.append(key)
            section = key
            continue
        labelled = _label(line)
        if labelled is not None:
            name, value = labelled
            if name == "axes":
                section = "axes"
            elif name != "email":
                current.values.setdefault(name, value)
            continue
        axe = _AXE.match(line)
        if axe and section in ("axes", "historique"):
            section = "axes"
            current.axes.append((int(axe.group(1)), axe.group(2).strip().rstrip(",;").strip()))
            continue
        if section == "adresse":
            current.address.append(line)
        elif section == "historique":
            current.history.append(line)
        elif section == "axes" and current.axes and not line.startswith("-"):
            number, text = current.axes[-1]
            current.axes[-1] = (number, f"{text} {line}".strip())
        pending_name = (line, index + 1)
    if nameless:
        rejections = [Rejected("", line, "Fiche identité sans nom de structure (la ligne qui suit « Informations "
                                         "sur la structure » manque) : bloc ignoré.") for line in nameless]
    else:
        rejections = []
    return blocks, rejections, kind, table, len(lines)


def _kind(name: str, page_kind: str | None) -> str | None:
    folded = f" {compare_key(name)} "
    for words, kind in _KIND_WORDS:
        if f" {words} " in folded:
            return kind
    return page_kind


def _flag(value: str | None) -> bool | None:
    folded = _key(value or "")
    if folded.startswith("oui"):
        return True
    if folded.startswith("non"):
        return False
    return None


def _qpv(value: str | None) -> bool | None:
    folded = _key(value or "")
    if not folded:
        return None
    if re.search(r"\b(n est pas|hors|aucun|non)\b", folded):
        return False
    return True if "qpv" in folded or "prioritaire" in folded or folded.startswith("oui") else None


def _territoire(value: str | None) -> str | None:
    folded = _key(value or "")
    for word, label in (("mixte", "Mixte"), ("urbain", "Urbain"), ("rural", "Rural")):
        if word in folded:
            return label
    return (value or "").strip() or None


def _date(value: str | None) -> date | None:
    found = _DATE.search(value or "")
    if not found:
        return None
    day, month, year = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _population(value: str | None) -> int | None:
    found = _NUMBER.search(value or "")
    digits = "".join(_DIGITS.findall(found.group())) if found else ""
    return int(digits) if digits and len(digits) <= 9 else None


def _siret(value: str | None) -> str | None:
    digits = "".join(_DIGITS.findall(value or ""))
    return digits if len(digits) == 14 else None


def _website(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text or _EMAIL.search(text) or " " in text or "." not in text:
        return None
    return text[:500]


def _history(lines: list[str]) -> str | None:
    """The history text, a paragraph printed twice kept once."""
    kept: list[str] = []
    seen: set[str] = set()
    for line in lines:
        folded = compare_key(line)
        if folded and folded in seen:
            continue
        seen.add(folded)
        kept.append(_EMAIL.sub("[adresse retirée]", line))
    text = "\n".join(kept).strip()
    return text[:_MAX_HISTORY] or None


def _address(block: _Block, town: str | None) -> tuple[str | None, str | None, str | None]:
    """(street address, postal code, commune as written) from the block's address lines or the table."""
    street: list[str] = []
    postal = written = None
    for line in block.address:
        found = _POSTAL_LINE.match(line)
        if found and postal is None:
            postal, written = found.group(1), found.group(2).strip() or None
            continue
        if _EMAIL.search(line):
            continue
        if block.name and compare_key(line).startswith(compare_key(block.name)):
            line = _strip_name(line, block.name)
        if line:
            street.append(line)
    if postal is None and town:
        found = _TOWN.match(town)
        if found:
            postal, written = found.group(1), found.group(2).strip() or None
    return (", ".join(street) or None), postal, written


def _strip_name(line: str, name: str) -> str:
    """The address line without the structure's name glued before the street (accents may differ)."""
    target = compare_key(name)
    for cut in range(len(name) - 3, len(line) + 1):
        if compare_key(line[:cut]) == target:
            return line[cut:].strip(" ,-")
    return line


def _record(block: _Block, page_kind: str | None, town: str | None, source: str, truncated: bool) -> StructureBase:
    values = block.values
    street, postal, written = _address(block, town)
    commune = find_commune(postal, written) if postal or written else None
    departement = region = departement_code = None
    if commune is not None:
        found = lookup(commune.departement)
        if found:
            departement, departement_code, region = found
    axes = [text for _, text in sorted(block.axes, key=lambda item: item[0]) if text]
    return StructureBase(
        nom=block.name,
        type_structure=_kind(block.name, page_kind),
        adresse=street,
        code_postal=postal,
        commune=commune.name if commune else written,
        code_insee=commune.code if commune else None,
        departement=departement,
        departement_code=departement_code,
        region=region,
        site_internet=_website(values.get("site_internet")),
        siret=_siret(values.get("siret")),
        date_agrement=_date(values.get("date_agrement")),
        population=_population(values.get("population")),
        historique=_history(block.history),
        axes=list(dict.fromkeys(axes)),
        mode_gestion=(values.get("mode_gestion") or "").strip()[:80] or None,
        type_territoire=_territoire(values.get("type_territoire")),
        taille_territoire=(values.get("taille_territoire") or "").strip()[:80] or None,
        qpv=_qpv(values.get("qpv")),
        adherent_fcsf=_flag(values.get("adherent_fcsf")),
        autre_federation=(values.get("autre_federation") or "").strip()[:300] or None,
        gens_du_voyage=_flag(values.get("gens_du_voyage")),
        multi_sites=_flag(values.get("multi_sites")),
        itinerante=_flag(values.get("itinerante")),
        truncated=truncated,
        source_file=source.replace("\\", "/").rsplit("/", 1)[-1] or None,
        source_line=block.line,
        source_url=source if source.startswith(("http://", "https://")) else None,
    )


def parse_structures(content: str, source: str) -> Iterator[StructureBase | Rejected]:
    """Every structure (or named rejection) of a structure page or list page. Never raises on bad input."""
    lines = to_lines(content)
    blocks, rejections, page_kind, table, _ = _blocks(lines)
    for rejection in rejections:
        yield Rejected(source, rejection.line, rejection.reason)
    seen: set[str] = set()
    for position, block in enumerate(blocks):
        key = name_key(block.name)
        last = position == len(blocks) - 1
        truncated = last and LAST_SECTION not in block.sections
        seen.add(key)
        yield _record(block, page_kind, table.get(key), source, truncated)
    for index, line in enumerate(lines):  # table rows whose block is missing (the page was cut off)
        row = _TABLE_ROW.match(line.strip()) if "|" in line else None
        if not row or not _TOWN.match(row["town"].strip()):
            continue
        key = name_key(row["name"])
        if key and key not in seen:
            seen.add(key)
            yield _record(_Block(row["name"].strip()[:_MAX_NAME], index + 1), page_kind, row["town"].strip(),
                          source, truncated=True)
    if not blocks and not table and not rejections:
        yield Rejected(source, 1, "Aucune structure dans ce document : une page « Fiche identité » commence par "
                                  "« Informations sur la structure », une liste par « Liste des centres sociaux ».",
                       whole=True)
