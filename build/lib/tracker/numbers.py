"""Whole numbers from outside (query strings, hidden fields, ids in URLs): ASCII digits within the database's range.

Anything else — Unicode digits such as "²" or "١", a sign, 10^23 — is not a number here: a filter is left out, a
page number falls back to the first page, a route answers 404 (tracker.routing), a form says what is wrong.
"""

from __future__ import annotations

from typing import TypeGuard

# Ids and versions are INTEGER columns: 32 bits in PostgreSQL (the narrower of the two databases), 64 in SQLite.
DATABASE_INT_MAX = 2**31 - 1
PAGE_MAX = 100_000


def _is_digits(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.isascii() and value.isdigit()


def whole_number(value: object, *, maximum: int = DATABASE_INT_MAX) -> int | None:
    """`value` as an int when it is ASCII digits no greater than `maximum`; otherwise None."""
    if not _is_digits(value) or len(value.lstrip("0")) > len(str(maximum)):
        return None
    number = int(value)
    return number if number <= maximum else None


def page_number(value: object) -> int:
    """A `?page=` value: 1 unless it is ASCII digits, and at most PAGE_MAX (a list shows its last page past it)."""
    if not _is_digits(value):
        return 1
    number = whole_number(value, maximum=PAGE_MAX)
    return PAGE_MAX if number is None else max(number, 1)
