"""Uploaded bytes to text: PDF, Word (.docx) or plain text, recognised by content and checked against the name."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import PurePath, PureWindowsPath

from tracker.domain.upload_sizes import MAX_REPORT_BYTES

from .errors import UnreadableDocument

MAX_UPLOAD_BYTES = MAX_REPORT_BYTES

_KIND_BY_SUFFIX = {".pdf": "pdf", ".docx": "docx", ".txt": "text", ".text": "text"}
_KIND_NAMES = {"pdf": "a PDF", "docx": "a Word document (.docx)", "text": "a text file"}
_SUPPORTED = "The selected file must be a PDF, Word (.docx) or text (.txt) file"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"{\\rtf", "a Rich Text Format (.rtf) document"),
    (_OLE_MAGIC, "an older Office file (.doc or .xls) or a password-protected Office file"),
)
_ZIP_MEMBERS = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("content.xml", "an OpenDocument file"),
)


def extract_text(data: bytes, filename: str) -> str:
    """The text of an uploaded report; raises UnreadableDocument with a one-line reason if it cannot be read."""
    if not data:
        raise UnreadableDocument("The selected file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableDocument(f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)}MB")
    kind, description = sniff(data)
    expected = _kind_from_name(filename)
    if expected and expected != kind:
        suffix = _suffix(filename)
        raise UnreadableDocument(
            f"The file is not {_KIND_NAMES[expected]}: it looks like {description} saved with a {suffix} name"
        )
    # pypdf and python-docx (about 16 MB) are loaded by the first upload that needs them, not by every worker.
    if kind == "pdf":
        from .pdf import read_pdf_text

        return read_pdf_text(data)
    if kind == "docx":
        from .wordprocessing import read_docx_text

        return read_docx_text(data)
    if kind == "text":
        return _read_plain_text(data)
    raise UnreadableDocument(f"{_SUPPORTED}: this one looks like {description}")


def sniff(data: bytes) -> tuple[str, str]:
    """What the bytes are, by content: a kind ('pdf', 'docx', 'text' or 'other') and a description."""
    if b"%PDF-" in data[:1024]:
        return "pdf", "a PDF"
    for signature, description in _BINARY_SIGNATURES:
        if data.startswith(signature):
            return "other", description
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if _looks_like_html(data):
        return "other", "a web page (HTML)"
    if _looks_like_text(data):
        return "text", "plain text"
    return "other", "a file in a format the importer cannot read"


def _sniff_zip(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "other", "a damaged ZIP or Office file"
    for member, kind in _ZIP_MEMBERS:
        if member in names:
            return ("docx", "a Word document (.docx)") if kind == "docx" else ("other", kind)
    return "other", "a ZIP archive"


def _looks_like_html(data: bytes) -> bool:
    opening = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return opening.startswith((b"<!doctype html", b"<html")) or (opening.startswith(b"<") and b"<html" in opening)


def _looks_like_text(data: bytes) -> bool:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\f")
    return controls <= len(sample) // 50


def _suffix(filename: str) -> str:
    # Browsers on Windows can send the full path: take the last part whichever separator it uses.
    return PurePath(PureWindowsPath(filename or "").name).suffix.lower()


def _kind_from_name(filename: str) -> str | None:
    suffix = _suffix(filename)
    if not suffix:
        return None
    if suffix not in _KIND_BY_SUFFIX:
        raise UnreadableDocument(f"{_SUPPORTED}: this one is a {suffix} file")
    return _KIND_BY_SUFFIX[suffix]


def _read_plain_text(data: bytes) -> str:
    """Decode text: a byte-order mark if there is one, else UTF-8, else Windows-1252 (older Word exports)."""
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if not re.search(r"\w", text):
        raise UnreadableDocument("The selected file has no text in it")
    return text
