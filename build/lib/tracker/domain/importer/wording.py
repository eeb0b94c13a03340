"""Reading the words of an item: is it an instruction, and whom does it name as acting."""

from __future__ import annotations

import re

# Verbs that open recommendations across JAR, APA, SIF, LAC and ILACS reports.
IMPERATIVE_VERBS = frozenset(
    """
    accelerate act address adopt agree align analyse analyze appoint assess assure attend audit avoid broaden
    build capture celebrate challenge check clarify co-ordinate collaborate collate collect commence commission
    communicate compile complete conclude conduct confirm consider consolidate consult continue coordinate
    create define deliver demonstrate deploy design determine develop devise direct disseminate document drive
    eliminate embed empower enable encourage enforce engage enhance ensure equip establish evaluate evidence
    examine expand expedite explore extend facilitate finalise formalise fulfil gather give harness hold
    identify implement improve increase inform instigate integrate introduce invest investigate involve keep
    launch learn mainstream maintain make manage map measure meet minimise mobilise monitor notify obtain
    offer operate oversee plan prepare prioritise prioritize produce progress promote protect provide publish
    pursue put raise rationalise re-establish re-launch recognise reconfigure recruit redesign reduce refine
    reflect refresh reinforce reinvigorate relaunch remove renew report reprioritise request require reshape
    resolve respond restore restructure retain review revise revisit safeguard scrutinise secure seek set share
    sharpen signpost simplify speed stabilise standardise steer streamline strengthen submit support sustain
    tackle take target test tighten track train transform understand undertake update upgrade use utilise
    verify widen work write
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
