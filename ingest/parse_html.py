"""SENACS-style HTML pages, read by label whatever the markup.

The page is flattened into lines of text (``<br>`` and block elements end a line, ``<li>`` gives a
``- item`` line, scripts and styles are dropped, entities decoded). An element whose whole text is a
known label (a heading, ``dt``, ``th``, ``<strong>``, ``<li>``…) becomes a label line; the lines after it
are its value, exactly as in the text dumps.

Fiches: each heading that is not a label and is followed by labels at the top title level opens a
fiche (one page may hold several); with no such heading the ``<h1>`` or ``<title>`` names the only fiche.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from app.domain.records import ParsedFiche, Rejected
from ingest.labels import ALL_GROUPS, fill_fiche, match_label, split_sections

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "button",
                   "select", "form", "nav", "footer"})
_BLOCK = frozenset({"address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog", "div",
                    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "header", "hr", "legend", "li",
                    "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
                    "thead", "tr", "ul", "h1", "h2", "h3", "h4", "h5", "h6"})
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_LABEL_TAGS = frozenset({"dt", "th", "td", "strong", "b", "em", "label", "span", "p", "li", "div", "legend",
                         "caption", "summary", "u"}) | frozenset(_HEADINGS)
_MAX_LABEL = 180
_LOOKAHEAD = 3  # lines allowed between a fiche's title heading and its first label
_WS = re.compile(r"\s+")


@dataclass
class _Line:
    text: str
    heading: int = 0  # heading level (1-6) of a heading that is not a label, else 0
    label: str | None = None
    tag_index: int = -1  # rank of the heading among the page's headings of that level


class _Flattener:
    """Walks the DOM once and produces ``_Line`` items."""

    def __init__(self) -> None:
        self.lines: list[_Line] = []
        self.buffer: list[str] = []
        self.seen: dict[int, int] = {}

    def flush(self) -> None:
        text = _WS.sub(" ", "".join(self.buffer)).strip()
        self.buffer = []
        if text and text != "-":
            self.lines.append(_Line(text))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
            elif isinstance(child, Tag):
                self.element(child)

    def element(self, tag: Tag) -> None:
        name = tag.name.lower()
        if name in _SKIP:
            return
        if name == "br":
            self.flush()
            return
        level = _HEADINGS.get(name, 0)
        if level:
            self.seen[level] = self.seen.get(level, -1) + 1
        if name in _LABEL_TAGS:
            short = _short_text(tag)
            field_name = match_label(short, ALL_GROUPS) if short is not None else None
            if field_name is not None and short is not None:
                self.flush()
                self.lines.append(_Line(short, label=field_name))
                return
        if level:  # its first line is the heading; broken markup may nest more blocks inside
            self.flush()
            start = len(self.lines)
            self.walk(tag)
            self.flush()
            if len(self.lines) > start and self.lines[start].label is None:
                self.lines[start].heading, self.lines[start].tag_index = level, self.seen[level]
            return
        if name == "pre":
            self.flush()
            self.lines.extend(_Line(line.rstrip()) for line in tag.get_text().splitlines() if line.strip())
            return
        block = name in _BLOCK
        if block:
            self.flush()
        if name == "li":
            self.buffer.append("- ")
        self.walk(tag)
        if block:
            self.flush()


def _short_text(tag: Tag) -> str | None:
    """The element's text when short enough to be a label (reads at most ~180 characters)."""
    parts, size = [], 0
    for piece in tag.strings:
        if isinstance(piece, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        parts.append(piece)
        size += len(piece)
        if size > _MAX_LABEL * 2:
            return None
    text = _WS.sub(" ", "".join(parts)).strip()
    return text if 0 < len(text) <= _MAX_LABEL else None


def _title_level(lines: list[_Line]) -> int:
    """Level of the headings that name fiches: the highest one directly followed by a label."""
    levels = []
    for index, line in enumerate(lines):
        if not line.heading:
            continue
        for following in lines[index + 1:index + 1 + _LOOKAHEAD]:
            if following.label is not None:
                levels.append(line.heading)
            if following.label is not None or following.heading:
                break
    return min(levels) if levels else 0


class _SourceLines:
    """1-based source line of the n-th ``<hN>`` tag of the raw page (the lxml tree keeps no lines)."""

    def __init__(self, content: str) -> None:
        self.content = content
        self.starts: dict[int, list[int]] = {}

    def of_heading(self, level: int, rank: int) -> int:
        if level not in self.starts:
            offsets = [m.start() for m in re.finditer(rf"<h{level}\b", self.content, re.IGNORECASE)]
            line, previous, lines = 1, 0, []
            for offset in offsets:  # count newlines incrementally: linear in the page size
                line += self.content.count("\n", previous, offset)
                previous = offset
                lines.append(line)
            self.starts[level] = lines
        lines = self.starts[level]
        return lines[rank] if 0 <= rank < len(lines) else 1


def _page_title(soup: BeautifulSoup) -> str:
    for candidate in (soup.find("h1"), soup.find("title")):
        if isinstance(candidate, Tag):
            text = _WS.sub(" ", candidate.get_text(" ")).strip()
            if text:
                return text
    return ""


def _fiche(title: str, line: int, body: list[_Line], source: str) -> ParsedFiche | Rejected:
    numbered = [(line, item.text) for item in body]
    _preamble, sections = split_sections(numbered, ALL_GROUPS)
    fiche = ParsedFiche(title="", source=source, line=line, format="html")
    fill_fiche(fiche, sections)
    fiche.title = fiche.title or title
    if not fiche.title:
        return Rejected(source, line, "Fiche HTML sans titre : donnez un <h1>, un <title> ou une rubrique « Titre ».")
    return fiche


def parse_html(content: str, source: str) -> Iterator[ParsedFiche | Rejected]:
    """Fiches of an HTML page (``format="html"``), values as plain text."""
    soup = BeautifulSoup(content, "lxml")
    flat = _Flattener()
    flat.walk(soup.body if soup.body is not None else soup)
    flat.flush()
    lines = flat.lines
    if not any(line.label for line in lines):
        return
    level = _title_level(lines)
    starts = [i for i, line in enumerate(lines) if level and line.heading == level]
    first_label = next(i for i, line in enumerate(lines) if line.label)
    if not starts or first_label < starts[0]:
        # labels before any title heading: the page itself names that fiche
        starts = [-1] + starts
    source_lines = _SourceLines(content)
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        if start < 0:
            title, number = _page_title(soup), 1
        else:
            head = lines[start]
            title, number = head.text, source_lines.of_heading(head.heading, head.tag_index)
        body = lines[start + 1:end]
        if any(line.label for line in body):
            yield _fiche(title, number, body, source)
