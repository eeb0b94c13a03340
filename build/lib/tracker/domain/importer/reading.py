"""From text to an ImportResult: metadata, judgements, recommendations, and what may need checking."""

from __future__ import annotations

import logging

from .apa import read_apa_letter
from .blocks import LineJoiner, read_blocks
from .cleaning import clean_lines
from .doubts import flag_items, flag_judgements, flag_lists
from .judgements import lscb_judgement, overall_from_sentences, read_judgements
from .metadata import read_metadata
from .recommendations import RecommendationReader, numbering_gaps
from .results import ImportResult
from .send import priority_table, send_outcome

logger = logging.getLogger(__name__)

NO_RECOMMENDATIONS = "No recommendations were found. Mark them by hand from the text below."
NO_PUBLICATION_DATE = "No publication date found: enter it under Inspection details"
NO_AUTHORITY = "No local authority found: enter it under Inspection details"
NO_INSPECTION_DATES = "No inspection dates found: enter them under Inspection details"
NO_FRAMEWORK = "The inspection framework was not recognised: choose it under Inspection details"
COULD_NOT_READ = "Part of the report could not be read automatically: check the details against the text below"
# Headline sentences that give the overall judgement where no table does.
_SENTENCE_JUDGEMENTS = frozenset({"sif", "lac", "safeguarding"})


def parse_report(text: str) -> ImportResult:
    """Read a report's text; never raises, and says in `warnings` what it could not find and in `flags` what
    it found but may have read wrong."""
    warnings: list[str] = []
    try:
        lines = clean_lines(text)
    except Exception:  # a report we cannot parse must still reach the review page with its text
        logger.exception("Importer could not clean the text")
        lines, warnings = text.splitlines(), [COULD_NOT_READ]
    result = ImportResult(text="\n".join(lines), warnings=warnings)
    for step in (_read_details, _read_recommendations):
        try:
            step(lines, result)
        except Exception:  # as above: keep what was read and say what was not
            logger.exception("Importer step %s failed", step.__name__)
            result.warnings.append(COULD_NOT_READ)
    return result


def _read_details(lines: list[str], result: ImportResult) -> None:
    metadata = read_metadata(lines)
    result.authority = metadata.authority
    result.title = metadata.title
    result.framework = metadata.framework
    result.document_type = metadata.document_type
    result.published_on = metadata.published_on
    result.inspection_start_on = metadata.inspection_start_on
    result.inspection_end_on = metadata.inspection_end_on
    result.judgements, result.overall_judgement = read_judgements(lines)
    if result.document_type in _SENTENCE_JUDGEMENTS or result.framework == "SIF":
        _add_sif_sentences(result)
    elif result.document_type == "area_send":
        result.overall_judgement = send_outcome(lines)
    result.warnings.extend(_missing_details(result))
    if result.authority and not metadata.authority_listed:
        result.flag(
            "authority_not_listed",
            f"“{result.authority}” is not on the list of English councils with children’s services: check the name",
            "authority",
        )
    if result.document_type != "apa":  # an APA letter's grades are read with its areas for development
        flag_judgements(result)


def _add_sif_sentences(result: ImportResult) -> None:
    text = " ".join(result.text.split())
    result.overall_judgement = result.overall_judgement or overall_from_sentences(text)
    lscb = lscb_judgement(text)
    if lscb and not any(judgement.area == lscb.area for judgement in result.judgements):
        result.judgements.append(lscb)


def _missing_details(result: ImportResult) -> list[str]:
    missing = []
    if result.authority is None:
        missing.append(NO_AUTHORITY)
    if result.framework is None:
        missing.append(NO_FRAMEWORK)
    if result.inspection_start_on is None:
        missing.append(NO_INSPECTION_DATES)
    if result.published_on is None:
        missing.append(NO_PUBLICATION_DATE)
    return missing


def _read_recommendations(lines: list[str], result: ImportResult) -> None:
    joiner = LineJoiner(lines)
    if result.document_type == "apa":
        letter = read_apa_letter(lines, joiner)
        result.judgements, result.overall_judgement = letter.judgements, letter.overall
        result.recommendations = letter.recommendations
        flag_judgements(result)
    else:
        table = priority_table(lines, joiner) if result.document_type == "area_send" else None
        if table is not None:
            # The table is read on its own; the rest of the report as usual.
            lines = [*lines[: table.first_line], *[""] * (table.end_line - table.first_line), *lines[table.end_line :]]
        reader = RecommendationReader(
            joiner,
            default_body="local authority" if result.framework == "SIF" else None,
            paragraphs_are_items=result.document_type == "area_send",
        )
        blocks = read_blocks(lines)
        found = reader.read(blocks)
        sections = [s for s in reader.sections if not (table and table.recommendations and _priority(s.heading))]
        result.recommendations = [*(table.recommendations if table else []), *found]
        flag_lists(result, lines, blocks, sections, numbering_gaps(reader.runs))
    if not result.recommendations:
        result.warnings.append(NO_RECOMMENDATIONS)
    flag_items(result.recommendations)


def _priority(heading: str) -> bool:
    return "priority" in heading.lower()
