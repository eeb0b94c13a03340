"""`flask backup create` and `flask backup restore`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from tracker import security_log
from tracker.backup.services import BackupError, create_backup, restore_backup, table_counts

cli = AppGroup("backup", help="Back up the database and restore a backup.")


@cli.command("create")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Backup file to write.")
def create_command(output: Path | None) -> None:
    """Back up the live database (SQLite online backup, or pg_dump custom format)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if output is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        suffix = "sqlite" if url.startswith("sqlite") else "pgdump"
        output = Path(current_app.instance_path) / "backups" / f"tracker-{stamp}.{suffix}"
    try:
        result = create_backup(url, output)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    database = "sqlite" if url.startswith("sqlite") else "postgresql"
    security_log.event("backup_made", path=str(result.path), bytes=result.size_bytes, database=database)
    click.echo(f"Backup written to {result.path} ({result.size_bytes:,} bytes)")


@cli.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--database-url", required=True, help="The new, empty database to restore into.")
def restore_command(backup: Path, database_url: str) -> None:
    """Restore BACKUP into an empty database, then print its row counts to compare with the source."""
    try:
        restore_backup(backup, database_url)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    counts = table_counts(database_url)
    click.echo(f"Restored {backup} into {database_url.split('@')[-1]}")
    for name, count in counts.items():
        click.echo(f"  {name:<28} {count:>8}")
