"""Find the recommendations in a report's blocks, with timescale, addressee, theme and number."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blocks import Block, LineJoiner
from .headings import HeadingMeaning, body_named_by, normalise_body, read_heading
from .results import ExtractedRecommendation
from .wording import item_subject, looks_like_recommendation, starts_with_instruction

_LEADIN_MODAL = r"(?:should|must|will need to|needs? to|is asked to|are asked to)"
_LEADIN_ENDINGS = re.compile(
    rf"\b{_LEADIN_MODAL}\b[^.]*:$|(?:the following(?: actions?| recommendations?)?|as follows|below)[.:]?$",
    re.IGNORECASE,
)
_LEADIN_WITH_MODAL = re.compile(rf"\b{_LEADIN_MODAL}\b[^.]*:$", re.IGNORECASE)
_LEADIN_SUBJECT = re.compile(rf"^(?P<subject>.+?)\s+{_LEADIN_MODAL}\b")
_INTRODUCTORY = re.compile(r"^(?:in order to|to|in|with|as|following|for)\b", re.IGNORECASE)
# ILACS reports since 2023 end each item with a cross-reference to the National Framework.
_CROSS_REFERENCE = re.compile(
    r"\s*\((?P<ref>(?:outcomes?|enablers?|principles?)\s+\d+(?:\s*(?:,|and|&)\s*"
    r"(?:(?:outcomes?|enablers?|principles?)\s+)?\d+)*,\s*(?:the )?national framework)\)\s*\.?$",
    re.IGNORECASE,
)


@dataclass
class _Section:
    """Where the parser is: the current timescale, theme and who the report is talking to."""

    timescale: str = "improvement"
    theme: str | None = None
    body: str | None = None
    leadin_addressee: str | None = None
    leadin_open: bool = False
    run: list[ExtractedRecommendation] = field(default_factory=list)


class RecommendationReader:
    """A small state machine over blocks: opens at recommendation headings, closes at the next topic."""

    def __init__(self, joiner: LineJoiner) -> None:
        self.joiner = joiner
        self.found: list[ExtractedRecommendation] = []
        self.runs: list[list[ExtractedRecommendation]] = []
        self.section: _Section | None = None
        self.context_body: str | None = None
        self.pending: list[Block] = []
        self.stopped = False

    def read(self, blocks: list[Block]) -> list[ExtractedRecommendation]:
        """Every recommendation in document order, duplicates removed."""
        for block in blocks:
            if self.stopped:
                break
            if block.kind == "heading":
                self._on_heading(block)
            elif self.section is not None:
                self._on_content(self.section, block)
        self._close()
        return _without_duplicates(self.found)

    def _on_heading(self, block: Block) -> None:
        text = self.joiner.join(block.lines)
        meaning = read_heading(text)
        if meaning.opens:
            self._open(meaning)
        elif _LEADIN_ENDINGS.search(text) and (self.section is not None or _LEADIN_WITH_MODAL.search(text)):
            # "The local partnership should:" is short enough to look like a heading; on its own it still
            # introduces recommendations, with no timescale given.
            self._read_leadin(self.section or self._open(HeadingMeaning(starts_section=True)), block, text)
        elif meaning.is_annex and self.found:
            # Annexes after the recommendations summarise other reports (APA letters, youth inspections):
            # their lists are not this report's. An annex seen earlier is a contents entry.
            self.stopped = True
        elif self.section is None or meaning.ends_section:
            self._close()
            self._note_context(text)
        else:
            self.pending.append(block)

    def _note_context(self, heading: str) -> bool:
        body = body_named_by(heading)
        if body and body != self.context_body:
            self.context_body = body
            return True
        return False

    def _open(self, meaning: HeadingMeaning) -> _Section:
        changed = False
        for block in self.pending:
            changed = self._note_context(self.joiner.join(block.lines)) or changed
        self.pending.clear()
        section = self.section
        # "Areas for improvement" inside "What does the LSCB need to improve?" carries on the same list.
        restarts = meaning.starts_section and not (section is not None and meaning.timescale)
        if section is None or restarts or changed:
            self._close()
            section = self.section = _Section(body=self.context_body)
        if meaning.sets_body:
            section.body = self.context_body = meaning.body
        section.timescale = meaning.timescale or ("improvement" if meaning.starts_section else section.timescale)
        section.theme = None
        section.leadin_open = False
        return section

    def _close(self) -> None:
        if self.section is not None and self.section.run:
            self.runs.append(self.section.run)
        self.section = None
        self.pending.clear()

    def _on_content(self, section: _Section, block: Block) -> None:
        lead = self.joiner.join(block.lines)
        if self.pending:
            if not looks_like_recommendation(lead):
                self._close()
                return
            section.theme = _heading_text(self.joiner.join(self.pending[-1].lines))
            self.pending.clear()
        if _is_leadin(lead):
            self._read_leadin(section, block, lead)
        elif block.kind == "item" or looks_like_recommendation(lead) or (section.leadin_open and lead[:1].islower()):
            # A paragraph in the list that reads as an instruction is an item whose bullet was lost.
            self._add(section, block.number, self._item_text(lead, block.subitems))

    def _read_leadin(self, section: _Section, block: Block, lead: str) -> None:
        addressee = _leadin_addressee(lead)
        if addressee:
            section.leadin_addressee = addressee
        section.leadin_open = True
        for subitem in block.subitems:
            self._add(section, None, self.joiner.join(subitem))

    def _item_text(self, lead: str, subitems: list[list[str]]) -> str:
        parts = [self.joiner.join(subitem) for subitem in subitems]
        return " ".join([lead, "; ".join(part for part in parts if part)]).strip()

    def _add(self, section: _Section, number: str | None, text: str) -> None:
        theme = section.theme
        reference = _CROSS_REFERENCE.search(text)
        if reference:
            theme, text = reference.group("ref"), text[: reference.start()].rstrip()
        if not text:
            return
        addressee = item_subject(text) or section.leadin_addressee or section.body
        recommendation = ExtractedRecommendation(number, section.timescale, addressee, theme, text)
        self.found.append(recommendation)
        section.run.append(recommendation)


def _heading_text(text: str) -> str:
    """A theme heading as printed, without numbering or a trailing colon."""
    text = re.sub(r"^\d{1,3}(?:\.\d{1,3}){0,3}\.?\s+", "", text.strip())
    return text.rstrip(": ").strip()


def _is_leadin(text: str) -> bool:
    """'The local partnership should:' or '... the local authority should take the following action.'"""
    if starts_with_instruction(text):
        return False
    return text.endswith(":") or bool(_LEADIN_ENDINGS.search(text))


def _leadin_addressee(text: str) -> str | None:
    match = _LEADIN_SUBJECT.match(text)
    if not match:
        return None
    subject = match.group("subject").strip()
    if _INTRODUCTORY.match(subject) and "," in subject:
        subject = subject.rsplit(",", 1)[1].strip()
    return normalise_body(subject) if subject else None


def _without_duplicates(found: list[ExtractedRecommendation]) -> list[ExtractedRecommendation]:
    seen: set[tuple[str, str]] = set()
    unique: list[ExtractedRecommendation] = []
    for recommendation in found:
        key = (recommendation.timescale, recommendation.text.lower())
        if key not in seen:
            seen.add(key)
            unique.append(recommendation)
    return unique


def numbering_gaps(runs: list[list[ExtractedRecommendation]]) -> list[str]:
    """Numbers missing inside a numbered run, e.g. 7, 8, 10 → '9'."""
    missing: list[str] = []
    for run in runs:
        numbers = [int(r.number) for r in run if r.number and r.number.isdigit()]
        for before, after in zip(numbers, numbers[1:], strict=False):
            if 1 < after - before <= 5:
                missing.extend(str(n) for n in range(before + 1, after))
    return missing
