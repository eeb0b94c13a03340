"""What a heading means to the recommendation parser: a timescale, a section start or a section end."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "six": 6,
    "nine": 9,
    "twelve": 12,
    "eighteen": 18,
}
_TIMESCALE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), timescale)
    for pattern, timescale in (
        (r"^(?:for )?immediate(?:ly| actions?| priorities)?$", "immediate"),
        (r"^for (?:immediate )?action (?:now|immediately)$", "immediate"),
        (r"^priority and immediate actions?$", "immediate"),
        (r"^(?:areas for )?priority actions?(?: for the .{2,40})?$", "immediate"),
        (r"^(?:for action )?in the (?:longer|long|medium) term$", "longer_term"),
        (r"^longer[- ]term(?: actions?)?$", "longer_term"),
        (r"^areas? for (?:further )?(?:improvement|development)$", "improvement"),
        (r"^(?:key )?areas? for (?:further )?(?:improvement|development) for the .{2,40}$", "improvement"),
        (r"^what needs to improve(?: further)?(?: in this area(?: of (?:social work )?practice)?)?$", "improvement"),
    )
)
_MONTHS_PATTERN = re.compile(
    r"^(?:for action )?(?:(?:with)?in|over|during) (?:the )?(?:next )?"
    r"(?P<n>one|two|three|four|six|nine|twelve|eighteen|\d{1,2}) months?$"
)
_WHAT_DOES = re.compile(r"^what (?:does|do) (?:the )?(?P<body>.{2,60}?) need to improve(?: further)?$")
_RECOMMENDATIONS = re.compile(
    r"^(?:(?:jar|key|main|our|the|ofsted|inspection|inspectors'?) )?recommendations?"
    r"(?: for (?:further )?(?:improvement|development|action))?"
    r"(?: (?:for|to) (?:the )?(?P<body>lscb|local safeguarding children board|local authority))?$"
)
_ENDS = re.compile(
    r"^(?:(?:key|main|major|particular|areas? of) )?strengths?\b|\bstrengths?$|\bstrengths and (?:weaknesses|areas)"
    r"|^summary for children|^information about|^progress since|^inspection judgements?\b"
    r"|^(?:the )?experiences and progress|^key (?:strengths|findings|judgements?)|^inspection findings"
    r"|^what the inspection judgements mean|^next steps|^equality and diversity|^contents$"
    r"|^overall effectiveness|^(?:\w+ )?findings$|^record of main findings|^summary of (?:key )?findings"
    r"|^executive summary|^main findings|^headline findings|^grades$|^about this inspection"
    r"|^the inspection judgements|^service information|^capacity to improve"
)
_ANNEX = re.compile(r"^(?:annex|appendix|appendices)\b")
# A heading about the board itself ("Section 2: The effectiveness of the LSCB", "The Local Safeguarding Children
# Board (LSCB)"), not a title that names its review among other things ("Review of the effectiveness of the
# local safeguarding children board" heads a SIF report whose first lists are the local authority's).
_LSCB = re.compile(
    r"^(?:section \d+:?\s*)?(?:inspection findings\s*[–-]\s*)?(?:recommendations? (?:for|to) )?(?:the )?"
    r"(?:effectiveness of the )?(?:lscb|[\w ]{0,40}safeguarding children (?:board|partnership)|[\w ]{0,40}"
    r"safeguarding partnership|local safeguarding)"
)
_LOCAL_AUTHORITY = re.compile(r"^(?:section \d+: )?(?:recommendations? (?:for|to) )?(?:the )?local authority$")
_LEADING_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3}){0,3}\.?\s+")


@dataclass(frozen=True)
class HeadingMeaning:
    """How the recommendation parser should treat one heading."""

    timescale: str | None = None
    starts_section: bool = False
    sets_body: bool = False
    body: str | None = None
    ends_section: bool = False
    is_annex: bool = False

    @property
    def opens(self) -> bool:
        """True when the heading begins or continues a list of recommendations."""
        return self.starts_section or self.timescale is not None


def heading_key(text: str) -> str:
    """The heading reduced for matching: no numbering, case, trailing punctuation or footnote digits."""
    key = _LEADING_NUMBER.sub("", text.strip())
    key = key.replace("’", "'").replace("\t", " ")
    key = re.sub(r"\s+", " ", key).strip().lower()
    return key.rstrip(":?.; ").strip()


def read_heading(text: str) -> HeadingMeaning:
    """Classify a heading line by what it means for the list of recommendations."""
    key = heading_key(text)
    if _ANNEX.match(key):
        return HeadingMeaning(is_annex=True)
    timescale = timescale_of(key)
    if timescale:
        # ILACS "What needs to improve" names nobody: the local authority is implied, so no addressee.
        names_nobody = key.startswith("what needs to improve")
        return HeadingMeaning(timescale=timescale, starts_section=timescale == "improvement", sets_body=names_nobody)
    what_does = _WHAT_DOES.match(key)
    if what_does:
        body = normalise_body(what_does.group("body"))
        return HeadingMeaning(starts_section=True, sets_body=True, body=body)
    recommendations = _RECOMMENDATIONS.match(key)
    if recommendations:
        body = recommendations.group("body")
        return HeadingMeaning(starts_section=True, sets_body=body is not None, body=body and normalise_body(body))
    return HeadingMeaning(ends_section=bool(_ENDS.search(key)))


def is_known_heading(text: str) -> bool:
    """True for headings the parser recognises by their words alone."""
    meaning = read_heading(text)
    return meaning.opens or meaning.ends_section or meaning.is_annex


def timescale_of(key: str) -> str | None:
    """The timescale a (reduced) heading names, if any."""
    for pattern, timescale in _TIMESCALE_PATTERNS:
        if pattern.match(key):
            return timescale
    months = _MONTHS_PATTERN.match(key)
    if months:
        return _timescale_for_months(months.group("n"))
    return None


def _timescale_for_months(word: str) -> str:
    months = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    if months <= 1:
        return "immediate"
    if months <= 3:
        return "three_months"
    if months <= 6:
        return "six_months"
    return "longer_term"


def body_named_by(text: str) -> str | None:
    """The body a section heading is about ('LSCB', 'local authority'), if it names one."""
    key = heading_key(text)
    if _LSCB.match(key):
        return "LSCB"
    if _LOCAL_AUTHORITY.match(key):
        return "local authority"
    return None


def normalise_body(words: str) -> str:
    """'the Local Authority' → 'local authority', 'The LSCB' → 'LSCB'; other bodies as printed."""
    words = re.sub(r"\s+", " ", words.strip())
    plain = re.sub(r"^the ", "", words, flags=re.IGNORECASE).lower()
    if plain in {"local authority", "authority", "council", "local council"}:
        return "local authority"
    if plain in {"lscb", "local safeguarding children board", "board", "safeguarding board"}:
        return "LSCB"
    return words
