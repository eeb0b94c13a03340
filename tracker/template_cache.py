"""Compiled templates kept between restarts (issue 17, start-up): Jinja's bytecode cache in the instance folder.

A restarted server loads the layout's compiled templates instead of compiling them again, about a tenth of a
second off its first page. An entry is used only while its template's source, Jinja's version and the settings that
shape the compiled code (trim_blocks and the like) are unchanged (a checksum of them is kept with it), so a deploy
needs no step. The cache is only ever a shortcut: a folder that cannot be written, an entry
that cannot be read or one deleted under a running server leaves the template compiled in memory, as without it.
"""

from __future__ import annotations

import logging

# For its error only: a cache entry is in Jinja's own format, in the service's folder (as its secret key is).
import pickle  # nosec B403
from pathlib import Path

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket

logger = logging.getLogger(__name__)


def _compiler_settings(environment: Environment) -> str:
    """What, besides a template's source, decides the code Jinja compiles it to."""
    env = environment
    return repr((
        jinja2.__version__, env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
        env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        sorted(env.extensions), env.optimized, env.finalize is not None, env.is_async,
        getattr(env.autoescape, "__qualname__", env.autoescape), env.code_generator_class.__qualname__,
    ))  # fmt: skip


class TemplateCache(FileSystemBytecodeCache):
    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        # The source is used for the entry's checksum only: with the settings beside it, an entry compiled under
        # other settings no longer matches and is compiled again.
        return super().get_bucket(environment, name, filename, f"{source}\0{_compiler_settings(environment)}")

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
