"""Projets sociaux and federation plans (format.md §4) → a ``ParsedDocument`` and its units.

Pure functions of the decoded text. Four layouts are recognised, each by what it is made of:

- ``grille``: axes (``AXE I``, ``AXE 2``) then rows of tab-separated HTML cells, one column per objectif
  général (``<u>Objectif général</u>``, ``Objectifs opérationnels``, ``Indicateurs de résultats``,
  ``Exemple``); the cell markup is read with BeautifulSoup;
- ``themes``: themed sections (``Impact social :``) with their parts (CONTEXTE GLOBAL, ENJEUX POUR LE
  RÉSEAU, ACTIONS DU PRÉCÉDENT PROJET, OBJECTIFS OPÉRATIONNELS, Projets déjà engagés, PISTES D'ACTIONS);
- ``diapositives``: the transcript of a slide presentation (``I. Éléments de contexte :``, ``I.1 …``),
  each slide's text before its headings, then the pop-ups (``Objectif : …`` and their bullets);
- ``sections``: upper-case headed sections (NAISSANCE DU PROJET SOCIAL, LA GOUVERNANCE, …).

``parse_document_text`` never raises on bad input: it returns None when the text is none of these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup

from app.domain.documents import ParsedDocument, ParsedUnit
from app.domain.text import fold

_CELL_LABEL = re.compile(r"<u>\s*(objectifs?\s+g[ée]n[ée]ra(?:l|ux)|objectifs?\s+op[ée]rationnels?|indicateurs?"
                         r"|exemples?)", re.I)
_AXIS = re.compile(r"^\s*AXE\s+([IVXLC]+|\d+)\b\s*[:.–-]?\s*(.*)$", re.I)
_SECTION = re.compile(r"^(?P<num>[IVX]+)\.\s+(?P<title>\S.*?)\s*:?\s*$")
_SUBSECTION = re.compile(r"^[IVX]+\.\d+\.?\s+\S")
_OBJECTIVE = re.compile(r"^objectif\s*:\s*(?P<text>.+)$", re.I)
_BULLET = re.compile(r"^\s*(?:[•→·▪●*]|-(?=\s*\S))\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # never stored (tabs and newlines are kept)
_PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*/\s*((?:19|20)\d\d)\b")
_STRUCTURE = re.compile(r"\b((?:centre|espace)\s+(?:social|de\s+vie\s+sociale)\s+(?:de|d['’]|du|des)\s*"
                        r"[A-ZÀ-Ý][\w'’ -]{1,60})", re.I)
_TERRITORY = re.compile(r"territoire couvert par le projet social est (?:le territoire )?(?:de |d['’]|du )?"
                        r"(?P<name>[^.\n]{2,80})", re.I)
# the parts of a theme, by the folded start of their heading
THEME_PARTS = (
    ("contexte", "contexte"),
    ("enjeux", "enjeux"),
    ("actions du precedent", "actions_precedentes"),
    ("objectifs operationnels", "objectifs_operationnels"),
    ("projets deja engages", "projets_engages"),
    ("pistes d'actions", "pistes_actions"),
    ("pistes d actions", "pistes_actions"),
)
# lines of web pages around the text (menus, comments), never content
_CHROME = ("aller au contenu", "retour de ping", "les commentaires sont fermes", "want to create interactive",
           "get started free", "start designing", "discover more than", "created on ")
MAX_UNITS = 2000


def _is_chrome(line: str) -> bool:
    return fold(line.strip()).startswith(_CHROME)


def _clean(line: str) -> str:
    return " ".join(line.replace("\u00a0", " ").split())


def _items(lines: Iterable[str]) -> list[str]:
    """List items as written, without their bullets."""
    out = [_clean(_BULLET.sub("", line)) for line in lines]
    return [item for item in out if item]


def _theme_part(line: str) -> tuple[str, str] | None:
    """(part key, text after the heading on the same line) when ``line`` heads a part of a theme."""
    folded = fold(line.strip()).replace("’", "'")
    for start, key in THEME_PARTS:
        if folded.startswith(start):
            rest = line.split(":", 1)[1] if ":" in line else ""
            heading = folded.split(":", 1)[0]
            if len(heading) <= len(start) + 25:  # the heading, not a sentence starting with the same words
                return key, _clean(rest)
    return None


def _document_type(text: str) -> str:
    head = fold(text[:4000])
    federal = ("enjeux pour le reseau" in head or "federation" in head[:300]
               or any(words in head for words in ("plan federal", "projet federal")))
    return "plan_federal" if federal else "projet_social"


def sniff_document(text: str) -> str | None:
    """The layout of a projet social or federation plan, or None when the text is not one."""
    head = text[:200_000]
    if len(_CELL_LABEL.findall(head)) >= 2 and _AXIS.search(head.replace("\r", "")) or \
            len(re.findall(r"<u>\s*objectifs?\s+g[ée]n[ée]ra", head, re.I)) >= 2:
        return "grille"
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    if sum(1 for line in lines if _theme_part(line)) >= 3:
        return "themes"
    headings = sum(1 for line in lines if _SECTION.match(line) or _SUBSECTION.match(line))
    if headings >= 4:
        return "diapositives"
    if sum(1 for line in lines if _upper_heading(line)) >= 3 and "projet social" in fold(head):
        return "sections"
    return None


def parse_document_text(text: str, source: str) -> ParsedDocument | None:
    """The document ``text`` holds, with its units, or None when it is not a projet social or plan."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    layout = sniff_document(text)
    if layout is None:
        return None
    units, title = _LAYOUTS[layout](text)
    units = [unit for unit in units if unit.titre][:MAX_UNITS]
    if not units:
        return None
    structure = _structure(text)
    territoire = None
    found = _TERRITORY.search(text)
    if found:
        territoire = _clean(found.group("name"))
    period = _PERIOD.search(text)
    doc_type = _document_type(text)
    if not title:
        label = "Plan fédéral" if doc_type == "plan_federal" else "Projet social"
        where = structure or territoire
        title = f"{label} — {where}" if where else label
    return ParsedDocument(
        title=title[:300], type=doc_type, layout=layout, source=source, structure=structure, territoire=territoire,
        periode=f"{period.group(1)}/{period.group(2)}" if period else None, units=units,
    )


def _structure(text: str) -> str | None:
    for line in text.splitlines()[:80]:
        found = _STRUCTURE.search(line)
        if found and len(_clean(line)) <= 90:  # a line naming the structure, not a sentence about one
            name = _clean(found.group(1)).rstrip(" .,:;")
            return name[0].upper() + name[1:]
    return None


# --- grille (seed 003) ----------------------------------------------------------------------------------------

def _cell(markup: str) -> tuple[str | None, list[str]]:
    """(field of the cell from its underlined label, its items) for one HTML cell."""
    soup = BeautifulSoup(markup, "html.parser")
    label = soup.find("u")
    key = None
    if label is not None:
        words = fold(label.get_text(" ", strip=True)).split()
        if words:
            first = words[0]
            if first.startswith("objectif") and len(words) > 1 and words[1].startswith("operation"):
                key = "objectifs_operationnels"
            elif first.startswith("objectif"):
                key = "titre"
            elif first.startswith("indicateur"):
                key = "indicateurs"
            elif first.startswith("exemple"):
                key = "exemples"
        label.decompose()
    items = [_clean(li.get_text(" ", strip=True)) for li in soup.find_all("li")]
    if not any(items):
        body = soup.get_text("\n", strip=True)
        # items written « -Item. -Item. » inside one element: a hyphen after a space or a line start
        items = [_clean(part) for part in re.split(r"(?:^|\s)-(?=\S)", body)]
    return key, [item.strip(" ,") for item in items if item.strip(" ,")]


def _grid(text: str) -> tuple[list[ParsedUnit], str | None]:
    units: list[ParsedUnit] = []
    axis: str | None = None
    axis_pending = False
    row_units: list[ParsedUnit] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        found = _AXIS.match(line)
        if found and "<" not in line:
            axis = f"Axe {found.group(1)}" + (f" : {_clean(found.group(2))}" if found.group(2) else "")
            axis_pending = not found.group(2)
            row_units = []
            continue
        if "<" not in line or not _CELL_LABEL.search(line):
            if axis_pending and axis is not None:
                axis = f"{axis} : {_clean(line)}"
                axis_pending = False
            continue
        axis_pending = False
        cells = [cell for cell in raw.split("\t") if cell.strip()]
        for column, markup in enumerate(cells):
            key, items = _cell(markup)
            if key == "titre":
                if column == 0:
                    row_units = []
                unit = ParsedUnit(titre=" ".join(items), line=number, axe=axis)
                row_units.append(unit)
                units.append(unit)
            elif key is not None and column < len(row_units):
                getattr(row_units[column], key).extend(items)
    return units, None


# --- themes (seed 004) ----------------------------------------------------------------------------------------

def _themes(text: str) -> tuple[list[ParsedUnit], str | None]:
    lines = [(n, _clean(raw)) for n, raw in enumerate(text.split("\n"), start=1)]
    lines = [(n, line) for n, line in lines if line and not _is_chrome(line)]
    units: list[ParsedUnit] = []
    title_lines: list[str] = []
    unit: ParsedUnit | None = None
    part: dict[str, str] | None = None
    for i, (number, line) in enumerate(lines):
        found = _theme_part(line)
        if found:
            if unit is None:
                unit = ParsedUnit(titre="", line=number)
                units.append(unit)
            key, rest = found
            part = {"cle": key, "titre": line.split(":", 1)[0].strip(), "texte": rest}
            unit.parties.append(part)
            continue
        next_is_part = i + 1 < len(lines) and _theme_part(lines[i + 1][1]) is not None
        if next_is_part and line.endswith(":") and len(line) <= 80:  # a theme heading (« Impact social : »)
            unit = ParsedUnit(titre=line.rstrip(" :"), line=number)
            units.append(unit)
            part = None
            continue
        if part is None:
            if unit is None:
                title_lines.append(line)
            continue
        part["texte"] = f"{part['texte']}\n{line}".strip()
    for unit in units:
        for p in unit.parties:
            if p["cle"] == "objectifs_operationnels":
                unit.objectifs_operationnels.extend(_items(p["texte"].split("\n")))
        if not unit.titre:
            unit.titre = unit.parties[0]["titre"] if unit.parties else ""
    return units, " ".join(title_lines[:1]) or None


# --- sections (seed 002) --------------------------------------------------------------------------------------

def _upper_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return (len(letters) >= 6 and all(c.isupper() for c in letters) and len(line) <= 90
            and not line.rstrip().endswith((".", ",", ";")) and not _AXIS.match(line))


def _sections(text: str) -> tuple[list[ParsedUnit], str | None]:
    units: list[ParsedUnit] = []
    body: list[str] = []

    def close() -> None:
        if units:
            units[-1].texte = "\n".join(body) or None
        body.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = _clean(raw)
        if not line or _is_chrome(line):
            continue
        if _upper_heading(line):
            close()
            units.append(ParsedUnit(titre=line, line=number))
        elif units:
            body.append(line)
    close()
    return units, None


# --- diapositives (seed 000) ----------------------------------------------------------------------------------

def _is_heading(line: str) -> bool:
    return bool(_SECTION.match(line) or _SUBSECTION.match(line))


def _slides(text: str) -> tuple[list[ParsedUnit], str | None]:
    lines = [(n, _clean(raw)) for n, raw in enumerate(text.split("\n"), start=1)]
    lines = [(n, line) for n, line in lines if line]
    start = next((i + 1 for i, (_, line) in enumerate(lines) if fold(line) == "transcript"), 0)
    lines = [(n, line) for n, line in lines[start:] if not _is_chrome(line) and fold(line) != "start"]
    units: list[ParsedUnit] = []
    pending: list[str] = []
    header: list[str] = []
    last_section: str | None = None
    i = 0
    while i < len(lines):
        number, line = lines[i]
        run = i
        while run < len(lines) and _is_heading(lines[run][1]):
            run += 1
        if run - i >= 3 and not _paired(lines[i:run]):  # the table of contents: before it, the title page
            header, pending = header or pending[:], []
            i = run
            if i < len(lines) and fold(lines[i][1]).startswith(("plan", "sommaire")):
                i += 1
            continue
        if _SUBSECTION.match(line) and i + 1 < len(lines) and _SECTION.match(lines[i + 1][1]):
            section = _SECTION.match(lines[i + 1][1])
            assert section is not None
            last_section = f"{section.group('num')}. {section.group('title')}"
            unit = ParsedUnit(titre=line, line=number, axe=last_section)
            if re.search(r"crit[eè]res?\s+d", fold(line)):
                unit.indicateurs = pending[:]
            else:
                unit.texte = "\n".join(pending) or None
            units.append(unit)
            pending = []
            i += 2
            continue
        pending.append(line)
        i += 1
    units.extend(_popups(pending, last_section))
    if not header:
        header = []
    title = next((line for line in header if not _STRUCTURE.fullmatch(line)), None)
    return units, title


def _paired(run: list[tuple[int, str]]) -> bool:
    """Whether a run of headings is slides (each subsection followed by its section), not a contents list."""
    return len(run) % 2 == 0 and all(_SUBSECTION.match(run[k][1]) and _SECTION.match(run[k + 1][1])
                                     for k in range(0, len(run), 2))


def _popups(lines: list[str], section: str | None) -> list[ParsedUnit]:
    """The text after the last slide: « Objectif : … » with its bullets, and blocks followed by their title."""
    units: list[ParsedUnit] = []
    block: list[str] = []
    objective: ParsedUnit | None = None
    marker = ""
    for line in lines:
        found = _OBJECTIVE.match(line)
        if found:
            objective = ParsedUnit(titre=found.group("text"), line=0, axe=section)
            units.append(objective)
            marker = ""
            continue
        bullet = _BULLET.match(line)
        if objective is not None and bullet and (not marker or bullet.group(0).strip() == marker):
            marker = bullet.group(0).strip()  # one objective's bullets share their mark
            objective.objectifs_operationnels.extend(_items([line]))
            continue
        objective = None
        short = len(line) <= 70 and not line.endswith(".") and not _BULLET.match(line)
        if short and block:
            units.append(ParsedUnit(titre=line.rstrip(" :"), line=0, axe="Compléments", texte="\n".join(block)))
            block = []
        else:
            block.append(line)
    return units


_LAYOUTS = {"grille": _grid, "themes": _themes, "sections": _sections, "diapositives": _slides}
