"""Deterministic generator of realistic synthetic fiches actions, for benchmarks and tests.

``generate(n, seed)`` yields dicts with the ParsedFiche/FicheBase field names and canonical values, plus
``budget_eur`` and ``etp``: the figures a correct reader should take from the raw budget and people texts
(format.md, "Extracted figures"). ``bench.synth_render`` prints them the way the SENACS catalogue does.

CLI: ``python -m bench.synth N OUTDIR [--seed S] [--per-file K] [--format list|text]``.
"""

from __future__ import annotations

import argparse
import random
import re
import string
import sys
from bisect import bisect
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from pathlib import Path

from app.domain.records import fiche_id
from bench import synth_vocab as V
from bench.synth_figures import budget, people
from bench.synth_render import to_list_page, to_senacs_text
from ingest.geo import departements as official

__all__ = ["generate", "to_senacs_text", "to_list_page", "write_corpus", "write_fiches", "departements"]

YEARS = list(range(2015, 2026))
YEAR_WEIGHTS = [6, 8, 9, 10, 11, 12, 9, 10, 10, 9, 6]
DUPLICATE_RATE = 0.05  # re-filed by a sister structure or another year
SAME_TITLE_RATE = 0.3  # a structure files one of its earlier actions again, another year


def departements() -> list[str]:
    """Canonical département names, the biggest networks first (the project's official list when there)."""
    known = {d.name for d in official() if d.kind == "departement"}
    first = [name for name in V.DEPARTEMENTS if name in known]
    rest = sorted(known - set(first))
    random.Random(2016).shuffle(rest)
    return first + rest


class Zipf:
    """Draws from a list with weights 1/rank**s (the first item is the most frequent)."""

    def __init__(self, items: Sequence, s: float = 1.0) -> None:
        self.items = list(items)
        self.cum = list(accumulate(1.0 / (rank**s) for rank in range(1, len(self.items) + 1)))

    def __call__(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.cum[-1])]

    def some(self, rng: random.Random, k: int) -> list:
        out: list = []
        for _ in range(k * 4):
            item = self(rng)
            if item not in out:
                out.append(item)
            if len(out) == k:
                break
        return out


_SLOTS = {
    "who": Zipf(V.WHO), "staff": Zipf(V.STAFF), "goal": Zipf(V.GOALS), "place": Zipf(V.PLACES),
    "when": Zipf(V.WHEN), "partner": Zipf(V.PARTNER_PHRASES, 0.8), "need": Zipf(V.NEEDS), "axis": Zipf(V.AXES),
    "town": Zipf(V.TOWNS, 0.6), "thing": Zipf(V.THINGS, 1.1), "firstname": Zipf(V.FIRST_NAMES, 0.8),
    "month": Zipf(V.MONTHS, 0.3), "day": Zipf([str(d) for d in range(1, 29)], 0.2),
}
_FORMATTER = string.Formatter()
# templates pre-split into (literal, slot name or None) pairs
_TEMPLATES = {kind: Zipf([tuple((lit, name) for lit, name, _s, _c in _FORMATTER.parse(t)) for t in items], 0.5)
              for kind, items in V.TEMPLATES.items()}
_CONTRACTIONS = ((" de les ", " des "), (" à les ", " aux "), (" de le ", " du "), (" à le ", " au "),
                 (" de des ", " des "), (" de un ", " d'un "), (" de une ", " d'une "))
_ACTIVITIES = Zipf([(V.split(t), V.split(k), p, d, Zipf(V.split(a))) for t, k, p, d, a in V.ACTIVITIES], 0.9)
_MOTS, _PUBLICS, _DIMS = Zipf(V.MOTS_CLES), Zipf(V.PUBLICS), Zipf(V.DIMENSIONS, 0.5)
_TERRITOIRES = Zipf(V.TERRITOIRES, 0.8)
_WORD = re.compile(r"[^\s\w]*\w\S*")
_DE_VOWEL = re.compile(r"\bde (?=[AEIOUÉÈÂÎaeiouéèâî])")


class _Writer:
    """Fills sentence templates for one fiche (its activity, its year)."""

    def __init__(self, rng: random.Random, activity: Zipf, year: int) -> None:
        self.rng, self.activity, self.year = rng, activity, year
        self.last: dict[str, str] = {}

    def draw(self, key: str) -> str:
        if key == "act":
            return self.activity(self.rng)
        if key == "n":
            return str(self.rng.choice((4, 6, 8, 10, 12, 15, 20, 25, 30, 40, 60, 120)))
        if key == "year":
            return str(self.year + self.rng.choice((-1, 0, 0, 1)))
        return _SLOTS[key](self.rng)

    def slot(self, name: str) -> str:
        key = name.lower()
        value = self.draw(key)
        if value == self.last.get(key):  # "la Caf et la Caf": draw again once
            value = self.draw(key)
        self.last[key] = value
        return value[:1].upper() + value[1:] if name[:1].isupper() else value

    def sentence(self, kind: str) -> str:
        template = _TEMPLATES[kind](self.rng)
        if template == self.last.get(kind):
            template = _TEMPLATES[kind](self.rng)
        self.last[kind] = template
        parts = []
        for literal, name in template:
            parts.append(literal)
            if name:
                parts.append(self.slot(name))
        text = "".join(parts)
        for wrong, right in _CONTRACTIONS:
            text = text.replace(wrong, right)
        return _typo(self.rng, text)

    def text(self, kind: str, low: int, high: int, bullets: float = 0.0) -> str:
        """Sentences up to a word count drawn in [low, high]; some lines are ``- `` or ``•`` bullets,
        sometimes after a lone ``-`` line."""
        target, words, lines, line = self.rng.randint(low, high), 0, [], []
        while words < target:
            sentence = self.sentence(kind)
            count = word_count(sentence)
            if words + count > high and words >= low:
                break
            words += count
            if self.rng.random() < bullets:
                if line:
                    lines.append(" ".join(line))
                    line = []
                mark = self.rng.choice(("- ", "- ", "- ", "• ", "-"))
                lines.extend(["-", "- " + sentence] if mark == "-" else [mark + sentence])
            else:
                line.append(sentence)
                if self.rng.random() < 0.25:
                    lines.append(" ".join(line))
                    line = []
        if line:
            lines.append(" ".join(line))
        return "\n".join(lines)


def word_count(text: str) -> int:
    """Words of a text: tokens with a letter or digit (bullets and punctuation don't count)."""
    return len(_WORD.findall(text))


def _typo(rng: random.Random, text: str) -> str:
    """About one sentence in 25 carries a typo: a dropped accent, letter or a swap."""
    if rng.random() > 0.04 or len(text) < 12:
        return text
    i = rng.randrange(1, len(text) - 2)
    if not (text[i].isalpha() and text[i + 1].isalpha()):
        return text
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    return text.replace("é", "e", 1)


def _structures(rng: random.Random, count: int, depts: Zipf) -> list[tuple[str, str, str, str]]:
    """(pattern, name, town, département): the pattern takes the town, so a sister differs by town."""
    patterns = Zipf(["CENTRE SOCIAL {NAME} {TOWN}", "Centre social {name}", "Centre socioculturel {name} de {town}",
                     "EVS {name} {town}", "ASSOCIATION {TOWN} CENTRE SOCIAL {NAME}", "Maison de quartier {name}",
                     "MJC - Centre social {town}", "CS {NAME} {TOWN}", "Espace de vie sociale {name}",
                     "Le point commun centre social - {town}"], 0.8)
    seen: set[str] = set()
    out = []
    while len(out) < count:
        pattern, name, town = patterns(rng), rng.choice(V.NAMES), _SLOTS["town"](rng)
        label = _structure_name(pattern, name, town)
        if label in seen:  # more structures than names × towns: number them
            pattern = f"{pattern} {len(out) + 2}"
            label = _structure_name(pattern, name, town)
        seen.add(label)
        out.append((pattern, name, town, depts(rng)))
    return out


def _structure_name(pattern: str, name: str, town: str) -> str:
    text = pattern.format(name=name, NAME=name.upper(), town=town, TOWN=town.upper())
    return _DE_VOWEL.sub("d'", text)


def _fiche(rng: random.Random, structure: tuple, title: str | None, year: int) -> dict:
    titles, mots, public, dimension, acts = _ACTIVITIES(rng)
    if title is None:
        title = Zipf(titles)(rng)
        roll = rng.random()
        if roll < 0.25:
            title = f"{title} à {structure[2]}"
        elif roll < 0.4:
            title = f"{title} : {rng.choice(V.TAGLINES)}"
        if rng.random() < 0.08:
            title = title.upper()
    w = _Writer(rng, acts, year)
    statut = "Terminée" if rng.random() < 0.22 else "En cours"
    initiative = ["Le centre social"] if rng.random() < 0.85 else []
    initiative += [v for v, p in zip(V.INITIATIVES[1:], (0.35, 0.2, 0.07)) if rng.random() < p]
    initiative = initiative or ["Un groupe d'habitants"]
    ressources, budget_eur = budget(rng, year)
    personnes, etp = people(rng)
    extra = _MOTS.some(rng, rng.choice((0, 0, 1, 1, 2)))
    return {
        "title": title, "structure": _structure_name(*structure[:3]), "departement": structure[3],
        "year": year, "statut": statut,
        "raison_fin": rng.choice(V.STOP_REASONS) if statut == "Terminée" and rng.random() < 0.5 else None,
        "dimension": (dimension if rng.random() < 0.7 else _DIMS(rng)) if rng.random() > 0.05 else None,
        "territoire": _TERRITOIRES(rng),
        "mots_cles": list(dict.fromkeys(mots[: rng.randint(1, len(mots))] + extra)),
        "public": [public] if rng.random() < 0.8 else _PUBLICS.some(rng, rng.choice((1, 1, 2))),
        "initiative": initiative,
        "precision": rng.choice(("L'Etat et les municipalités.", "La Caf.", "Les écoles du quartier.",
                                 "Un collectif d'associations.")) if "Autre" in initiative else None,
        "partenaires": Zipf(V.PARTENAIRES, 0.8).some(rng, rng.randint(1, 4)),
        "resume": w.text("body", 40, 120),
        "description_experience": w.text("body", 80, 300, bullets=0.15),
        "description_generale": w.text("body", 80, 300, bullets=0.1) if rng.random() < 0.9 else None,
        "ressources_financieres": ressources, "personnes_mobilisees": personnes,
        "resultat_territoire": w.text("result", 10, 60, bullets=0.6) if rng.random() < 0.85 else None,
        "resultat_centre": w.text("result", 10, 50, bullets=0.5) if rng.random() < 0.8 else None,
        "resultat_habitants": w.text("result", 10, 60, bullets=0.6) if rng.random() < 0.85 else None,
        "limites": w.text("limit", 8, 50, bullets=0.3) if rng.random() < 0.8 else None,
        "perspectives": w.text("future", 8, 50, bullets=0.3) if rng.random() < 0.8 else None,
        "budget_eur": budget_eur, "etp": etp,
    }


def _key(fiche: dict) -> str:
    return fiche_id(fiche["title"], fiche["structure"], fiche["departement"], fiche["year"])


def _refile(rng: random.Random, original: dict, structures: list, by_dept: dict) -> dict:
    """The same fiche filed again: by a sister structure (another town) or the same one another year."""
    copy = dict(original, mots_cles=list(original["mots_cles"]), public=list(original["public"]),
                initiative=list(original["initiative"]), partenaires=list(original["partenaires"]))
    if rng.random() < 0.6:
        pattern, name, _town, dept = structures[original["_structure"]]
        town = rng.choice([t for t in by_dept.get(dept, V.TOWNS) if t != _town] or V.TOWNS)
        copy["structure"] = _structure_name(pattern, name, town)
        copy["resume"] = original["resume"].replace(". ", ", ", 1)
    else:
        copy["year"] = rng.choice([y for y in YEARS if y != original["year"]])
    return copy


def generate(n: int, seed: int = 0) -> Iterator[dict]:
    """``n`` fiches, the same ones for the same seed. Ids (title, structure, département, year) are unique."""
    rng = random.Random(seed)
    depts = Zipf(departements(), 0.7)
    structures = _structures(rng, max(3, n // 4), depts)
    by_dept: dict[str, list[str]] = {}
    for _pattern, _name, town, dept in structures:
        by_dept.setdefault(dept, []).append(town)
    pick_structure = Zipf(range(len(structures)), 0.3)
    titles_of: dict[int, list[str]] = {}
    recent: list[dict] = []
    seen: set[str] = set()
    made = 0
    while made < n:
        if recent and rng.random() < DUPLICATE_RATE:
            fiche = _refile(rng, rng.choice(recent), structures, by_dept)
        else:
            index = pick_structure(rng)
            earlier = titles_of.get(index)
            title = rng.choice(earlier) if earlier and rng.random() < SAME_TITLE_RATE else None
            year = rng.choices(YEARS, weights=YEAR_WEIGHTS)[0]
            fiche = _fiche(rng, structures[index], title, year)
            fiche["_structure"] = index
            titles_of.setdefault(index, []).append(fiche["title"])
        key = _key(fiche)
        if key in seen:
            continue
        seen.add(key)
        recent = (recent + [fiche])[-200:]
        made += 1
        yield {k: v for k, v in fiche.items() if not k.startswith("_")}


def write_fiches(fiches: Iterable[dict], directory: str | Path, per_file: int = 500, fmt: str = "list",
                 prefix: str = "synth") -> list[Path]:
    """Write fiches as list pages (``fmt="list"``, with years) or text dumps (``"text"``), ``per_file`` a
    file, named ``{prefix}_00000.txt``…. Returns the paths in order."""
    render = {"list": to_list_page, "text": to_senacs_text}[fmt]
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    chunk: list[dict] = []

    def flush() -> None:
        path = directory / f"{prefix}_{len(paths):05d}.txt"
        path.write_text(render(chunk), encoding="utf-8")
        paths.append(path)
        chunk.clear()

    for fiche in fiches:
        chunk.append(fiche)
        if len(chunk) == per_file:
            flush()
    if chunk:
        flush()
    return paths


def write_corpus(n: int, directory: str | Path, seed: int = 0, per_file: int = 500, fmt: str = "list") -> list[Path]:
    """Generate ``n`` fiches (``seed``) and write them with ``write_fiches``."""
    return write_fiches(generate(n, seed), directory, per_file, fmt, prefix=f"synth_{seed}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description="Fiches actions synthétiques.")
    parser.add_argument("n", type=int, help="nombre de fiches")
    parser.add_argument("outdir", type=Path, help="dossier de sortie")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-file", type=int, default=500)
    parser.add_argument("--format", choices=("list", "text"), default="list",
                        help="list : pages de catalogue (avec l'année) ; text : export texte (sans année)")
    args = parser.parse_args(argv)
    paths = write_corpus(args.n, args.outdir, seed=args.seed, per_file=args.per_file, fmt=args.format)
    print(f"{args.n} fiches écrites dans {len(paths)} fichiers sous {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
