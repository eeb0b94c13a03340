"""Uploads the importer cannot read are refused with a clear one-line reason, never a crash."""

import io
import zipfile
from pathlib import Path

import pypdf
import pytest
import weasyprint
from pypdf.generic import ContentStream

from tests import hostile_files
from tracker.domain.importer import MAX_UPLOAD_BYTES, UnreadableDocument, extract_text, import_document

PDFS = Path(__file__).parents[1] / "fixtures" / "pdfs"
REPORT_HTML = "<h1>Inspection of Anytown children's services</h1>" + "<p>Ensure that plans improve.</p>" * 20


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    return weasyprint.HTML(string=REPORT_HTML).write_pdf()


def _refusal(data: bytes, filename: str) -> str:
    with pytest.raises(UnreadableDocument) as refused:
        extract_text(data, filename)
    reason = str(refused.value)
    assert reason and "\n" not in reason and reason[0].isupper()
    return reason


def _pdf_bytes(writer: pypdf.PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_html_saved_as_pdf() -> None:
    data = (PDFS / "rotherham-2012-08-10.pdf").read_bytes()
    assert _refusal(data, "report.pdf") == (
        "The file is not a PDF: it looks like a web page (HTML) saved with a .pdf name"
    )


def test_empty_file() -> None:
    assert _refusal(b"", "report.pdf") == "The selected file is empty"


def test_text_file_with_no_words() -> None:
    assert _refusal(b" \n\t\n", "report.txt") == "The selected file has no text in it"


def test_file_over_the_upload_limit_is_refused_before_reading() -> None:
    assert _refusal(b"%PDF-1.7\n" + b"0" * MAX_UPLOAD_BYTES, "report.pdf") == (
        "The selected file must be smaller than 20MB"
    )


@pytest.mark.parametrize(
    ("data", "filename", "named"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "plan.xls", ".xls"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.png", ".png"),
        (b"{\\rtf1\\ansi report}", "report.rtf", ".rtf"),
    ],
)
def test_unsupported_types(data: bytes, filename: str, named: str) -> None:
    assert _refusal(data, filename) == (
        f"The selected file must be a PDF, Word (.docx) or text (.txt) file: this one is a {named} file"
    )


def test_unsupported_content_without_a_name() -> None:
    assert _refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan") == (
        "The selected file must be a PDF, Word (.docx) or text (.txt) file: this one looks like a PNG image"
    )


def test_content_must_match_the_name(small_pdf: bytes) -> None:
    assert _refusal(small_pdf, "report.docx") == (
        "The file is not a Word document (.docx): it looks like a PDF saved with a .docx name"
    )
    assert _refusal(b"<html><body>Report</body></html>", "report.txt") == (
        "The file is not a text file: it looks like a web page (HTML) saved with a .txt name"
    )


def test_excel_workbook_named_docx() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert _refusal(buffer.getvalue(), "plan.docx") == (
        "The file is not a Word document (.docx): it looks like an Excel workbook saved with a .docx name"
    )


def test_password_protected_pdf(small_pdf: bytes) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(small_pdf)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    assert _refusal(_pdf_bytes(writer), "report.pdf") == (
        "The PDF is protected by a password: remove the password and upload it again"
    )


# AES needs the cryptography package (pypdf's crypto extra, a runtime dependency).
@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_restricted_only_by_an_owner_password_is_read(small_pdf: bytes, algorithm: str) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(small_pdf)))
    writer.encrypt(user_password="", owner_password="owner", algorithm=algorithm)
    assert "Ensure that plans improve." in extract_text(_pdf_bytes(writer), "report.pdf")


def test_truncated_pdf(small_pdf: bytes) -> None:
    assert _refusal(small_pdf[: len(small_pdf) // 2], "report.pdf") == (
        "The PDF is incomplete, as if the download stopped early: download it again and upload the new copy"
    )


@pytest.mark.parametrize("padding", [b"\x00" * 5000, b"\n" + b"appended by a mail gateway " * 400])
def test_a_complete_pdf_followed_by_other_bytes_is_read(small_pdf: bytes, padding: bytes) -> None:
    assert "Ensure that plans improve." in extract_text(small_pdf + padding, "report.pdf")


def test_a_pdf_cut_short_after_padding_was_added_is_still_incomplete(small_pdf: bytes) -> None:
    assert _refusal((small_pdf + b"\x00" * 5000)[: len(small_pdf) // 2], "report.pdf").startswith(
        "The PDF is incomplete"
    )


def test_corrupt_pdf() -> None:
    assert _refusal(b"%PDF-1.7\n" + b"\x00garbage\xff" * 200 + b"\n%%EOF\n", "report.pdf") == (
        "The PDF is damaged and cannot be read: save or download it again and upload the new copy"
    )


def test_pdf_of_blank_pages_has_no_text_layer() -> None:
    writer = pypdf.PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    assert _refusal(_pdf_bytes(writer), "scan.pdf").startswith("The PDF has no text to read: it looks like a scanned")


def test_pdf_of_only_a_picture_has_no_text_layer() -> None:
    picture = "<svg width='400' height='600'><rect width='400' height='600' fill='#ccc'/></svg>"
    data = weasyprint.HTML(string=picture).write_pdf()
    assert _refusal(data, "scan.pdf").startswith("The PDF has no text to read")


def test_pdf_whose_text_cannot_be_decoded() -> None:
    # WeasyPrint writes a character no font has with an encoding text extractors misread.
    data = weasyprint.HTML(string="<p>\uf06e " + "Ensure that plans improve. " * 20 + "</p>").write_pdf()
    assert _refusal(data, "report.pdf").startswith("The PDF's text is stored in a way the importer cannot decode")


def test_pdf_over_the_page_limit() -> None:
    writer = pypdf.PdfWriter()
    for _ in range(501):
        writer.add_blank_page(width=595, height=842)
    assert _refusal(_pdf_bytes(writer), "huge.pdf") == (
        "The PDF has 501 pages: the importer reads reports of up to 500 pages"
    )


def test_pdf_decompression_bomb() -> None:
    data = hostile_files.pdf_decompression_bomb()  # 48 MB of page content, compressed to about 70 KB
    assert len(data) < 200_000
    assert _refusal(data, "bomb.pdf").startswith("The PDF was not read because it unpacks to far more data")


def test_pdf_with_many_pages_of_content_past_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tracker.domain.importer.pdf.MAX_CONTENT_BYTES", 1000)
    writer = pypdf.PdfWriter()
    for _ in range(3):
        page = writer.add_blank_page(width=595, height=842)
        content = ContentStream(None, None)
        content.set_data(b"BT ET\n" * 100)
        page.replace_contents(content)
    assert _refusal(_pdf_bytes(writer), "many.pdf").startswith("The PDF was not read because it unpacks")


def test_damaged_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not-word")
    assert _refusal(buffer.getvalue(), "report.docx") == (
        "The Word document is damaged and cannot be read: save it again and upload the new copy"
    )


def test_word_document_that_unpacks_too_far() -> None:
    data = hostile_files.docx_zip_bomb()  # 120 MB of text, compressed to about 120 KB
    assert len(data) < 200_000
    assert _refusal(data, "report.docx").startswith(
        "The Word document was not read because it unpacks to far more data"
    )


def test_word_document_that_declares_entities() -> None:
    assert _refusal(hostile_files.docx_with_doctype(), "report.docx") == (
        "The Word document holds XML declarations that Word never writes: open it in Word, "
        "save it as a new .docx and upload that"
    )


def test_import_document_refuses_the_same_way() -> None:
    with pytest.raises(UnreadableDocument, match="empty"):
        import_document(b"", "report.pdf")
