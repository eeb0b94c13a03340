"""English local authorities with children's services responsibilities, and recognising them in a report's words.

The list is data (data/local_authorities.csv, with its source and date). A name is recognised by its place: the
words every form of a council's name shares once "London Borough of", "Metropolitan Borough Council", "City of",
"Council" and the like are set aside. So "Metropolitan Borough of Barnsley Council", "Barnsley" and "Barnsley
Metropolitan Borough Council" are one authority, and "Council" or "Dear Mr Smith" are none.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

AUTHORITIES_FILE = Path(__file__).with_name("data") / "local_authorities.csv"

# Words around a place in the forms of a council's name, taken off the front and the back until none is left.
_PREFIXES = re.compile(
    r"^(?:the|council of the|corporation of|london borough of|royal borough of|metropolitan borough of|borough of"
    r"|city and county of|city of|county of)\s+"
)
_SUFFIXES = re.compile(
    r"\s+(?:council|corporation|city council|county council|borough council|district council|london borough council"
    r"|metropolitan borough council|metropolitan district council|metropolitan council|metropolitan borough"
    r"|unitary authority|local authority|children's services(?: authority area)?|local area partnership"
    r"|area partnership|local area|area|borough|city|county|city of|county of)$"
)
_SALUTATION = re.compile(r"^(?:dear|yours|mr|mrs|ms|miss|dr|sir|madam)\b", re.IGNORECASE)
_GENERIC = frozenset(
    {"council", "borough", "county", "city", "district", "metropolitan", "local authority", "authority", "the"}
)


@dataclass(frozen=True)
class Authority:
    """A council with children's services responsibilities, as the list holds it."""

    code: int
    name: str
    place: str
    other_names: tuple[str, ...]
    started_on: date | None
    ended_on: date | None

    @property
    def names(self) -> tuple[str, ...]:
        """Every form of its name the list knows."""
        return (self.name, self.place, *self.other_names)

    def in_being_on(self, day: date) -> bool:
        return (self.started_on is None or self.started_on <= day) and (self.ended_on is None or day < self.ended_on)


def place_key(name: str) -> str:
    """A council's name reduced to its place: lower case, '&' as 'and', no 'London Borough of' or 'Council'."""
    key = name.lower().replace("’", "'").replace("&", " and ").replace("-", " ")
    key = re.sub(r"\bst\.", "st", key)
    key = re.sub(r"[^a-z' ]+", " ", key)
    key = " ".join(key.split())
    # "Kingston upon Hull, City of" (DfE's order) is "City of Kingston upon Hull".
    while True:
        shorter = _SUFFIXES.sub("", _PREFIXES.sub("", key)).strip()
        if shorter == key or not shorter:
            return key
        key = shorter


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value.strip() else None


@functools.cache
def all_authorities() -> tuple[Authority, ...]:
    """Every authority on the list, those that have since ended included."""
    with AUTHORITIES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return tuple(
            Authority(
                code=int(row["code"]),
                name=row["name"],
                place=row["place"],
                other_names=tuple(name for name in row["other_names"].split("|") if name),
                started_on=_date(row["started_on"]),
                ended_on=_date(row["ended_on"]),
            )
            for row in rows
        )


@functools.cache
def _by_key() -> dict[str, tuple[Authority, ...]]:
    found: dict[str, list[Authority]] = {}
    for authority in all_authorities():
        for name in authority.names:
            keyed = found.setdefault(place_key(name), [])
            if authority not in keyed:
                keyed.append(authority)
    return {key: tuple(authorities) for key, authorities in found.items()}


def names_no_place(name: str) -> bool:
    """True for words that name no council in particular: "Council", "the Borough Council", "Dear Mr Smith"."""
    key = place_key(name)
    return bool(_SALUTATION.match(name.strip())) or not key or key in _GENERIC


def recognise(name: str | None, on: date | None = None) -> Authority | None:
    """The authority `name` is a form of, or None; where two share a place (Dorset County Council and Dorset
    Council) the one in being on `on`, else the current one."""
    if not name or _SALUTATION.match(name.strip()):
        return None
    candidates = _by_key().get(place_key(name), ())
    if not candidates:
        return None
    exact = [authority for authority in candidates if _plain(name) in {_plain(form) for form in authority.names}]
    if len(exact) == 1 and on is None:
        return exact[0]
    if on is not None:
        in_being = [authority for authority in candidates if authority.in_being_on(on)]
        if in_being:
            return in_being[0]
    current = [authority for authority in candidates if authority.ended_on is None]
    return (current or list(candidates))[0]


def _plain(name: str) -> str:
    return " ".join(name.lower().replace("’", "'").replace("&", "and").split())


@functools.cache
def _name_pattern() -> re.Pattern[str]:
    forms = {form for authority in all_authorities() for form in authority.names}
    words = sorted(forms, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(re.escape(word) for word in form.split()) for form in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def find_in(text: str, on: date | None = None) -> tuple[Authority, str] | None:
    """The first authority named in `text` (its longest form there, starting with a capital), with the words
    as printed; None if no form of any name is in it."""
    for match in _name_pattern().finditer(text):
        printed = match.group(0)
        if not printed[:1].isupper():
            continue
        authority = recognise(printed, on)
        if authority is not None:
            return authority, " ".join(printed.split())
    return None
