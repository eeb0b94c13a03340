"""tracker.sandbox: untrusted files are read in a child process, within CPU, memory and clock bounds, and
the result is the one the importer gives in-process. The hostile files are made by tests/hostile_files.py."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from tests import hostile_files
from tests.conftest import FIXTURES
from tests.waiting import wait_for
from tracker import sandbox
from tracker.domain.importer import import_document
from tracker.domain.importer.results import ImportResult

pytestmark = pytest.mark.timeout(90, method="thread")

PRODUCTION = sandbox.limits_from({"FILE_READ_CPU_SECONDS": 20, "FILE_READ_MEMORY_MB": 512, "FILE_READ_SECONDS": 30})
QUICK = sandbox.Limits(cpu_seconds=2, memory_mb=512, wall_seconds=10)


def _children() -> list[int]:
    """This process's live children, from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            children.append(int(stat.parent.name))
    return children


def test_a_report_read_in_the_child_is_the_report_read_in_process() -> None:
    data = (FIXTURES / "pdfs" / "salford-2015-06-22.pdf").read_bytes()
    started = time.monotonic()
    fields = sandbox.read_untrusted("report", data, "salford.pdf", PRODUCTION)
    print(f"48-page report through the child: {time.monotonic() - started:.2f} s")
    assert ImportResult.from_json_dict(fields) == import_document(data, "salford.pdf")


def test_a_reader_stopped_at_the_clock_leaves_no_process_behind() -> None:
    limits = sandbox.Limits(cpu_seconds=60, memory_mb=512, wall_seconds=1)
    with pytest.raises(sandbox.Refused, match="took too long"):
        sandbox.read_untrusted("report", hostile_files.pdf_nested_forms(), "report.pdf", limits)
    assert _children() == []


def test_files_past_the_reads_at_once_are_refused_while_the_others_are_read() -> None:
    refusals: list[str] = []

    def read_slowly() -> None:
        try:
            sandbox.read_untrusted("report", hostile_files.pdf_nested_forms(), "report.pdf", QUICK)
        except sandbox.Refused as refusal:
            refusals.append(str(refusal))

    readers = [threading.Thread(target=read_slowly) for _ in range(sandbox.READS_AT_ONCE)]
    for reader in readers:
        reader.start()
    assert wait_for(lambda: len(_children()) == sandbox.READS_AT_ONCE, timeout=10)
    with pytest.raises(sandbox.Refused, match="^Other files are being read at the moment: try again in a minute$"):
        sandbox.read_untrusted("pasted_text", b"Recommendations\n1. Ensure that plans improve.", "", QUICK)
    for reader in readers:
        reader.join()
    assert refusals == [sandbox.TOO_SLOW] * sandbox.READS_AT_ONCE
    assert sandbox.read_untrusted("pasted_text", b"Recommendations\n1. Ensure that plans improve.", "", QUICK)
