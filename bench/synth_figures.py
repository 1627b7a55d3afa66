"""Raw budget and people texts, written any way as centres write them, with the figures a correct reader
takes from them (format.md, "Extracted figures"): ``budget_eur`` in euros, ``etp`` in full-time equivalents.
"""

from __future__ import annotations

import random
import re

from bench import synth_vocab as V

_FUNDERS = V.split("CAF|Ville|État (politique de la ville)|Conseil départemental|Fonds propres|"
                   "Participation des familles|Bailleur")
_ARTICLE = re.compile(r"^(?:la |le |un |une |l')")
_COSTS = V.split("Animation|Matériel|Sorties|Transport|Intervenants|Communication")


def _some(rng: random.Random, items: list[str], k: int) -> list[str]:
    """``k`` distinct items, the first ones of the list more often."""
    weights = [1.0 / rank for rank in range(1, len(items) + 1)]
    out: list[str] = []
    while len(out) < min(k, len(items)):
        item = rng.choices(items, weights=weights)[0]
        if item not in out:
            out.append(item)
    return out


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
    if kind == 0:
        return None, None
    if kind == 1:
        return f"Budget global : {_amount(rng, total)}", total
    if kind == 2:
        return (f"Budget global {year} : {_amount(rng, total)} incluant le poste d'animation et l'achat du "
                f"matériel.", total)
    if kind in (3, 4):
        names = _some(rng, _FUNDERS, rng.randint(2, 4))
        lines = [f"{name} : {_amount(rng, part)}" for name, part in zip(names, _share(rng, total, len(names)))]
        closing = (f"Total : {_amount(rng, total)}" if kind == 3
                   else f"Le budget de l'action est de {_amount(rng, total)}.")
        return "\n".join([closing, *lines] if rng.random() < 0.3 else [*lines, closing]), total
    if kind == 5:
        funder = rng.choice(V.PARTNER_PHRASES[:8])
        return f"Le budget de l'action est de {_amount(rng, total)}, financé par {funder}.", total
    if kind == 6:
        items = _some(rng, _COSTS, 3)
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
    for role in _some(rng, V.STAFF, rng.randint(1, 3)):
        way = rng.randrange(4)
        if way == 0:
            pct = rng.choice((10, 20, 25, 30, 40, 50, 60, 80, 100))
            lines.append(f"- 1 {_ARTICLE.sub('', role)} à {pct}{rng.choice(('%', ' %'))}")
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
    staff = len(lines)
    if kind == 3:
        lines.append(f"- {rng.randint(2, 12)} bénévoles")
    head = f"{staff} salariés sont mobilisés sur ce projet :\n" if staff > 1 and rng.random() < 0.4 else ""
    return head + "\n".join(lines), round(total, 3)
