"""The inspection report importer: bytes or text in, extracted recommendations and details out."""

from tracker.domain.vocabulary import TIMESCALES

from .documents import MAX_UPLOAD_BYTES, extract_text
from .errors import UnreadableDocument
from .reading import parse_report
from .results import (
    DOCUMENT_TYPES,
    FRAMEWORK_FAMILY,
    FRAMEWORKS,
    ExtractedJudgement,
    ExtractedRecommendation,
    Flag,
    ImportResult,
)

__all__ = [
    "DOCUMENT_TYPES",
    "FRAMEWORKS",
    "FRAMEWORK_FAMILY",
    "MAX_UPLOAD_BYTES",
    "TIMESCALES",
    "ExtractedJudgement",
    "ExtractedRecommendation",
    "Flag",
    "ImportResult",
    "UnreadableDocument",
    "extract_text",
    "import_document",
    "parse_report",
]


def import_document(data: bytes, filename: str) -> ImportResult:
    """Read an uploaded report; raises UnreadableDocument with a user-facing reason if it cannot be read."""
    return parse_report(extract_text(data, filename))
