"""Office files (.docx, .xlsx) are ZIP archives of XML: the checks made before a parser opens one.

Both refuse cheaply what no real report or plan holds: an archive that unpacks to far more than its
kind ever needs (a "zip bomb"), and XML that declares a document type, which Word and Excel never
write and XML-entity attacks ("billion laughs", external entities) need.
"""

from __future__ import annotations

import io
import zipfile
import zlib

_DOCTYPE = b"<!DOCTYPE"
_CHUNK = 1024 * 1024
# What zipfile raises on a damaged archive or member (NotImplementedError: an unknown compression method;
# RuntimeError: an encrypted member).
_DAMAGED = (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, NotImplementedError, RuntimeError)


class DamagedArchive(ValueError):
    """The bytes are not a ZIP archive that can be read."""


def unpacked_size(data: bytes) -> int:
    """What the archive says its members unpack to, in bytes; raises DamagedArchive if it cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except _DAMAGED as error:
        raise DamagedArchive(str(error)) from error


def declares_doctype(data: bytes) -> bool:
    """Whether any XML member of the archive holds a document type declaration.

    Each member is read in pieces as it unpacks (call unpacked_size first, to bound that work); a declaration
    split across two pieces is still found.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                if member.filename.endswith((".xml", ".rels")) and _member_declares_doctype(archive, member):
                    return True
    except _DAMAGED as error:
        raise DamagedArchive(str(error)) from error
    return False


def _member_declares_doctype(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    overlap = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            if _DOCTYPE in overlap + chunk:
                return True
            overlap = chunk[-len(_DOCTYPE) :]
    return False
