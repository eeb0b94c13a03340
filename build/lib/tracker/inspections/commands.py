"""`flask inspections extract FILE --json`: what the importer reads from a report, for support staff and scripts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from tracker.domain.importer import ImportResult, UnreadableDocument
from tracker.inspections.drafts import read_report

cli = AppGroup("inspections", help="Inspection reports.")

# Exit status when the document could not be read (click uses 2 for usage errors too: both mean "no result").
UNREADABLE = 2


@cli.command("extract")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def extract_command(file: Path, as_json: bool) -> None:
    """Read FILE (PDF, Word .docx or text) and print what the importer found, within the same bounds as an
    upload (FILE_READ_CPU_SECONDS, FILE_READ_MEMORY_MB, FILE_READ_SECONDS)."""
    try:
        result = read_report(file.read_bytes(), file.name)
    except OSError as error:
        _fail(f"{file}: {error.strerror or error}")
    except UnreadableDocument as error:
        # The reasons are worded for the upload form; here the file was named, not selected.
        _fail(f"{file}: {str(error).replace('The selected file', 'The file')}")
    if as_json:
        click.echo(json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(_summary(result))


def _fail(reason: str) -> None:
    click.echo(" ".join(reason.split()), err=True)
    sys.exit(UNREADABLE)


def _summary(result: ImportResult) -> str:
    data = result.to_json_dict()
    lines = [f"{label}: {data[key] or 'not found'}" for key, label in _DETAILS]
    lines.append(f"Judgements: {len(result.judgements)}")
    lines.extend(f"  {judgement.area}: {judgement.grade}" for judgement in result.judgements)
    lines.append(f"Recommendations: {len(result.recommendations)}")
    for item in result.recommendations:
        number = f"{item.number}. " if item.number else ""
        lines.append(f"  [{item.timescale}] {number}{item.text}")
        lines.extend(f"    Check: {flag.message}" for flag in item.flags)
    lines.extend(f"Warning: {warning}" for warning in result.warnings)
    lines.extend(f"Check: {flag.message}" for flag in result.flags)
    return "\n".join(lines)


_DETAILS = (
    ("authority", "Authority"),
    ("title", "Title"),
    ("framework", "Framework"),
    ("document_type", "Kind of report"),
    ("published_on", "Published"),
    ("inspection_start_on", "Inspection started"),
    ("inspection_end_on", "Inspection ended"),
    ("overall_judgement", "Overall judgement"),
)
