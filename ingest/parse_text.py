"""SENACS text dumps and catalogue list pages.

A line ``Actions`` opens a fiche, the next line is its title, then ``- Label`` sections follow
(see ``ingest.labels``). A list page starts with ``Les actions des centres sociaux`` and a table
``Nom | Département | Année |`` giving the year of each fiche of the page; blocks are matched to
rows by title and département. Several pages may follow each other in one file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.domain.records import ParsedFiche, Rejected
from app.domain.text import compare_key, label_key
from ingest.labels import (
    BLOCK_START,
    PAGE_HEADER,
    SECTION_ORDER,
    TABLE_HEADER,
    fill_fiche,
    is_cut_label,
    labelled_sections,
    marker_and_label,
    match_label,
)

_RANK = {name: rank for rank, name in enumerate(SECTION_ORDER)}
_ODD_SPACES = (("\ufeff", ""), ("\u00a0", " "), ("\u202f", " "), ("\u2007", " "))
_YEAR_CELL = re.compile(r"^\s*((?:19|20)\d{2})\s*$")
_TABLE_HEADER_KEY = label_key(" ".join(TABLE_HEADER))
_LAST_FIELD = SECTION_ORDER[-1]

def split_lines(content: str) -> list[str]:
    """Lines of ``content`` without BOM, whatever the line ends (CRLF, LF, CR), odd spaces made plain."""
    text = content
    for odd, plain in _ODD_SPACES:  # str.replace is much faster than str.translate here
        text = text.replace(odd, plain)
    return [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


@dataclass
class _Row:
    title: str
    departement: str
    year: int
    line: int
    used: bool = False
    key: str = ""  # folded title
    dept_key: str = ""  # folded département

    def __post_init__(self) -> None:
        self.key, self.dept_key = compare_key(self.title), compare_key(self.departement)


@dataclass
class _Block:
    start: int  # index of the ``Actions`` line
    page: int  # index of its list page in ``pages`` (-1: no page table)
    lines: list[tuple[int, str, str | None]] = field(default_factory=list)  # (1-based line, text, label)
    truncated: bool = False

    def last_field(self) -> str | None:
        for _number, _text, label in reversed(self.lines):
            if label is not None:
                return label
        return None


def _table_row(line: str) -> tuple[str, str, int] | None:
    """``Title | Département | 2019 |`` (leading ``|`` allowed) → (title, département, year)."""
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    if len(cells) < 3:
        return None
    year = _YEAR_CELL.match(cells[-1])
    if not year or not cells[0]:
        return None
    return "|".join(cells[:-2]).strip(), cells[-2], int(year.group(1))


def _next_filled(lines: list[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None


def _opens_block(lines: list[str], index: int, current: _Block | None) -> bool:
    """Whether the ``Actions`` line at ``index`` opens a fiche (and is not a word of free text).

    It does when followed by a label (a fiche without title), by nothing, or by a title then a label
    that restarts the section order of the fiche being read.
    """
    first = _next_filled(lines, index + 1)
    if first is None or match_label(lines[first]) is not None:
        return True
    second = _next_filled(lines, first + 1)
    if second is None:
        return True
    label = match_label(lines[second])
    if label is None:
        return False
    if current is None:
        return True
    last = current.last_field()
    return last is None or _RANK[label] <= _RANK[last]


def _scan(lines: list[str]) -> tuple[list[list[_Row]], list[_Block]]:
    """One pass over the lines: list-page tables and fiche blocks."""
    pages: list[list[_Row]] = []
    blocks: list[_Block] = []
    current: _Block | None = None
    in_table = False
    for index, line in enumerate(lines):
        marker, label = marker_and_label(line)
        if marker == PAGE_HEADER:
            if current is not None:
                current.truncated = current.last_field() != _LAST_FIELD
                blocks.append(current)
            current, in_table = None, True
            pages.append([])
            continue
        if marker == BLOCK_START and _opens_block(lines, index, current):
            if current is not None:
                blocks.append(current)
            current, in_table = _Block(index, len(pages) - 1), False
            continue
        if in_table:
            row = _table_row(line) if "|" in line else None
            if row is not None and label_key(line) != _TABLE_HEADER_KEY:
                pages[-1].append(_Row(*row, line=index + 1))
            continue
        if current is not None:
            current.lines.append((index + 1, line, label))
    if current is not None:
        current.truncated = current.last_field() != _LAST_FIELD
        blocks.append(current)
    return pages, blocks


def _match_row(rows: list[_Row], fiche: ParsedFiche) -> _Row | None:
    """The first unused row of the page for this fiche: same title and département, else same title."""
    title = compare_key(fiche.title)
    place = compare_key(fiche.departement or "")
    structure = compare_key(fiche.structure or "")
    same_title = [row for row in rows if not row.used and row.key == title]
    for row in same_title:
        dept = row.dept_key
        if dept and (dept == place or (not place and (structure == dept or structure.endswith(" " + dept)))):
            return row
    return same_title[0] if same_title else None


def _read_block(block: _Block, source: str, fmt: str) -> ParsedFiche | Rejected:
    number = block.start + 1
    filled = [(n, text, label) for n, text, label in block.lines if text.strip()]
    if not filled or filled[0][2] is not None:
        return Rejected(
            source,
            number,
            f"Fiche sans titre (ligne {number}) : la ligne « Actions » doit être suivie du titre de "
            "l'action, puis des rubriques (« - Structure organisatrice », « - Statut de l'action »…).",
        )
    title_number, title, _ = filled[0]
    body = [line for line in block.lines if line[0] > title_number]
    cut = block.truncated and len(filled) > 1 and is_cut_label(filled[-1][1])
    if cut:
        body = [line for line in body if line[0] != filled[-1][0]]  # a cut label is never a value
    fiche = ParsedFiche(title=title.strip(), source=source, line=number, format=fmt)
    preamble, sections = labelled_sections(body)
    if any(line.strip() for line in preamble):
        fiche.warnings.append(
            f"Texte sans rubrique après le titre (ligne {title_number + 1}) ignoré : "
            "placez-le sous une rubrique « - Label »."
        )
    fill_fiche(fiche, sections)
    if cut:
        fiche.warnings.append(f"Rubrique coupée par la fin de la page ignorée (ligne {filled[-1][0]}) : "
                              f"« {filled[-1][1].strip()} ».")
    if block.truncated:
        fiche.truncated = True
        fiche.warnings.append(
            "Fiche incomplète : le document s'arrête avant la rubrique « Suite de l'action : Perspectives »"
            " (page coupée ?). Les rubriques lues sont gardées."
        )
    return fiche


def parse_text(content: str, source: str) -> Iterator[ParsedFiche | Rejected]:
    """Fiches of a SENACS text dump or list pages, values as written.

    ``format`` is ``"list"`` for fiches of a page with a year table, ``"text"`` otherwise.
    """
    lines = split_lines(content)
    pages, blocks = _scan(lines)
    for block in blocks:
        if not any(text.strip() for _n, text, _label in block.lines):
            continue  # an « Actions » line with nothing after it (end of a cut page)
        rows = pages[block.page] if block.page >= 0 else []
        record = _read_block(block, source, "list" if rows else "text")
        if isinstance(record, ParsedFiche) and rows:
            row = _match_row(rows, record)
            if row is None:
                record.warnings.append(
                    "Année introuvable : aucune ligne du tableau « Nom | Département | Année » de la page"
                    " ne porte ce titre."
                )
            else:
                row.used = True
                record.year = row.year
        yield record
