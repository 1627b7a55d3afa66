"""Deterministic generator of realistic synthetic fiches actions, for benchmarks and tests.

``generate(n, seed)`` yields dicts with the ParsedFiche/FicheBase field names and canonical values, plus
``budget_eur`` and ``etp``: the figures a correct reader should take from the raw budget and people texts
(format.md, "Extracted figures"). ``bench.synth_render`` prints them the way the SENACS catalogue does.

CLI: ``python -m bench.synth N OUTDIR [--seed S] [--per-file K] [--format list|text]``.
"""

from __future__ import annotations

import argparse
import random
import string
import sys
from bisect import bisect
from collections.abc import Iterator, Sequence
from itertools import accumulate
from pathlib import Path

from bench import synth_vocab as V
from bench.synth_render import to_list_page, to_senacs_text
from ingest.records import fiche_id

__all__ = ["generate", "to_senacs_text", "to_list_page", "write_corpus", "departements"]

YEARS = list(range(2015, 2026))
YEAR_WEIGHTS = [6, 8, 9, 10, 11, 12, 9, 10, 10, 9, 6]
DUPLICATE_RATE = 0.05  # re-filed by a sister structure or another year
SAME_TITLE_RATE = 0.3  # a structure files one of its earlier actions again, another year


def departements() -> list[str]:
    """Canonical département names, the biggest networks first (the project's official list when there)."""
    try:
        from ingest.geo import departements as official
    except ImportError:
        return list(V.DEPARTEMENTS)
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
    "town": Zipf(V.TOWNS, 0.6),
}
_TEMPLATES = {kind: Zipf(items, 0.5) for kind, items in V.TEMPLATES.items()}
_CONTRACTIONS = ((" de les ", " des "), (" à les ", " aux "), (" de le ", " du "), (" à le ", " au "),
                 (" de un ", " d'un "), (" de une ", " d'une "), (" de l'", " de l'"))
_ACTIVITIES = Zipf([(V.split(t), V.split(k), p, d, Zipf(V.split(a))) for t, k, p, d, a in V.ACTIVITIES], 0.9)
_MOTS, _PUBLICS, _DIMS = Zipf(V.MOTS_CLES), Zipf(V.PUBLICS), Zipf(V.DIMENSIONS, 0.5)
_TERRITOIRES = Zipf(V.TERRITOIRES, 0.8)
_FORMATTER = string.Formatter()


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
        for literal, name, _spec, _conv in _FORMATTER.parse(template):
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
            words += sentence.count(" ") + 1
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


def _amount(rng: random.Random, value: float) -> str:
    """An amount written any way: 12 500 €, 12500€, 12.500 euros, 12 500,00 €, 15k€."""
    whole = int(value)
    spaced = f"{whole:,}".replace(",", " ")
    style = rng.randrange(7)
    if style == 6 and whole % 1000 == 0 and whole >= 1000:
        return f"{whole // 1000}k€"
    return (f"{spaced} €", f"{whole} €", f"{whole}€", f"{spaced},00 €", f"{whole:,} euros".replace(",", "."),
            f"{spaced} euros", f"{spaced} €")[style]


def _share(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.sample(range(1, 20), parts - 1))
    shares = [round(total * (b - a) / 20, -2) for a, b in zip([0, *cuts], [*cuts, 20])]
    shares[-1] = total - sum(shares[:-1])
    return [int(s) for s in shares]


def budget(rng: random.Random, year: int) -> tuple[str | None, float | None]:
    """Raw budget text and the total a correct reader takes from it (None: not stated)."""
    total = int(round(rng.lognormvariate(8.9, 1.1), -2)) or 300
    kind = rng.choices(range(10), weights=(18, 20, 8, 12, 6, 8, 8, 6, 4, 10))[0]
    funders = Zipf(["CAF", "Ville", "État (politique de la ville)", "Conseil départemental", "Fonds propres",
                    "Participation des familles", "Bailleur"])
    if kind == 0:
        return None, None
    if kind == 1:
        return f"Budget global : {_amount(rng, total)}", total
    if kind == 2:
        return (f"Budget global {year} : {_amount(rng, total)} incluant le poste d'animation et l'achat du "
                f"matériel.", total)
    if kind in (3, 4):
        names = funders.some(rng, rng.randint(2, 4))
        lines = [f"{name} : {_amount(rng, part)}" for name, part in zip(names, _share(rng, total, len(names)))]
        closing = (f"Total : {_amount(rng, total)}" if kind == 3
                   else f"Le budget de l'action est de {_amount(rng, total)}.")
        return "\n".join([closing, *lines] if rng.random() < 0.3 else [*lines, closing]), total
    if kind == 5:
        return f"Le budget de l'action est de {_amount(rng, total)}, financé par la {_SLOTS['partner'](rng)}.", total
    if kind == 6:
        items = Zipf(["Animation", "Matériel", "Sorties", "Transport", "Intervenants", "Communication"]).some(rng, 3)
        parts = _share(rng, total, len(items))
        return "Dépenses prévues :\n" + "\n".join(f"- {i} : {_amount(rng, p)}" for i, p in zip(items, parts)), total
    if kind == 7:
        return _amount(rng, total), total
    if kind == 8:
        return "Pas de budget spécifique, l'action est portée par les bénévoles.", 0.0
    return rng.choice(("Financement dans le cadre du Contrat de Ville.", "Prestation de service Caf.",
                       "Cette action a été budgétisée dans le cadre du financement AGC.")), None


def _number(rng: random.Random, value: float) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if rng.random() < 0.6 else text


def people(rng: random.Random) -> tuple[str | None, float | None]:
    """Raw people/ETP text and the ETP a correct reader takes from it (None: unknown)."""
    kind = rng.choices(range(5), weights=(15, 20, 40, 10, 15))[0]
    if kind == 0:
        return None, None
    if kind == 1:
        etp = rng.choice((0.1, 0.2, 0.25, 0.5, 0.8, 1, 1.5, 2))
        return f"{_number(rng, etp)} ETP", float(etp)
    if kind == 4:
        return (f"{rng.randint(1, 4)} salariés et {rng.randint(2, 15)} bénévoles sont mobilisés sur ce projet.",
                None)
    lines, total = [], 0.0
    for role in Zipf(V.STAFF).some(rng, rng.randint(1, 3)):
        way = rng.randrange(4)
        if way == 0:
            pct = rng.choice((10, 20, 25, 30, 40, 50, 60, 80, 100))
            lines.append(f"- 1 {role.split(' ', 1)[-1]} à {pct}{rng.choice(('%', ' %'))}")
            total += pct / 100
        elif way == 1:
            share, words = rng.choice(((0.5, "à mi-temps"), (1.0, "à temps plein")))
            lines.append(f"- {role[:1].upper()}{role[1:]} {words}")
            total += share
        elif way == 2:
            hours = rng.choice((7, 10, 14, 17.5, 21, 28, 35))
            lines.append(f"- {role[:1].upper()}{role[1:]} : {_number(rng, hours)} h par semaine")
            total += hours / 35
        else:
            etp = rng.choice((0.1, 0.2, 0.3, 0.5))
            lines.append(f"- {role[:1].upper()}{role[1:]} / {_number(rng, etp)} ETP")
            total += etp
    if kind == 3:
        lines.append(f"- {rng.randint(2, 12)} bénévoles")
    head = rng.choice(("", f"{len(lines)} personnes sont mobilisées sur ce projet :\n"))
    return head + "\n".join(lines), round(total, 3)


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
    return pattern.format(name=name, NAME=name.upper(), town=town, TOWN=town.upper())


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
    pick_structure = Zipf(range(len(structures)), 0.5)
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


def write_corpus(n: int, directory: str | Path, seed: int = 0, per_file: int = 500, fmt: str = "list") -> list[Path]:
    """Write ``n`` fiches as list pages (``fmt="list"``, with years) or text dumps (``"text"``), ``per_file``
    fiches a file. Returns the paths in order."""
    render = {"list": to_list_page, "text": to_senacs_text}[fmt]
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    chunk: list[dict] = []

    def flush() -> None:
        path = directory / f"synth_{seed}_{len(paths):05d}.txt"
        path.write_text(render(chunk), encoding="utf-8")
        paths.append(path)
        chunk.clear()

    for fiche in generate(n, seed):
        chunk.append(fiche)
        if len(chunk) == per_file:
            flush()
    if chunk:
        flush()
    return paths


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
