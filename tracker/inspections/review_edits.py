"""The review page's buttons (split, merge, move, delete, insert, add): edits to a draft's values, in place.

Each takes the draft's fields as the review form holds them and the item's index, and says where the page should
scroll to; a stale index (the page was out of date) changes nothing. Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker.models import Timescale
from tracker.numbers import whole_number


class ReviewError(Exception):
    """An edit that cannot be made as asked; `field` is the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _items(fields: dict[str, Any]) -> list[dict[str, str]]:
    return fields["recommendations"]


def split_item(fields: dict[str, Any], index: int) -> int:
    """Split an item where the reviewer started new lines; each part keeps the timescale, addressee and theme.

    An item whose sub-items are on lines of their own (as imported) splits only at an empty line, so its sub-items
    stay with it.
    """
    item = _items(fields)[index]
    text = item["text"].strip()
    breaks = r"\n\s*\n" if re.search(r"\n\s*\n", text) else r"\n"
    parts = [part.strip() for part in re.split(breaks, text) if part.strip()]
    if len(parts) < 2:
        raise ReviewError(
            f"recommendations-{index}-text",
            "To split this item, start a new line in its text where it should split, then select Split",
        )
    first, *rest = parts
    item["text"] = first
    new_items = [{**item, "number": "", "text": part} for part in rest]
    _items(fields)[index + 1 : index + 1] = new_items
    return index


def merge_with_next(fields: dict[str, Any], index: int) -> int:
    items = _items(fields)
    if index + 1 >= len(items):
        raise ReviewError(f"recommendations-{index}-text", "This is the last item: there is nothing to merge it with")
    item, following = items[index], items.pop(index + 1)
    item["text"] = f"{item['text'].strip()} {following['text'].strip()}".strip()
    for name in ("number", "addressee", "theme"):
        item[name] = item[name] or following[name]
    return index


def move_up(fields: dict[str, Any], index: int) -> int:
    items = _items(fields)
    if index == 0:
        return index
    items[index - 1], items[index] = items[index], items[index - 1]
    return index - 1


def move_down(fields: dict[str, Any], index: int) -> int:
    items = _items(fields)
    if index + 1 >= len(items):
        return index
    items[index + 1], items[index] = items[index], items[index + 1]
    return index + 1


def delete_item(fields: dict[str, Any], index: int) -> int | None:
    del _items(fields)[index]
    return max(index - 1, 0) if _items(fields) else None


def insert_item_after(fields: dict[str, Any], index: int) -> int:
    """A blank item after `index`, under the same timescale, addressee and theme."""
    item = _items(fields)[index]
    _items(fields).insert(index + 1, {**item, "number": "", "text": ""})
    return index + 1


def add_item(fields: dict[str, Any]) -> int:
    """A blank item at the end, under the last item's timescale (immediate when there is none)."""
    items = _items(fields)
    timescale = items[-1]["timescale"] if items else Timescale.IMMEDIATE.value
    items.append({"number": "", "timescale": timescale, "addressee": "", "theme": "", "text": ""})
    return len(items) - 1


def add_judgement(fields: dict[str, Any]) -> None:
    fields["judgements"].append({"area": "", "grade": ""})


def delete_judgement(fields: dict[str, Any], index: int) -> None:
    del fields["judgements"][index]


ITEM_OPERATIONS: dict[str, Callable[[dict[str, Any], int], int | None]] = {
    "split": split_item,
    "merge": merge_with_next,
    "up": move_up,
    "down": move_down,
    "delete": delete_item,
    "insert": insert_item_after,
}


@dataclass(frozen=True)
class EditOutcome:
    """Where the page should scroll to after an edit ("item-3", "judgements"), or None."""

    anchor: str | None


def apply_operation(fields: dict[str, Any], operation: str) -> EditOutcome:
    """Carry out a review-page button ("split-3", "add", "delete-judgement-1" …) on the draft values.

    Unknown operations and stale indexes (the page was out of date) change nothing.
    """
    if operation == "add":
        return EditOutcome(f"item-{add_item(fields)}")
    if operation == "add-judgement":
        add_judgement(fields)
        return EditOutcome("judgements")
    name, _, position = operation.rpartition("-")
    index = whole_number(position)
    if index is None:
        return EditOutcome(None)
    if name == "delete-judgement":
        if index < len(fields["judgements"]):
            delete_judgement(fields, index)
        return EditOutcome("judgements")
    if name not in ITEM_OPERATIONS or index >= len(_items(fields)):
        return EditOutcome(None)
    focus = ITEM_OPERATIONS[name](fields, index)
    return EditOutcome(f"item-{focus}" if focus is not None else "recommendations")
