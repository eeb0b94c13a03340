"""The child process that reads one untrusted file: `python -m tracker.sandbox.child TASK CPU_SECONDS MEMORY_MB`.

It limits itself first, then reads a line of JSON ({"filename": ...}) and the file's bytes from standard
input, and writes one JSON object to standard output: {"result": ...} or {"refused": "reason"}. Out of
memory it exits with OUT_OF_MEMORY; past its CPU time the kernel stops it (SIGXCPU, then SIGKILL).
"""

from __future__ import annotations

import json
import logging
import os
import resource
import sys
from collections.abc import Callable
from typing import Any

from tracker.sandbox import OUT_OF_MEMORY


def _report(data: bytes, filename: str) -> Any:
    from tracker.domain.importer import import_document

    result = import_document(data, filename)
    return {**result.to_json_dict(), "text": result.text}


def _pasted_text(data: bytes, _filename: str) -> Any:
    from tracker.domain.importer import parse_report

    result = parse_report(data.decode("utf-8"))
    return {**result.to_json_dict(), "text": result.text}


def _plan(data: bytes, filename: str) -> Any:
    from tracker.domain.plan_files import read_plan_file

    return read_plan_file(filename, data)


TASKS: dict[str, Callable[[bytes, str], Any]] = {"report": _report, "pasted_text": _pasted_text, "plan": _plan}


def _limit_self(cpu_seconds: int, memory_mb: int) -> None:
    # The soft CPU limit sends SIGXCPU, which ends the process; the hard one, a second later, SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.nice(10)


def _refusals() -> tuple[type[Exception], ...]:
    from tracker.domain.importer import UnreadableDocument
    from tracker.domain.plan_files import UnreadableSpreadsheet

    return UnreadableDocument, UnreadableSpreadsheet


def main(arguments: list[str]) -> int:
    task, cpu_seconds, memory_mb = TASKS[arguments[0]], int(arguments[1]), int(arguments[2])
    _limit_self(cpu_seconds, memory_mb)
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    peak = _PeakMemory()
    try:
        header = json.loads(sys.stdin.buffer.readline())
        data = sys.stdin.buffer.read()
        refusals = _refusals()
        try:
            reply = {"result": task(data, str(header["filename"]))}
        except refusals as refusal:
            reply = {"refused": str(refusal)}
        output = json.dumps(reply, ensure_ascii=False).encode("utf-8")
    except MemoryError:
        return OUT_OF_MEMORY
    except Exception:
        # Short of memory, C extensions fail in their own ways (SystemError, lxml's "unknown error"...).
        if peak.near(memory_mb):
            return OUT_OF_MEMORY
        raise
    if "refused" in reply and peak.near(memory_mb):
        return OUT_OF_MEMORY  # a parser that swallowed its MemoryError and called the file damaged
    sys.stdout.buffer.write(output)
    return 0


class _PeakMemory:
    """The most address space this process has held (Linux's VmPeak), opened before it is short of memory."""

    def __init__(self) -> None:
        try:
            self.status: int | None = os.open("/proc/self/status", os.O_RDONLY)
        except OSError:
            self.status = None

    def near(self, limit_mb: int) -> bool:
        if self.status is None:
            return False
        for line in os.pread(self.status, 8192, 0).splitlines():
            if line.startswith(b"VmPeak:"):
                return int(line.split()[1]) >= limit_mb * 1024 * 0.9
        return False


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
