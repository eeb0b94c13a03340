"""The largest uploads accepted, in a module of their own: a form that checks a size needs no reader loaded."""

from __future__ import annotations

from typing import Final

MAX_REPORT_BYTES: Final = 20 * 1024 * 1024  # an inspection report: PDF, Word or text (tracker.domain.importer)
