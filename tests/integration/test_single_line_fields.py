"""Text from one-line fields is saved as one line: a title, committee, name or address can reach an email header,
where a line break would start a new header (issue 11, attack 4). Every such field carries the shared filter."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from sqlalchemy import select
from wtforms import Form, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

import tracker
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.integration.inspections.conftest import make_inspection
from tracker.forms import single_line
from tracker.models import Meeting, Role, StatutoryDeadline, User

# Forms whose text is only looked up, never saved nor put in an email (sign-in belongs to the sessions work).
NOT_SAVED = {"tracker.auth.forms.SignInForm", "tracker.auth.forms.ForgotPasswordForm"}
MULTI_LINE_OR_NOT_TYPED = (TextAreaField, PasswordField, HiddenField)


def _form_classes() -> list[type[Form]]:
    classes = []
    for feature in pkgutil.iter_modules(tracker.__path__):
        if not feature.ispkg or importlib.util.find_spec(f"tracker.{feature.name}.forms") is None:
            continue
        module = importlib.import_module(f"tracker.{feature.name}.forms")
        classes += [
            value
            for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, Form) and value.__module__ == module.__name__
        ]
    return classes


def test_every_one_line_text_field_has_the_single_line_filter() -> None:
    forms = _form_classes()
    checked, missing = 0, []
    for form in forms:
        if f"{form.__module__}.{form.__qualname__}" in NOT_SAVED:
            continue
        for name in dir(form):
            field = getattr(form, name)
            if not isinstance(field, UnboundField) or not issubclass(field.field_class, StringField):
                continue
            if issubclass(field.field_class, MULTI_LINE_OR_NOT_TYPED):
                continue
            checked += 1
            if single_line not in field.kwargs.get("filters", ()):
                missing.append(f"{form.__module__}.{form.__qualname__}.{name}")
    assert len(forms) > 30 and checked > 30, (len(forms), checked)
    assert missing == []


def test_a_deadline_title_and_a_committee_typed_with_line_breaks_are_saved_on_one_line(client, db_session) -> None:
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    inspection = make_inspection(db_session, manager)
    sign_in(client, manager)

    added = client.submit(
        f"/inspections/{inspection.id}/deadlines/new",
        {"title": "Send the plan\r\nBcc: intruder@example.com\x07", "due_on": ["22", "8", "2008"]},
    )
    met = client.submit(
        f"/inspections/{inspection.id}/meetings/new",
        {"committee": "Cabinet\n\nBcc: intruder@example.com", "meets_on": ["9", "9", "2008"]},
    )

    assert (added.status_code, met.status_code) == (302, 302)
    titles = db_session.scalars(select(StatutoryDeadline.title).where(StatutoryDeadline.inspection_id == inspection.id))
    assert "Send the plan Bcc: intruder@example.com" in list(titles)
    assert db_session.scalars(select(Meeting.committee)).one() == "Cabinet Bcc: intruder@example.com"


def test_a_name_typed_with_line_breaks_is_saved_on_one_line(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)

    response = client.submit(
        "/admin/people/invite",
        {
            "name": "Ruth\r\nAllen",
            "email": " ruth.allen@example.gov.uk\r\n",
            "job_title": "Head of\tService",
            "organisation": "NHS\u2028Leicester",
            "role": "service_manager",
            "line_manager_id": "0",
        },
    )

    assert response.status_code == 302
    ruth = db_session.scalars(select(User).where(User.email == "ruth.allen@example.gov.uk")).one()
    assert (ruth.name, ruth.job_title, ruth.organisation) == ("Ruth Allen", "Head of Service", "NHS Leicester")
