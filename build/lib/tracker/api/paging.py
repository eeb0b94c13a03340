"""Query parameters and cursor pagination for the API's lists.

Lists are in id order, so a page is "the next `limit` rows after the last id seen": stable while rows are added
or changed, and as fast on the hundredth page as on the first. The cursor naming that id is signed, so it is
opaque to clients and a changed or truncated one is refused (400) rather than read as something else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from tracker import numbers
from tracker.api.problems import ApiError

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
PAGING_PARAMETERS = ("limit", "cursor")
_SALT = "api-cursor"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def encode_cursor(resource: str, last_id: int) -> str:
    return _serializer().dumps([resource, last_id])


def decode_cursor(resource: str, cursor: str) -> int:
    """The last id the cursor's page showed; 400 for a cursor that is not one of ours or is for another list."""
    try:
        name, last_id = _serializer().loads(cursor)
    except (BadSignature, TypeError, ValueError) as error:
        raise ApiError(400, "cursor is not valid: use the next link or next_cursor of the page before") from error
    if name != resource or not isinstance(last_id, int):
        raise ApiError(400, f"cursor is for another list, not {resource}")
    return last_id


@dataclass(frozen=True)
class Paging:
    limit: int
    after_id: int


def check_parameters(args: Mapping[str, str], allowed: Iterable[str], *, paged: bool = True) -> None:
    """400 for a parameter the address does not take (a mistyped filter would otherwise be ignored silently)."""
    known = {*allowed, *(PAGING_PARAMETERS if paged else ())}
    unknown = sorted(set(args) - known)
    if unknown:
        takes = f"this list takes {', '.join(sorted(known))}" if known else "this address takes no parameters"
        raise ApiError(400, f"unknown parameter {unknown[0]}: {takes}")


def paging(resource: str, args: Mapping[str, str]) -> Paging:
    limit_text = args.get("limit", str(DEFAULT_LIMIT))
    if not (limit_text.isascii() and limit_text.isdigit()) or not 1 <= int(limit_text) <= MAX_LIMIT:
        raise ApiError(400, f"limit must be a whole number from 1 to {MAX_LIMIT}")
    cursor = args.get("cursor")
    return Paging(int(limit_text), decode_cursor(resource, cursor) if cursor is not None else 0)


def whole_number(args: Mapping[str, str], name: str) -> int | None:
    """An id given as a filter, or None when it is not given."""
    value = args.get(name)
    if value is None or value == "":
        return None
    number = numbers.whole_number(value)
    if number is None:
        raise ApiError(400, f"{name} must be an id (a whole number)")
    return number


def one_of(args: Mapping[str, str], name: str, values: Iterable[str]) -> str:
    value = args.get(name, "")
    choices = list(values)
    if value and value not in choices:
        raise ApiError(400, f"{name} must be one of {', '.join(choices)}")
    return value


def text(args: Mapping[str, str], name: str, max_length: int = 200) -> str:
    value = args.get(name, "").strip()
    if len(value) > max_length:
        raise ApiError(400, f"{name} must be {max_length} characters or fewer")
    return value
