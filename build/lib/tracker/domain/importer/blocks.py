"""Group clean lines into blocks (headings, numbered or bulleted items, paragraphs), undoing line wraps."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cleaning import BULLETS
from .headings import is_known_heading, read_heading
from .wording import looks_like_recommendation

_NUMBERED = re.compile(
    r"^\(?(?P<number>\d{1,3}(?:\.\d{1,3}){0,3}|[a-z]|[ivx]{1,4})(?P<mark>[.)]?)(?:[ \t]+)(?P<rest>\S.*)$"
)
_MONTH_START = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)
_SENTENCE_END = (".", ";", "!", "?", ":", ")")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
# A line this share of the column's width or longer filled the column: the text wrapped at its end.
_FULL_LINE = 0.9
_MIN_WRAPPED_LINES = 8
_VERB = re.compile(r"\b(?:should|must|will|is|are|was|were|has|have|need to|needs to)\b", re.IGNORECASE)
_MIN_COLUMN = 45


@dataclass
class Block:
    """A heading, an item (numbered or bulleted) or a paragraph, with its wrapped lines."""

    kind: str
    lines: list[str]
    number: str | None = None
    indent: int = 0
    subitems: list[list[str]] = field(default_factory=list)
    glyph: str | None = None
    subitem_glyph: str | None = None
    line: int = 0

    @property
    def last_line(self) -> str:
        """The most recent line added, including to a sub-item."""
        source = self.subitems[-1] if self.subitems else self.lines
        return source[-1] if source else ""


class LineJoiner:
    """Joins wrapped lines, deciding per document whether a line-end hyphen belongs to the word."""

    def __init__(self, lines: list[str]) -> None:
        self.vocabulary = {word.lower() for line in lines for word in _WORD.findall(line)}

    def join(self, lines: list[str]) -> str:
        """Lines of one block as a single line of text."""
        text = ""
        for line in (line.strip() for line in lines):
            if not line:
                continue
            text = self._join_pair(text, line) if text else line
        return re.sub(r"\s+", " ", text).strip()

    def _join_pair(self, text: str, line: str) -> str:
        if text.endswith("/"):
            return f"{text}{line}"  # "and/" + "or", a path or a web address broken at the slash
        hyphenated = re.search(r"([A-Za-z]+)-$", text)
        tail = _WORD.match(line)
        if not hyphenated or not tail:
            return f"{text} {line}"
        head, rest = hyphenated.group(1), tail.group(0)
        # 'recom-' + 'mendations' is layout hyphenation; 'multi-' + 'agency' is a real compound.
        if f"{head}{rest}".lower() in self.vocabulary and f"{head}-{rest}".lower() not in self.vocabulary:
            return f"{text[:-1]}{line}"
        return f"{text}{line}"


def read_blocks(lines: list[str]) -> list[Block]:
    """Blocks in document order; wrapped lines are joined to the block they continue."""
    builder = _BlockBuilder(_typical_width(lines), _column_width(lines))
    gap = 0
    for number, line in enumerate(lines):
        if line.strip():
            count = len(builder.blocks)
            builder.feed(line, gap)
            if len(builder.blocks) > count:
                builder.blocks[-1].line = number
            gap = 0
        else:
            gap += 1
    return builder.blocks


def _typical_width(lines: list[str]) -> int:
    lengths = sorted(len(line.strip()) for line in lines if len(line.strip()) >= 20)
    return lengths[int(0.9 * (len(lengths) - 1))] if lengths else 80


def _column_width(lines: list[str]) -> int | None:
    """The width text was wrapped to, when it was (a PDF's column): most lines then end near it. Text with a
    paragraph to a line, or too little of it, has none."""
    lengths = [len(line.strip()) for line in lines if len(line.strip()) >= 20]
    if len(lengths) < _MIN_WRAPPED_LINES:
        return None
    width = sorted(lengths)[int(0.9 * (len(lengths) - 1))]
    near = sum(1 for length in lengths if 0.8 * width <= length <= width)
    return width if width >= _MIN_COLUMN and near >= 0.35 * len(lengths) else None


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(_SENTENCE_END)


class _BlockBuilder:
    def __init__(self, width: int, column: int | None) -> None:
        self.width = width
        self.column = column
        self.blocks: list[Block] = []

    def _fills_column(self, line: str) -> bool:
        return self.column is not None and len(line) >= _FULL_LINE * self.column

    @property
    def current(self) -> Block | None:
        return self.blocks[-1] if self.blocks else None

    def feed(self, raw: str, gap: int) -> None:
        indent = len(raw) - len(raw.lstrip())
        line = raw.strip()
        if line[:1] in BULLETS and line[1:2] in (" ", ""):
            self._bullet(line[1:].strip(), indent, line[0])
        elif (numbered := self._numbered(line)) is not None:
            self._start_numbered(numbered, indent)
        elif self.current is not None and self._continues(self.current, line, gap):
            self._append(self.current, line)
        else:
            # A line as long as the column is the start of a wrapped sentence, whatever its first words.
            # A line with the verb of a sentence opens a paragraph, unless it introduces a list ("... should:").
            sentence = _sentence_like(line) and not line.endswith(":")
            heading = _heading_like(line) and (not (self._fills_column(line) or sentence) or is_known_heading(line))
            kind = "heading" if heading else "para"
            self.blocks.append(Block(kind, [line], indent=indent))

    def _bullet(self, text: str, indent: int, glyph: str) -> None:
        numbered = self._numbered(text)
        if numbered is not None:
            self._start_numbered(numbered, indent)
            return
        current = self.current
        if text and current and self._is_subitem(current, text, indent, glyph):
            current.subitems.append([text])
            current.subitem_glyph = glyph
            return
        self.blocks.append(Block("item", [text], indent=indent, glyph=glyph))

    @staticmethod
    def _is_subitem(current: Block, text: str, indent: int, glyph: str) -> bool:
        """Bullets under a numbered recommendation are its parts ("this to include: ..."); bullets under a
        bullet are parts when indented further, or when the bullet above ends "...: " and these are another
        shape of bullet or go on in lower case ("monitoring of: – the pre-proceedings process – permanence")."""
        if current.kind in ("para", "heading"):
            # "Improve the arrangements ... by:" and "The local partnership should:" both take the bullets
            # below as their parts; which of the two it is, is the reader's to say. A heading ("Immediately:",
            # "Care leavers:") does not: its bullets are items.
            heading = " ".join(current.lines)
            if current.kind == "heading" and (is_known_heading(heading) or not _sentence_like(heading)):
                return False
            return current.lines[-1].endswith(":") and (not current.subitems or glyph == current.subitem_glyph)
        if current.kind != "item":
            return False
        if current.number is not None or indent > current.indent:
            return True
        if current.subitems:
            return glyph == current.subitem_glyph and (glyph != current.glyph or text[:1].islower())
        return current.lines[-1].endswith(":") and (glyph != current.glyph or text[:1].islower())

    def _numbered(self, line: str) -> re.Match[str] | None:
        match = _NUMBERED.match(line)
        return match if match and self._plausible_number(match) else None

    def _plausible_number(self, match: re.Match[str]) -> bool:
        rest = match.group("rest")
        if not match.group("mark") and not (rest[0].isupper() or rest[0] in BULLETS):
            return False
        if _MONTH_START.match(rest) or (match.group("number").isalpha() and not match.group("mark")):
            return False
        current = self.current
        if current is None or current.kind != "item" or _ends_sentence(current.last_line):
            return True
        # A wrapped sentence can start a line with a number; accept it as a new item only in sequence.
        previous, number = current.number, match.group("number")
        if previous and previous.isdigit() and number.isdigit():
            return int(previous) < int(number) <= int(previous) + 3
        return True

    def _start_numbered(self, match: re.Match[str], indent: int) -> None:
        rest = match.group("rest")
        if read_heading(rest).opens:
            self.blocks.append(Block("heading", [rest], number=match.group("number"), indent=indent))
        else:
            self.blocks.append(Block("item", [rest], number=match.group("number"), indent=indent))

    def _continues(self, current: Block, line: str, gap: int) -> bool:
        previous = current.last_line
        if current.kind != "heading" and (line[0].islower() or line[0] in "(‘“'\"&") and not previous.endswith(":"):
            # A wrapped sentence goes on, whatever its words: "... identifying risks and strengths to keep" is
            # not the heading "Strengths".
            return True
        if is_known_heading(line):
            return False
        if current.kind == "heading":
            return self._continues_heading(line, previous, gap)
        if previous.endswith(":") and current.kind == "para":
            return False
        if line[0].islower() or line[0] in "(‘“'\"&":
            return True
        if _ends_sentence(previous):
            # A bullet of several sentences: a full-width line that happens to end one is wrapped, not the end.
            # A short line without a full stop after it is a sub-heading ("Child protection medicals").
            # A line that opens another recommendation ("Leaders should ...") begins a new paragraph.
            short = len(line) < 0.6 * self.width or len(line.split()) <= 8
            sub_heading = _heading_like(line) and ". " not in line and short and not _sentence_like(line)
            full = self._fills_column(previous)
            wrapped = current.kind in ("item", "para") and not current.subitems and gap == 0 and full
            return wrapped and not sub_heading and not looks_like_recommendation(line)
        return gap == 0 or len(previous) >= 0.75 * self.width

    def _continues_heading(self, line: str, previous: str, gap: int) -> bool:
        if gap or previous.endswith((":", "?", ".")) or is_known_heading(previous):
            return False
        return line[0].islower() or len(previous) >= 0.6 * self.width

    @staticmethod
    def _append(current: Block, line: str) -> None:
        (current.subitems[-1] if current.subitems else current.lines).append(line)


def _sentence_like(text: str) -> bool:
    """Words only a sentence has: a sub-heading names a topic ("Care leavers"), it does not say anything of it."""
    return bool(_VERB.search(text))


def _heading_like(line: str) -> bool:
    """A short line, not a sentence or a table row, starting with a capital or a digit."""
    if len(line) > 120 or "\t" in line or line.endswith((".", ",", ";")):
        return False
    return (line[0].isupper() or line[0].isdigit()) and len(line.split()) <= 18
