"""A recommendation quoted whole, as the report printed it: who it is addressed to ("The local partnership should:")
and its own words, its sub-items kept as a list."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A sub-item as a reviewer or the report set it out: "- ", "• ", "a) ", "(ii) ", "3. ".
_SUB_ITEM = re.compile(r"^\s*(?:[-•\u2022\u25aa\uf0a7*–]|\(?[a-z]\)|\(?[ivx]+\)|\d+[.)])\s+", re.IGNORECASE)
# Bodies the importer names without their article ("local authority", "LSCB").
_BARE_BODIES = {"local authority", "LSCB"}


@dataclass(frozen=True)
class Block:
    """A paragraph of the recommendation's text, or a list of its sub-items."""

    kind: str  # "paragraph" or "list"
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Quote:
    lead_in: str
    blocks: list[Block]


def lead_in(addressee: str | None, text: str) -> str:
    """ "The local partnership should:" unless the text names its addressee itself ("The BSCB to ensure …")."""
    body = " ".join((addressee or "").split()).rstrip(":")
    if not body:
        return ""
    words = " ".join(text.split()).lower()
    if words.startswith(body.lower()) or words.startswith(f"the {body.lower()}"):
        return ""
    if body in _BARE_BODIES:
        body = f"The {body}"
    elif body[:1].islower():
        body = body[:1].upper() + body[1:]
    return f"{body} should:"


def quote_recommendation(addressee: str | None, text: str) -> Quote:
    """The recommendation whole: its lead-in, then its paragraphs and sub-item lists in the order written.

    The importer puts each printed sub-item on a line of its own (bullet left off) and a reviewer may type them
    with bullets: a bulleted line, or a line that carries on from the one above rather than starting a new
    sentence, is a sub-item; a blank line ends a list.
    """
    blocks: list[Block] = []
    after_blank = True
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            after_blank = True
            continue
        match = _SUB_ITEM.match(line)
        words = line[match.end() :].strip() if match else line
        carries_on = bool(blocks) and not after_blank and not _new_sentence(blocks[-1].lines[-1], words)
        kind = "list" if match or carries_on else "paragraph"
        if kind == "list" and blocks[-1:] and blocks[-1].kind == "list" and not after_blank:
            blocks[-1].lines.append(words)
        else:
            blocks.append(Block(kind, [words]))
        after_blank = False
    return Quote(lead_in(addressee, text), blocks)


def _new_sentence(previous: str, line: str) -> bool:
    return line[:1].isupper() and previous.endswith((".", "?", "!"))
