"""Properties: parse_report never raises on any text; import_document raises only UnreadableDocument."""

import io

import docx
import weasyprint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.domain.importer import TIMESCALES, ImportResult, UnreadableDocument, import_document, parse_report
from tracker.domain.importer.reading import COULD_NOT_READ

FILENAMES = st.sampled_from(["report.pdf", "report.docx", "report.txt", "report", "plan.xls", "C:\\up\\r.PDF"])
# Lines shaped like the documents: headings, numbered and bulleted items, furniture, dates, tables.
REPORT_LINES = st.sampled_from(
    [
        "Recommendations",
        "What does the local authority need to improve?",
        "What needs to improve?1",
        "Priority and immediate action",
        "Areas for improvement:",
        "For action over the next six months",
        "Within three months:",
        "The local partnership should:",
        "In order to improve services, the local authority should take the following action.",
        "Leadership and management",
        "Contents",
        "Annex A",
        "Judgement Grade",
        "Overall effectiveness Good",
        "1. Children who need help and protection Good",
        "Grades",
        "Safeguarding\t3",
        "Inspection dates: 24 to 28 April 2023",
        "Published: 31 February 2008",
        "Report published: 20 March 2015",
        "12. Ensure that plans are reviewed.",
        "4.10.1 For immediate action",
        "• improve supervision",
        "\uf0a7",
        "- the local authority and partners should agree",
        "The BSCB to ensure that audits take place.",
        "(Outcome 3, National Framework)",
        "multi-",
        "agency work",
        "7",
        "Page 3 of 12",
        "Kent County Council Inspection of looked after children services",
        "",
    ]
)
REPORT_TEXT = st.lists(st.one_of(REPORT_LINES, st.text(max_size=40)), max_size=60).map("\n".join)


def _assert_well_formed(result: ImportResult) -> None:
    assert COULD_NOT_READ not in result.warnings
    assert all(r.timescale in TIMESCALES and r.text for r in result.recommendations)
    assert set(result.to_json_dict()) == {
        "authority",
        "title",
        "framework",
        "document_type",
        "published_on",
        "inspection_start_on",
        "inspection_end_on",
        "overall_judgement",
        "judgements",
        "recommendations",
        "warnings",
        "flags",
    }


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_report_never_raises_on_any_text(text: str) -> None:
    _assert_well_formed(parse_report(text))


@settings(max_examples=200, deadline=None)
@given(REPORT_TEXT)
def test_parse_report_never_raises_on_report_shaped_text(text: str) -> None:
    _assert_well_formed(parse_report(text))


def _read_or_refuse(data: bytes, filename: str) -> None:
    try:
        result = import_document(data, filename)
    except UnreadableDocument as refused:
        assert str(refused) and "\n" not in str(refused)
    else:
        _assert_well_formed(result)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096), FILENAMES)
def test_import_document_only_refuses_arbitrary_bytes(data: bytes, filename: str) -> None:
    _read_or_refuse(data, filename)


def _small_pdf() -> bytes:
    html = "<h1>Recommendations</h1><ol><li>Ensure that plans improve.</li><li>Review supervision.</li></ol>"
    return weasyprint.HTML(string=html).write_pdf()


def _small_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Areas for improvement")
    document.add_paragraph("Improve assessments.", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


SMALL_PDF = _small_pdf()
SMALL_DOCX = _small_docx()


def _mutated(original: bytes) -> st.SearchStrategy[bytes]:
    edits = st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), min_size=1, max_size=12)

    def apply(changes: list[tuple[int, int]]) -> bytes:
        data = bytearray(original)
        for position, value in changes:
            data[position] = value
        return bytes(data)

    return edits.map(apply)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated(SMALL_PDF))
def test_import_document_only_refuses_damaged_pdfs(data: bytes) -> None:
    _read_or_refuse(data, "report.pdf")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated(SMALL_DOCX))
def test_import_document_only_refuses_damaged_word_documents(data: bytes) -> None:
    _read_or_refuse(data, "report.docx")
