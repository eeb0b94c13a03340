"""Update requests before a meeting: owners whose open actions have had no progress since the previous
meeting (before the first one: for STALE_UPDATE_WEEKS) are asked to update them, from
UPDATE_REQUEST_WORKING_DAYS working days before each committee meeting. Flushes, never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.clock import BANK_HOLIDAYS
from tracker.domain import digest as rules
from tracker.domain.formatting import format_date
from tracker.domain.working_days import add_working_days, previous_working_day
from tracker.extensions import db
from tracker.models import Action, Inspection, Meeting, Recommendation, is_open
from tracker.outbox.queueing import NewEmail, QueueCounts, queue_once
from tracker.reminders.facts import LIVE_PLAN_STATUSES, action_facts, actions_query, digest_settings, load_people
from tracker.reminders.links import UrlBuilder, issue_links, link_expires_on


@dataclass(frozen=True)
class UpdateRequest:
    meeting: Meeting
    person: rules.Person
    since: date | None
    items: tuple[rules.DigestItem, ...]

    @property
    def dedupe_key(self) -> str:
        return f"update-request:{self.meeting.id}:{self.person.user_id}"

    @property
    def never_updated(self) -> bool:
        """None of the actions has ever had a progress update."""
        return not any(item.action.progress_recorded for item in self.items)


def _meetings_within(today: date, lead_working_days: int) -> list[Meeting]:
    last_day = add_working_days(today, lead_working_days, BANK_HOLIDAYS, counting="after")
    query = (
        select(Meeting)
        .join(Inspection, Inspection.id == Meeting.inspection_id)
        .options(selectinload(Meeting.inspection))
        .where(
            Meeting.meets_on > today,
            Meeting.meets_on <= last_day,
            Inspection.plan_status.in_(LIVE_PLAN_STATUSES),
            Inspection.closed_at.is_(None),
        )
        .order_by(Meeting.meets_on, Meeting.id)
    )
    return [
        m
        for m in db.session.scalars(query)
        if rules.update_request_due(today, m.meets_on, BANK_HOLIDAYS, lead_working_days)
    ]


def _previous_meeting_on(meeting: Meeting) -> date | None:
    query = select(func.max(Meeting.meets_on)).where(
        Meeting.inspection_id == meeting.inspection_id, Meeting.meets_on < meeting.meets_on
    )
    return db.session.scalar(query)


def _first_meeting_since(meeting: Meeting, settings: rules.DigestSettings) -> date:
    """With no meeting before it, the first meeting asks for progress made in the last STALE_UPDATE_WEEKS
    (or since the plan was published, if that is later)."""
    window_start = meeting.meets_on - timedelta(weeks=settings.stale_update_weeks)
    published = meeting.inspection.plan_published_on
    return max(window_start, published) if published else window_start


def _open_actions_of(inspection_id: int, people: dict[int, rules.Person]) -> list[rules.ActionFacts]:
    query = actions_query().where(Action.inspection_id == inspection_id, is_open(), Action.owner_id.is_not(None))
    return action_facts(db.session.execute(query.order_by(Recommendation.position, Action.position, Action.id)), people)


def plan_update_requests(today: date) -> list[UpdateRequest]:
    """Owners whose open actions have had no update since the previous meeting (or, before the first,
    in the last STALE_UPDATE_WEEKS), for each meeting UPDATE_REQUEST_WORKING_DAYS or fewer working days away."""
    meetings = _meetings_within(today, current_app.config["UPDATE_REQUEST_WORKING_DAYS"])
    if not meetings:
        return []
    people = load_people()
    settings = digest_settings()
    requests = []
    for meeting in meetings:
        since = _previous_meeting_on(meeting) or _first_meeting_since(meeting, settings)
        by_owner: dict[int, list[rules.ActionFacts]] = defaultdict(list)
        for action in _open_actions_of(meeting.inspection_id, people):
            if action.owner_id is not None and rules.needs_update_since(action, since):
                by_owner[action.owner_id].append(action)
        for owner_id, actions in sorted(by_owner.items()):
            person = people[owner_id]
            # Someone who cannot record progress (a viewer still named as owner) is not asked to.
            if person.active and person.can_record_progress:
                items = tuple(rules.digest_item(action, today, BANK_HOLIDAYS, settings) for action in actions)
                requests.append(UpdateRequest(meeting, person, since, items))
    return requests


def queue_update_requests(today: date, now: datetime, *, dry_run: bool = False) -> QueueCounts[UpdateRequest]:
    """Queue each update request with its update links, skipping any already queued."""

    def write(new: Sequence[UpdateRequest]) -> list[NewEmail]:
        tokens = issue_links(((i.action.action_id, r.person.user_id) for r in new for i in r.items), today, now)
        url = UrlBuilder()
        return [_request_email(request, tokens, today, url) for request in new]

    requests = plan_update_requests(today)
    counts = queue_once("update_request", requests, key=lambda r: r.dedupe_key, write=write, now=now, dry_run=dry_run)
    counts.details = {"actions": sum(len(request.items) for request in counts.new)}
    return counts


def _request_email(
    request: UpdateRequest, tokens: dict[tuple[int, int], str], today: date, url: UrlBuilder
) -> NewEmail:
    user_id = request.person.user_id
    context = {
        "request": request,
        "update_links": {
            i.action.action_id: url("reminders.update_from_email", token=tokens[(i.action.action_id, user_id)])
            for i in request.items
        },
        "action_urls": {
            i.action.action_id: url("actions.view_action", action_id=i.action.action_id) for i in request.items
        },
        "link_expires_on": link_expires_on(today),
        "today": today,
        "reply_by": previous_working_day(request.meeting.meets_on, BANK_HOLIDAYS),
    }
    subject = (
        f"Please update your actions before {request.meeting.committee} on {format_date(request.meeting.meets_on)}"
    )
    return NewEmail(request.dedupe_key, request.person.email, subject, context)
