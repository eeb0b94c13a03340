"""A council-scale dataset for benchmarks: 100 inspections, 2,000 recommendations, 10,000 actions,
100,000 progress updates and 1,000 people, written with PostgreSQL's COPY (bulk inserts on SQLite); `--scale 10`
is ten times it (100,000 actions, 1,000,000 progress updates, 10,000 people) in a minute or two.

    .venv/bin/python -m bench.dataset --database-url postgresql://... [--scale 1.0]

Dates are placed around `--today` so that every page has overdue, due-soon and on-track work: about 2,750
open actions are overdue (55 pages of the overdue list, so "page 50" exists). Each inspection keeps the text of
a real report (tests/fixtures/reports, 66 to 117 kB), as imported inspections do.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, Table, create_engine, insert, text
from werkzeug.security import generate_password_hash

from tracker.models import (
    Action,
    ProgressUpdate,
    Recommendation,
    StatutoryDeadline,
    User,
    inspection_managers,
)
from tracker.models.inspection import Inspection, Judgement

PASSWORD = "bench-password-123"
REPORTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reports"
TIMESCALES = ("immediate", "six_months", "longer_term", "improvement")
AGENCIES = ("Council", "NHS", "Police", "Schools", "Probation")
RAGS = ("red", "amber", "green", "green", "green", "blue")


@dataclass(frozen=True)
class Scale:
    inspections: int = 100
    recommendations_per_inspection: int = 20
    actions_per_recommendation: int = 5
    updates_per_action: int = 10
    users: int = 1000

    @classmethod
    def scaled(cls, factor: float) -> Scale:
        return cls(inspections=max(1, int(100 * factor)), users=max(10, int(1000 * factor)))


def _batches(rows: Iterable[dict], size: int = 5000) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write(engine: Engine, table: Table, rows: Iterable[dict]) -> int:
    """Write `rows` (dicts with the same keys) into `table`: PostgreSQL's COPY, or batched inserts elsewhere."""
    count = 0
    if engine.dialect.name != "postgresql":
        with engine.begin() as connection:
            for batch in _batches(rows):
                connection.execute(insert(table), batch)
                count += len(batch)
        return count
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    columns = list(first)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in itertools.chain([first], iterator):
                copy.write_row([row[column] for column in columns])
                count += 1
        raw.commit()
    finally:
        raw.close()
    return count


def _users(scale: Scale, now: datetime) -> list[dict]:
    password_hash = generate_password_hash(PASSWORD, method="scrypt")
    roles = ["service_manager"] * 85 + ["programme_manager"] * 8 + ["viewer"] * 5 + ["admin"] * 2
    return [
        {
            "id": i,
            "name": f"Bench Person {i}",
            "email": f"user{i}@bench.test",
            "password_hash": password_hash,
            "job_title": "Service manager",
            "organisation": AGENCIES[i % len(AGENCIES)],
            "role": roles[i % len(roles)] if i > 4 else ("admin" if i == 1 else "programme_manager"),
            "line_manager_id": None if i <= 10 else 1 + (i % 10),
            "active": True,
            "digest_preference": "daily",
            "created_at": now,
            "updated_at": now,
        }
        for i in range(1, scale.users + 1)
    ]


def _inspection(i: int, today: date, now: datetime, report_texts: list[str]) -> dict:
    published = _published(i, today)
    return {
        "id": i, "authority": f"Bench Council {i}", "title": f"Inspection of children's services {i}",
        "framework": "ILACS", "inspectorate": "Ofsted", "published_on": published,
        "received_on": published - timedelta(days=10), "plan_status": "published",
        "source_filename": "report.pdf", "source_text": report_texts[i % len(report_texts)],
        "immediate_due": "action_plan", "three_months_months": 3, "six_months_months": 6,
        "longer_term_months": 18, "improvement_months": 12, "rag_amber_within_working_days": 10,
        "created_at": now, "updated_at": now,
    }  # fmt: skip


def _published(i: int, today: date) -> date:
    return today - timedelta(days=60 + (i * 37) % 900)


def _plan(scale: Scale, today: date, now: datetime, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Every inspection's recommendations and actions."""
    recommendations, actions = [], []
    action_id = recommendation_id = 0
    for i in range(1, scale.inspections + 1):
        for r in range(scale.recommendations_per_inspection):
            recommendation_id += 1
            recommendations.append(
                {
                    "id": recommendation_id, "inspection_id": i, "number": str(r + 1),
                    "timescale": TIMESCALES[r % len(TIMESCALES)], "addressee": "The local authority",
                    "text": f"improve the quality of practice in area {r + 1} so that children are safer",
                    "position": r, "created_at": now, "updated_at": now,
                }
            )  # fmt: skip
            for a in range(scale.actions_per_recommendation):
                action_id += 1
                offset = rng.randint(-120, 240)
                rag = RAGS[rng.randrange(len(RAGS))]
                status = "complete" if rag == "blue" else ("not_started" if offset > 200 else "in_progress")
                actions.append(
                    {
                        "id": action_id, "recommendation_id": recommendation_id, "inspection_id": i,
                        "reference": f"{r + 1}.{a + 1}", "title": f"Action {r + 1}.{a + 1} for inspection {i}",
                        "description": "", "owner_id": 1 + rng.randrange(scale.users), "lead_agency": AGENCIES[a % 5],
                        "start_on": _published(i, today), "due_on": today + timedelta(days=offset),
                        "original_due_on": today + timedelta(days=offset), "success_criteria": "Measured monthly",
                        "status": status, "rag": rag, "position": a, "version": 1,
                        "last_progress_at": now - timedelta(days=rng.randint(1, 90)),
                        "completed_on": today - timedelta(days=5) if status == "complete" else None,
                        "created_at": now - timedelta(days=200), "updated_at": now,
                    }
                )  # fmt: skip
    return recommendations, actions


def _updates(actions: list[dict], scale: Scale, now: datetime) -> Iterator[dict]:
    update_id = 0
    for action in actions:
        for u in range(scale.updates_per_action):
            update_id += 1
            yield {
                "id": update_id, "action_id": action["id"], "inspection_id": action["inspection_id"],
                "author_id": action["owner_id"],
                "created_at": now - timedelta(days=10 * (scale.updates_per_action - u)),
                "status": "in_progress", "rag": RAGS[(u + action["id"]) % 4],
                "narrative": "Progress this month: milestones met and evidence filed.",
                "evidence_links": "", "via_email_link": False, "request_reason": "", "decision_note": "",
            }  # fmt: skip


def generate(database_url: str, today: date, scale: Scale, seed: int = 2008) -> dict[str, int]:
    """Fill an empty, migrated database; returns the row counts written. On PostgreSQL every table is written with
    COPY, streamed (ten times the council's size, a million progress updates, takes a minute or two)."""
    rng = random.Random(seed)
    engine = create_engine(database_url)
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    users = _users(scale, now)
    managers = [u["id"] for u in users if u["role"] == "programme_manager"]
    report_texts = [path.read_text() for path in sorted(REPORTS.glob("*.txt"))]
    inspection_ids = range(1, scale.inspections + 1)
    recommendations, actions = _plan(scale, today, now, rng)
    counts = {
        "users": _write(engine, User.__table__, users),
        "inspections": _write(engine, Inspection.__table__,
                              (_inspection(i, today, now, report_texts) for i in inspection_ids)),
    }  # fmt: skip
    _write(engine, Judgement.__table__, (
        {"inspection_id": i, "area": "Overall effectiveness", "grade": "Requires improvement", "position": 0}
        for i in inspection_ids
    ))  # fmt: skip
    _write(engine, inspection_managers, ({"inspection_id": i, "user_id": managers[i % len(managers)]}
                                         for i in inspection_ids))  # fmt: skip
    _write(engine, StatutoryDeadline.__table__, (
        {"inspection_id": i, "kind": "action_plan", "title": "Written statement of proposed action",
         "working_days": 70, "due_on": _published(i, today) + timedelta(days=98),
         "computed_due_on": _published(i, today) + timedelta(days=98),
         "override_reason": "", "rule_source": "", "created_at": now, "updated_at": now}
        for i in inspection_ids
    ))  # fmt: skip
    counts["recommendations"] = _write(engine, Recommendation.__table__, recommendations)
    counts["actions"] = _write(engine, Action.__table__, actions)
    counts["progress_updates"] = _write(engine, ProgressUpdate.__table__, _updates(actions, scale, now))
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for name in ("users", "inspections", "recommendations", "actions", "progress_updates", "judgements",
                         "statutory_deadlines"):  # fmt: skip
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
                )
        # What autovacuum does soon after a bulk load: statistics, and the visibility map index-only scans rely on.
        # Then a checkpoint: the load's and the vacuum's pages written out now, rather than by the next timed
        # checkpoint, which spreads them over the following minutes (checkpoint_completion_target), the minutes in
        # which the pages are measured.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("CHECKPOINT"))
    engine.dispose()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.database_url, args.today, Scale.scaled(args.scale))
    print(f"Generated {counts} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
