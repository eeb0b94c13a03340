"""Each person's private calendar feed: their actions' due dates and their inspections' statutory deadlines.

The feed address carries a random token (User.calendar_token) instead of a password, because
Outlook and other calendar apps subscribe without signing in. Anyone with the address can read
the feed, so it can be replaced (the old address stops working) or turned off.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from tracker.audit.services import record_change
from tracker.clock import as_utc
from tracker.domain.formatting import format_date
from tracker.extensions import db
from tracker.models import Action, Inspection, StatutoryDeadline, User, inspection_managers, is_open
from tracker.reminders.links import UrlBuilder

if TYPE_CHECKING:
    from icalendar import Event

TOKEN_BYTES = 32


def issue_calendar_token(user: User, *, actor: User) -> str:
    """A new feed address for `user`; any earlier one stops working. The token itself is not audited."""
    replacing = user.calendar_token is not None
    user.calendar_token = secrets.token_urlsafe(TOKEN_BYTES)
    record_change(
        actor=actor,
        entity=user,
        field="calendar_feed",
        old="on" if replacing else "off",
        new="new address" if replacing else "on",
    )
    return user.calendar_token


def revoke_calendar_token(user: User, *, actor: User) -> bool:
    if user.calendar_token is None:
        return False
    user.calendar_token = None
    record_change(actor=actor, entity=user, field="calendar_feed", old="on", new="off")
    return True


def find_calendar_owner(token: str) -> User | None:
    """The active person whose feed address carries `token`."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalars(select(User).where(User.calendar_token == token)).first()
    return user if user is not None and user.active else None


def calendar_url(user: User) -> str | None:
    if user.calendar_token is None:
        return None
    return UrlBuilder()("reminders.calendar_feed", token=user.calendar_token)


def _owned_open_actions(user: User) -> list[Action]:
    query = (
        select(Action)
        .options(joinedload(Action.inspection))
        .where(
            Action.owner_id == user.id,
            is_open(),
            Action.archived_at.is_(None),
            Action.due_on.is_not(None),
        )
        .order_by(Action.due_on, Action.id)
    )
    return list(db.session.scalars(query))


def _deadlines_for(user: User) -> list[StatutoryDeadline]:
    """Deadlines of the inspections `user` manages or owns actions in."""
    managed = select(inspection_managers.c.inspection_id).where(inspection_managers.c.user_id == user.id)
    owned = select(Action.inspection_id).where(Action.owner_id == user.id, Action.archived_at.is_(None))
    query = (
        select(StatutoryDeadline)
        .join(Inspection, Inspection.id == StatutoryDeadline.inspection_id)
        .options(joinedload(StatutoryDeadline.inspection))
        .where(
            StatutoryDeadline.due_on.is_not(None),
            Inspection.closed_at.is_(None),
            or_(StatutoryDeadline.inspection_id.in_(managed), StatutoryDeadline.inspection_id.in_(owned)),
        )
        .order_by(StatutoryDeadline.due_on, StatutoryDeadline.id)
    )
    return list(db.session.scalars(query))


def build_calendar(user: User) -> bytes:
    """The iCalendar document: all-day events that do not block time in the person's diary."""
    from icalendar import Calendar  # imported when a feed is asked for: a worker starts sooner without it

    config = current_app.config
    host = urlsplit(config["BASE_URL"]).hostname or "localhost"
    url = UrlBuilder()
    calendar = Calendar()
    calendar.add("prodid", f"-//{config['ORGANISATION_NAME']}//{config['SERVICE_NAME']}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{config['SERVICE_NAME']}: {user.name}")
    calendar.add("x-wr-timezone", config["TRACKER_TIMEZONE"])
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for action in _owned_open_actions(user):
        if action.due_on is None:  # the query asks for dated actions only
            continue
        link = url("actions.view_action", action_id=action.id)
        description = f"{action.inspection.authority}: {action.inspection.title}\nStatus: {action.status.label}"
        calendar.add_component(
            _all_day_event(
                f"action-{action.id}@{host}",
                f"Due: {action.reference} {action.title}",
                action.due_on,
                max(as_utc(action.updated_at), as_utc(action.inspection.updated_at)),
                description,
                link,
            )
        )
    for deadline in _deadlines_for(user):
        if deadline.due_on is None:  # the query asks for dated deadlines only
            continue
        inspection = deadline.inspection
        state = f"Met on {format_date(deadline.met_on)}" if deadline.met_on else "Not yet met"
        calendar.add_component(
            _all_day_event(
                f"deadline-{deadline.id}@{host}",
                f"Statutory deadline: {deadline.title}",
                deadline.due_on,
                max(as_utc(deadline.updated_at), as_utc(inspection.updated_at)),
                f"{inspection.authority}: {inspection.title}\n{state}",
                url("inspections.view_inspection", inspection_id=inspection.id),
            )
        )
    return calendar.to_ical()


def _all_day_event(uid: str, summary: str, day: date, stamp: datetime, description: str, link: str | None) -> Event:
    """An all-day event stamped (DTSTAMP) with when what it shows last changed, not with the moment the feed was
    read: an unchanged feed reads the same, byte for byte, so a calendar program asking again is told "not
    modified" (the feed's ETag)."""
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", as_utc(stamp))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description + (f"\n{link}" if link else ""))
    if link:
        event.add("url", link)
    event.add("transp", "TRANSPARENT")
    return event
