"""A report that does not number its recommendations (any ILACS report, imported as it is): every page, export,
report and email names them by their place in the list, and the plan's status can change (issue 11, attack 12)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import openpyxl
import pdfplumber
import pytest
from bs4 import BeautifulSoup
from docx import Document
from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, InspectionFactory, ProgressUpdateFactory, RecommendationFactory, UserFactory
from tracker import clock, jobs
from tracker.models import (
    Action,
    Framework,
    Inspection,
    OutboxEmail,
    PlanStatus,
    ProgressReport,
    Rag,
    Recommendation,
    Role,
    Timescale,
    User,
)

# Python's None where a recommendation number belongs ("Recommendation None", "None of 3", "None, 3", "None.1"),
# not the word a page means ("Overall judgement: None given", "Background papers: None.").
STRAY_NONE = re.compile(r"[Rr]ecommendation\s+None\b|\bNone\s+of\s+\d|\bNone,|,\s*None\b|\bNone\.\d|\d\.None\b")


@dataclass
class Ilacs:
    inspection: Inspection
    recommendations: list[Recommendation]
    manager: User
    owner: User
    actions: list[Action]


@pytest.fixture
def ilacs(db_session, now) -> Ilacs:  # noqa: ANN001
    """An ILACS plan in draft: three recommendations without numbers, the third with no action yet."""
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, name="Jo Clarke")
    owner = UserFactory(role=Role.SERVICE_MANAGER, name="Sam Patel")
    inspection = InspectionFactory(
        framework=Framework.ILACS,
        title="Inspection of children's social care services",
        published_on=date(2026, 4, 1),
        received_on=date(2026, 3, 25),
        plan_status=PlanStatus.DRAFT,
        managers=[manager],
    )
    recommendations = [
        RecommendationFactory(
            inspection=inspection,
            number=None,
            position=n,
            timescale=Timescale.IMMEDIATE,
            text=f"the quality of supervision in team {n + 1}",
        )  # fmt: skip
        for n in range(3)
    ]
    actions = [
        ActionFactory(recommendation=recommendations[0], reference="1.1", title="Audit supervision", owner=owner,
                      due_on=date(2026, 11, 2), rag=Rag.RED, created_at=datetime(2026, 5, 1, tzinfo=UTC)),
        ActionFactory(recommendation=recommendations[1], reference="2.1", title="Train team managers", owner=owner,
                      due_on=date(2027, 1, 29), rag=Rag.GREEN, created_at=datetime(2026, 5, 1, tzinfo=UTC)),
    ]  # fmt: skip
    ProgressUpdateFactory(
        action=actions[0], rag=Rag.RED, narrative="Slipping", created_at=datetime(2026, 11, 20, 10, tzinfo=UTC)
    )
    db_session.commit()
    return Ilacs(inspection, recommendations, manager, owner, actions)


def _no_stray_none(text: str, where: str) -> None:
    match = STRAY_NONE.search(text)
    assert match is None, f"{where}: …{text[max(0, match.start() - 80) : match.end() + 20]}…"


def test_the_status_of_a_plan_whose_recommendations_have_no_numbers_can_change(client, db_session, ilacs) -> None:
    sign_in(client, ilacs.manager)
    url = f"/inspections/{ilacs.inspection.id}/plan/status"

    page = client.get(url)

    assert page.status_code == 200
    assert "1 of 3 recommendations has no actions: 3" in soup(page).select_one(".govuk-warning-text").text
    response = client.submit(url, {"status": "consultation", "confirm_unactioned": "y"})
    assert response.status_code == 302
    db_session.refresh(ilacs.inspection)
    assert ilacs.inspection.plan_status == PlanStatus.CONSULTATION


def test_pages_name_unnumbered_recommendations_by_their_place(client, db_session, ilacs) -> None:
    sign_in(client, ilacs.manager)
    inspection_id, first = ilacs.inspection.id, ilacs.recommendations[0].id
    pages = {
        f"/inspections/{inspection_id}": "3.",
        f"/inspections/{inspection_id}/plan": "Recommendation 3",
        f"/inspections/{inspection_id}/plan/print": "Recommendation 2",
        f"/inspections/{inspection_id}/dashboard": "3 of 3",
        f"/inspections/{inspection_id}/recommendations/{first}/edit": "Change recommendation 1",
        f"/recommendations/{ilacs.recommendations[2].id}/actions/new": "Recommendation 3",
        f"/actions/{ilacs.actions[0].id}": "Recommendation 1",
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        text = soup(response).get_text(" ", strip=True)
        assert expected in text, url
        _no_stray_none(text, url)


def test_the_plan_downloads_give_each_recommendation_its_place(client, db_session, ilacs) -> None:
    sign_in(client, ilacs.manager)
    base = f"/inspections/{ilacs.inspection.id}/plan/download"

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/xlsx").data))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Recommendation")
    numbers = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    lines = list(csv.reader(io.StringIO(client.get(f"{base}/csv").data.decode("utf-8-sig"))))
    csv_numbers = [line[lines[0].index("Recommendation")] for line in lines[1:]]

    assert [str(n) for n in numbers] == ["1", "2", "3"]
    assert csv_numbers == ["1", "2", "3"]


def test_the_progress_report_names_unnumbered_recommendations_in_html_pdf_and_word(client, db_session, ilacs) -> None:
    report = ProgressReport(
        inspection=ilacs.inspection, committee="Cabinet", meets_on=date(2026, 12, 7), as_at=date(2026, 11, 20),
        title="ILACS action plan: progress report", report_of="the Director of Children's Services",
    )  # fmt: skip
    db_session.add(report)
    db_session.commit()
    sign_in(client, ilacs.manager)

    html = soup(client.get(f"/reports/{report.id}/print")).get_text(" ", strip=True)
    pdf_response = client.get(f"/reports/{report.id}/download.pdf")
    with pdfplumber.open(io.BytesIO(pdf_response.data)) as pdf:
        pdf_text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    docx_response = client.get(f"/reports/{report.id}/download.docx")
    document = Document(io.BytesIO(docx_response.data))
    word_text = "\n".join(paragraph.text for paragraph in document.paragraphs)

    assert (pdf_response.status_code, docx_response.status_code) == (200, 200)
    for name, text in (("HTML", html), ("PDF", pdf_text), ("Word", word_text)):
        assert all(f"Recommendation {n}" in text for n in (1, 2, 3)), name
        _no_stray_none(text, name)


def test_the_digest_and_the_weekly_summary_cope_with_unnumbered_recommendations(app, db_session, ilacs) -> None:
    ilacs.inspection.plan_status = PlanStatus.PUBLISHED
    db_session.commit()
    app.config["TRACKER_NOW"] = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)

    results = [
        jobs.daily_digests(date(2026, 11, 23), clock.now()),
        jobs.programme_summaries(date(2026, 11, 23), clock.now()),
    ]

    assert [result.outcome for result in results] == ["done", "done"]
    db_session.expire_all()
    sent = {email.recipient: email for email in db_session.scalars(select(OutboxEmail))}
    digest, summary = sent[ilacs.owner.email], sent[ilacs.manager.email]
    assert "1.1" in digest.text_body and "Audit supervision" in digest.text_body
    assert "1.1 Audit supervision" in summary.text_body
    for email in (digest, summary):
        _no_stray_none(email.subject + email.text_body, email.dedupe_key)
        _no_stray_none(BeautifulSoup(email.html_body, "html.parser").get_text(" ", strip=True), email.dedupe_key)
