"""PostgreSQL stopped and started again under load: /healthz says the database is unreachable while
it is down, and afterwards every request succeeds again without gunicorn or its workers restarting.

It runs on both the SQLite and the PostgreSQL test runs, against a throwaway PostgreSQL cluster of
its own (tests.postgres_cluster), so stopping it disturbs nothing else. Two restarts:

1. a real outage: people keep saving progress and a monitor keeps asking /healthz while it lasts;
2. a quick restart while nobody is asking, so every worker is left holding a pooled connection to the
   old server: the first request on each must still succeed (pool_pre_ping, config.py).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

import config
from tests.factories import ActionFactory, InspectionFactory, RecommendationFactory, UserFactory
from tests.load.support import Client, Server, gunicorn, save_progress, wait_for
from tests.postgres_cluster import Cluster, running_cluster
from tracker import create_app
from tracker.extensions import db
from tracker.models import ProgressUpdate, Role

PEOPLE = 6
WORKERS = 2
UNREACHABLE = {"status": "unavailable", "database": {"reachable": False}}


@dataclass(frozen=True)
class Event:
    kind: str  # health, accepted, conflict or error
    started: float
    finished: float
    status: int
    detail: str = ""
    narrative: str = ""


@dataclass
class Recorder:
    events: list[Event] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, event: Event) -> None:
        with self.lock:
            self.events.append(event)

    def count(self, condition: Callable[[Event], bool]) -> int:
        with self.lock:
            return sum(1 for event in self.events if condition(event))


@dataclass
class Person:
    client: Client
    number: int
    action_ids: list[int]
    sent: int = 0


class Load:
    """People saving progress and a monitor polling /healthz, in threads, until stopped."""

    def __init__(self, people: list[Person], monitor: Client, recorder: Recorder) -> None:
        self.people, self.monitor, self.recorder = people, monitor, recorder
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def __enter__(self) -> Load:
        self.stopping.clear()
        self.threads = [threading.Thread(target=self._save, args=(person,)) for person in self.people]
        self.threads.append(threading.Thread(target=self._watch))
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in self.threads), "a request never got an answer"

    def _save(self, person: Person) -> None:
        rng = random.Random(person.number)
        while not self.stopping.is_set():
            person.sent += 1
            action_id = rng.choice(person.action_ids)
            narrative = f"Restart test: person {person.number}, update {person.sent}"
            started = time.monotonic()
            outcome = save_progress(person.client, action_id, narrative, "amber", rng.uniform(0, 0.02))
            self.recorder.add(Event(outcome.kind, started, time.monotonic(), outcome.status, outcome.detail, narrative))
            if outcome.kind == "error":
                time.sleep(0.05)  # as a person would before trying again

    def _watch(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                reply = self.monitor.get("/healthz")
                status, detail = reply.status, reply.text
            except OSError as error:
                status, detail = 0, repr(error)
            self.recorder.add(Event("health", started, time.monotonic(), status, detail))
            time.sleep(0.05)


def _prepare(url: str) -> tuple[list[tuple[str, list[int]]], list[int]]:
    """Migrate the throwaway database and add two shared actions, their owners and two programme managers."""

    class Config(config.TestingConfig):
        def __init__(self) -> None:
            super().__init__()
            self.SQLALCHEMY_DATABASE_URI = url

    application = create_app(Config)
    with application.app_context():
        upgrade()
        managers = [UserFactory(role=Role.PROGRAMME_MANAGER) for _ in range(PEOPLE - 2)]
        inspection = InspectionFactory(managers=managers)
        owners = [UserFactory() for _ in range(2)]
        actions = [
            ActionFactory(owner=owner, recommendation=RecommendationFactory(inspection=inspection)) for owner in owners
        ]
        db.session.commit()
        action_ids = [action.id for action in actions]
        people = [(owner.email, [action.id]) for owner, action in zip(owners, actions, strict=True)]
        people += [(manager.email, action_ids) for manager in managers]
        db.session.remove()
        db.engine.dispose()
    return people, action_ids


def _is_ok(event: Event) -> bool:
    if event.kind == "health":
        return event.status == 200 and json.loads(event.detail)["database"] == {"reachable": True}
    return event.kind in ("accepted", "conflict")


def _reports_outage(event: Event) -> bool:
    return event.status == 503 and json.loads(event.detail) == UNREACHABLE


def _restart(cluster: Cluster, *, wait_while_down: Callable[[float], None]) -> tuple[float, ...]:
    stop_began = time.monotonic()
    cluster.stop()
    stopped = time.monotonic()
    wait_while_down(stopped)
    start_began = time.monotonic()
    cluster.start()
    return stop_began, stopped, start_began, time.monotonic()


def _database_sessions(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            query = (
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return connection.scalar(text(query))
    finally:
        engine.dispose()


def _saved_narratives(url: str, action_ids: list[int]) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            query = select(ProgressUpdate.narrative).where(ProgressUpdate.action_id.in_(action_ids))
            return list(connection.scalars(query))
    finally:
        engine.dispose()


def _check_server(server: Server, workers: set[int]) -> None:
    assert server.process.poll() is None, "gunicorn stopped"
    assert server.worker_pids() == workers, "gunicorn restarted its workers"


def test_postgresql_restarted_under_load_healthz_reports_the_outage_and_the_app_recovers_by_itself(
    tmp_path: Path, capsys
) -> None:
    recorder = Recorder()
    with running_cluster("tracker_restart") as cluster:
        people, action_ids = _prepare(cluster.url)
        with gunicorn(cluster.url, tmp_path, workers=WORKERS) as server:
            workers = server.worker_pids()
            persons = [Person(server.signed_in(email), n, ids) for n, (email, ids) in enumerate(people)]
            load = Load(persons, server.client(), recorder)

            # 1. An outage under load, long enough for the monitor to see it several times.
            with load:
                assert wait_for(lambda: recorder.count(lambda e: e.kind == "accepted") >= 10)

                def until_seen_five_times(stopped: float) -> None:
                    seen = lambda: recorder.count(lambda e: e.kind == "health" and e.started > stopped)  # noqa: E731
                    assert wait_for(lambda: seen() >= 5)

                outage = _restart(cluster, wait_while_down=until_seen_five_times)
                recovered = outage[-1]
                assert wait_for(lambda: recorder.count(lambda e: e.kind == "accepted" and e.started > recovered) >= 10)
            _check_server(server, workers)

            # 2. A quick restart between requests: every worker still holds a connection to the old server.
            assert _database_sessions(cluster.url) >= WORKERS
            quick = _restart(cluster, wait_while_down=lambda _stopped: None)
            with load:
                assert wait_for(lambda: recorder.count(lambda e: e.kind == "accepted" and e.started > quick[-1]) >= 10)
            _check_server(server, workers)
            log = server.log_tail(400)

        saved = _saved_narratives(cluster.url, action_ids)

    _check_events(recorder.events, outage, quick, log)
    _check_saved(recorder.events, saved)
    during = [e for e in recorder.events if outage[1] < e.started and e.finished < outage[2]]
    with capsys.disabled():
        print(
            f"\nPostgreSQL restart: while down, /healthz answered 503 (database unreachable) "
            f"{sum(e.kind == 'health' for e in during)} times and {sum(e.kind != 'health' for e in during)} "
            f"progress saves failed; after each restart every request succeeded "
            f"({recorder.count(lambda e: e.started > outage[-1] and _is_ok(e))} requests), same {WORKERS} workers"
        )


def _check_events(events: list[Event], outage: tuple[float, ...], quick: tuple[float, ...], log: str) -> None:
    windows = [(outage[0], outage[-1]), (quick[0], quick[-1])]
    outside = [e for e in events if all(e.finished < begin or e.started > end for begin, end in windows)]
    failures = [e for e in outside if not _is_ok(e)]
    assert failures == [], f"{len(failures)} requests failed while the database was up: {failures[:3]}\n{log}"
    assert all(e.status != 0 for e in events), "a worker dropped a connection"
    during = [e for e in events if outage[1] < e.started and e.finished < outage[2]]
    health = [e for e in during if e.kind == "health"]
    assert len(health) >= 5 and all(_reports_outage(e) for e in health), health[:3]
    assert all(e.kind == "error" and e.status == 500 for e in during if e.kind != "health"), during[:3]
    # The first requests after each restart are the ones a stale pooled connection would have failed.
    assert sum(1 for e in outside if e.started > quick[-1]) >= 10


def _check_saved(events: list[Event], saved: list[str]) -> None:
    """Nothing accepted was lost, nothing refused was saved, nothing was saved twice."""
    accepted = {e.narrative for e in events if e.kind == "accepted"}
    refused = {e.narrative for e in events if e.kind == "conflict"}
    unknown = {e.narrative for e in events if e.kind == "error"}  # failed mid-outage: saved or not
    assert [text for text, count in Counter(saved).items() if count > 1] == []
    assert accepted <= set(saved), "an accepted update was lost"
    assert set(saved) <= accepted | unknown
    assert not refused & set(saved)
