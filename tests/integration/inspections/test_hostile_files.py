"""Reports built to overload a reader (issue 11, attacks 1 and 2, and their neighbours): each is stopped at a
bound of the child process that reads it (tracker.sandbox), the person is told on the form, and the web worker
is never the one doing the reading. The files are made by tests/hostile_files.py.

Each test has a hard timeout: before the bounds existed these requests ran for minutes inside the worker, and a
regression must fail the run, not hang it (the thread method, because the test client serves the request on
a thread of its own).
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from tests import hostile_files
from tests.conftest import soup
from tests.integration.inspections.conftest import PDFS, paste, upload
from tracker import sandbox
from tracker.models import ImportDraft

pytestmark = pytest.mark.timeout(90, method="thread")


def _drafts(db_session) -> int:  # noqa: ANN001
    return db_session.scalar(select(func.count()).select_from(ImportDraft))


def _refused(response, field: str) -> str:  # noqa: ANN001
    assert response.status_code == 400, soup(response).get_text(" ", strip=True)[:500]
    page = soup(response)
    assert page.select_one(".govuk-error-summary") is not None
    return page.select_one(f"#{field}-error").get_text(" ", strip=True).removeprefix("Error: ")


def test_a_pdf_of_forms_drawing_forms_is_stopped_at_the_cpu_bound(
    client, manager, db_session, quick_read_limits
) -> None:
    """Attack 1: 1.1 KB, 60 million lines of text to an extractor (29 s in pypdf alone, then the parser)."""
    data = hostile_files.pdf_nested_forms()
    assert len(data) < 1300
    started = time.monotonic()
    response = upload(client, data, "report.pdf")
    assert _refused(response, "report_file") == sandbox.TOO_SLOW
    assert time.monotonic() - started < 10
    assert soup(response).select_one("input[type=file]#report_file") is not None
    assert _drafts(db_session) == 0


def test_a_word_file_of_empty_paragraphs_is_stopped_at_the_cpu_bound(
    client, manager, db_session, quick_read_limits
) -> None:
    """Attack 2: 16 KB that unpack to 10 MB of empty paragraphs (157 s of text extraction in the worker)."""
    data = hostile_files.docx_empty_paragraphs()
    assert len(data) < 20_000
    assert _refused(upload(client, data, "report.docx"), "report_file") == sandbox.TOO_SLOW
    assert _drafts(db_session) == 0


def test_the_same_pdf_is_stopped_at_the_clock_when_the_cpu_bound_is_not_reached(
    client, manager, db_session, app
) -> None:
    app.config.update(FILE_READ_CPU_SECONDS=60, FILE_READ_SECONDS=2)
    started = time.monotonic()
    assert _refused(upload(client, hostile_files.pdf_nested_forms(), "report.pdf"), "report_file") == (sandbox.TOO_SLOW)
    assert time.monotonic() - started < 6


def test_a_report_that_needs_more_memory_than_the_bound_is_refused_with_that_reason(
    client, manager, db_session, app
) -> None:
    app.config.update(FILE_READ_MEMORY_MB=60)  # the 48-page report needs about 80 MB of address space
    data = (PDFS / "salford-2015-06-22.pdf").read_bytes()
    assert _refused(upload(client, data, "salford.pdf"), "report_file") == sandbox.TOO_MUCH_MEMORY
    assert _drafts(db_session) == 0


def test_pasted_text_is_read_within_the_same_bounds_and_kept_when_refused(
    client, manager, db_session, quick_read_limits
) -> None:
    """A neighbour: pasted text is as untrusted as a file, and 200 KB of one repeated line took the parser 78 s."""
    text = "Ensure that plans improve\n" * 8000
    response = paste(client, text)
    assert _refused(response, "report_text") == sandbox.TOO_SLOW
    assert soup(response).select_one("textarea#report_text").text.strip() == text.strip()
    assert _drafts(db_session) == 0


def test_a_word_file_that_declares_entities_is_refused_clearly(client, manager, db_session) -> None:
    """A neighbour of attack 13: Word never writes a DOCTYPE; python-docx silently dropped the entities' text."""
    assert _refused(upload(client, hostile_files.docx_with_doctype(), "report.docx"), "report_file") == (
        "The Word document holds XML declarations that Word never writes: open it in Word, "
        "save it as a new .docx and upload that"
    )


@pytest.mark.parametrize(
    ("make", "filename", "reason"),
    [
        (hostile_files.pdf_decompression_bomb, "bomb.pdf", "The PDF was not read because it unpacks to far more"),
        (hostile_files.docx_zip_bomb, "bomb.docx", "The Word document was not read because it unpacks to far more"),
    ],
)
def test_the_known_bombs_are_still_refused_by_their_own_checks_through_the_child(
    client, manager, db_session, make, filename: str, reason: str
) -> None:
    assert _refused(upload(client, make(), filename), "report_file").startswith(reason)


def test_a_real_48_page_report_reads_well_inside_the_production_bounds(client, manager, db_session) -> None:
    started = time.monotonic()
    response = upload(client, (PDFS / "salford-2015-06-22.pdf").read_bytes(), "salford-2015-06-22.pdf")
    elapsed = time.monotonic() - started
    assert response.status_code == 302, soup(response).get_text(" ", strip=True)[:500]
    assert _drafts(db_session) == 1
    print(f"48-page report uploaded and read in {elapsed:.2f} s")
    assert elapsed < 10
