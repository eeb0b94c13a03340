"""PDF to text with pypdf, within limits, with running headers, footers and footnotes taken off each page."""

from __future__ import annotations

import io
import logging
import math
import re
from collections import Counter

import pypdf
from pypdf.errors import DependencyError, LimitReachedError

from .errors import UnreadableDocument

logger = logging.getLogger(__name__)

MAX_PDF_PAGES = 500
# Ofsted reports hold a few hundred kilobytes of page content; far more is a decompression bomb.
MAX_CONTENT_BYTES = 64 * 1024 * 1024
_MIN_TEXT_CHARACTERS = 50
# How far from the end a complete PDF's last %%EOF may sit (padding, appended bytes) when telling "cut short" apart.
_EOF_SEARCH_BYTES = 1024 * 1024
_PYPDF_LIMITS = {
    "zlib_maximum_output_length": 16 * 1024 * 1024,
    "lzw_maximum_output_length": 16 * 1024 * 1024,
    "run_length_maximum_output_length": 16 * 1024 * 1024,
    "maximum_declared_stream_length": 32 * 1024 * 1024,
    "jbig2dec_binary": None,
}
_FURNITURE_ZONE = 4
_FOOTNOTE_ZONE = 10
_FOOTNOTE_START = re.compile(r"^(?P<n>\d{1,2})\s+[A-Z‘“'\"]")
# Control characters in extracted text mean a font encoding the extractor decoded wrongly.
_GARBLED = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$", re.IGNORECASE)

DAMAGED = "The PDF is damaged and cannot be read: save or download it again and upload the new copy"
INCOMPLETE = "The PDF is incomplete, as if the download stopped early: download it again and upload the new copy"
PASSWORD = "The PDF is protected by a password: remove the password and upload it again"  # nosec B105
BOMB = (
    "The PDF was not read because it unpacks to far more data than any report holds: "
    "it may be damaged or built to overload the system"
)
NO_TEXT = (
    "The PDF has no text to read: it looks like a scanned image. "
    "Upload a copy with selectable text, such as the report from Ofsted's website"
)
GARBLED = (
    "The PDF's text is stored in a way the importer cannot decode: "
    "save it again as PDF from the original program, or upload the Word version"
)


def read_pdf_text(data: bytes) -> str:
    """The text of a PDF, page furniture removed; raises UnreadableDocument with the reason if it cannot.

    Not bounded in time: a page can hold unbounded work (forms drawing forms), so the web app reads uploads in a
    child process with CPU, memory and clock limits (tracker.sandbox)."""
    try:
        # None: the limits apply on top of pypdf's current configuration.
        with pypdf.apply_configuration(None, **_PYPDF_LIMITS):
            pages = _page_texts(data)
    except UnreadableDocument:
        raise
    except LimitReachedError as error:
        raise UnreadableDocument(BOMB) from error
    except DependencyError as error:
        raise UnreadableDocument("The PDF is encrypted in a way the importer cannot read") from error
    except MemoryError:
        raise  # the reader's bound (tracker.sandbox), not a damaged file
    except RecursionError as error:
        raise UnreadableDocument(_damaged_or_incomplete(data)) from error
    except Exception as error:  # pypdf raises many types on malformed input; all mean the same to a user
        logger.info("PDF could not be read: %r", error)
        raise UnreadableDocument(_damaged_or_incomplete(data)) from error
    characters = "".join(re.sub(r"\s", "", page) for page in pages)
    if len(characters) < _MIN_TEXT_CHARACTERS:
        raise UnreadableDocument(NO_TEXT)
    if len(_GARBLED.findall(characters)) > len(characters) * 0.02:
        raise UnreadableDocument(GARBLED)
    return "\n\n".join("\n".join(lines) for lines in strip_page_furniture(pages))


def _damaged_or_incomplete(data: bytes) -> str:
    """Why a PDF pypdf could not read was refused: cut short when its end-of-file marker is missing.

    Only asked after reading failed: a complete PDF may be followed by padding or bytes a gateway appended.
    """
    return DAMAGED if b"%%EOF" in data[-_EOF_SEARCH_BYTES:] else INCOMPLETE


def _page_texts(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
        raise UnreadableDocument(PASSWORD)
    count = len(reader.pages)
    if count == 0:
        raise UnreadableDocument("The PDF has no pages")
    if count > MAX_PDF_PAGES:
        raise UnreadableDocument(
            f"The PDF has {count} pages: the importer reads reports of up to {MAX_PDF_PAGES} pages"
        )
    texts: list[str] = []
    content_bytes = 0
    for page in reader.pages:
        contents = page.get_contents()
        content_bytes += len(contents.get_data()) if contents is not None else 0
        if content_bytes > MAX_CONTENT_BYTES:
            raise UnreadableDocument(BOMB)
        texts.append(page.extract_text() or "")
    return texts


def strip_page_furniture(pages: list[str]) -> list[list[str]]:
    """Each page's lines without repeated headers/footers, page numbers or bottom-of-page footnotes."""
    split = [[line.rstrip() for line in page.split("\n")] for page in pages]
    repeated = _repeated_zone_lines(split)
    stripped: list[list[str]] = []
    for index, lines in enumerate(split):
        # A footnote's marker may sit on the page before, when the footnote ran over.
        previous = split[index - 1] if index else []
        stripped.append(_drop_footnotes(_drop_furniture(lines, repeated), previous))
    return stripped


def _zone_indexes(lines: list[str]) -> list[int]:
    text_indexes = [i for i, line in enumerate(lines) if line.strip()]
    return text_indexes[:_FURNITURE_ZONE] + text_indexes[-_FURNITURE_ZONE:]


def _key(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.strip()))


def _repeated_zone_lines(pages: list[list[str]]) -> set[str]:
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(lines[i]) for i in _zone_indexes(lines)})
    needed = max(3, math.ceil(0.3 * len(pages)))
    return {key for key, count in counts.items() if count >= needed}


def _drop_furniture(lines: list[str], repeated: set[str]) -> list[str]:
    zone = set(_zone_indexes(lines))
    return [
        "" if i in zone and (_key(line) in repeated or _PAGE_NUMBER.match(line.strip())) else line
        for i, line in enumerate(lines)
    ]


def _drop_footnotes(lines: list[str], previous_page: list[str]) -> list[str]:
    """Footnotes sit at the foot of the page and start with a marker used in the text above them."""
    text_indexes = [i for i, line in enumerate(lines) if line.strip()]
    for index in text_indexes[-_FOOTNOTE_ZONE:]:
        start = _FOOTNOTE_START.match(lines[index].strip())
        if start and _marker_used([*previous_page, *lines[:index]], start.group("n")):
            return lines[:index]
    return lines


def _marker_used(lines: list[str], number: str) -> bool:
    text = "\n".join(lines)
    return bool(re.search(rf"[A-Za-z?)’'.,:;]{number}(?!\d)", text))
