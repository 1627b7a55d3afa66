"""Decode a document, recognise its format and hand it to the right parser.

``parse_document`` never raises on bad input: anything it cannot read becomes a ``Rejected`` whose
reason (in French) lists the accepted formats.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from app.domain.documents import ParsedDocument
from app.domain.records import ParsedFiche, Rejected
from ingest.blocks import parse_blocks
from ingest.decoding import decode
from ingest.labels import BLOCK_START, LEGACY_GROUPS, PAGE_HEADER, TEXT_GROUPS, is_marker, match_label
from ingest.parse_document import parse_document_text, sniff_document
from ingest.parse_export import parse_csv_export, parse_json_export
from ingest.parse_html import parse_html
from ingest.parse_text import split_lines

log = logging.getLogger(__name__)

Parser = Callable[[str, str], Iterator[ParsedFiche | Rejected]]
PARSERS: dict[str, Parser] = {
    "html": parse_html,
    "json": parse_json_export,
    "csv": parse_csv_export,
}
ACCEPTED = (
    "Formats acceptés : export texte SENACS (une ligne « Actions », le titre, puis des rubriques "
    "« - Structure organisatrice », « - Statut de l'action »…), pages « Les actions des centres sociaux » "
    "avec leur tableau « Nom | Département | Année », ancien format action/show (« Thèmes », « Quels furent "
    "les éléments de diagnostic… »), page HTML d'une fiche, export JSON ou CSV (« ; ») de ce catalogue, pages "
    "« Fiche identité » et listes de structures (« Liste des centres sociaux »)."
)
_SNIFF_LINES = 600
_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|div|p|h[1-6]|dl|table|article|section|ul)\b", re.I)
_BINARY_SHARE = 0.05  # NUL or other control bytes beyond this share of the head: not a text document
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
__all__ = ["ACCEPTED", "PARSERS", "decode", "detect_format", "parse_document", "read_document"]
_EXTENSIONS = {".txt": "text", ".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}


def _csv_header(first_line: str) -> bool:
    cells = {cell.strip().strip('"').lower() for cell in re.split(r"[;,]", first_line)}
    return "title" in cells and len(cells) > 1


def detect_format(text: str, source: str = "") -> str | None:
    """Name of the parser for ``text`` (a key of ``PARSERS``), or None when no format fits.

    The content decides; the file extension (.txt .html .htm .json .csv) only breaks ties.
    """
    hint = _EXTENSIONS.get(PurePosixPath(source.split("?", 1)[0]).suffix.lower())
    head = text.lstrip("\ufeff \t\r\n")
    if head[:1] in "[{" and head:
        return "json"
    first_line = head.split("\n", 1)[0]
    if _csv_header(first_line) and (hint == "csv" or ";" in first_line):
        return "csv"
    if hint in ("json", "csv"):
        return hint
    if head[:1] == "<" and _HTML_TAG.search(head[:5000]) or (hint == "html" and _HTML_TAG.search(head)):
        return "html"
    lines = split_lines(head)[:_SNIFF_LINES]
    senacs = sum(1 for line in lines if match_label(line, TEXT_GROUPS))
    labelled = sum(1 for line in lines if match_label(line, LEGACY_GROUPS))
    opened = any(is_marker(line, BLOCK_START) or is_marker(line, PAGE_HEADER) for line in lines)
    if opened and senacs >= 1:
        return "text"
    if labelled >= 2:
        return "legacy"  # legacy fiche, or a SENACS fiche written without its « Actions » line
    return None


def _looks_binary(text: str) -> bool:
    head = text[:8192]
    return head.startswith("%PDF") or len(_CONTROL.findall(head)) > _BINARY_SHARE * len(head)


_LINE = re.compile(r"ligne (\d+)")


def _with_file_warnings(records: Iterator[ParsedFiche | Rejected], warnings: list[str]
                        ) -> Iterator[ParsedFiche | Rejected]:
    """Hand each document-level warning (a bad byte, the encoding) once, to the fiche its line falls in."""
    if not warnings:
        yield from records
        return
    held = list(records)
    fiches = [record for record in held if isinstance(record, ParsedFiche)]
    for warning in reversed(warnings):
        found = _LINE.search(warning)
        line = int(found.group(1)) if found else 0
        owner = next((f for f in reversed(fiches) if f.line <= line), fiches[0] if fiches else None)
        if owner is not None:
            owner.warnings.insert(0, warning)
    yield from held


def _not_recognised(source: str, detail: str) -> Rejected:
    return Rejected(source, 1, f"Format non reconnu : {detail}. {ACCEPTED}", whole=True)


def parse_document(content: str | bytes, source: str) -> Iterator[ParsedFiche | Rejected]:
    """Every fiche (or rejection) of a document, whatever its format. Never raises on bad input."""
    try:
        text, warnings = decode(content)
    except Exception as error:  # noqa: BLE001 - bad input never crashes an import
        yield _not_recognised(source, f"document illisible ({error})")
        return
    if not text.strip():
        yield Rejected(source, 1, f"Document vide : aucune fiche à lire. {ACCEPTED}", whole=True)
        return
    if _looks_binary(text):
        yield _not_recognised(source, "fichier binaire (PDF, image, tableur ?), convertissez-le en texte")
        return
    fmt = detect_format(text, source)
    if fmt is None and sniff_document(text):
        yield Rejected(source, 1, "Projet social ou plan fédéral, pas une fiche : importez-le avec « fiches import » "
                                  "ou POST /api/imports, qui l'enregistrent comme document.", whole=True)
        return
    if fmt is None:
        yield _not_recognised(source, "ce document ne contient pas de fiche action (aucune rubrique connue)")
        return
    count = 0
    try:
        records = parse_blocks(text, split_lines(text), source, fmt) if fmt in ("text", "legacy") else PARSERS[fmt](text, source)
        for record in _with_file_warnings(records, warnings):
            count += 1
            yield record
    except Exception as error:  # noqa: BLE001 - a parser bug must not abort the whole import
        log.exception("parser %s failed on %s", fmt, source)
        yield Rejected(source, 1, f"Lecture interrompue ({fmt}) : {error.__class__.__name__}. "
                                  "Signalez ce document ; les fiches déjà lues sont gardées.")
        return
    if count == 0:
        yield _not_recognised(source, f"aucune fiche trouvée dans ce document ({fmt})")


_SNIFF_BYTES = 65_536


def read_document(content: str | bytes, source: str) -> ParsedDocument | None:
    """The projet social or federation plan ``content`` holds, or None when it is anything else (a fiche
    format first: a document is only what no fiche parser reads). Never raises on bad input."""
    try:
        head, _ = decode(content[:_SNIFF_BYTES])
        if not head.strip() or _looks_binary(head) or detect_format(head, source) is not None:
            return None
        text, _ = decode(content)
        if detect_format(text, source) is not None:
            return None
        return parse_document_text(text, source)
    except Exception:  # noqa: BLE001 - bad input never crashes an import: the fiche path reports it
        log.exception("lecture de document impossible : %s", source)
        return None
