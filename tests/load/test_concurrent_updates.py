"""20 people posting progress to the same few actions at once, through gunicorn for real.

Every update the server accepts is recorded exactly once; every one it turns away is turned away as a
version conflict (409, "changed after you opened this page"); nothing fails with a 5xx. The counts
are printed with the result; LOAD_TEST_SECONDS sets how long it runs (20 by default).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from tests.factories import ActionFactory, InspectionFactory, RecommendationFactory, UserFactory
from tests.load.support import Client, Outcome, save_progress
from tracker.models import Action, ProgressUpdate, Role

USERS = 20
SHARED_ACTIONS = 3
WORKERS = 3


@dataclass
class Tally:
    """What the server answered, across every simulated person."""

    accepted: list[tuple[int, str]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_errors: int = 0
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome, action_id: int, narrative: str) -> None:
        with self.lock:
            if outcome.kind == "accepted":
                self.accepted.append((action_id, narrative))
            elif outcome.kind == "conflict":
                self.conflicts.append(narrative)
            else:
                self.errors.append(outcome.detail)
            self.requests += outcome.requests
            self.server_errors += outcome.status >= 500


def _people_and_actions(db_session) -> tuple[list[tuple[str, list[int]]], dict[int, int]]:  # noqa: ANN001
    """Three service managers each owning a shared action, and 17 programme managers of the inspection."""
    inspection = InspectionFactory()
    owners = [UserFactory(role=Role.SERVICE_MANAGER) for _ in range(SHARED_ACTIONS)]
    actions = [
        ActionFactory(owner=owner, recommendation=RecommendationFactory(inspection=inspection)) for owner in owners
    ]
    managers = [
        UserFactory(role=Role.PROGRAMME_MANAGER, job_title="Programme manager") for _ in range(USERS - SHARED_ACTIONS)
    ]
    inspection.managers.extend(managers)
    db_session.commit()
    action_ids = [action.id for action in actions]
    people = [(owner.email, [action.id]) for owner, action in zip(owners, actions, strict=True)]
    people += [(manager.email, action_ids) for manager in managers]
    return people, {action.id: action.version for action in actions}


def _post_updates(client: Client, number: int, action_ids: list[int], deadline: float, tally: Tally) -> None:
    """One person: open an action's progress form, fill it in, save; again and again until the deadline."""
    rng = random.Random(number)
    sent = 0
    while time.monotonic() < deadline:
        action_id = rng.choice(action_ids)
        sent += 1
        narrative = f"Load test: person {number}, update {sent}, action {action_id}"
        # A short, random pause between opening the form and saving it, as a person reading it would.
        outcome = save_progress(client, action_id, narrative, rng.choice(["green", "amber"]), rng.uniform(0, 0.05))
        tally.add(outcome, action_id, narrative)


def test_twenty_people_updating_shared_actions_each_update_is_saved_once_or_refused_as_a_conflict(
    db_session, start_server, load_seconds, database_url, capsys
) -> None:
    people, versions_before = _people_and_actions(db_session)
    server = start_server(workers=WORKERS)
    clients = [server.signed_in(email) for email, _ in people]
    tally = Tally()
    deadline = time.monotonic() + load_seconds
    threads = [
        threading.Thread(target=_post_updates, args=(client, number, action_ids, deadline, tally))
        for number, (client, (_email, action_ids)) in enumerate(zip(clients, people, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=load_seconds + 120)
    assert not any(thread.is_alive() for thread in threads), "a simulated person never got an answer"

    with capsys.disabled():
        print(
            f"\nLoad test ({database_url.split(':', 1)[0]}, gunicorn with {WORKERS} workers, {USERS} people, "
            f"{SHARED_ACTIONS} shared actions, {load_seconds:g} s): {len(tally.accepted)} accepted, "
            f"{len(tally.conflicts)} conflicts, {len(tally.errors)} errors ({tally.server_errors} 5xx); "
            f"{tally.requests} requests, {tally.requests / load_seconds:.0f} a second"
        )
    assert tally.errors == [], f"{len(tally.errors)} errors, first: {tally.errors[:5]}\n{server.log_tail()}"
    assert tally.server_errors == 0
    assert tally.accepted, "no update was accepted"
    assert tally.conflicts, "no update was refused: the people never raced each other"

    db_session.expire_all()
    saved = db_session.execute(
        select(ProgressUpdate.action_id, ProgressUpdate.narrative).where(ProgressUpdate.action_id.in_(versions_before))
    ).all()
    duplicates = [text for text, count in Counter(text for _, text in saved).items() if count > 1]
    assert duplicates == [], "an update was recorded twice"
    assert sorted(saved) == sorted(tally.accepted), "the updates saved are not the updates accepted"
    assert not set(tally.conflicts) & {text for _, text in saved}, "a refused update was saved"
    # Each accepted update moved its action's version on by exactly one; refused ones did not move it.
    accepted_per_action = Counter(action_id for action_id, _ in tally.accepted)
    versions_after = dict(
        db_session.execute(select(Action.id, Action.version).where(Action.id.in_(versions_before))).all()
    )
    assert versions_after == {
        action_id: version + accepted_per_action[action_id] for action_id, version in versions_before.items()
    }
