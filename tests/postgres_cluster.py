"""Run a command against a throwaway PostgreSQL 15 cluster: `python -m tests.postgres_cluster CMD...`.

The cluster lives in a temporary directory on a free port, is started with Debian's PostgreSQL 15
binaries, and is removed afterwards whatever the command's outcome. TEST_DATABASE_URL names it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(command: list[str]) -> list[str]:
    """initdb refuses to run as root, so root runs the server as the postgres user."""
    if os.geteuid() != 0:
        return command
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{part}'" for part in command)]


@dataclass(frozen=True)
class Cluster:
    """A running throwaway cluster that a fault test can stop and start again on the same port."""

    url: str
    data: Path
    log: Path
    options: str

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (fast: disconnect every session, roll back what they had not committed)."""
        subprocess.run(
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        subprocess.run(
            as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-o", self.options, "start"]
            ),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip


@contextlib.contextmanager
def running_cluster(database: str = "tracker_test") -> Iterator[Cluster]:
    """Start a cluster and yield it; stop and delete it on exit."""
    directory = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    data, log, port = directory / "data", directory / "log", free_port()
    if os.geteuid() == 0:
        shutil.chown(directory, user="postgres")
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    cluster = Cluster(f"postgresql://postgres@127.0.0.1:{port}/{database}", data, log, options)
    try:
        subprocess.run(
            as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                 "--locale=C.UTF-8"]
            ),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        cluster.start()
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database],
            check=True,
        )
        yield cluster
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def postgres_cluster(database: str = "tracker_test") -> Iterator[str]:
    """Start a cluster and yield its SQLAlchemy URL; stop and delete it on exit."""
    with running_cluster(database) as cluster:
        yield cluster.url


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m tests.postgres_cluster COMMAND [ARGS...]", file=sys.stderr)
        return 2
    if os.geteuid() == 0:
        pwd.getpwnam("postgres")  # the postgresql-15 package creates this user
    with postgres_cluster() as url:
        print(f"PostgreSQL test cluster: {url}", flush=True)
        env = {
            **os.environ,
            "TEST_DATABASE_URL": url,
            "TEST_DATABASE_ADMIN_URL": url.rsplit("/", 1)[0] + "/postgres",
        }
        return subprocess.run(argv, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
