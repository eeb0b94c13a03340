"""Who, what and when: authority, title, framework, inspection and publication dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dates import parse_date, parse_date_range

_HEAD_LINES = 60
_ILACS_TITLE = re.compile(
    r"\b(?P<title>(?:Inspection of|Focused visit to|Monitoring visit (?:of|to)) (?P<authority>[A-Z][\w.'’&, -]{1,60}?)"
    r" local authority children['’]s services)",
)
_TITLE_START = re.compile(
    r"^(?:inspection of|joint area review|annual performance assessment|review of|focused visit|"
    r"monitoring visit|joint targeted area inspection|area send)",
    re.IGNORECASE,
)
_COUNCIL = re.compile(
    r"\b(?:council|borough|county|city of|corporation)\b|^london borough of\b",
    re.IGNORECASE,
)
_COUNCIL_TAIL = re.compile(
    r"^(?:city|county|borough|district|metropolitan borough|metropolitan district) council$", re.IGNORECASE
)
# APA letters name the council in the title: "... services for children and young people in Anytown 2008".
_AUTHORITY_IN_TITLE = re.compile(
    r"\b(?:children and young people|children['’]s services) in (?P<authority>[A-Z][\w'’ &-]{1,50}?)(?:,? \d{4})?$"
)
_JAR_AREA = re.compile(r"^(?P<authority>.+?) children['’]s services authority area$", re.IGNORECASE)
_METADATA_LABEL = re.compile(
    r"^(?:inspection dates?|report published|published|reporting inspector|lead inspector|age group|"
    r"reference no|date of|publication date)\b",
    re.IGNORECASE,
)
_INSPECTION_DATES = re.compile(
    r"^(?:inspection|review|visit|fieldwork|on-site)\s+dates?\s*:?\s*(?P<rest>.*)$|^dates? of (?:the )?"
    r"(?:inspection|review|visit)\s*:?\s*(?P<rest2>.*)$",
    re.IGNORECASE,
)
_PUBLISHED_LABEL = re.compile(
    r"^(?:report |date )?(?:published|publication date|date of publication)\s*:?\s*(?P<rest>.+)$", re.IGNORECASE
)
_PUBLISHED_SENTENCE = re.compile(r"\breport was published on (?:the )?(?P<rest>.{6,40})", re.IGNORECASE)
_REPORT_OF = re.compile(r"^report of (?:the )?", re.IGNORECASE)


@dataclass
class Metadata:
    """The facts about a report found in its opening lines."""

    authority: str | None = None
    title: str | None = None
    framework: str | None = None
    published_on: date | None = None
    inspection_start_on: date | None = None
    inspection_end_on: date | None = None


def read_metadata(lines: list[str]) -> Metadata:
    """Authority, title, framework and dates from the report's clean lines."""
    head = [re.sub(r"\s+", " ", line.strip()) for line in lines if line.strip()][:_HEAD_LINES]
    title, authority = _title_and_authority(head)
    start, end = _inspection_dates(head)
    framework = _framework(head, title)
    return Metadata(
        authority=authority,
        title=title,
        framework=framework,
        published_on=_published_on(head, lines, framework),
        inspection_start_on=start,
        inspection_end_on=end,
    )


def _title_and_authority(head: list[str]) -> tuple[str | None, str | None]:
    opening = " ".join(head[:12])
    ilacs = _ILACS_TITLE.search(opening)
    if ilacs:
        return ilacs.group("title"), ilacs.group("authority").strip()
    for reader in (_jar_title, _inspection_title, _committee_report_title):
        found = reader(head)
        if found:
            return found
    return None, _council_line(head)


def _inspection_title(head: list[str]) -> tuple[str, str | None] | None:
    start = next((i for i, line in enumerate(head[:15]) if _TITLE_START.match(line)), None)
    if start is None:
        return None
    parts: list[str] = []
    for line in head[start : start + 6]:
        if _METADATA_LABEL.match(line) or (parts and _COUNCIL.search(line)) or ":" in line:
            break
        parts.append(line)
    title = " ".join(parts)
    before = head[start - 1] if start else None
    if before and _names_a_place(before):
        return title, before
    named = _AUTHORITY_IN_TITLE.search(title)
    return title, named.group("authority") if named else _council_line(head[start:])


def _jar_title(head: list[str]) -> tuple[str, str | None] | None:
    for line in head[:15]:
        area = _JAR_AREA.match(line)
        if area:
            return "Joint area review", area.group("authority")
    return None


def _committee_report_title(head: list[str]) -> tuple[str, str | None] | None:
    for index, line in enumerate(head):
        if _REPORT_OF.match(line) and index:
            return head[index - 1], _council_line(head)
    return None


def _names_a_place(line: str) -> bool:
    return (
        len(line.split()) <= 8
        and line[0].isupper()
        and not line.isdigit()
        and not re.search(r"[:.]|\bofsted\b", line, re.IGNORECASE)
    )


def _council_line(head: list[str]) -> str | None:
    for index, line in enumerate(head[:20]):
        if _COUNCIL_TAIL.match(line) and index:
            return f"{head[index - 1]} {line}"
        if _COUNCIL.search(line) and _names_a_place(line) and not _TITLE_START.match(line):
            return line
    return None


def _framework(head: list[str], title: str | None) -> str | None:
    opening = " ".join(head[:40]).lower().replace("’", "'")
    named = (title or "").lower()
    if "joint area review" in opening or re.search(r"\bjar\b", named):
        return "JAR"
    if "annual performance assessment" in opening:
        return "APA"
    if re.search(r"local authority children's services|inspection of children's social care services", opening):
        return "ILACS"
    if "children in need of help and protection" in opening:
        return "SIF"
    if re.search(r"looked after children services|inspection of (?:safeguarding and )?looked after children", opening):
        return "LAC"
    if re.search(r"\bofsted\b|\binspection\b", opening):
        return "other"
    return None


def _inspection_dates(head: list[str]) -> tuple[date | None, date | None]:
    for index, line in enumerate(head):
        match = _INSPECTION_DATES.match(line)
        if match:
            rest = match.group("rest") if match.group("rest") is not None else match.group("rest2")
            following = head[index + 1] if index + 1 < len(head) else ""
            return _range_maybe_wrapped(rest, following)
    return None, None


def _range_maybe_wrapped(line: str, following: str) -> tuple[date | None, date | None]:
    """A date range, read on into the next line when it wraps ('20 May 2014 –' / '11 June 2014')."""
    start, end = parse_date_range(line)
    if start is None or start == end:
        wider = parse_date_range(f"{line} {following}")
        if wider[0] is not None and start in (None, wider[0]):
            return wider
    return start, end


def _published_on(head: list[str], lines: list[str], framework: str | None) -> date | None:
    for line in head:
        label = _PUBLISHED_LABEL.match(line)
        published = parse_date(label.group("rest")) if label else None
        if published:
            return published
    if framework == "ILACS":
        # ILACS reports print no publication date; a date in the body is about something else.
        return None
    # A council's own report about an inspection states when the inspection report came out.
    text = " ".join(line.strip() for line in lines)
    sentence = _PUBLISHED_SENTENCE.search(text)
    return parse_date(sentence.group("rest")) if sentence else None
