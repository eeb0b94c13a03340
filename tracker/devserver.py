"""`make run`: the development web server and, beside it, exactly one scheduler process.

The scheduler runs as its own process (`flask scheduler run`), never inside a web worker or a
reloader child, so there is one whatever the server does. It stops when the server stops.
"""

from __future__ import annotations

import argparse
import os
import signal

# Starts the scheduler command, never a shell.
import subprocess  # nosec B404
import sys

import click

from tracker import create_app


def _start_scheduler() -> subprocess.Popen[bytes] | None:
    app = create_app()
    if not app.config["SCHEDULER_ENABLED"] or "scheduler" not in app.cli.list_commands(click.Context(app.cli)):
        return None
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"]
    # Our own command, no shell.
    return subprocess.Popen(command, env=os.environ.copy())  # nosec B603


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    # Stopped by a signal rather than Ctrl-C, still stop the scheduler too (the `finally` below).
    for stop_signal in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, lambda *_: sys.exit(0))
    scheduler = _start_scheduler()
    app = create_app()
    print(f"\n  {app.config['SERVICE_NAME']} is running at http://{args.host}:{args.port}/\n", flush=True)
    try:
        app.run(host=args.host, port=args.port, use_reloader=False, threaded=True)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=10)


if __name__ == "__main__":
    main()
