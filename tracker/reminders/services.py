"""Deciding and queuing the reminder emails: digests, statutory alerts, update requests, summaries.

Each function loads what it needs in a fixed number of queries, lets `tracker.domain.digest`
decide, and queues the emails in the caller's transaction with dedupe keys, so the same email is
never queued twice whatever restarts or extra processes happen. Services flush, never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from tracker import clock
from tracker.audit.services import apply_changes
from tracker.clock import BANK_HOLIDAYS
from tracker.domain import digest as rules
from tracker.domain.working_days import add_working_days, previous_working_day, working_days_between
from tracker.extensions import db
from tracker.models import (
    OPEN_STATUSES,
    Action,
    AuditEvent,
    DigestPreference,
    EmailState,
    Inspection,
    JobRun,
    Meeting,
    OutboxEmail,
    PlanStatus,
    ProgressUpdate,
    Recommendation,
    StatutoryDeadline,
    Timescale,
    User,
)
from tracker.outbox.services import (
    EmailRenderer,
    PreparedEmail,
    existing_dedupe_keys,
    queue_prepared_emails,
    withdraw_emails,
)
from tracker.reminders.links import UrlBuilder, issue_links, link_expires_on
from tracker.template_filters import format_date

# Reminders about progress start when a plan leaves draft and stop when it is closed.
LIVE_PLAN_STATUSES = (PlanStatus.CONSULTATION, PlanStatus.PUBLISHED)
DIGEST_JOB = "daily_digest"
PREFERENCE_TEXT = {
    DigestPreference.DAILY.value: "every working day when you have something overdue, due soon or needing an update",
    DigestPreference.WEEKLY.value: "on Mondays when you have something overdue, due soon or needing an update",
    DigestPreference.OFF.value: "never: you have turned reminders off",
}
# Audit fields that move with every progress update and say nothing a reader needs.
QUIET_FIELDS = frozenset({"last_progress_at", "version", "updated_at", "position", "email_link"})


def digest_settings() -> rules.DigestSettings:
    config = current_app.config
    return rules.DigestSettings(
        due_soon_working_days=config["DUE_SOON_WORKING_DAYS"],
        escalation_working_days=config["ESCALATION_WORKING_DAYS"],
        stale_update_weeks=config["STALE_UPDATE_WEEKS"],
    )


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TRACKER_TIMEZONE"])


def local_date(value: datetime | None) -> date | None:
    """The council's calendar day of an instant."""
    return clock.as_utc(value).astimezone(_zone()).date() if value is not None else None


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the council's time zone, as UTC."""
    return datetime.combine(day, time(0), tzinfo=_zone()).astimezone(UTC)


# Loading facts ------------------------------------------------------------------------------------


def load_people() -> dict[int, rules.Person]:
    query = select(User.id, User.name, User.email, User.active, User.digest_preference, User.line_manager_id).order_by(
        User.id
    )
    return {
        row.id: rules.Person(
            user_id=row.id,
            name=row.name,
            email=row.email,
            active=row.active,
            digest_preference=row.digest_preference.value,
            line_manager_id=row.line_manager_id,
        )
        for row in db.session.execute(query)
    }


def _action_columns() -> tuple:
    return (
        Action.id,
        Action.reference,
        Action.title,
        Action.inspection_id,
        Inspection.title.label("inspection_title"),
        Action.owner_id,
        Action.due_on,
        Action.status,
        Action.rag,
        Recommendation.timescale,
        Action.last_progress_at,
        Action.created_at,
    )


def _facts(rows: Iterable, people: dict[int, rules.Person]) -> list[rules.ActionFacts]:
    facts = []
    for row in rows:
        owner = people.get(row.owner_id) if row.owner_id is not None else None
        facts.append(
            rules.ActionFacts(
                action_id=row.id,
                reference=row.reference,
                title=row.title,
                inspection_id=row.inspection_id,
                inspection_title=row.inspection_title,
                owner_id=row.owner_id,
                due_on=row.due_on,
                status=row.status.value,
                rag=row.rag.value if row.rag else None,
                timescale=row.timescale.label,
                last_progress_on=local_date(row.last_progress_at or row.created_at),
                owner_name=owner.name if owner else "",
                progress_recorded=row.last_progress_at is not None,
            )
        )
    return facts


def _actions_query():  # noqa: ANN202 - a Select of the columns above
    return (
        select(*_action_columns())
        .join(Inspection, Inspection.id == Action.inspection_id)
        .join(Recommendation, Recommendation.id == Action.recommendation_id)
        .where(Action.archived_at.is_(None))
    )


def load_reminder_actions(
    today: date, settings: rules.DigestSettings, people: dict[int, rules.Person], *, owner_ids: Sequence[int] = ()
) -> list[rules.ActionFacts]:
    """Open, owned actions in live plans that are overdue, due soon or may need an update (one query)."""
    due_soon_limit = add_working_days(today, settings.due_soon_working_days, BANK_HOLIDAYS, counting="after")
    # A day's slack either side of the time zone; the domain decides exactly.
    stale_cutoff = start_of_day(today - timedelta(weeks=settings.stale_update_weeks) + timedelta(days=2))
    query = _actions_query().where(
        Action.status.in_(OPEN_STATUSES),
        Action.owner_id.is_not(None),
        Inspection.plan_status.in_(LIVE_PLAN_STATUSES),
        Inspection.closed_at.is_(None),
        or_(Action.due_on <= due_soon_limit, func.coalesce(Action.last_progress_at, Action.created_at) < stale_cutoff),
    )
    if owner_ids:
        query = query.where(Action.owner_id.in_(list(owner_ids)))
    return _facts(db.session.execute(query), people)


# Daily digests -----------------------------------------------------------------------------------


def digest_key(digest: rules.Digest) -> str:
    return f"digest:{digest.person.user_id}:{digest.day.isoformat()}"


def first_digest_run_of_week(today: date) -> bool:
    """True unless the daily digest already ran on an earlier day of this week (weekly people get
    theirs at the week's first run: Monday, or later when Monday was a holiday or missed)."""
    monday = rules.week_start(today)
    query = select(func.count()).where(JobRun.job == DIGEST_JOB, JobRun.run_on >= monday, JobRun.run_on < today)
    return not db.session.scalar(query)


def plan_digests(today: date, *, first_run_of_week: bool) -> list[rules.Digest]:
    """Today's digests, decided from the database (two queries)."""
    settings = digest_settings()
    people = load_people()
    actions = load_reminder_actions(today, settings, people)
    return rules.build_digests(
        people.values(),
        actions,
        today=today,
        holidays=BANK_HOLIDAYS,
        settings=settings,
        first_run_of_week=first_run_of_week,
    )


@dataclass
class QueueCounts:
    decided: int = 0
    already_queued: int = 0
    queued: int = 0
    details: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {"decided": self.decided, "already_queued": self.already_queued, "queued": self.queued, **self.details}


def queue_digests(digests: Sequence[rules.Digest], today: date, now: datetime, *, dry_run: bool = False) -> QueueCounts:
    """Queue each digest with its update links, skipping any already queued (a fixed number of queries)."""
    existing = existing_dedupe_keys(digest_key(digest) for digest in digests)
    new = [digest for digest in digests if digest_key(digest) not in existing]
    counts = QueueCounts(decided=len(digests), already_queued=len(digests) - len(new))
    counts.details = {
        "overdue_actions": sum(len(d.overdue) for d in new),
        "due_soon_actions": sum(len(d.due_soon) for d in new),
        "needs_update_actions": sum(len(d.needs_update) for d in new),
        "escalated_actions": sum(len(d.escalated) for d in new),
    }
    if dry_run or not new:
        return counts
    tokens = issue_links(((item.action.action_id, d.person.user_id) for d in new for item in d.own_items), today, now)
    emails = DigestEmails(today)
    counts.queued = queue_prepared_emails([emails.render(digest, tokens) for digest in new])
    counts.details["withdrawn_older_digests"] = withdraw_older_digests(new, today)
    return counts


def withdraw_older_digests(digests: Sequence[rules.Digest], today: date) -> int:
    """Withdraw the still-queued digests from days before `today` of the people in `digests` (two queries).

    Today's digest lists everything still owed, so after a mail outage each person gets one
    digest, not one for every day the server was down (DESIGN §6, issue 5 requirement 4).
    """
    people = {digest.person.user_id for digest in digests}
    if not people:
        return 0
    queued = db.session.execute(
        select(OutboxEmail.id, OutboxEmail.dedupe_key).where(
            OutboxEmail.state == EmailState.QUEUED, OutboxEmail.dedupe_key.startswith("digest:")
        )
    )
    older = []
    for email_id, key in queued:
        _, user_id, day = key.split(":")
        if int(user_id) in people and date.fromisoformat(day) < today:
            older.append(email_id)
    reason = f"Withdrawn, not sent: replaced by the digest for {format_date(today)}, which lists everything still owed"
    return withdraw_emails(older, reason)


class DigestEmails:
    """Renders digests; URLs are built once per action without a request."""

    def __init__(self, today: date) -> None:
        self._renderer = EmailRenderer("digest")
        self._url = UrlBuilder()
        self._common = {
            "reminders_url": self._url("reminders.manage_reminders"),
            "link_expires_on": link_expires_on(today),
            "settings": digest_settings(),
        }

    def render(self, digest: rules.Digest, tokens: dict[tuple[int, int], str] | None) -> PreparedEmail:
        user_id = digest.person.user_id
        update_links = {}
        if tokens is not None:
            update_links = {
                item.action.action_id: self._url(
                    "reminders.update_from_email", token=tokens[(item.action.action_id, user_id)]
                )
                for item in digest.own_items
            }
        action_urls = {
            item.action.action_id: self._url("actions.view_action", action_id=item.action.action_id)
            for item in digest.own_items + digest.escalated
        }
        return self._renderer.render(
            recipient=digest.person.email,
            subject=digest.subject,
            dedupe_key=digest_key(digest),
            digest=digest,
            update_links=update_links,
            action_urls=action_urls,
            preference_text=PREFERENCE_TEXT[digest.person.digest_preference],
            **self._common,
        )


@dataclass(frozen=True)
class Preview:
    person: rules.Person
    digest: rules.Digest | None
    email: PreparedEmail | None
    # Why the person would not get it on that day, or None when they would.
    not_sent_because: str | None

    @property
    def would_send(self) -> bool:
        return self.digest is not None and self.not_sent_because is None


def preview_digest(user: User, today: date) -> Preview:
    """What `user`'s digest for `today` says, and whether they would get it (no links are issued)."""
    settings = digest_settings()
    people = load_people()
    person = people[user.id]
    team = [p.user_id for p in people.values() if p.line_manager_id == user.id and p.user_id != user.id]
    actions = load_reminder_actions(today, settings, people, owner_ids=[user.id, *team])
    candidates = rules.build_digests(
        people.values(),
        actions,
        today=today,
        holidays=BANK_HOLIDAYS,
        settings=settings,
        first_run_of_week=True,
        only_due=False,
    )
    digest = next((d for d in candidates if d.person.user_id == user.id), None)
    first_run = first_digest_run_of_week(today)
    reason = rules.why_no_digest(person, today, BANK_HOLIDAYS, first_run_of_week=first_run)
    email = DigestEmails(today).render(digest, None) if digest else None
    return Preview(person=person, digest=digest, email=email, not_sent_because=reason)


# Statutory alerts --------------------------------------------------------------------------------


def _open_deadlines() -> list[StatutoryDeadline]:
    query = (
        select(StatutoryDeadline)
        .join(Inspection, Inspection.id == StatutoryDeadline.inspection_id)
        .options(selectinload(StatutoryDeadline.inspection).selectinload(Inspection.managers))
        .where(
            StatutoryDeadline.met_on.is_(None),
            StatutoryDeadline.due_on.is_not(None),
            Inspection.closed_at.is_(None),
            Inspection.plan_status != PlanStatus.CLOSED,
        )
        .order_by(StatutoryDeadline.due_on, StatutoryDeadline.id)
    )
    return list(db.session.scalars(query))


def queue_statutory_alerts(today: date, *, dry_run: bool = False) -> QueueCounts:
    """Alert the inspection's programme managers 10, 5 and 1 working days before each open deadline."""
    planned: list[tuple[str, User, StatutoryDeadline, int]] = []
    for deadline in _open_deadlines():
        if deadline.due_on is None:
            continue
        threshold = rules.statutory_alert_threshold(today, deadline.due_on, BANK_HOLIDAYS)
        if threshold is None:
            continue
        for manager in deadline.inspection.managers:
            if manager.active:
                key = f"statutory:{deadline.id}:{deadline.due_on.isoformat()}:{threshold}:{manager.id}"
                planned.append((key, manager, deadline, threshold))
    existing = existing_dedupe_keys(key for key, *_ in planned)
    new = [entry for entry in planned if entry[0] not in existing]
    counts = QueueCounts(decided=len(planned), already_queued=len(planned) - len(new))
    if dry_run or not new:
        return counts
    renderer, url = EmailRenderer("statutory_alert"), UrlBuilder()
    emails = []
    for key, manager, deadline, threshold in new:
        left = working_days_between(today, deadline.due_on or today, BANK_HOLIDAYS)
        emails.append(
            renderer.render(
                recipient=manager.email,
                subject=f"Statutory deadline in {left} working day{'' if left == 1 else 's'}: {deadline.title}",
                dedupe_key=key,
                person=manager,
                deadline=deadline,
                inspection=deadline.inspection,
                working_days_left=left,
                threshold=threshold,
                inspection_url=url("inspections.view_inspection", inspection_id=deadline.inspection_id),
            )
        )
    counts.queued = queue_prepared_emails(emails)
    return counts


# Update requests before a meeting -----------------------------------------------------------------


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
    query = _actions_query().where(
        Action.inspection_id == inspection_id, Action.status.in_(OPEN_STATUSES), Action.owner_id.is_not(None)
    )
    return _facts(db.session.execute(query.order_by(Recommendation.position, Action.position, Action.id)), people)


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
            if person.active:
                items = tuple(rules.digest_item(action, today, BANK_HOLIDAYS, settings) for action in actions)
                requests.append(UpdateRequest(meeting, person, since, items))
    return requests


def queue_update_requests(today: date, now: datetime, *, dry_run: bool = False) -> QueueCounts:
    requests = plan_update_requests(today)
    existing = existing_dedupe_keys(request.dedupe_key for request in requests)
    new = [request for request in requests if request.dedupe_key not in existing]
    counts = QueueCounts(decided=len(requests), already_queued=len(requests) - len(new))
    counts.details = {"actions": sum(len(request.items) for request in new)}
    if dry_run or not new:
        return counts
    tokens = issue_links(((i.action.action_id, r.person.user_id) for r in new for i in r.items), today, now)
    renderer, url = EmailRenderer("update_request"), UrlBuilder()
    emails = [
        renderer.render(
            recipient=request.person.email,
            subject=f"Please update your actions before {request.meeting.committee} on "
            f"{format_date(request.meeting.meets_on)}",
            dedupe_key=request.dedupe_key,
            request=request,
            update_links={
                i.action.action_id: url(
                    "reminders.update_from_email", token=tokens[(i.action.action_id, request.person.user_id)]
                )
                for i in request.items
            },
            action_urls={
                i.action.action_id: url("actions.view_action", action_id=i.action.action_id) for i in request.items
            },
            link_expires_on=link_expires_on(today),
            today=today,
            reply_by=previous_working_day(request.meeting.meets_on, BANK_HOLIDAYS),
        )
        for request in new
    ]
    counts.queued = queue_prepared_emails(emails)
    return counts


# Weekly programme summary ---------------------------------------------------------------------------


def summary_key(user_id: int, week_of: date) -> str:
    return f"summary:{user_id}:{week_of.isoformat()}"


def _managed_inspections() -> list[Inspection]:
    query = (
        select(Inspection)
        .options(selectinload(Inspection.managers))
        .where(Inspection.closed_at.is_(None), Inspection.plan_status != PlanStatus.CLOSED)
        .order_by(Inspection.id)
    )
    return [inspection for inspection in db.session.scalars(query) if inspection.managers]


def _week_changes(inspection_ids: list[int], since: datetime, until: datetime) -> dict[int, list[rules.ChangeFacts]]:
    """Progress updates and changed fields in the week, per inspection (two queries)."""
    changes: dict[int, list[rules.ChangeFacts]] = defaultdict(list)
    updates = (
        select(ProgressUpdate.created_at, ProgressUpdate.status, ProgressUpdate.rag, Action.inspection_id,
               Action.reference, User.name, ProgressUpdate.via_email_link)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .outerjoin(User, User.id == ProgressUpdate.author_id)
        .where(Action.inspection_id.in_(inspection_ids), ProgressUpdate.created_at >= since,
               ProgressUpdate.created_at < until)
    )  # fmt: skip
    for row in db.session.execute(updates):
        what = f"Progress update: {row.status.label}, {row.rag.label}" + (
            " (from an email link)" if row.via_email_link else ""
        )
        changes[row.inspection_id].append(
            rules.ChangeFacts(clock.as_utc(row.created_at), row.inspection_id, what, row.name or "", row.reference)
        )
    events = (
        select(AuditEvent.occurred_at, AuditEvent.inspection_id, AuditEvent.entity_type, AuditEvent.entity_id,
               AuditEvent.field, AuditEvent.old_value, AuditEvent.new_value, User.name, Action.reference)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Action, (AuditEvent.entity_type == Action.__tablename__) & (Action.id == AuditEvent.entity_id))
        .where(AuditEvent.inspection_id.in_(inspection_ids), AuditEvent.occurred_at >= since,
               AuditEvent.occurred_at < until, AuditEvent.field.not_in(QUIET_FIELDS))
    )  # fmt: skip
    for row in db.session.execute(events):
        what = rules.describe_change(row.field, row.old_value, row.new_value)
        changes[row.inspection_id].append(
            rules.ChangeFacts(
                clock.as_utc(row.occurred_at), row.inspection_id, what, row.name or "", row.reference or ""
            )
        )
    return changes


def plan_programme_summaries(today: date) -> list[rules.ProgrammeSummary]:
    """One summary per active programme manager, covering each inspection they run (fixed queries)."""
    inspections = _managed_inspections()
    if not inspections:
        return []
    ids = [inspection.id for inspection in inspections]
    people = load_people()
    actions: dict[int, list[rules.ActionFacts]] = defaultdict(list)
    for action in _facts(db.session.execute(_actions_query().where(Action.inspection_id.in_(ids))), people):
        actions[action.inspection_id].append(action)
    deadlines: dict[int, list[rules.DeadlineFacts]] = defaultdict(list)
    for row in db.session.execute(
        select(StatutoryDeadline.id, StatutoryDeadline.inspection_id, StatutoryDeadline.title,
               StatutoryDeadline.due_on, StatutoryDeadline.met_on)
        .where(StatutoryDeadline.inspection_id.in_(ids), StatutoryDeadline.due_on.is_not(None))
    ):  # fmt: skip
        deadlines[row.inspection_id].append(rules.DeadlineFacts(*row))
    changes = _week_changes(ids, start_of_day(today - timedelta(days=7)), start_of_day(today))
    horizon = current_app.config["SUMMARY_DEADLINE_WORKING_DAYS"]
    timescales = [timescale.label for timescale in Timescale]
    summaries: dict[int, list[rules.InspectionSummary]] = defaultdict(list)
    for inspection in inspections:
        summary = rules.summarise_inspection(
            inspection_id=inspection.id,
            title=f"{inspection.authority}: {inspection.title}",
            actions=actions[inspection.id],
            changes=changes[inspection.id],
            deadlines=deadlines[inspection.id],
            timescales=timescales,
            today=today,
            holidays=BANK_HOLIDAYS,
            deadline_horizon_working_days=horizon,
        )
        for manager in inspection.managers:
            summaries[manager.id].append(summary)
    week_of = rules.week_start(today)
    return [
        rules.ProgrammeSummary(people[user_id], week_of, tuple(items))
        for user_id, items in sorted(summaries.items())
        if people[user_id].active
    ]


def queue_programme_summaries(today: date, *, dry_run: bool = False) -> QueueCounts:
    summaries = plan_programme_summaries(today)
    keys = {summary.person.user_id: summary_key(summary.person.user_id, summary.week_of) for summary in summaries}
    existing = existing_dedupe_keys(keys.values())
    new = [summary for summary in summaries if keys[summary.person.user_id] not in existing]
    counts = QueueCounts(decided=len(summaries), already_queued=len(summaries) - len(new))
    counts.details = {"inspections": len({i.inspection_id for s in new for i in s.inspections})}
    if dry_run or not new:
        return counts
    renderer, url = EmailRenderer("programme_summary"), UrlBuilder()
    emails = [
        renderer.render(
            recipient=summary.person.email,
            subject=summary.subject,
            dedupe_key=keys[summary.person.user_id],
            summary=summary,
            today=today,
            deadline_horizon=current_app.config["SUMMARY_DEADLINE_WORKING_DAYS"],
            inspection_urls={
                i.inspection_id: url("inspections.view_inspection", inspection_id=i.inspection_id)
                for i in summary.inspections
            },
        )
        for summary in new
    ]
    counts.queued = queue_prepared_emails(emails)
    return counts


def set_digest_preference(user: User, preference: str, *, actor: User) -> bool:
    """Change how often `user` gets a digest; recorded in the history."""
    return bool(apply_changes(user, {"digest_preference": DigestPreference(preference)}, actor=actor))
