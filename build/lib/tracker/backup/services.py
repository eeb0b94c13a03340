"""Backups: SQLite's online backup API, or pg_dump; and restoring one into an empty database."""

from __future__ import annotations

import os
import shutil
import sqlite3

# Runs pg_dump/pg_restore with argument lists, never a shell.
import subprocess  # nosec B404
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, table
from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore could not be done; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    args = ["-h", url.host or "localhost", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    env = {"PGPASSWORD": url.password} if url.password else {}
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name) or str(Path("/usr/lib/postgresql/15/bin") / name)
    if not Path(path).exists():
        raise BackupError(f"{name} is not installed: install the postgresql-client-15 package")
    return path


def create_backup(database_url: str, output: Path) -> BackupResult:
    """Copy the live database to `output` without stopping the service."""
    url = make_url(database_url)
    output.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(output)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        command = [_tool("pg_dump"), *args, "--format=custom", "--no-owner", f"--file={output}", url.database or ""]
        _run(command, env)
    else:
        raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported")
    return BackupResult(output, output.stat().st_size)


def restore_backup(backup: Path, database_url: str) -> None:
    """Restore `backup` into the empty database at `database_url` (never over existing data)."""
    if not backup.exists():
        raise BackupError(f"There is no backup file at {backup}")
    url = make_url(database_url)
    if table_counts(database_url):
        raise BackupError("The target database is not empty: restore into a new, empty database")
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(backup)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        _run(
            [_tool("pg_restore"), *args, "--no-owner", "--exit-on-error", f"--dbname={url.database}", str(backup)], env
        )
    else:
        raise BackupError(f"Restoring {url.get_backend_name()} databases is not supported")


def table_counts(database_url: str) -> dict[str, int]:
    """Rows per table, for checking a restore against its source."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            return {
                name: connection.execute(select(func.count()).select_from(table(name))).scalar_one() for name in names
            }
    finally:
        engine.dispose()


def _run(command: list[str], env: dict[str, str]) -> None:
    # Fixed tools, no shell.
    result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)  # nosec B603
    if result.returncode != 0:
        raise BackupError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed")
