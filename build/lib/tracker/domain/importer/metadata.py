"""Who, what and when: the kind of document, authority, title, framework, inspection and publication dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .authorities import Authority, find_in, names_no_place, recognise
from .dates import parse_date, parse_date_range

_HEAD_LINES = 60
_ILACS_TITLE = re.compile(
    r"\b(?P<title>(?:Inspection of|Focused visit to|Monitoring visit (?:of|to)) (?:the )?"
    r"(?P<authority>[A-Z][\w.'’&, -]{1,70}?) (?:local authority )?children['’]s services)",
    re.IGNORECASE,
)
_SEND_TITLE = re.compile(
    r"\b(?P<title>Area SEND inspection of (?P<authority>[A-Z][\w.'’&, -]{1,60}?) Local Area Partnership)"
)
_TITLE_START = re.compile(
    r"^(?:\d{4} )?(?:inspection of|joint area review|annual performance assessment|review of|focused visit|"
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
    r"\b(?:children and young people|children['’]s services) in (?P<authority>[A-Z][\w'’ &,-]{1,60}?)(?:,? \d{4})?$",
    re.IGNORECASE,
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
# A letter says when the visit was: "the findings of a focused visit to ... on 9 and 10 October 2018".
_VISIT_DATES = re.compile(
    r"\bfindings of (?:a|the|this) (?:focused |monitoring )?visit\b.{0,160}?\b(?:on|between|from)\s+"
    r"(?P<rest>\d{1,2}(?:st|nd|rd|th)?\b.{0,60})",
    re.IGNORECASE,
)
_PUBLISHED_LABEL = re.compile(
    r"^(?:report |date )?(?:published|publication date|date of publication)\s*:?\s*(?P<rest>.+)$", re.IGNORECASE
)
_PUBLISHED_SENTENCE = re.compile(r"\breport was published on (?:the )?(?P<rest>.{6,40})", re.IGNORECASE)
_REPORT_OF = re.compile(r"^report of (?:the )?", re.IGNORECASE)
_DATE_LINE = re.compile(r"^(?:\d{1,2}(?:st|nd|rd|th)? [A-Za-z]+,? \d{4}|[A-Za-z]+ \d{1,2}(?:st|nd|rd|th)?,? \d{4})$")
_SALUTATION = re.compile(r"^dear\b", re.IGNORECASE)
# Where each kind of document sits; the first match wins, so the specific come before the general.
_DOCUMENT_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (document_type, re.compile(pattern))
    for document_type, pattern in (
        ("jar", r"joint area review"),
        ("apa", r"annual performance assessment"),
        ("area_send", r"area send inspection|local area partnership report"),
        ("focused_visit", r"focused visit to\b|findings of (?:a|the) focused visit"),
        ("ilacs", r"local authority children's services|inspection of (?:local authority )?children's social care"),
        ("sif", r"children in need of help and protection"),
        ("safeguarding", r"arrangements for the protection of children|inspection of safeguarding and looked after"),
        ("lac", r"looked after children services|inspection of looked after children"),
        ("other", r"\bofsted\b|\binspection\b"),
    )
)
FRAMEWORK_BY_TYPE = {
    "jar": "JAR",
    "apa": "APA",
    "lac": "LAC",
    "safeguarding": "LAC",
    "sif": "SIF",
    "ilacs": "ILACS",
    "ilacs_short": "ILACS",
    "focused_visit": "FOCUSED_VISIT",
    "area_send": "AREA_SEND",
    "other": "other",
}
# Documents that print no publication date: a date in their body is about something else.
_NO_PRINTED_PUBLICATION = {"ilacs", "ilacs_short", "area_send"}
# Letters are dated: the letter's date is when it was published.
_LETTERS = {"focused_visit", "apa"}
# ILACS short inspections are one week on site, standard ones two.
_SHORT_INSPECTION_DAYS = 7


@dataclass
class Metadata:
    """The facts about a report found in its opening lines."""

    authority: str | None = None
    authority_listed: bool = False
    title: str | None = None
    framework: str | None = None
    document_type: str | None = None
    published_on: date | None = None
    inspection_start_on: date | None = None
    inspection_end_on: date | None = None


def read_metadata(lines: list[str]) -> Metadata:
    """Kind of document, authority, title, framework and dates from the report's clean lines."""
    head = [re.sub(r"\s+", " ", line.strip()) for line in lines if line.strip()][:_HEAD_LINES]
    document_type = _document_type(head)
    start, end = _inspection_dates(head)
    if document_type == "ilacs" and start and end and (end - start).days < _SHORT_INSPECTION_DAYS:
        document_type = "ilacs_short"
    published_on = _published_on(head, lines, document_type)
    title, printed = _title_and_authority(head, document_type)
    if printed and names_no_place(printed):
        printed = None  # "Council" or a salutation is nobody's name
    authority = _recognised(printed, head, published_on or start)
    return Metadata(
        authority=authority.name if authority else printed,
        authority_listed=authority is not None,
        title=title,
        framework=FRAMEWORK_BY_TYPE.get(document_type) if document_type else None,
        document_type=document_type,
        published_on=published_on,
        inspection_start_on=start,
        inspection_end_on=end,
    )


def _document_type(head: list[str]) -> str | None:
    """The kind of document its title names; failing that, its opening paragraphs (which may mention other
    kinds: an ILACS report recalls the last focused visit, so the title is read first)."""
    for lines in (head[:12], head[:40]):
        opening = " ".join(lines).lower().replace("’", "'")
        found = next((kind for kind, pattern in _DOCUMENT_TYPES if kind != "other" and pattern.search(opening)), None)
        if found:
            return found
    return "other" if _DOCUMENT_TYPES[-1][1].search(" ".join(head[:40]).lower()) else None


def _recognised(printed: str | None, head: list[str], on: date | None) -> Authority | None:
    """The listed authority the report names: the words found as its name, else a council named at the top
    (a name wrapped over two lines, the address of a letter); None when neither is on the list."""
    authority = recognise(printed, on)
    if authority is not None:
        return authority
    for text in (printed or "", " ".join(line for line in head[:20] if not _SALUTATION.match(line))):
        named = find_in(text, on)
        if named:
            return named[0]
    return None


def _title_and_authority(head: list[str], document_type: str | None) -> tuple[str | None, str | None]:
    opening = " ".join(line for line in head[:30] if not _SALUTATION.match(line))
    for pattern in (_SEND_TITLE, _ILACS_TITLE):
        titled = pattern.search(opening)
        if titled:
            return titled.group("title"), titled.group("authority").strip(" ,")
    for reader in (_jar_title, _inspection_title, _committee_report_title):
        found = reader(head)
        if found:
            return found
    return None, _council_line(head)


def _inspection_title(head: list[str]) -> tuple[str, str | None] | None:
    start = next((i for i, line in enumerate(head[:30]) if _TITLE_START.match(line)), None)
    if start is None:
        return None
    parts: list[str] = []
    for line in head[start : start + 6]:
        # A council on the next line is not the title's, unless the title runs on to it ("... people in").
        runs_on = bool(parts) and re.search(r"\b(?:in|of|for|to)$", parts[-1], re.IGNORECASE) is not None
        if _METADATA_LABEL.match(line) or (parts and _COUNCIL.search(line) and not runs_on) or ":" in line:
            break
        parts.append(line)
        if line.endswith("."):
            break
    title = " ".join(parts).rstrip(".")
    named = _AUTHORITY_IN_TITLE.search(title)
    if named:
        return title, named.group("authority").strip(" ,")
    before = head[start - 1] if start else None
    if before and _names_a_place(before):
        return title, before
    return title, _council_line(head[start:])


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
        and not _SALUTATION.match(line)
        and not re.search(r"[:.]|\bofsted\b", line, re.IGNORECASE)
    )


def _council_line(head: list[str]) -> str | None:
    for index, line in enumerate(head[:20]):
        if _COUNCIL_TAIL.match(line) and index:
            return f"{head[index - 1]} {line}"
        if _COUNCIL.search(line) and _names_a_place(line) and not _TITLE_START.match(line):
            return line
    return None


def _inspection_dates(head: list[str]) -> tuple[date | None, date | None]:
    for index, line in enumerate(head):
        match = _INSPECTION_DATES.match(line)
        if match:
            rest = match.group("rest") if match.group("rest") is not None else match.group("rest2")
            following = head[index + 1] if index + 1 < len(head) else ""
            return _range_maybe_wrapped(rest, following)
    visit = _VISIT_DATES.search(" ".join(head[:45]))
    if visit:
        return parse_date_range(visit.group("rest"))
    return None, None


def _range_maybe_wrapped(line: str, following: str) -> tuple[date | None, date | None]:
    """A date range, read on into the next line when it wraps ('20 May 2014 –' / '11 June 2014')."""
    start, end = parse_date_range(line)
    if start is None or start == end:
        wider = parse_date_range(f"{line} {following}")
        if wider[0] is not None and start in (None, wider[0]):
            return wider
    return start, end


def _published_on(head: list[str], lines: list[str], document_type: str | None) -> date | None:
    for line in head:
        label = _PUBLISHED_LABEL.match(line)
        published = parse_date(label.group("rest")) if label else None
        if published:
            return published
    if document_type in _LETTERS:
        dated = next((line for line in head[:25] if _DATE_LINE.match(line)), None)
        return parse_date(dated) if dated else None
    if document_type in _NO_PRINTED_PUBLICATION:
        return None
    # A council's own report about an inspection states when the inspection report came out.
    text = " ".join(line.strip() for line in lines)
    sentence = _PUBLISHED_SENTENCE.search(text)
    return parse_date(sentence.group("rest")) if sentence else None
