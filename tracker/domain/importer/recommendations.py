"""Find the recommendations in a report's blocks, with timescale, addressee, theme and number."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blocks import Block, LineJoiner
from .headings import HeadingMeaning, body_named_by, normalise_body, read_heading
from .results import ExtractedRecommendation
from .wording import looks_like_recommendation, starts_with_instruction

_LEADIN_MODAL = r"(?:should|must|will need to|needs? to|is asked to|are asked to)"
# "The local partnership should:", "... the local authority should take the following action:"; not an item
# whose parts follow ("Leaders should ensure that improvements continue in respect of:").
_LEADIN_WITH_MODAL = re.compile(rf"\b{_LEADIN_MODAL}(?:\s+[\w’'-]+){{0,4}}\s*:$", re.IGNORECASE)
_LEADIN_ENDINGS = re.compile(
    rf"{_LEADIN_WITH_MODAL.pattern}|(?:the following(?: actions?| recommendations?)?|as follows|below)[.:]?$",
    re.IGNORECASE,
)
_LEADIN_SUBJECT = re.compile(rf"^(?P<subject>.+?)\s+{_LEADIN_MODAL}\b")
_INTRODUCTORY = re.compile(r"^(?:in order to|to|in|with|as|following|for)\b", re.IGNORECASE)
# A theme is a short sub-heading ("Leadership, management and governance", "Care leavers"), not a sentence.
_THEME_WORDS = 10
# "The inspection did not find any areas for priority and immediate action.": the list is empty on purpose.
_NONE_FOUND = re.compile(
    r"\b(?:did not|does not|do not|no)\b[^.]{0,60}\b(?:areas? for|recommendations?|priority|immediate actions?)\b",
    re.IGNORECASE,
)
# Text every report of a kind ends with, never a recommendation: where the list has ended.
_BOILERPLATE = re.compile(
    r"\bcomplain to ofsted\b|\bif you are not happy with the inspection\b|^ofsted will take the findings\b"
    r"|^yours (?:sincerely|faithfully)\b|^this publication is available\b|^if you would like a copy of this document",
    re.IGNORECASE,
)
_MODAL = re.compile(r"\b(?:should|must|will|needs? to|has|have|is|are)\b", re.IGNORECASE)


@dataclass
class SectionRecord:
    """A heading that opened a list, where it sat and how many items (counting their parts) came of it."""

    heading: str
    first_block: int
    last_block: int
    items: int = 0
    parts: int = 0
    # Blocks read under it that were neither items nor lead-ins; and whether the report said it has none.
    other_blocks: int = 0
    leadins: int = 0
    none_stated: bool = False


@dataclass
class _Section:
    """Where the parser is: the current timescale, theme and who the report is talking to."""

    timescale: str = "improvement"
    theme: str | None = None
    body: str | None = None
    leadin_addressee: str | None = None
    leadin_open: bool = False
    run: list[ExtractedRecommendation] = field(default_factory=list)
    record: SectionRecord | None = None


class RecommendationReader:
    """A small state machine over blocks: opens at recommendation headings, closes at the next topic.

    `default_body` is who a list addresses when no heading or lead-in says (a SIF report's own lists are the
    local authority's). With `paragraphs_are_items` every paragraph of a list is an item (area SEND "areas for
    improvement" are paragraphs without bullets, some opening with the finding).
    """

    def __init__(
        self, joiner: LineJoiner, *, default_body: str | None = None, paragraphs_are_items: bool = False
    ) -> None:
        self.joiner = joiner
        self.paragraphs_are_items = paragraphs_are_items
        self.found: list[ExtractedRecommendation] = []
        self.runs: list[list[ExtractedRecommendation]] = []
        self.sections: list[SectionRecord] = []
        self.section: _Section | None = None
        self.context_body: str | None = default_body
        self.pending: list[Block] = []
        self.held: Block | None = None
        self.index = 0
        self.stopped = False

    def read(self, blocks: list[Block]) -> list[ExtractedRecommendation]:
        """Every recommendation in document order, duplicates removed."""
        for index, block in enumerate(blocks):
            if self.stopped:
                break
            self.index = index
            if self.held is not None:
                self._release(block)
            if block.kind == "heading":
                self._on_heading(block)
            elif self.section is not None:
                self._on_content(self.section, block)
        if self.held is not None:
            self._release(None)
        self._close()
        return _without_duplicates(self.found)

    def _on_heading(self, block: Block) -> None:
        text = self.joiner.join(block.lines)
        meaning = read_heading(text)
        if meaning.opens:
            self._open(meaning, text)
        elif _LEADIN_ENDINGS.search(text) and (self.section is not None or _LEADIN_WITH_MODAL.search(text)):
            # "The local partnership should:" is short enough to look like a heading; on its own it still
            # introduces recommendations, with no timescale given.
            self._read_leadin(self.section or self._open(HeadingMeaning(starts_section=True), text), block, text)
        elif meaning.is_annex and self.found:
            # Annexes after the recommendations summarise other reports (APA letters, youth inspections):
            # their lists are not this report's. An annex seen earlier is a contents entry.
            self.stopped = True
        elif self.section is None or meaning.ends_section:
            self._close()
            self._note_context(text)
        elif not _theme_like(text):
            # A sentence set on a line of its own ("Managers should record ..."), not a sub-heading.
            self._on_content(self.section, block)
        else:
            self.pending.append(block)

    def _note_context(self, heading: str) -> bool:
        body = body_named_by(heading)
        if body and body != self.context_body:
            self.context_body = body
            return True
        return False

    def _open(self, meaning: HeadingMeaning, heading: str) -> _Section:
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
        previous = self.sections[-1] if self.sections else None
        if previous is not None and section.record is previous and previous.items == previous.other_blocks == 0:
            # Two headings in a row open one list ("What does the local authority need to improve?" then
            # "Areas for improvement"; a heading printed twice).
            previous.heading = _heading_text(heading)
            previous.none_stated = False
        else:
            section.record = SectionRecord(_heading_text(heading), self.index, self.index)
            self.sections.append(section.record)
        return section

    def _close(self) -> None:
        if self.section is not None and self.section.run:
            self.runs.append(self.section.run)
        self.section = None
        # Headings that turned out not to be themes still say whom what follows is about.
        for block in self.pending:
            self._note_context(self.joiner.join(block.lines))
        self.pending.clear()

    def _on_content(self, section: _Section, block: Block) -> None:
        lead = self.joiner.join(block.lines)
        if _BOILERPLATE.search(lead):
            self._close()
            return
        if _NONE_FOUND.search(lead) and not block.subitems:
            if section.record is not None:
                section.record.none_stated = True
            return
        if self.pending:
            # Bullets after a sub-heading in a list of bullets go on with the list ("Care leavers" in a list
            # of "What needs to improve"); a paragraph that is not a recommendation ends it.
            bullets_go_on = block.glyph is not None and bool(section.run) and section.run[-1].number is None
            if not (looks_like_recommendation(lead) or bullets_go_on):
                self._close()
                return
            section.theme = _heading_text(self.joiner.join(self.pending[-1].lines))
            self.pending.clear()
        if section.record is not None:
            section.record.last_block = self.index
        if _is_leadin(lead):
            self._read_leadin(section, block, lead)
        elif block.number is None and section.run and section.run[-1].number and block.kind != "item":
            # Text between numbered items n and n + 1 is item n's, if n + 1 follows (see _release).
            self.held = block
        elif self._is_item(section, block, lead):
            self._add(section, block.number, self._item_text(lead, block.subitems), parts=len(block.subitems))
        elif section.record is not None:
            section.record.other_blocks += 1

    def _is_item(self, section: _Section, block: Block, lead: str) -> bool:
        if block.kind == "item" or looks_like_recommendation(lead):
            # A paragraph in the list that reads as an instruction is an item whose bullet was lost.
            return True
        return self.paragraphs_are_items or (section.leadin_open and lead[:1].islower())

    def _release(self, following: Block | None) -> None:
        """Place the text held after a numbered item: the item's own when the next number follows (a second
        paragraph, or the rest of an item cut by a page break); an item of its own when it reads as one."""
        held, self.held = self.held, None
        section = self.section
        if held is None or section is None or not section.run:
            return
        text = self.joiner.join(held.lines)
        previous = section.run[-1]
        next_number = following.number if following is not None else None
        if _follows(previous.number, next_number) or not _ends_sentence(previous.text):
            previous.text = f"{previous.text} {self._item_text(text, held.subitems)}".strip()
        elif looks_like_recommendation(text):
            self._add(section, None, self._item_text(text, held.subitems), parts=len(held.subitems))

    def _read_leadin(self, section: _Section, block: Block, lead: str) -> None:
        if section.record is not None:
            section.record.leadins += 1
        addressee = _leadin_addressee(lead)
        if addressee:
            section.leadin_addressee = addressee
        section.leadin_open = True
        for subitem in block.subitems:
            self._add(section, None, self.joiner.join(subitem))

    def _item_text(self, lead: str, subitems: list[list[str]]) -> str:
        """The item's lead and its parts, each part on a line of its own as printed (its bullet left off)."""
        parts = [self.joiner.join(subitem).strip() for subitem in subitems]
        return "\n".join([lead.strip(), *(part for part in parts if part)]).strip()

    def _add(self, section: _Section, number: str | None, text: str, *, parts: int = 0) -> None:
        if not text:
            return
        addressee = section.leadin_addressee or section.body
        recommendation = ExtractedRecommendation(number, section.timescale, addressee, section.theme, text)
        self.found.append(recommendation)
        section.run.append(recommendation)
        if section.record is not None:
            section.record.items += 1
            section.record.parts += parts
            section.record.last_block = self.index


def _follows(number: str | None, following: str | None) -> bool:
    return bool(number and following and number.isdigit() and following.isdigit() and int(following) == int(number) + 1)


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "?", "!", ")", ".’", ".”"))


def _theme_like(text: str) -> bool:
    """A sub-heading naming a theme: a few words, no full stop, no verb of a sentence."""
    words = text.split()
    return len(words) <= _THEME_WORDS and not text.rstrip().endswith(".") and not _MODAL.search(text)


def _heading_text(text: str) -> str:
    """A theme heading as printed, without numbering or a trailing colon."""
    text = re.sub(r"^\d{1,3}(?:\.\d{1,3}){0,3}\.?\s+", "", text.strip())
    return text.rstrip(": ").strip()


def _is_leadin(text: str) -> bool:
    """'The local partnership should:' or '... the local authority should take the following action.'; not
    an item whose parts follow ("The quality of oversight and monitoring of:")."""
    if starts_with_instruction(text):
        return False
    if _LEADIN_WITH_MODAL.search(text):
        # "The local partnership should:", not a paragraph whose last sentence says what its parts are
        # ("Leaders should ensure reviews are on time. This should include:").
        return ". " not in text.rstrip(". ")
    return bool(_LEADIN_ENDINGS.search(text))


def _leadin_addressee(text: str) -> str | None:
    match = _LEADIN_SUBJECT.match(text)
    if not match:
        return None
    subject = match.group("subject").strip()
    if _INTRODUCTORY.match(subject) and "," in subject:
        subject = subject.rsplit(",", 1)[1].strip()
    return normalise_body(subject) if subject else None


def _without_duplicates(found: list[ExtractedRecommendation]) -> list[ExtractedRecommendation]:
    """The same list printed twice, once: an item repeated under another number is the report's own."""
    seen: set[tuple[str, str | None, str]] = set()
    unique: list[ExtractedRecommendation] = []
    for recommendation in found:
        key = (recommendation.timescale, recommendation.number, recommendation.text.lower())
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
