"""How long a Cabinet progress report takes to build: the demo plan and a generated 120-action plan.

    .venv/bin/python bench/bench_reports.py [--runs 3]

Works on a throwaway SQLite database (migrated, demo loaded, then a 120-action inspection with a year
of monthly updates and some revised due dates). For each plan it prints the CPU seconds to compute the
model as at today from the history, to render the HTML, the PDF (WeasyPrint) and the Word document
(python-docx), and the PDF's page count. Budgets: PDF under 5 s, Word under 2 s; exits with status 1
if a median misses its budget.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from functools import partial
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ on the path, not the project: the tracker package needs both.
sys.path.insert(0, str(ROOT))

PDF_BUDGET_SECONDS = 5.0
DOCX_BUDGET_SECONDS = 2.0
T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[T, float]:
    """The result and the CPU seconds this process spent: on a shared machine wall time mostly measures the
    neighbours (the wall-clock figures are printed alongside)."""
    started, wall = time.process_time(), time.perf_counter()
    result = work()
    WALL.append(time.perf_counter() - wall)
    return result, time.process_time() - started


WALL: list[float] = []


def _generated_plan(today: date, actions: int = 120) -> int:
    """An inspection with `actions` actions over 24 recommendations, monthly updates and revised dates."""
    from tracker.extensions import db
    from tracker.models import (
        Action,
        ActionStatus,
        AuditEvent,
        DueDateRequestState,
        Framework,
        Inspection,
        ProgressUpdate,
        Rag,
        Recommendation,
        Timescale,
        User,
    )

    owners = list(db.session.scalars(db.select(User)))
    inspection = Inspection(
        authority="Bench Borough Council",
        title="Inspection of local authority children's services (bench)",
        framework=Framework.ILACS,
        published_on=today - timedelta(days=400),
    )
    timescales = [Timescale.IMMEDIATE, Timescale.SIX_MONTHS, Timescale.LONGER_TERM]
    per_recommendation = actions // 24
    created = datetime.combine(today - timedelta(days=380), clock_time(9), tzinfo=UTC)
    rags = [Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.BLUE]
    for r in range(24):
        recommendation = Recommendation(
            inspection=inspection,
            number=str(r + 1),
            timescale=timescales[r % 3],
            text=f"improve the quality and consistency of practice in area {r + 1}, so that children are "
            "seen, heard and helped in good time and managers can show the difference it makes",
            position=r,
        )
        for a in range(per_recommendation):
            index = r * per_recommendation + a
            due_on = today + timedelta(days=(index % 9 - 3) * 20)
            action = Action(
                recommendation=recommendation,
                inspection=inspection,
                reference=f"{r + 1}.{a + 1}",
                title=f"Deliver improvement step {a + 1} for recommendation {r + 1} with partners",
                owner=owners[index % len(owners)],
                lead_agency="Bench Borough Council",
                due_on=due_on,
                original_due_on=due_on,
                success_criteria="Audit shows 80% of cases good or better; quarterly report to the board",
                status=ActionStatus.IN_PROGRESS,
                position=a,
                created_at=created,
            )
            db.session.add(action)
            for month in range(12):
                rag = rags[(index + month) % len(rags)] if month == 11 else Rag.GREEN
                db.session.add(
                    ProgressUpdate(
                        action=action,
                        inspection=inspection,
                        created_at=created + timedelta(days=30 * month + 1),
                        status=ActionStatus.COMPLETE if rag == Rag.BLUE else ActionStatus.IN_PROGRESS,
                        rag=rag,
                        narrative="Monthly update: audits completed, findings shared with team managers, "
                        "and the next cycle of practice workshops booked with partner agencies.",
                        requested_due_on=due_on + timedelta(days=60) if index % 10 == 0 and month == 6 else None,
                        request_reason="Partner consultation extended" if index % 10 == 0 and month == 6 else "",
                        request_state=DueDateRequestState.APPROVED if index % 10 == 0 and month == 6 else None,
                    )
                )
    db.session.add(inspection)
    db.session.flush()
    for action in db.session.scalars(db.select(Action).where(Action.inspection_id == inspection.id)):
        if action.position == 0 and int(action.reference.split(".")[0]) % 5 == 1:
            new_due = action.due_on + timedelta(days=60)
            db.session.add(
                AuditEvent(
                    occurred_at=created + timedelta(days=190),
                    entity_type="actions",
                    entity_id=action.id,
                    inspection_id=inspection.id,
                    field="due_on",
                    old_value=action.due_on.isoformat(),
                    new_value=new_due.isoformat(),
                )
            )
            action.due_on = new_due
    db.session.commit()
    return inspection.id


def measure(inspection_id: int, as_at: date, runs: int) -> dict[str, float | int]:
    import pdfplumber

    from tracker.extensions import db
    from tracker.models import Inspection
    from tracker.reports.render_docx import render_docx
    from tracker.reports.render_html import render_document
    from tracker.reports.render_pdf import render_pdf
    from tracker.reports.services import model_for_inspection

    inspection = db.session.get(Inspection, inspection_id)
    samples: dict[str, list[float]] = {"model": [], "html": [], "pdf": [], "pdf_wall": [], "docx": []}
    pdf = b""
    model = None
    for _ in range(runs):
        db.session.expire_all()
        model, seconds = timed(lambda: model_for_inspection(inspection, as_at))
        samples["model"].append(seconds)
        html, seconds = timed(partial(render_document, model))
        samples["html"].append(seconds)
        pdf, seconds = timed(partial(render_pdf, model, html=html))
        samples["pdf"].append(seconds)
        samples["pdf_wall"].append(WALL[-1])
        _docx, seconds = timed(partial(render_docx, model, made_at=datetime.now(UTC)))
        samples["docx"].append(seconds)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = len(document.pages)
    result: dict[str, float | int] = {name: statistics.median(values) for name, values in samples.items()}
    result.update(actions=model.figures.total if model else 0, pages=pages, pdf_bytes=len(pdf))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    os.environ["TRACKER_INSTANCE_PATH"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite'}"
    os.environ["SCHEDULER_ENABLED"] = "false"
    import logging

    from flask_migrate import upgrade

    from tracker import clock, create_app
    from tracker.demo.services import load_demo
    from tracker.extensions import db

    app = create_app()
    logging.disable(logging.INFO)
    failed = False
    with app.app_context():
        upgrade()
        today = clock.today()
        load_demo(today)
        db.session.commit()
        # The demo creates its actions today with a history before it; the report is as at today.
        demo_id = db.session.execute(db.text("SELECT id FROM inspections ORDER BY id LIMIT 1")).scalar_one()
        generated_id = _generated_plan(today)
        print(f"Progress report benchmark, median of {args.runs} runs, CPU seconds; budgets PDF < 5 s, Word < 2 s")
        print(f"{'plan':<34}{'actions':>8}{'pages':>7}{'model':>8}{'html':>8}{'pdf':>8}{'docx':>8}{'pdf wall':>10}")
        for name, inspection_id in (("Leicester JAR demo (16 recs)", demo_id), ("generated (24 recs)", generated_id)):
            figures = measure(inspection_id, today, args.runs)
            print(
                f"{name:<34}{figures['actions']:>8}{figures['pages']:>7}{figures['model']:>8.2f}"
                f"{figures['html']:>8.2f}{figures['pdf']:>8.2f}{figures['docx']:>8.2f}{figures['pdf_wall']:>10.2f}"
            )
            if figures["pdf"] >= PDF_BUDGET_SECONDS or figures["docx"] >= DOCX_BUDGET_SECONDS:
                failed = True
    if failed:
        print("Over budget")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
