"""Reading the words of an item: is it an instruction, and whom does it name as acting."""

from __future__ import annotations

import re

# Verbs that open recommendations across JAR, APA, SIF, LAC and ILACS reports.
IMPERATIVE_VERBS = frozenset(
    """
    accelerate act address adopt agree align analyse analyze appoint assess assure attend audit build
    check clarify collate collect commission communicate complete conduct confirm consider consolidate
    consult continue coordinate co-ordinate create define deliver demonstrate design determine develop
    disseminate drive eliminate embed enable encourage engage enhance ensure establish evaluate evidence
    examine expand explore extend facilitate finalise formalise gather give hold identify implement improve
    increase inform integrate introduce investigate involve keep launch learn maintain make manage map
    measure meet minimise mobilise monitor obtain offer oversee plan prepare prioritise prioritize produce
    progress promote provide publish pursue put raise rationalise re-establish re-launch recruit redesign
    reduce refine reinforce relaunch reprioritise report require resolve respond restructure retain
    review revise revisit scrutinise secure seek set share sharpen simplify speed stabilise streamline
    strengthen support sustain take tackle test tighten track train undertake understand update upgrade
    use verify widen work
    """.split()
)
# Nouns that name a body able to act: "The local authority and its partners should ...".
_BODY_NOUNS = frozenset(
    """
    authority authorities council councils partnership partnerships partners partner board boards leaders
    leadership managers members agencies agency department trust trusts commissioners schools police
    director directors chair panel group team teams officers staff practitioners professionals workers
    services service providers governors executive cabinet colleges
    """.split()
)
_OPENING_PHRASE = re.compile(
    r"^(?:with (?:its |their )?partners|in partnership with [^,]{2,80}|together with [^,]{2,80}"
    r"|as a matter of (?:urgency|priority)|urgently|further|swiftly|in addition|continue to)\s*,?\s+",
    re.IGNORECASE,
)
_CLAUSE_THEN_VERB = re.compile(r"^(?:when|where|if|once|as|to|for|in|within|by)\b[^,.]{0,150},\s*([\w-]+)", re.I)
_MODAL_BEFORE_FULL_STOP = re.compile(r"^[^.]{0,150}\b(?:should|must)\b")
_SUBJECT = re.compile(r"^(?P<subject>[^,;:()]{2,80}?)\s+(?P<modal>should|must|needs? to|to)\s+(?P<verb>[\w-]+)")
_ACRONYM = re.compile(r"^[A-Z]{2,6}s?$")


def first_word(text: str) -> str:
    """The first word, lower-cased, without punctuation."""
    match = re.match(r"[^\w]*([\w'’-]+)", text)
    return match.group(1).lower() if match else ""


def starts_with_instruction(text: str) -> bool:
    """True when the text opens with a verb telling someone to act ('Ensure ...', 'With partners, review ...')."""
    return first_word(_OPENING_PHRASE.sub("", text.strip())) in IMPERATIVE_VERBS


def looks_like_recommendation(text: str) -> bool:
    """True when the text reads as an instruction rather than a finding."""
    text = _OPENING_PHRASE.sub("", text.strip())
    if first_word(text) in IMPERATIVE_VERBS:
        return True
    clause = _CLAUSE_THEN_VERB.match(text)
    if clause and clause.group(1).lower() in IMPERATIVE_VERBS:
        return True
    return item_subject(text) is not None or bool(_MODAL_BEFORE_FULL_STOP.match(text))


def item_subject(text: str) -> str | None:
    """The body an item names as acting ('The BSCB to ensure', 'Senior leaders ... should'), as printed."""
    match = _SUBJECT.match(text.strip())
    if not match:
        return None
    subject = match.group("subject")
    words = subject.split()
    limit = 5 if match.group("modal") == "to" else 8
    if len(words) > limit or match.group("verb").lower() == "be":
        return None
    if not (words[0][0].isupper() and words[0].lower() not in IMPERATIVE_VERBS):
        return None
    if _ACRONYM.match(words[-1]) or words[-1].lower() in _BODY_NOUNS:
        return subject
    return None
