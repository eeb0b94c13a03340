"""Creating, previewing, editing, issuing and downloading progress reports, and who may do each."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from tests.conftest import security_events, sign_in, soup
from tests.factories import UserFactory
from tests.integration.reports.conftest import AS_AT, REPORT_FORM, Plan, at
from tracker.models import ActionStatus, ProgressReport, ProgressUpdate, Rag, ReportState, Role


def create_report(client, plan: Plan, **changes) -> ProgressReport:  # noqa: ANN001, ANN003
    from tracker.extensions import db

    url = f"/inspections/{plan.inspection.id}/reports/new"
    response = client.submit(url, {**REPORT_FORM, **changes})
    assert response.status_code == 302, soup(response).get_text(" ", strip=True)[:800]
    return db.session.query(ProgressReport).order_by(ProgressReport.id.desc()).first()


def test_a_manager_creates_a_draft_and_sees_figures_as_at_the_date(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    page = soup(client.get(f"/inspections/{plan.inspection.id}/reports/new"))
    assert page.select_one("h1").text.strip() == "Create a progress report"
    report = create_report(client, plan)
    assert report.state == ReportState.DRAFT
    assert report.as_at == AS_AT
    assert report.forward_timetable == [
        {"committee": "OSMB", "meets_on": "2026-11-26"},
        {"committee": "Cabinet", "meets_on": "2026-12-07"},
    ]
    implications = {row["topic"]: row for row in report.other_implications}
    assert implications["equal_opportunities"] == {
        "topic": "equal_opportunities",
        "applies": True,
        "reference": "Paragraph 4.1",
    }
    assert implications["policy"]["applies"] is False
    assert implications["crime_disorder"]["applies"] is None

    page = soup(client.get(f"/reports/{report.id}"))
    text = page.get_text(" ", strip=True)
    assert page.select_one("h1").text.strip() == "JAR action plan: progress report"
    assert "As at 20 November 2026 the action plan has 4 actions" in text
    exceptions = page.select_one("table.app-report__table--exceptions")
    assert [row.select("td")[0].text for row in exceptions.select("tbody tr")] == ["1.1"]
    assert "Off track: the venue fell through" in exceptions.text
    assert "The preferred provider withdrew from the framework" in text
    chart_title = page.select_one("svg.app-report-chart title").text
    assert chart_title.startswith("Actions by RAG rating and timescale. For immediate action: 2 actions (1 Red")
    sections = [h.text.strip() for h in page.select(".app-report h2")]
    assert sections[:7] == [
        "1. Purpose of report",
        "2. Summary",
        "3. Recommendations",
        "4. Report",
        "5. Financial, legal and other implications",
        "6. Background papers – Local Government Act 1972",
        "7. Report author",
    ]
    assert sections[7] == "Appendix 1 – Action plan as at 20 November 2026"


def test_invalid_details_are_shown_with_what_was_typed(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    url = f"/inspections/{plan.inspection.id}/reports/new"
    response = client.submit(
        url, {**REPORT_FORM, "committee": "", "meets_on": ["31", "2", "2027"], "as_at": ["1", "1", "2027"]}
    )
    assert response.status_code == 400
    page = soup(response)
    summary = page.select_one(".govuk-error-summary").text
    assert "Enter the committee" in summary
    assert "Meeting date must be a real date" in summary
    assert "The as-at date must be today or in the past" in summary
    assert page.select_one("#meets_on-day")["value"] == "31"
    assert page.select_one("#title")["value"] == "JAR action plan: progress report"


def test_an_as_at_date_before_the_inspection_report_was_published_is_refused(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    url = f"/inspections/{plan.inspection.id}/reports/new"
    response = client.submit(url, {**REPORT_FORM, "as_at": ["1", "1", "1900"]})
    assert response.status_code == 400
    page = soup(response)
    assert (
        "The as-at date must be on or after the report's publication date, 3 June 2008"
        in page.select_one(".govuk-error-summary").text
    )
    assert page.select_one("#as_at-year")["value"] == "1900"
    report = create_report(client, plan)
    response = client.submit(f"/reports/{report.id}/edit", {**REPORT_FORM, "as_at": ["2", "6", "2008"]})
    assert response.status_code == 400
    assert client.submit(f"/reports/{report.id}/edit", {**REPORT_FORM, "as_at": ["3", "6", "2008"]}).status_code == 302


def test_a_new_report_is_prefilled_from_the_previous_one(client, plan: Plan, db_session) -> None:
    from tracker.models import Meeting

    sign_in(client, plan.manager)
    create_report(client, plan)
    db_session.add(Meeting(inspection=plan.inspection, committee="OSMB", meets_on=date(2027, 1, 21)))
    db_session.add(Meeting(inspection=plan.inspection, committee="Cabinet", meets_on=date(2027, 2, 1)))
    db_session.commit()
    page = soup(client.get(f"/inspections/{plan.inspection.id}/reports/new"))
    assert page.select_one("#purpose").text.strip() == "To report progress on the JAR action plan."
    assert page.select_one("#legal_officer")["value"].startswith("Cathy Healy")
    assert page.select_one("#equal_opportunities_applies")["checked"] is not None
    # The previous report's meetings (26 November, 7 December) have happened: the timetable is the
    # inspection's upcoming meetings, as for a first report.
    assert page.select_one("#timetable_1_committee")["value"] == "OSMB"
    assert page.select_one("#timetable_1_meets_on-day")["value"] == "21"
    assert page.select_one("#timetable_2_committee")["value"] == "Cabinet"
    assert page.select_one("#timetable_2_meets_on-month")["value"] == "02"
    assert page.select_one("#meets_on-year")["value"] == "2027"
    # The as-at date moves on to today.
    assert page.select_one("#as_at-day")["value"] == "24"


def test_a_first_report_starts_from_the_inspections_meetings(client, plan: Plan, db_session) -> None:
    from tracker.models import Meeting

    db_session.add(Meeting(inspection=plan.inspection, committee="OSMB", meets_on=date(2026, 12, 3)))
    db_session.add(Meeting(inspection=plan.inspection, committee="Cabinet", meets_on=date(2026, 12, 14)))
    db_session.commit()
    sign_in(client, plan.manager)
    page = soup(client.get(f"/inspections/{plan.inspection.id}/reports/new"))
    assert page.select_one("#committee")["value"] == "Cabinet"
    assert page.select_one("#meets_on-day")["value"] == "14"
    assert page.select_one("#timetable_1_committee")["value"] == "OSMB"
    assert page.select_one("#timetable_2_committee")["value"] == "Cabinet"


def test_editing_a_draft_changes_its_narrative(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    report = create_report(client, plan)
    response = client.submit(f"/reports/{report.id}/edit", {**REPORT_FORM, "summary": "Revised summary."})
    assert response.status_code == 302
    page = soup(client.get(f"/reports/{report.id}"))
    assert "2.1 Revised summary." in page.get_text(" ", strip=True)


def test_issuing_freezes_the_report_whatever_happens_to_the_plan(client, plan: Plan, db_session) -> None:
    sign_in(client, plan.manager)
    report = create_report(client, plan)
    response = client.submit(f"/reports/{report.id}/issue", {})
    assert response.status_code == 302
    report = db_session.get(ProgressReport, report.id)
    assert report.state == ReportState.ISSUED
    assert report.issued_pdf.startswith(b"%PDF")
    assert report.issued_docx.startswith(b"PK")
    assert report.snapshot["figures"]["total"] == 4

    before = {
        "pdf": client.get(f"/reports/{report.id}/download.pdf").data,
        "docx": client.get(f"/reports/{report.id}/download.docx").data,
        "print": client.get(f"/reports/{report.id}/print").data,
        "page": soup(client.get(f"/reports/{report.id}")).select_one(".app-report").decode(),
    }
    assert before["pdf"] == report.issued_pdf

    # Afterwards the plan moves on: a new update, a new action, a changed title, even an update
    # back-dated into the reporting period. None of it may change what was issued.
    action = plan.actions["green"]
    db_session.add(
        ProgressUpdate(
            action=action,
            inspection_id=action.inspection_id,
            created_at=at(date(2026, 11, 19)),
            status=ActionStatus.COMPLETE,
            rag=Rag.BLUE,
            narrative="X",
        )
    )
    plan.actions["red"].title = "Renamed after issue"
    db_session.commit()

    after = {
        "pdf": client.get(f"/reports/{report.id}/download.pdf").data,
        "docx": client.get(f"/reports/{report.id}/download.docx").data,
        "print": client.get(f"/reports/{report.id}/print").data,
        "page": soup(client.get(f"/reports/{report.id}")).select_one(".app-report").decode(),
    }
    assert after == before
    assert "Renamed after issue" not in after["page"]

    # An issued report can no longer be edited or issued again.
    response = client.get(f"/reports/{report.id}/edit")
    assert response.status_code == 302
    listing = soup(client.get(f"/inspections/{plan.inspection.id}/reports"))
    assert "Cabinet, 7 December 2026" in listing.get_text(" ", strip=True)
    assert "Issued" in listing.get_text(" ", strip=True)


def test_the_print_view_allows_only_its_own_running_header_style(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    report = create_report(client, plan)
    response = client.get(f"/reports/{report.id}/print")
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self' 'sha256-" in policy
    assert "'unsafe-inline'" not in policy
    html = response.get_data(as_text=True)
    assert '<link rel="stylesheet" href="/assets/css/report.css">' in html
    assert '@top-left { content: "Leicester City Council"' in html


def test_deleting_a_draft(client, plan: Plan, db_session) -> None:
    sign_in(client, plan.manager)
    report_id = create_report(client, plan).id
    response = client.submit(f"/reports/{report_id}/delete", {})
    assert response.status_code == 302
    db_session.expunge_all()
    assert db_session.get(ProgressReport, report_id) is None


# ---------------------------------------------------------------------------------------------
# Who may do what: every route × every kind of person, for a draft and for an issued report.

READ_ROUTES = ["/reports/{id}", "/reports/{id}/print", "/reports/{id}/download.pdf", "/reports/{id}/download.docx"]
MANAGE_ROUTES = ["/reports/{id}/edit", "/reports/{id}/issue", "/reports/{id}/delete"]
PEOPLE = ["admin", "manager of this inspection", "programme manager of another", "service manager", "viewer"]


def person(kind: str, plan: Plan):  # noqa: ANN201
    if kind == "manager of this inspection":
        return plan.manager
    role = {
        "admin": Role.ADMIN,
        "programme manager of another": Role.PROGRAMME_MANAGER,
        "service manager": Role.SERVICE_MANAGER,
        "viewer": Role.VIEWER,
    }[kind]
    return UserFactory(role=role)


def draft_report(plan: Plan, db_session, state: ReportState = ReportState.DRAFT) -> ProgressReport:  # noqa: ANN001
    report = ProgressReport(
        inspection=plan.inspection,
        committee="Cabinet",
        meets_on=date(2026, 12, 7),
        as_at=AS_AT,
        title="Progress",
        state=ReportState.DRAFT,
    )
    db_session.add(report)
    db_session.flush()
    if state == ReportState.ISSUED:
        from tracker.reports.services import issue_report

        issue_report(report, issuer=plan.manager)
    db_session.commit()
    return report


@pytest.mark.parametrize("kind", PEOPLE)
def test_permission_matrix(client, plan: Plan, db_session, kind: str) -> None:
    user = person(kind, plan)
    db_session.commit()
    draft = draft_report(plan, db_session)
    issued = draft_report(plan, db_session, ReportState.ISSUED)
    manages = kind in ("admin", "manager of this inspection")
    sign_in(client, user)

    listing = client.get(f"/inspections/{plan.inspection.id}/reports")
    assert listing.status_code == 200
    links = {a["href"] for a in soup(listing).select("td a")}
    assert (f"/reports/{draft.id}" in links) is manages
    assert f"/reports/{issued.id}" in links
    assert client.get(f"/inspections/{plan.inspection.id}/reports/new").status_code == (200 if manages else 403)

    for route in READ_ROUTES:
        assert client.get(route.format(id=issued.id)).status_code == 200, route
        assert client.get(route.format(id=draft.id)).status_code == (200 if manages else 403), route
    for route in MANAGE_ROUTES:
        assert client.get(route.format(id=draft.id)).status_code == (200 if manages else 403), route
        # An issued report is never changed: managers are sent back to it, others refused.
        assert client.get(route.format(id=issued.id)).status_code == (302 if manages else 403), route
    if not manages:
        for route in MANAGE_ROUTES:
            response = client.submit(route.format(id=draft.id), REPORT_FORM, page_url="/")
            assert response.status_code == 403, route
        response = client.submit(f"/inspections/{plan.inspection.id}/reports/new", REPORT_FORM, page_url="/")
        assert response.status_code == 403
        assert db_session.get(ProgressReport, draft.id).state == ReportState.DRAFT


def test_signed_out_people_are_sent_to_sign_in(client, plan: Plan, db_session) -> None:
    issued = draft_report(plan, db_session, ReportState.ISSUED)
    for route in [*READ_ROUTES, *MANAGE_ROUTES]:
        response = client.get(route.format(id=issued.id))
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_missing_reports_and_inspections_are_404(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    assert client.get("/reports/999999").status_code == 404
    assert client.get("/inspections/999999/reports").status_code == 404


def test_issuing_a_report_is_a_security_event(client, plan: Plan, caplog) -> None:
    caplog.set_level(logging.INFO, logger="tracker.security")
    sign_in(client, plan.manager)
    report = create_report(client, plan)
    assert client.submit(f"/reports/{report.id}/issue", {}).status_code == 302
    [logged] = security_events(caplog, "report_issued")
    assert (logged["report_id"], logged["inspection_id"], logged["as_at"], logged["actor_id"]) == (
        report.id, plan.inspection.id, AS_AT.isoformat(), plan.manager.id
    )  # fmt: skip
