"""Process start → first page served: gunicorn started as in production (the configuration file, two workers),
and a signed-in person's request for the layout floor page (the accessibility statement) sent as soon as the
port accepts connections. The clock starts just before the process is spawned and stops when the whole page has
arrived, so it covers Python starting, the app's imports, create_app, forking the workers, the first database
connection, the session check and compiling the layout's templates. Part of `make bench` (bench/run_all.py).
"""

from __future__ import annotations

import http.client
import signal
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import CLOCK_TICKS, ROOT, server_environment

FIRST_PAGE = "/accessibility"


@dataclass
class StartFigures:
    seconds: list[float]
    cpu_seconds: list[float]  # the master's and workers' CPU time by then: what the neighbours' load hardly changes
    floor_seconds: list[float] = field(default_factory=list)  # bench/start_floor.py's starts, alternated with these

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @classmethod
    def joined(cls, figures: list[StartFigures]) -> StartFigures:
        return cls(
            [s for f in figures for s in f.seconds],
            [c for f in figures for c in f.cpu_seconds],
            [s for f in figures for s in f.floor_seconds],
        )


def _first_response(port: int, cookies: dict[str, str], deadline: float) -> int:
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", FIRST_PAGE, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        except ConnectionRefusedError:
            time.sleep(0.002)
        finally:
            connection.close()
    raise RuntimeError("gunicorn served no page within 30 s")


def start_to_first_page(
    database_url: str, port: int, options: list[str], cookies: dict[str, str], runs: int = 3
) -> StartFigures:
    """Seconds from spawning gunicorn to the first signed-in page, `runs` times (a fresh server each time)."""
    # As a restart in production: the app's modules compiled to bytecode, which `make install` does (and so `make
    # bench`); run directly (`python -m bench.run_all`) where PYTHONDONTWRITEBYTECODE is set, a module changed since
    # would otherwise be compiled again at every start.
    compile_modules = [str(ROOT / ".venv/bin/python"), "-m", "compileall", "-q", "tracker", "config.py", "wsgi.py"]
    subprocess.run(compile_modules, cwd=ROOT, check=True)
    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"), *options, "wsgi:app"]
    return _timed_starts(gunicorn, ROOT, database_url, port, cookies, runs)


def start_floor(database_url: str, port: int, runs: int = 3) -> StartFigures:
    """Seconds from spawning gunicorn to the first page of bench/start_floor.py (the libraries alone), `runs` times,
    with the tracker's worker settings (gunicorn.conf.py's hooks belong to the tracker, so given as options here)."""
    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--worker-class", "gthread", "--threads", "4",
                "--preload", "start_floor:app"]  # fmt: skip
    return _timed_starts(gunicorn, ROOT / "bench", database_url, port, {}, runs)


def _timed_starts(
    gunicorn: list[str], cwd: Path, database_url: str, port: int, cookies: dict[str, str], runs: int
) -> StartFigures:
    """Seconds from spawning `gunicorn` (and the CPU its processes spent) to its first page, a fresh server each run."""
    seconds, cpu_seconds = [], []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            [*gunicorn, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=cwd, env=server_environment(database_url),
        )  # fmt: skip
        try:
            status = _first_response(port, cookies, time.monotonic() + 30)
            seconds.append(time.perf_counter() - started)
            cpu_seconds.append(_tree_cpu_seconds(process.pid))
            if status != 200:
                raise RuntimeError(f"{gunicorn[-1]}'s first page answered {status}, not 200")
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    return StartFigures(seconds, cpu_seconds)


def _tree_cpu_seconds(master_pid: int) -> float:
    """User and system CPU time of gunicorn's master and its workers so far."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == master_pid or int(fields[1]) == master_pid:
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total
