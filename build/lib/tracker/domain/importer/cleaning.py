"""Clean report text into lines: one bullet glyph, no page furniture, no contents page."""

from __future__ import annotations

import re
from collections import Counter

BULLET = "•"
DASH_BULLET = "–"
CIRCLE_BULLET = "◦"
# Every bullet becomes one of three marks, by the shape of its glyph, so a list's levels stay apart: a dash
# or a circle under a dot is a part of the item above ("... including: – sufficiency – assessment").
BULLETS = (BULLET, DASH_BULLET, CIRCLE_BULLET)

# Word and PDF writers use many glyphs for bullets; PDFs set in Symbol/Wingdings fonts come out as
# private-use code points (U+F0A7, U+F0B7, U+F06E ...).
_BULLET_LINE = re.compile(r"^(\s*)(?P<glyph>(?:[•◦▪▫■□◼◻◾●○►▶▸➢➤✓✔·]|[\ue000-\uf8ff])+)\s*(.*)$")
# Word's second-level bullet is a Courier "o"; no line of English prose starts with a lone "o". Dashes
# (hyphen, minus, en and em dash, a combining long stroke) are bullets when a word follows.
_ASCII_BULLET_LINE = re.compile(
    r"^(\s*)(?P<glyph>[-*]|[\u2212\u2013\u2014\u0336]|o(?=[ \t]+[A-Za-z]))\s+(?=[A-Za-z‘“'\"(]|\d{1,3}[.)]\s)(.*)$"
)
_DASH_GLYPHS = frozenset("-\u2212\u2013\u2014\u0336")
_CIRCLE_GLYPHS = frozenset("o◦○▫□◻")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_SUPERSCRIPT_DIGITS = re.compile(r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+")
# Markup left by converters that produced some of the text fixtures (markdown bold, HTML tags).
_MARKUP = re.compile(r"\*\*|</?(?:u|p|b|i|em|strong|br)\s*/?>", re.IGNORECASE)
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"})
# A footnote marker glued to the end of a short line: "What needs to improve?1", "board1".
_GLUED_FOOTNOTE = re.compile(r"(?<=[a-z?])\d{1,2}$")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$|^[-–]\s*\d{1,3}\s*[-–]$", re.IGNORECASE)
_RUNNING_TITLE = re.compile(
    r"\b(?:inspection of|inspection report|ofsted|joint area review|annual performance assessment)\b",
    re.IGNORECASE,
)
_CONTENTS = re.compile(r"^(?:table of )?contents(?: page)?:?$", re.IGNORECASE)
# A page number at the end, after a space, a tab, or glued on where the tab was lost ("Introduction2").
_CONTENTS_ENTRY = re.compile(r"(?:\s|[A-Za-z)])\d{1,3}\s*$")
_SENTENCE_END = (".", ";", ",", "!")


def clean_lines(text: str) -> list[str]:
    """Lines of the report with layout artefacts removed; blank lines mark paragraph gaps."""
    # Contents entries are found by their tab or trailing page number, so before lines are trimmed.
    lines = _drop_contents(normalise_characters(text).split("\n"))
    lines = _drop_running_headers([_clean_line(line) for line in lines])
    lines = [line for line in lines if not _PAGE_NUMBER.match(line.strip())]
    return _squeeze_blank_lines(lines)


def normalise_characters(text: str) -> str:
    """Line endings, spaces, ligatures, markup and superscript footnote markers made plain."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _INVISIBLE.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    # A soft hyphen at a line end is a word broken by the layout; anywhere else it is invisible.
    text = re.sub("\u00ad[ \t]*\n[ \t]*", "", text).replace("\u00ad", "")
    text = _MARKUP.sub("", text)
    text = _SUPERSCRIPT_DIGITS.sub("", text)
    return text.translate(_LIGATURES)


def _clean_line(line: str) -> str:
    line = line.rstrip()
    bullet = _BULLET_LINE.match(line) or _ASCII_BULLET_LINE.match(line)
    if bullet:
        line = f"{bullet.group(1)}{_bullet_mark(bullet.group('glyph'))} {bullet.group(3)}".rstrip()
    line = _PRIVATE_USE.sub("", line)
    if len(line) <= 80 and not line.endswith(_SENTENCE_END):
        line = _GLUED_FOOTNOTE.sub("", line)
    return line


def _bullet_mark(glyph: str) -> str:
    first = glyph[0]
    if first in _DASH_GLYPHS:
        return DASH_BULLET
    return CIRCLE_BULLET if first in _CIRCLE_GLYPHS else BULLET


def _digits_blind(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.strip()))


def _drop_running_headers(lines: list[str]) -> list[str]:
    """Remove running headers/footers: title-like lines sitting next to a page number."""
    counts = Counter(_digits_blind(line) for line in lines if line.strip())
    first_lines = _index_of_nth_text_line(lines, 5)
    furniture: set[str] = set()
    dropped: set[int] = set()
    for index in _lines_beside_page_numbers(lines):
        line = lines[index].strip()
        if len(line) > 120 or line.endswith(_SENTENCE_END):
            continue
        key = _digits_blind(line)
        if counts[key] >= 3 and len(line) >= 20:
            furniture.add(key)
        elif index >= first_lines and _RUNNING_TITLE.search(line):
            dropped.add(index)
    return ["" if index in dropped or _digits_blind(line) in furniture else line for index, line in enumerate(lines)]


def _lines_beside_page_numbers(lines: list[str]) -> list[int]:
    """Indexes of the nearest text lines above and below each page-number line."""
    found: list[int] = []
    for index, line in enumerate(lines):
        if not _PAGE_NUMBER.match(line.strip()):
            continue
        for step in (-1, 1):
            neighbour = _next_text_line(lines, index, step)
            if neighbour is not None and not _PAGE_NUMBER.match(lines[neighbour].strip()):
                found.append(neighbour)
    return found


def _next_text_line(lines: list[str], index: int, step: int) -> int | None:
    index += step
    while 0 <= index < len(lines):
        if lines[index].strip():
            return index
        index += step
    return None


def _index_of_nth_text_line(lines: list[str], n: int) -> int:
    seen = 0
    for index, line in enumerate(lines):
        if line.strip():
            seen += 1
            if seen == n:
                return index
    return len(lines)


def _is_contents_entry(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 110:
        return False
    return "\t" in line or bool(_CONTENTS_ENTRY.search(stripped))


def _drop_contents(lines: list[str]) -> list[str]:
    """Drop a contents page: its entries repeat the headings the parser looks for."""
    for index, line in enumerate(lines):
        if _CONTENTS.match(line.strip()):
            end = _contents_end(lines, index + 1)
            if end > index + 1:
                return [*lines[:index], *_drop_contents(lines[end:])]
    return lines


def _contents_end(lines: list[str], start: int) -> int:
    """Index after the last contents entry; entries may wrap over a line without a page number."""
    end = start
    index = start
    while index < len(lines) and index - end <= 3:
        if _is_contents_entry(lines[index]):
            end = index + 1
        elif _BULLET_LINE.match(lines[index]):
            break
        index += 1
    return end


def _squeeze_blank_lines(lines: list[str]) -> list[str]:
    squeezed: list[str] = []
    for line in lines:
        if line.strip() or (squeezed and squeezed[-1].strip()):
            squeezed.append(line if line.strip() else "")
    while squeezed and not squeezed[-1]:
        squeezed.pop()
    return squeezed
