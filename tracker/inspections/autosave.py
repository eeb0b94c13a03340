"""One field of the import review page, kept as the reviewer changes it (the page's script posts each change).

A value is kept as typed, as the page's own buttons keep it, so the reviewer finds it again after a reload; only what
cannot be a value of that field is refused: a field or item the import does not have, a choice the list does not
offer, text longer than the field takes, a date part that is not a number. The limits are the review form's own.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from wtforms import Form
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from tracker.inspections import drafts
from tracker.inspections.forms import JudgementRowForm, RecommendationItemForm, ReviewForm
from tracker.models import ImportDraft, Timescale

# Recommendation text has no limit on the form; this one only stops a runaway paste filling the database.
TEXT_LIMIT = 20_000
CHOICES = {"framework": drafts.FRAMEWORK_VALUES | {""}, "timescale": frozenset(t.value for t in Timescale)}
_ROW = re.compile(r"^(?P<list>judgements|recommendations)-(?P<index>\d{1,4})-(?P<name>\w+)$")
_DATE_PART = re.compile(r"^\d{0,4}$")
_ROW_FORMS: dict[str, tuple[type[Form], tuple[str, ...], str]] = {
    "judgements": (JudgementRowForm, drafts.JUDGEMENT_FIELDS, "judgement"),
    "recommendations": (RecommendationItemForm, drafts.ITEM_FIELDS, "item"),
}


class FieldRefused(ValueError):
    """A value the draft cannot keep; the message says why, in the words the page uses."""


def save_field(draft: ImportDraft, name: object, value: object) -> str:
    """Keep one field's value in the draft; returns the field's name. Raises FieldRefused, changing nothing."""
    if not isinstance(name, str):
        raise FieldRefused("Say which field to save")
    fields = copy.deepcopy(draft.fields or {})
    if name in drafts.DETAIL_FIELDS:
        fields[name] = _one_line(_checked(getattr(ReviewForm, name), name, value))
    elif name in drafts.DATE_FIELDS:
        fields[name] = _date_parts(getattr(ReviewForm, name), value)
    elif match := _ROW.match(name):
        _save_in_row(fields, match["list"], int(match["index"]), match["name"], value)
    else:
        raise FieldRefused(f"This import has no field called {name[:60]}")
    drafts.save_fields(draft, fields)
    return name


def _save_in_row(fields: dict[str, Any], listing: str, index: int, name: str, value: object) -> None:
    form, names, noun = _ROW_FORMS[listing]
    rows = fields.get(listing) or []
    if name not in names:
        raise FieldRefused(f"There is no field called {name[:60]} in {noun} {index + 1}")
    if index >= len(rows):
        raise FieldRefused(f"This import has no {noun} {index + 1}: reload the page to see it as it is now")
    text = _checked(getattr(form, name), name, value)
    rows[index][name] = drafts.lines_as_typed(text) if name == "text" else _one_line(text)


def _checked(field: UnboundField, name: str, value: object) -> str:
    label = str(field.args[0]) if field.args else name
    if not isinstance(value, str):
        raise FieldRefused(f"{label} must be text")
    if name in CHOICES and value not in CHOICES[name]:
        raise FieldRefused(f"Select {label.lower()} from the list")  # nosec B608 - a sentence for a person, not SQL
    limit, message = _length_limit(field)
    if len(value) > limit:
        raise FieldRefused(message or f"{label} must be {limit:,} characters or fewer")
    return value


def _length_limit(field: UnboundField) -> tuple[int, str | None]:
    for validator in field.kwargs.get("validators", []):
        if isinstance(validator, Length) and validator.max >= 0:
            return validator.max, validator.message
    return TEXT_LIMIT, None


def _date_parts(field: UnboundField, value: object) -> list[str]:
    name = str(field.kwargs.get("name_in_errors", "The date"))
    if not (isinstance(value, list) and len(value) == 3 and all(isinstance(part, str) for part in value)):
        raise FieldRefused(f"{name} must be sent as a day, a month and a year")
    parts = [part.strip() for part in value]
    if not all(_DATE_PART.match(part) for part in parts):
        raise FieldRefused(f"{name} must be a real date, in numbers: for example, 14 1 2015")
    return parts


def _one_line(value: str) -> str:
    return " ".join(value.split())
