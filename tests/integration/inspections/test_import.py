"""The new-inspection form: uploads in every format, pasted text, and every kind of bad input, each with a
clear message on the form, the pasted text kept, and nothing stored."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfWriter
from sqlalchemy import func, select
from weasyprint import HTML

from tests.conftest import soup
from tests.integration.inspections.conftest import (
    PDFS,
    REPORTS,
    import_fixture,
    make_inspection,
    paste,
    post_review,
    review_form,
    upload,
)
from tracker.models import Framework, ImportDraft, Inspection

LEICESTER_CABINET = REPORTS / "leicester-jar-action-plan-cabinet-2008.txt"


def _drafts(db_session) -> int:  # noqa: ANN001
    return db_session.scalar(select(func.count()).select_from(ImportDraft))


def _error(response) -> str:  # noqa: ANN001
    page = soup(response)
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None, page.get_text(" ", strip=True)[:500]
    message = page.select_one("#report_file-error")
    assert message is not None
    return message.get_text(" ", strip=True)


def _blank_pdf(*, password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_the_upload_page(client, manager) -> None:
    page = soup(client.get("/inspections/new"))
    assert page.select_one("h1").text == "New inspection"
    assert page.select_one("main form")["enctype"] == "multipart/form-data"
    assert page.select_one("input[type=file]#report_file") is not None
    assert page.select_one("textarea#report_text") is not None


def test_a_real_pdf_goes_to_the_review_page(client, manager, db_session) -> None:
    review_url = import_fixture(client, PDFS / "bury-2021-12-17.pdf")
    page = soup(client.get(review_url))
    assert page.select_one("#authority")["value"] == "Bury Metropolitan Borough Council"
    assert page.select_one("#framework option[selected]")["value"] == "ILACS"
    assert len(page.select("textarea[name$='-text']")) > 0
    # ILACS reports print no publication date: it is asked for, not guessed.
    assert [page.select_one(f"#published_on-{p}")["value"] for p in ("day", "month", "year")] == ["", "", ""]
    warnings = page.select_one(".app-import-warnings").text
    assert "No publication date found: enter it under Inspection details" in warnings
    # Shown on the review page, so it names the section of this page, not "the review page".
    assert "review page" not in warnings
    assert page.select_one("h2#details").text == "Inspection details"


def test_a_word_document_goes_to_the_review_page(client, manager, db_session) -> None:
    from docx import Document

    document = Document()
    for line in LEICESTER_CABINET.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    response = upload(client, buffer.getvalue(), "jar-action-plan.docx")
    assert response.status_code == 302
    page = soup(client.get(response.headers["Location"]))
    assert len(page.select("textarea[name$='-text']")) == 16


def test_pasted_text_goes_to_the_review_page(client, manager, db_session) -> None:
    response = paste(client, LEICESTER_CABINET.read_text(encoding="utf-8").replace("\n", "\r\n"))
    assert response.status_code == 302
    page = soup(client.get(response.headers["Location"]))
    assert page.select_one(".govuk-caption-l").text == "Pasted text"
    assert len(page.select("textarea[name$='-text']")) == 16


def test_windows_1252_text_is_read_correctly(client, manager, db_session) -> None:
    text = (
        "Leicester City Council\n"
        "Recommendations\n"
        "For immediate action\n"
        "The local partnership should:\n"
        "“ensure that children’s views shape the plan” – and that café drop-ins continue.\n"
    )
    data = text.encode("cp1252")
    assert b"\x93" in data  # not UTF-8: the importer must fall back to Windows-1252
    response = upload(client, data, "jar.txt")
    assert response.status_code == 302
    page = soup(client.get(response.headers["Location"]))
    source = page.select_one(".app-source-text").text
    assert "“ensure that children’s views shape the plan” – and that café drop-ins continue." in source


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("report.pdf", b"", "The selected file is empty"),
        ("report.pdf", _blank_pdf(password="secret"), "protected by a password"),
        ("report.pdf", _blank_pdf(), "no text to read"),
        ("report.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 20, "The PDF is incomplete"),
        ("plan.xlsx", b"PK\x03\x04not really a workbook", "must be a PDF, Word (.docx) or text (.txt) file"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "must be a PDF, Word (.docx) or text (.txt) file"),
        ("report.pdf", b"<!DOCTYPE html><html><body>Report not found</body></html>", "not a PDF"),
    ],
)
def test_unreadable_files_get_a_clear_message_on_the_form(
    client, manager, db_session, filename: str, data: bytes, message: str
) -> None:
    response = upload(client, data, filename)
    assert response.status_code == 400
    assert message in _error(response)
    assert _drafts(db_session) == 0


def test_the_html_page_saved_as_pdf_fixture_is_refused(client, manager, db_session) -> None:
    response = upload(client, (PDFS / "rotherham-2012-08-10.pdf").read_bytes(), "rotherham-2012-08-10.pdf")
    assert response.status_code == 400
    assert "The file is not a PDF: it looks like a web page (HTML)" in _error(response)


def test_a_scanned_pdf_without_a_text_layer_is_refused(client, manager, db_session) -> None:
    scanned = HTML(string="<div style='height: 20cm; background: #333'></div>").write_pdf()
    response = upload(client, scanned, "scanned.pdf")
    assert response.status_code == 400
    assert "no text to read" in _error(response)


def test_a_file_over_20mb_but_under_the_request_limit_is_a_form_error(client, manager, db_session) -> None:
    response = upload(client, b"a" * (20 * 1024 * 1024 + 1), "huge.txt")
    assert response.status_code == 400
    assert _error(response) == "Error: The selected file must be smaller than 20MB"


def test_a_file_over_20mb_with_pasted_text_says_so_on_the_file_and_keeps_the_text(client, manager, db_session) -> None:
    response = upload(client, b"%PDF-1.7\n" + b"a" * (22 * 1024 * 1024), "big.pdf", text="Some pasted text I typed")
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("#report_file-error").text.strip() == "Error: The selected file must be smaller than 20MB"
    assert page.select_one("textarea[name=report_text]").text.strip() == "Some pasted text I typed"


def test_pasted_text_over_20mb_says_so_on_the_text_and_keeps_it(client, manager, db_session) -> None:
    text = "Recommendation text. " * (21 * 1024 * 1024 // 21 + 1000)
    response = paste(client, text)
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("#report_text-error").text.strip() == "Error: The pasted text must be smaller than 20MB"
    assert page.select_one("#report_file-error") is None
    assert page.select_one("textarea[name=report_text]").text.strip() == text.strip()


def test_a_request_over_the_app_limit_is_a_form_error_not_a_bare_413(client, manager, db_session, app) -> None:
    response = upload(client, b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1), "enormous.txt")
    assert response.status_code == 413
    page = soup(response)
    assert page.select_one("h1").text == "New inspection"
    assert "The file or pasted text must be smaller than 20MB" in page.select_one(".govuk-error-summary").text
    # The form works again at once: it carries a fresh CSRF token.
    assert page.select_one("input[name=csrf_token]")["value"]


def test_the_request_limit_fits_a_20mb_file_and_20mb_of_text_and_a_long_review_form(app) -> None:
    megabyte = 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] >= 40 * megabyte + 64 * 1024
    assert app.config["MAX_FORM_MEMORY_SIZE"] > 20 * megabyte
    # The review page posts 5 fields for each item: a report with 500 recommendations still saves.
    assert app.config["MAX_FORM_PARTS"] >= 5 * 500 + 100


def test_choosing_nothing_or_both_is_explained_and_the_pasted_text_survives(client, manager, db_session) -> None:
    response = paste(client, "   ")
    assert response.status_code == 400
    assert "Choose a report to upload or paste its text" in _error(response)

    pasted = "The local partnership should:\n- improve the timeliness of assessments"
    response = upload(client, b"Some text", "notes.txt", text=pasted)
    assert response.status_code == 400
    assert "Upload a file or paste the text, not both" in _error(response)
    assert soup(response).select_one("textarea#report_text").text == pasted


def test_pasted_text_survives_an_unreadable_upload(client, manager, db_session) -> None:
    pasted = "Recommendations typed in by hand"
    response = upload(client, _blank_pdf(password="secret"), "locked.pdf", text=pasted)
    assert response.status_code == 400
    assert soup(response).select_one("textarea#report_text").text.strip() == pasted


def test_the_same_document_twice_warns_with_a_link_and_can_still_be_saved(client, manager, db_session) -> None:
    first = import_fixture(client, REPORTS / "leicestershire-jar-2008.txt")
    data = review_form(client, first)
    assert post_review(client, first, data, "save").status_code == 302
    existing = db_session.scalars(select(Inspection)).one()

    second = import_fixture(client, REPORTS / "leicestershire-jar-2008.txt")
    page = soup(client.get(second))
    banner = page.select_one(".govuk-notification-banner")
    assert "This report may already have been imported" in banner.text
    assert banner.select_one("a")["href"] == f"/inspections/{existing.id}"

    assert post_review(client, second, review_form(client, second), "save").status_code == 302
    assert db_session.scalar(select(func.count()).select_from(Inspection)) == 2


def test_a_fresh_document_has_no_duplicate_warning(client, manager, db_session) -> None:
    page = soup(client.get(import_fixture(client, REPORTS / "leicester-sif-2015.txt")))
    assert page.select_one(".govuk-notification-banner") is None


def _banner(client, review_url: str):  # noqa: ANN001, ANN202
    return soup(client.get(review_url)).select_one(".govuk-notification-banner")


def test_the_same_report_in_another_format_warns_by_authority_framework_and_publication_date(
    client, manager, db_session
) -> None:
    existing = make_inspection(db_session, manager, authority="Leicestershire", published_on=date(2008, 2, 19))
    # The same report as a file whose bytes differ from anything saved (a Word copy, a re-saved PDF …).
    review_url = import_fixture(client, REPORTS / "leicestershire-jar-2008.txt")
    banner = _banner(client, review_url)
    assert banner is not None and "may already have been imported" in banner.text
    assert banner.select_one("a")["href"] == f"/inspections/{existing.id}"


def test_without_a_publication_date_the_inspection_dates_are_matched(client, manager, db_session) -> None:
    existing = make_inspection(
        db_session,
        manager,
        authority="Leicestershire",
        published_on=None,
        inspection_start_on=date(2007, 10, 1),
        inspection_end_on=date(2007, 10, 12),
    )
    review_url = import_fixture(client, REPORTS / "leicestershire-jar-2008.txt")
    data = review_form(client, review_url)
    data.setlist("published_on", ["", "", ""])
    data.setlist("inspection_start_on", ["1", "10", "2007"])
    data.setlist("inspection_end_on", ["12", "10", "2007"])
    assert post_review(client, review_url, data, "update").status_code == 302
    assert _banner(client, review_url).select_one("a")["href"] == f"/inspections/{existing.id}"

    data.setlist("inspection_end_on", ["13", "10", "2007"])
    assert post_review(client, review_url, data, "update").status_code == 302
    assert _banner(client, review_url) is None


def test_another_authority_framework_or_date_is_not_a_duplicate(client, manager, db_session) -> None:
    make_inspection(db_session, manager, authority="Leicester City Council", published_on=date(2008, 2, 19))
    make_inspection(db_session, manager, authority="Leicestershire", published_on=date(2008, 2, 20))
    make_inspection(
        db_session, manager, authority="Leicestershire", published_on=date(2008, 2, 19), framework=Framework.APA
    )
    assert _banner(client, import_fixture(client, REPORTS / "leicestershire-jar-2008.txt")) is None
