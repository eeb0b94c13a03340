"""`flask reports render`: a progress report as at a date, for scripted committee packs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

cli = AppGroup("reports", help="Progress reports to Cabinet and scrutiny.")

FORMATS = ("pdf", "docx", "html")


def _parse_day(_ctx: click.Context, _param: click.Parameter, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("Use a date like 2026-11-24") from None


@cli.command("render")
@click.argument("inspection_id", type=int)
@click.option(
    "--as-at", "as_at", required=True, callback=_parse_day, help="The date the figures are as at (YYYY-MM-DD)."
)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="pdf", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
def render_command(inspection_id: int, as_at: date, output_format: str, output: Path) -> None:
    """Render the progress report for INSPECTION_ID as at a date, using the latest report's narrative."""
    from tracker import clock
    from tracker.extensions import db
    from tracker.models import Inspection
    from tracker.reports.services import model_for_inspection

    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None:
        raise click.ClickException(f"There is no inspection {inspection_id}")
    # The same rules as the web form's as-at date.
    if as_at > clock.today():
        raise click.BadParameter("The as-at date must be today or in the past", param_hint="--as-at")
    if inspection.published_on and as_at < inspection.published_on:
        raise click.BadParameter(
            f"The as-at date must be on or after the report's publication date, {inspection.published_on.isoformat()}",
            param_hint="--as-at",
        )
    model = model_for_inspection(inspection, as_at)
    # Each renderer is imported only when asked for: WeasyPrint takes seconds to load.
    if output_format == "pdf":
        from tracker.reports.render_pdf import render_pdf

        output.write_bytes(render_pdf(model))
    elif output_format == "docx":
        from tracker.reports.render_docx import render_docx

        output.write_bytes(render_docx(model, made_at=clock.now()))
    else:
        from tracker.reports.render_html import render_document

        output.write_text(render_document(model), encoding="utf-8")
    click.echo(
        f"Wrote {output} ({output_format}): {model.figures.total} actions as at {as_at.isoformat()}, "
        f"{model.figures.overdue} overdue, {len(model.red_or_overdue)} exceptions"
    )
