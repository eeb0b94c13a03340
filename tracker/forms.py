"""Form pieces every feature shares."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field

# A choice of a select, radios or checkboxes, which every form gives as one (WTForms 3.4 drops tuples). types-WTForms
# describes WTForms 3.2, which had no SelectChoice (3.3 added it).
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # noqa: F401 - for the forms
from wtforms.validators import StopValidation

from tracker.domain import text

T = TypeVar("T")


def single_line(value: object) -> object:
    """The filter on every one-line text field (`filters=[single_line]`): line breaks and other control characters
    typed or pasted in become a space or go, and the ends are trimmed. Such text can reach an email header (a
    deadline title, a committee, a name), where a line break would start a new header."""
    return text.single_line(value) if isinstance(value, str) else value


def required_data(value: T | None) -> T:
    """The data of a field whose DataRequired or InputRequired validator passed. WTForms types every field's data as
    optional (it is None until the form is filled in); after validation a required field's is not."""
    if value is None:
        raise ValueError("A required field has no data: read it only after the form has validated")
    return value


class GovDateField(Field):
    """A GOV.UK date: day, month and year boxes that keep what was typed, and errors in GOV.UK's words naming the
    field and the part that is wrong ("The due date must include a month", "… must be a real date", "Year must
    include 4 numbers"). `name_in_errors` is how errors name it (the label if not given); `required` is the
    message when it is left empty (it is optional otherwise). The one date field every form uses."""

    widget = GovDateInput()

    def __init__(self, label: str, *, name_in_errors: str | None = None, required: str | None = None, **kwargs: Any):
        super().__init__(label, **kwargs)
        self.name_in_errors = name_in_errors or label
        self.required_message = required

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [str(value).strip() for value in valuelist][:3]
        self.raw_data = parts + [""] * (3 - len(parts))
        self.data = None
        if any(self.raw_data):
            self.data = self._parse(*self.raw_data)

    def _parse(self, day: str, month: str, year: str) -> date:
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValueError(f"{self.name_in_errors} must include a {' and a '.join(missing)}")
        if not all(part.isascii() and part.isdigit() for part in (day, month, year)):
            raise ValueError(f"{self.name_in_errors} must be a real date")
        if len(year) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # OverflowError: a day such as 10^23
            raise ValueError(f"{self.name_in_errors} must be a real date") from None

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation(str(self.process_errors[0]))
        if self.data is None and self.required_message:
            raise StopValidation(self.required_message)

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""


def add_error(field: Field, message: str) -> None:
    """Put an error on `field` after the form was validated (a check that needs more than one field, or the
    database). WTForms types `errors` as a read-only sequence; before validation it is an empty tuple. A list is
    added to in place, so a form's `errors` worked out before still sees it."""
    if isinstance(field.errors, list):
        field.errors.append(message)
    else:
        field.errors = [*field.errors, message]
