"""Page latency and throughput under a bounded load, against gunicorn on PostgreSQL with the
council-scale dataset. Part of `make bench`; writes its figures for bench/results.md.

Every request comes from localhost, the number of requests is fixed, and each scenario reports
median and p95 latency, requests per second, the ratio of its p95 to /healthz's p95 at the same
number of clients (the floor: the same server doing almost nothing), and the CPU the server
processes (gunicorn workers and PostgreSQL backends) spent per request, which, unlike latency,
hardly depends on what else the machine is doing.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from tests.postgres_cluster import PG_BIN, as_postgres, free_port

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Client:
    """One keep-alive connection with a cookie jar: a person at a browser."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}  # sent with every request (an API token, say)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {**self.headers, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def csrf(self, path: str) -> tuple[str, str]:
        status, page = self.request("GET", path)
        match = CSRF.search(page)
        if not match:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return match.group(1) or match.group(2), page

    def sign_in(self, email: str, password: str) -> None:
        token, _page = self.csrf("/sign-in")
        status, _ = self.request("POST", "/sign-in", {"csrf_token": token, "email": email, "password": password})
        if status != 302:
            raise RuntimeError(f"sign-in failed for {email}: {status}")


@dataclass
class Result:
    name: str
    concurrency: int
    requests: int
    median_ms: float
    p95_ms: float
    rps: float
    errors: int
    app_cpu_ms: float = 0.0  # gunicorn workers' CPU per request
    db_cpu_ms: float = 0.0  # PostgreSQL backends' CPU per request

    def row(self, floor: Result, single_floor: Result) -> str:
        """A results.md table row; the p95 as a multiple of /healthz's at the same number of clients, and at one."""
        ratios = [self.p95_ms / f.p95_ms if f.p95_ms else 0 for f in (floor, single_floor)]
        return (
            f"| {self.name} | {self.concurrency} | {self.requests} | {self.median_ms:.1f} | {self.p95_ms:.1f} "
            f"| {self.rps:.0f} | {ratios[0]:.1f}× | {ratios[1]:.1f}× | {self.app_cpu_ms:.1f} + {self.db_cpu_ms:.1f} "
            f"| {self.errors} |"
        )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class CpuMeter:
    """CPU time (user + system) of the gunicorn workers and of the PostgreSQL server's processes."""

    def __init__(self, gunicorn_pid: int, postmaster_pid: int) -> None:
        self.parents = {"app": gunicorn_pid, "db": postmaster_pid}

    def seconds(self) -> dict[str, float]:
        totals = dict.fromkeys(self.parents, 0.0)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            for name, parent in self.parents.items():
                if int(fields[1]) == parent:  # fields[1] is the parent pid; 11 and 12 are utime and stime
                    totals[name] += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return totals


def measure(
    name: str,
    clients: list[Client],
    requests_per_client: int,
    make_request: Callable[[Client, int], int],
    cpu: CpuMeter | None = None,
    prepare: Callable[[Client, int], None] | None = None,
) -> Result:
    """Each client sends its requests one after another, all clients at once; `prepare` (untimed) runs before
    each request, such as fetching the form a POST needs."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def run(client: Client) -> None:
        nonlocal errors
        for i in range(requests_per_client):
            if prepare:
                prepare(client, i)
            started = time.perf_counter()
            status = make_request(client, i)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += status >= 400 or status == 0  # the page measured must be the page asked for

    before = cpu.seconds() if cpu else {}
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(run, clients))
    wall = time.perf_counter() - began
    after = cpu.seconds() if cpu else {}
    per_request = {key: (after[key] - before[key]) * 1000 / len(latencies) for key in before}
    return Result(
        name, len(clients), len(latencies), statistics.median(latencies), percentile(latencies, 0.95),
        len(latencies) / wall, errors, per_request.get("app", 0.0), per_request.get("db", 0.0),
    )  # fmt: skip


def measure_paired(
    name: str,
    client: Client,
    count: int,
    make_request: Callable[[Client, int], int],
    floor: Callable[[Client, int], int],
    floor_name: str,
    cpu: CpuMeter | None = None,
    prepare: Callable[[Client, int], None] | None = None,
) -> tuple[Result, Result]:
    """One client alternating the floor and the page, `count` of each: both p95s come from the same moments, so
    their ratio holds when the neighbours' load changes during the run. Both results carry the server CPU of a
    pair (floor and page); the caller subtracts the floor's, measured alone."""
    timings: dict[str, list[float]] = {"page": [], "floor": []}
    errors = {"page": 0, "floor": 0}
    before = cpu.seconds() if cpu else {}
    began = time.perf_counter()
    for i in range(count):
        for kind, request in (("floor", floor), ("page", make_request)):
            if kind == "page" and prepare:
                prepare(client, i)
            started = time.perf_counter()
            status = request(client, i)
            timings[kind].append((time.perf_counter() - started) * 1000)
            errors[kind] += status >= 400 or status == 0
    wall = time.perf_counter() - began
    after = cpu.seconds() if cpu else {}
    pair_cpu = {key: (after[key] - before[key]) * 1000 / count for key in before}

    def result(kind: str, label: str) -> Result:
        values = timings[kind]
        return Result(
            label, 1, len(values), statistics.median(values), percentile(values, 0.95), count / wall, errors[kind],
            pair_cpu.get("app", 0.0), pair_cpu.get("db", 0.0),
        )  # fmt: skip

    return result("page", name), result("floor", floor_name)


@dataclass(frozen=True)
class Cluster:
    url: str
    postmaster_pid: int


@contextlib.contextmanager
def bench_cluster(database: str) -> Iterator[Cluster]:
    """A throwaway PostgreSQL 15 cluster with the server's default durability (fsync on, unlike the test
    clusters), so that commits cost what they cost in production. Removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="tracker-bench-pg-"))
    data, log, port = directory / "data", directory / "log", free_port()
    if os.geteuid() == 0:
        shutil.chown(directory, user="postgres")
    try:
        subprocess.run(
            as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                          "--locale=C.UTF-8"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1"
        subprocess.run(
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options, "start"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database],
                       check=True)  # fmt: skip
        postmaster = int((data / "postmaster.pid").read_text().split()[0])
        yield Cluster(f"postgresql://postgres@127.0.0.1:{port}/{database}", postmaster)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(directory, ignore_errors=True)


def server_environment(database_url: str) -> dict[str, str]:
    """The production configuration, on plain HTTP from localhost and without the scheduler."""
    return {
        **os.environ,
        "TRACKER_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret-key-" + "x" * 40,
        "ORGANISATION_NAME": "Bench Borough Council",
        "SESSION_COOKIE_SECURE": "false",
        "SCHEDULER_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        # The API benchmark reads with one token far faster than a reporting tool would.
        "API_REQUESTS_PER_MINUTE": "1000000",
    }


@contextmanager
def gunicorn(database_url: str, port: int, options: list[str]) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn with the production configuration file and `options` (workers, threads...) on `port`."""
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"), *options,
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=server_environment(database_url),
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("gunicorn did not start")
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@dataclass
class Memory:
    rss_mb: float  # resident, counting pages shared with other processes
    uss_mb: float  # this worker's own pages only


def worker_memory(master_pid: int) -> list[Memory]:
    """Resident memory of each gunicorn worker (children of the master)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            if not re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
                continue
            rollup = (status.parent / "smaps_rollup").read_text()
        except OSError:
            continue
        rss = int(re.search(r"^VmRSS:\s+(\d+) kB", text, re.M).group(1))
        private = sum(int(n) for n in re.findall(r"^Private_(?:Clean|Dirty):\s+(\d+) kB", rollup, re.M))
        sizes.append(Memory(rss / 1024, private / 1024))
    return sizes


if __name__ == "__main__":
    sys.exit("Run `make bench` (python -m bench.run_all), which uses this module.")
