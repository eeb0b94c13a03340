"""Compiled templates kept between restarts (issue 17, start-up): Jinja's bytecode cache in the instance folder.

A restarted server loads the layout's compiled templates instead of compiling them again, about a tenth of a
second off its first page. An entry is used only while its template's source is unchanged (Jinja keeps a checksum
with it), so a deploy needs no step. The cache is only ever a shortcut: a folder that cannot be written, an entry
that cannot be read or one deleted under a running server leaves the template compiled in memory, as without it.
"""

from __future__ import annotations

import logging

# For its error only: a cache entry is in Jinja's own format, in the service's folder (as its secret key is).
import pickle  # nosec B403
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

logger = logging.getLogger(__name__)


class TemplateCache(FileSystemBytecodeCache):
    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as error:
            logger.warning("Could not keep a compiled template in %s: %s", self.directory, error)


def template_cache(instance_path: str) -> TemplateCache | None:
    """The cache in `instance_path`/template-cache, or None (templates compiled each start) if it cannot be made."""
    folder = Path(instance_path) / "template-cache"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as error:
        logger.warning("Templates will be compiled at each start: %s", error)
        return None
    return TemplateCache(str(folder))
