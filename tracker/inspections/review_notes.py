"""What the review page lists first for the reviewer to check: the importer's doubts, each pointing at its field or
item, in the order the page shows them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.models import ImportDraft


def _one_line(value: str) -> str:
    return " ".join(value.split())


@dataclass(frozen=True)
class ReviewNote:
    """One thing for the reviewer to check, and where on the review page it is (an element id)."""

    message: str
    anchor: str | None = None
    item: int | None = None
    # Read but may be wrong (a flag), rather than not found at all.
    flagged: bool = False


# Where on the review page each field's note points.
_NOTE_ANCHORS = {
    "authority": "authority",
    "framework": "framework",
    "overall_judgement": "overall_judgement",
    "published_on": "published_on",
    "inspection_start_on": "inspection_start_on",
    "inspection_end_on": "inspection_start_on",
    "judgements": "judgements",
    "recommendations": "recommendations",
}
# The importer's own words for what it did not find, to point each at its field.
_WARNING_FIELDS = (
    ("local authority", "authority"),
    ("publication date", "published_on"),
    ("inspection dates", "inspection_start_on"),
    ("framework", "framework"),
    ("recommendations", "recommendations"),
)


def review_notes(draft: ImportDraft, fields: dict[str, Any]) -> list[ReviewNote]:
    """The draft's notes in page order, item notes attached to the item that still reads as it did."""
    items = fields.get("recommendations", [])
    positions = {_one_line(item.get("text", "")): index for index, item in reversed(list(enumerate(items)))}
    notes: list[ReviewNote] = []
    for note in draft.warnings or []:
        if isinstance(note, str):
            field = next((name for words, name in _WARNING_FIELDS if words in note.lower()), None)
            notes.append(ReviewNote(note, _NOTE_ANCHORS.get(field or "")))
        elif note.get("field") == "item":
            index = positions.get(_one_line(note.get("item_text") or ""))
            if index is not None:
                notes.append(ReviewNote(note["message"], f"item-{index}", index, flagged=True))
        else:
            notes.append(ReviewNote(note["message"], _NOTE_ANCHORS.get(note.get("field") or ""), flagged=True))
    return sorted(notes, key=_page_order)


_PAGE_ORDER = list(dict.fromkeys(_NOTE_ANCHORS.values()))


def _page_order(note: ReviewNote) -> tuple[int, int]:
    """Details and lists in the order the page shows them, then items in their order."""
    if note.item is not None:
        return len(_PAGE_ORDER), note.item
    return (_PAGE_ORDER.index(note.anchor) if note.anchor in _PAGE_ORDER else 0), 0
