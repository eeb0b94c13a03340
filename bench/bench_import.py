"""How long the importer takes to read PDFs: each fixture report, then 60-page reports.

    .venv/bin/python bench/bench_import.py [dir]

For each PDF in `dir` (default tests/fixtures/pdfs) it prints the page count, the seconds taken by the
importer's text extraction (pypdf), by the whole import (extraction and parsing), and by pdfplumber's
extract_text, the alternative measured when pypdf was chosen. Then two 60-page cases: the fixture PDFs
joined with pypdf and cut to 60 pages, and a 60-page report generated with WeasyPrint (running header,
page numbers, numbered paragraphs). Exits with status 1 if a 60-page import takes 10 seconds or more.
"""

from __future__ import annotations

import html
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pdfplumber
import pypdf
import weasyprint

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ on the path, not the project: the tracker package needs both.
sys.path.insert(0, str(ROOT))

from tracker.domain.importer import UnreadableDocument, extract_text, import_document  # noqa: E402

PAGES = 60
BUDGET_SECONDS = 10.0
T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[T, float]:
    """The result of `work` and the seconds it took."""
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def page_count(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def plumber_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def measure(name: str, data: bytes) -> float | None:
    """Print one row; return the whole-import seconds, or None if the file is refused."""
    try:
        _, extract_seconds = timed(lambda: extract_text(data, name))
    except UnreadableDocument as refused:
        print(f"{name:<42} refused: {refused}")
        return None
    result, import_seconds = timed(lambda: import_document(data, name))
    _, plumber_seconds = timed(lambda: plumber_text(data))
    print(
        f"{name:<42} {page_count(data):>5} {extract_seconds:>9.2f} {import_seconds:>8.2f} "
        f"{plumber_seconds:>11.2f} {len(result.recommendations):>6}"
    )
    return import_seconds


def joined_fixtures(paths: list[Path], pages: int) -> bytes:
    """The fixture PDFs one after another, cut to `pages` pages."""
    writer = pypdf.PdfWriter()
    for path in paths:
        if len(writer.pages) >= pages:
            break
        reader = pypdf.PdfReader(path)
        writer.append(reader, pages=(0, min(len(reader.pages), pages - len(writer.pages))))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def generated_report(pages: int) -> bytes:
    """A report-shaped PDF of exactly `pages` pages, made with WeasyPrint, laid out like an ILACS report."""
    style = (
        "@page { size: A4; margin: 2.5cm; font-family: sans-serif;"
        " @top-center { content: 'Inspection of Benchtown local authority children’s services'; font-size: 9pt }"
        " @bottom-right { content: counter(page); font-size: 9pt } }"
        " body { font: 11pt/1.4 sans-serif } ul { list-style: none; padding: 0 }"
    )
    # Ofsted's PDFs carry the bullet as a character, not as a drawn list marker.
    recommendations = "".join(f"<li>• The quality of practice in team {n}.</li>" for n in range(1, 9))
    opening = (
        "<h1>Inspection of Benchtown local authority children’s services</h1>"
        "<p>Inspection dates: 3 November to 14 November 2025</p>"
        f"<h2>What needs to improve?</h2><ul>{recommendations}</ul>"
        "<h2>The experiences and progress of children who need help and protection: good</h2>"
    )
    paragraphs = 7 * pages
    while True:
        body = "".join(f"<p>{n}. {_finding(n)}</p>" for n in range(1, paragraphs + 1))
        document = weasyprint.HTML(string=f"<style>{style}</style>{opening}{body}").render()
        if len(document.pages) >= pages:
            return document.copy(document.pages[:pages]).write_pdf()
        paragraphs += 2 * (pages - len(document.pages)) + 2


def _finding(n: int) -> str:
    """A paragraph of inspection findings that differs from its neighbours, as real paragraphs do."""
    teams = ("early help", "assessment", "child protection", "children in care", "care leavers", "fostering")
    team = teams[n % len(teams)]
    return html.escape(
        f"In the {team} service, visit {n} found that children who need help and protection receive timely "
        f"support from skilled practitioners. Managers in {team} oversee {n % 7 + 2} plans a week closely, so "
        f"drift and delay are rare, and {n % 5 + 1} audits this quarter confirmed that the {team} team records "
        "the views of children well and acts on them."
    )


def main(directory: Path) -> int:
    print(f"{'file':<42} {'pages':>5} {'extract s':>9} {'import s':>8} {'pdfplumber s':>11} {'recs':>6}")
    paths = sorted(directory.glob("*.pdf"))
    for path in paths:
        measure(path.name, path.read_bytes())
    readable = [path for path in paths if path.read_bytes().startswith(b"%PDF")]
    print(f"\n{PAGES}-page reports (budget {BUDGET_SECONDS:.0f} s each)")
    slowest = 0.0
    for name, data in (
        ("joined-fixtures-60.pdf", joined_fixtures(readable, PAGES)),
        ("weasyprint-60.pdf", generated_report(PAGES)),
    ):
        seconds = measure(name, data)
        slowest = max(slowest, seconds if seconds is not None else BUDGET_SECONDS)
    within = slowest < BUDGET_SECONDS
    print(f"\nSlowest 60-page import: {slowest:.2f} s — {'within' if within else 'over'} budget")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "fixtures" / "pdfs"))
