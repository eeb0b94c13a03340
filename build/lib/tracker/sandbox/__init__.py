"""Reading what comes from outside — uploaded reports and plans, pasted report text — in a child process with
hard limits, so that no file can hold a web worker: the worker only waits, and never longer than the wall clock.

Why a fresh child process (`python -m tracker.sandbox.child`), not multiprocessing's fork or a thread:
- the kernel enforces the bounds: the child sets its own CPU-time and address-space limits (RLIMIT_CPU,
  RLIMIT_AS) before it reads a byte of the file, and the worker kills it at the wall-clock limit. A parser
  stuck inside C code (lxml, zlib) is stopped as surely as one looping in Python; a thread could not be.
- it inherits nothing from the worker: no database connections, no locks that the worker's other threads
  held at the moment of a fork (gunicorn runs threaded workers, see gunicorn.conf.py), no open sockets, and no
  secrets (its environment is only PATH and the locale).
- the price is its start-up, about a quarter of a second (the interpreter and the one parser it needs), small
  beside reading a report; and the child runs at a lower priority (nice 10), so pages stay quick meanwhile.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess  # nosec B404 - runs only our own interpreter, see _run_child
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# The project folder (the child runs `python -m tracker.sandbox.child` from there).
ROOT = Path(__file__).resolve().parents[2]

# The child's exit status when it ran out of memory (a MemoryError under RLIMIT_AS).
OUT_OF_MEMORY = 3
# Files read at once by one process: each waits in a request thread, and gunicorn gives each worker four
# (gunicorn.conf.py), so at least two are always free for everyone else's pages.
READS_AT_ONCE = 2

TOO_SLOW = (
    "This file took too long to read, so it was not read: it may be damaged, or made to overload the service. "
    "Save it again from the program that made it and upload the new copy"
)
TOO_MUCH_MEMORY = (
    "This file needed far more memory to read than any real one does, so it was not read: it may be damaged, "
    "or made to overload the service. Save it again from the program that made it and upload the new copy"
)
FAILED = (
    "This file could not be read: it may be damaged. "
    "Save it again from the program that made it and upload the new copy"
)
BUSY = "Other files are being read at the moment: try again in a minute"

_reading = threading.BoundedSemaphore(READS_AT_ONCE)


@dataclass(frozen=True)
class Limits:
    """The bounds on reading one file: CPU time, memory (address space) and time on the clock."""

    cpu_seconds: int
    memory_mb: int
    wall_seconds: float


def limits_from(config: Mapping[str, Any]) -> Limits:
    """The bounds the app is configured with (FILE_READ_CPU_SECONDS, FILE_READ_MEMORY_MB, FILE_READ_SECONDS)."""
    return Limits(
        cpu_seconds=int(config["FILE_READ_CPU_SECONDS"]),
        memory_mb=int(config["FILE_READ_MEMORY_MB"]),
        wall_seconds=float(config["FILE_READ_SECONDS"]),
    )


class Refused(Exception):
    """The file was not read; str(exc) is the one-line reason to show the person who sent it."""


def read_untrusted(task: str, data: bytes, filename: str, limits: Limits) -> Any:
    """What `task` (see tracker.sandbox.child.TASKS) makes of `data`, read in a child process within `limits`.

    Raises Refused with the reader's own reason (a damaged PDF, too many rows...) or the bound that stopped it.
    """
    if not _reading.acquire(blocking=False):
        raise Refused(BUSY)
    try:
        return _run_child(task, data, filename, limits)
    finally:
        _reading.release()


def _run_child(task: str, data: bytes, filename: str, limits: Limits) -> Any:
    command = [sys.executable, "-m", "tracker.sandbox.child", task, str(limits.cpu_seconds), str(limits.memory_mb)]
    environment = {"PATH": os.environ.get("PATH", os.defpath), "LC_ALL": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.monotonic()
    # Our own interpreter and module, no shell; the file goes in on stdin, never on the command line.
    process = subprocess.Popen(  # nosec B603
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=environment
    )
    header = json.dumps({"filename": filename}).encode() + b"\n"
    try:
        output, errors = process.communicate(header + data, timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        _output, errors = process.communicate()
        _log_stopped(task, filename, data, started, f"wall clock ({limits.wall_seconds:g} s)", errors)
        raise Refused(TOO_SLOW) from None
    status = process.returncode
    if status == 0:
        reply = json.loads(output)
        if "refused" in reply:
            raise Refused(reply["refused"])
        return reply["result"]
    if status in (-signal.SIGXCPU, -signal.SIGKILL):
        _log_stopped(task, filename, data, started, f"CPU time ({limits.cpu_seconds} s)", errors)
        raise Refused(TOO_SLOW)
    # Short of memory the child may fail again while it handles the first failure: its traceback says so.
    if status == OUT_OF_MEMORY or (status > 0 and b"MemoryError" in errors):
        _log_stopped(task, filename, data, started, f"memory ({limits.memory_mb} MB)", errors)
        raise Refused(TOO_MUCH_MEMORY)
    _log_stopped(task, filename, data, started, f"exit status {status}", errors)
    raise Refused(FAILED)


def _log_stopped(task: str, filename: str, data: bytes, started: float, limit: str, errors: bytes) -> None:
    logger.warning(
        "Reading %r (%s, %d bytes) stopped after %.1f s: %s. %s",
        filename,
        task,
        len(data),
        time.monotonic() - started,
        limit,
        errors.decode("utf-8", "replace")[-2000:].strip(),
    )
