"""The update link in a digest: opens one action's progress form without a password, once, for its owner."""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from itsdangerous import URLSafeSerializer
from sqlalchemy import event, select

from tests.conftest import security_events, sign_in, soup
from tests.integration.reminders.conftest import TODAY, action, manager, person, set_now
from tracker import clock, jobs
from tracker.domain.tokens import hash_token
from tracker.models import (
    Action,
    ActionLinkToken,
    ActionLinkUse,
    ActionStatus,
    AuditEvent,
    OutboxEmail,
    ProgressUpdate,
    Rag,
)
from tracker.reminders.links import issue_links, link_expires_at

LINK = re.compile(r"\* (?P<reference>\S+) .*?\n(?:.*\n)*?  Record progress \(no sign-in needed\): (?P<url>\S+)")


def update_links(db_session, recipient: str) -> dict[str, str]:
    """The update link paths in `recipient`'s digest, by action reference."""
    email = db_session.scalars(select(OutboxEmail).where(OutboxEmail.recipient == recipient)).one()
    return {m["reference"]: urlsplit(m["url"]).path for m in LINK.finditer(email.text_body)}


def digest_for(db_session, **action_values) -> tuple[Action, str]:  # noqa: ANN003
    owner = person(name="Aisha Khan")
    subject = action(owner, date(2026, 11, 2), reference="3.1", title="Audit case files", **action_values)
    db_session.commit()
    jobs.daily_digests(TODAY, clock.now())
    path = update_links(db_session, owner.email)["3.1"]
    return subject, path


GOOD_UPDATE = {"status": "in_progress", "rag": "red", "narrative": "Audit half done; the rest by Friday."}


def test_the_link_records_progress_without_signing_in_and_only_once(client, db_session, digest_time) -> None:
    subject, path = digest_for(db_session)
    assert path.startswith("/update/")

    page = client.get(path)
    assert page.status_code == 200
    html = soup(page)
    assert html.select_one("h1").text == "Record progress"
    assert "3.1 Audit case files" in html.text and "Aisha Khan" in html.text
    assert client.get(path).status_code == 200  # opening it (as a mail scanner might) does not spend it

    response = client.submit(path, GOOD_UPDATE)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/progress-recorded")
    thanks = soup(client.get(response.headers["Location"]))
    assert "Progress recorded for 3.1 Audit case files" in thanks.text

    [update] = db_session.scalars(select(ProgressUpdate)).all()
    assert (update.author_id, update.via_email_link, update.status, update.rag) == (
        subject.owner_id, True, ActionStatus.IN_PROGRESS, Rag.RED
    )  # fmt: skip
    assert update.narrative == GOOD_UPDATE["narrative"]
    history = {e.field: e for e in db_session.scalars(select(AuditEvent).where(AuditEvent.entity_id == subject.id))}
    assert history["email_link"].actor_id == subject.owner_id
    assert history["email_link"].old_value == "sent 24 November 2026"
    assert history["email_link"].new_value == "used to record progress without signing in"
    key = db_session.scalars(select(ActionLinkToken)).one()
    use = db_session.scalars(select(ActionLinkUse)).one()
    assert (use.link_id, use.action_id) == (key.id, subject.id)

    again = client.get(path)
    assert again.status_code == 410
    assert "This link has already been used" in soup(again).select_one("h1").text
    assert client.submit(path, GOOD_UPDATE, page_url="/sign-in").status_code == 410
    assert len(db_session.scalars(select(ProgressUpdate)).all()) == 1


def test_a_form_with_errors_keeps_the_link(client, db_session, digest_time) -> None:
    _subject, path = digest_for(db_session)
    response = client.submit(path, {"status": "in_progress", "rag": "red", "narrative": ""})
    assert response.status_code == 400
    assert soup(response).select_one(".govuk-error-summary") is not None
    assert db_session.scalars(select(ActionLinkUse)).all() == []
    assert client.submit(path, GOOD_UPDATE).status_code == 302


def test_the_link_works_until_the_end_of_the_day_the_email_names(app, client, db_session, digest_time) -> None:
    _subject, path = digest_for(db_session)
    email = db_session.scalars(select(OutboxEmail)).one()
    assert "It works once, until 8 December 2026." in email.text_body  # 14 days after 24 November
    set_now(app, datetime(2026, 12, 8, 23, 59, 59, tzinfo=UTC))  # GMT: London time
    assert client.get(path).status_code == 200
    set_now(app, datetime(2026, 12, 9, 0, 0, tzinfo=UTC))
    response = client.get(path)
    assert response.status_code == 410
    assert soup(response).select_one("h1").text == "This link has expired"


def test_a_job_run_for_another_day_dates_its_links_from_that_day(app, client, db_session, digest_time) -> None:
    owner = person()
    action(owner, date(2026, 11, 2), reference="3.1")
    db_session.commit()
    jobs.daily_digests(date(2027, 6, 1), clock.now())  # run by hand with --date, months after the clock's today
    email = db_session.scalars(select(OutboxEmail)).one()
    assert "It works once, until 15 June 2027." in email.text_body
    path = {m["reference"]: urlsplit(m["url"]).path for m in LINK.finditer(email.text_body)}["3.1"]
    set_now(app, datetime(2027, 6, 15, 22, 59, 59, tzinfo=UTC))  # 23:59:59 in London (BST)
    assert client.get(path).status_code == 200
    set_now(app, datetime(2027, 6, 15, 23, 0, tzinfo=UTC))
    assert client.get(path).status_code == 410


def test_the_link_stops_when_the_action_is_reassigned_or_closed(client, db_session, digest_time) -> None:
    subject, path = digest_for(db_session)
    subject.owner = person()
    db_session.commit()
    assert soup(client.get(path)).select_one("h1").text == "This action is no longer yours"
    subject = db_session.get(Action, subject.id)
    subject.owner_id = db_session.scalars(select(ActionLinkToken.user_id)).one()
    subject.status = ActionStatus.COMPLETE
    db_session.commit()
    assert soup(client.get(path)).select_one("h1").text == "This action is closed"


def test_the_owner_can_stop_every_link_they_were_sent(client, db_session, digest_time) -> None:
    subject, path = digest_for(db_session)
    owner = subject.owner
    sign_in(client, owner)
    page = soup(client.get("/reminders"))
    assert "1 link in your reminder emails can still be used" in page.text
    response = client.submit("/reminders/email-links/stop", page_url="/reminders")
    assert response.status_code == 302
    assert "1 update link in your emails no longer work" in soup(client.get("/reminders")).text
    client.post("/sign-out", data={"csrf_token": client.csrf_token("/reminders")})
    assert soup(client.get(path)).select_one("h1").text == "This link has been turned off"
    fields = [e.field for e in db_session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "users"))]
    assert "email_links" in fields


def test_a_deactivated_owner_cannot_use_their_links(client, db_session, digest_time) -> None:
    subject, path = digest_for(db_session)
    subject.owner.active = False
    db_session.commit()
    assert client.get(path).status_code == 410


def test_altered_or_unknown_links_do_nothing(client, db_session, digest_time) -> None:
    _subject, path = digest_for(db_session)
    token = path.rsplit("/", 1)[1]
    payload, _, signature = token.rpartition(".")
    assert client.get(f"/update/{payload}.{signature[:-2]}xx").status_code == 404
    assert client.get("/update/not-a-token").status_code == 404
    other = action(person(), date(2026, 11, 2))
    db_session.commit()
    # A correctly signed token that was never issued (the database has only hashes of issued keys).
    forged = URLSafeSerializer("test-secret-key-not-for-production", salt="action-update-link").dumps(
        [other.id, other.owner_id, "guess"]
    )
    assert client.get(f"/update/{forged}").status_code == 404


def test_a_stale_form_is_not_saved_and_says_what_changed(client, db_session, digest_time) -> None:
    subject, path = digest_for(db_session)
    page = soup(client.get(path))
    hidden = {name: page.select_one(f"input[name={name}]")["value"] for name in ("version", "seen", "csrf_token")}
    programme_manager = person(name="Jo Clarke")
    from tracker.actions.services.editing import update_action

    update_action(db_session.get(Action, subject.id), {"due_on": date(2026, 12, 18)}, actor=programme_manager)
    db_session.commit()
    response = client.post(path, data={**hidden, **GOOD_UPDATE})
    assert response.status_code == 409
    assert "This action was changed after you opened this page" in soup(response).text
    assert "Jo Clarke" in soup(response).text
    assert db_session.scalars(select(ActionLinkUse)).all() == []
    assert client.submit(path, GOOD_UPDATE).status_code == 302


def test_the_weekly_summary_shows_an_update_came_from_an_email_link(client, db_session, digest_time) -> None:
    subject, path = digest_for(db_session)
    jo = manager(subject.inspection, name="Jo Clarke")
    db_session.commit()
    client.submit(path, GOOD_UPDATE)
    jobs.programme_summaries(date(2026, 11, 30), clock.now())
    summary = db_session.scalars(select(OutboxEmail).where(OutboxEmail.recipient == jo.email)).one()
    assert "Aisha Khan recorded progress on 3.1: In progress, Red – off track (from an email link)" in (
        summary.text_body
    )
    assert "Email link" not in summary.text_body


def test_one_link_sent_from_five_browsers_at_once_records_one_update(app, client, db_session, digest_time) -> None:
    _subject, path = digest_for(db_session)
    browsers = [app.test_client() for _ in range(5)]
    tokens = [browser.csrf_token(path) for browser in browsers]
    start = threading.Barrier(5)

    def send(i: int) -> int:
        start.wait()
        return browsers[i].post(path, data={"csrf_token": tokens[i], **GOOD_UPDATE}).status_code

    with ThreadPoolExecutor(max_workers=5) as pool:
        statuses = sorted(pool.map(send, range(5)))

    assert statuses == [302, 410, 410, 410, 410]
    assert len(db_session.scalars(select(ProgressUpdate)).all()) == 1


def test_using_a_link_is_a_security_event_and_the_log_never_shows_its_secret(client, db_session, digest_time, caplog):
    caplog.set_level(logging.INFO, logger="tracker")
    subject, path = digest_for(db_session)
    assert client.submit(path, GOOD_UPDATE).status_code == 302
    [logged] = security_events(caplog, "update_link_used")
    update = db_session.scalars(select(ProgressUpdate)).one()
    assert (logged["user_id"], logged["action_id"], logged["progress_update_id"]) == (
        subject.owner_id, subject.id, update.id
    )  # fmt: skip
    secret = path.removeprefix("/update/")
    assert secret not in caplog.text
    assert "/update/[redacted]" in caplog.text


def test_a_change_to_the_title_since_the_link_was_opened_merges(client, db_session, digest_time) -> None:
    subject, path = digest_for(db_session)
    page = soup(client.get(path))
    hidden = {name: page.select_one(f"input[name={name}]")["value"] for name in ("version", "seen", "csrf_token")}
    from tracker.actions.services.editing import update_action

    changes = {"title": "Audit every open case file", "success_criteria": "All files audited"}
    update_action(db_session.get(Action, subject.id), changes, actor=person(name="Jo Clarke"))
    db_session.commit()
    response = client.post(path, data={**hidden, **GOOD_UPDATE})
    assert response.status_code == 302
    action_now = db_session.get(Action, subject.id)
    assert (action_now.title, action_now.status, action_now.rag) == (
        "Audit every open case file", ActionStatus.IN_PROGRESS, Rag.RED
    )  # fmt: skip
    assert db_session.scalars(select(ProgressUpdate)).one().narrative == GOOD_UPDATE["narrative"]


def test_a_runs_links_share_a_key_per_owner_stored_in_one_statement_with_only_its_hash(db_session, digest_time):
    """Issue 17: each owner's links in a run are signed with one key, stored once with the actions its links open;
    on PostgreSQL one INSERT … SELECT from arrays rather than a statement per key (an executemany), on SQLite one
    executemany. Each (action, owner) gets its own link; only the key's SHA-256 is stored, with its expiry."""
    owner, other = person(), person()
    actions = [action(owner, date(2026, 11, 2)) for _ in range(3)] + [action(other, date(2026, 11, 3))]
    db_session.commit()
    pairs = [(a.id, a.owner_id) for a in actions] + [(actions[0].id, owner.id)]  # the first one twice
    executions: list[bool] = []
    engine = db_session.get_bind()

    def record(_conn, _cursor, _statement, _params, _context, executemany) -> None:  # noqa: ANN001
        executions.append(executemany)

    event.listen(engine, "before_cursor_execute", record)
    try:
        tokens = issue_links(pairs, TODAY, clock.now())
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert executions == [engine.dialect.name != "postgresql"]
    assert set(tokens) == set(pairs) and len(set(tokens.values())) == 4
    serializer = URLSafeSerializer("test-secret-key-not-for-production", salt="action-update-link")
    keys = {}
    for (action_id, user_id), token in tokens.items():
        named_action, named_user, key = serializer.loads(token)
        assert (named_action, named_user) == (action_id, user_id)
        assert keys.setdefault(user_id, key) == key  # one key for each owner's links
    assert len(set(keys.values())) == 2
    stored = db_session.execute(
        select(ActionLinkToken.user_id, ActionLinkToken.token_hash, ActionLinkToken.action_ids)
    ).all()
    assert sorted(stored) == sorted(
        [
            (owner.id, hash_token(keys[owner.id]), ",".join(str(a.id) for a in actions[:3])),
            (other.id, hash_token(keys[other.id]), str(actions[3].id)),
        ]
    )
    for link in db_session.scalars(select(ActionLinkToken)):
        assert clock.as_utc(link.created_at) == clock.now()
        assert clock.as_utc(link.expires_at) == link_expires_at(TODAY)
        assert link.revoked_at is None


def test_a_link_opens_only_its_own_action_and_using_it_leaves_the_others_in_the_email(
    client, db_session, digest_time
) -> None:
    """The links of one email share a key, but each is signed for its action: a link re-signed for another of the
    owner's actions, one the email did not list, is refused, and using one link leaves the email's others working."""
    owner = person(name="Aisha Khan")
    first = action(owner, date(2026, 11, 2), reference="3.1", title="Audit case files")
    second = action(owner, date(2026, 11, 3), reference="3.2", title="Train the duty team")
    db_session.commit()
    jobs.daily_digests(TODAY, clock.now())
    paths = update_links(db_session, owner.email)
    not_in_the_email = action(owner, date(2027, 6, 1), reference="3.3", title="Later work")
    db_session.commit()
    serializer = URLSafeSerializer("test-secret-key-not-for-production", salt="action-update-link")
    _action_id, _user_id, key = serializer.loads(paths["3.1"].rsplit("/", 1)[1])
    resigned = serializer.dumps([not_in_the_email.id, owner.id, key])
    assert client.get(f"/update/{resigned}").status_code == 404

    assert client.submit(paths["3.1"], GOOD_UPDATE).status_code == 302
    assert client.get(paths["3.1"]).status_code == 410
    page = client.get(paths["3.2"])
    assert page.status_code == 200 and "3.2 Train the duty team" in soup(page).text
    assert client.submit(paths["3.2"], GOOD_UPDATE).status_code == 302
    uses = db_session.execute(select(ActionLinkUse.action_id)).scalars().all()
    assert sorted(uses) == sorted([first.id, second.id])
    updated = db_session.scalars(select(ProgressUpdate.action_id)).all()
    assert sorted(updated) == sorted([first.id, second.id])
