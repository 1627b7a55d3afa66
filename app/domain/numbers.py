"""Numbers as French staff write them: "12 000,50", "12.000", "38 297.47", "15k€", "1,2 M€".

Shared by the importer (``ingest.amounts`` reads budgets in free text with these rules) and the search
parameters (``app.search.params`` accepts "10k" or "15 k€" in a budget range, as the importer would read
them).
"""

from __future__ import annotations

import re

FACTORS = {"k": 1e3, "mille": 1e3, "millier": 1e3, "milliers": 1e3, "m": 1e6, "million": 1e6, "millions": 1e6}
_SPACES = r"[\s\u00a0\u202f\u2009]"
_AMOUNT = re.compile(
    rf"(?P<number>\d[\d\s\u00a0\u202f\u2009.,]*?){_SPACES}*(?P<mult>k|m|mille|milliers?|millions?)?"
    rf"{_SPACES}*(?:€|euros?|eur)?",
    re.IGNORECASE,
)


def parse_number(token: str, decimal_only: bool = False) -> float:
    """Value of a French or English written number: "12 000,50", "12.000", "1,2", "38 297.47".

    A lone "." or "," followed by exactly three digits is a thousands separator, unless
    ``decimal_only`` (before "k€" or "M€", "1,250 M€" is 1.25 million).
    """
    raw = re.sub(_SPACES, "", token)
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif "," in raw or "." in raw:
        sep = "," if "," in raw else "."
        if not decimal_only and re.fullmatch(rf"\d{{1,3}}(?:\{sep}\d{{3}})+", raw):
            raw = raw.replace(sep, "")
        elif raw.count(sep) == 1:
            raw = raw.replace(",", ".")
        else:
            raw = raw.replace(sep, "")
    return float(raw)


def parse_amount(text: str) -> float:
    """An amount of euros typed by a person: "1500", "12 000", "10k", "15 k€", "1,2 M€", "800 euros".

    Raises ``ValueError`` when ``text`` is not one amount."""
    match = _AMOUNT.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not an amount: {text!r}")
    mult = (match.group("mult") or "").lower()
    return parse_number(match.group("number"), decimal_only=bool(mult)) * FACTORS.get(mult, 1.0)
