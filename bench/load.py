"""Page latency and throughput under a bounded load, against gunicorn on PostgreSQL with the
council-scale dataset. Part of `make bench`; writes its figures for bench/results.md.

Every request comes from localhost, the number of requests is fixed, and each scenario reports
median and p95 latency, requests per second, and the ratio of its p95 to /healthz's p95 (the floor:
the same server doing almost nothing).
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')


class Client:
    """One keep-alive connection with a cookie jar: a person at a browser."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
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

    def row(self, floor_p95: float) -> str:
        ratio = self.p95_ms / floor_p95 if floor_p95 else 0
        return (
            f"| {self.name} | {self.concurrency} | {self.requests} | {self.median_ms:.1f} | {self.p95_ms:.1f} "
            f"| {self.rps:.0f} | {ratio:.1f}× | {self.errors} |"
        )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(
    name: str, clients: list[Client], requests_per_client: int, make_request: Callable[[Client, int], int]
) -> Result:
    """Each client sends its requests one after another, all clients at once."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def run(client: Client) -> None:
        nonlocal errors
        for i in range(requests_per_client):
            started = time.perf_counter()
            status = make_request(client, i)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += status >= 500 or status == 0

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(run, clients))
    wall = time.perf_counter() - began
    return Result(
        name, len(clients), len(latencies), statistics.median(latencies), percentile(latencies, 0.95),
        len(latencies) / wall, errors,
    )  # fmt: skip


@contextmanager
def gunicorn(database_url: str, workers: int, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "TRACKER_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret-key-" + "x" * 40,
        "SESSION_COOKIE_SECURE": "false",
        "SCHEDULER_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env,
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


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (children of the master)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
            if match:
                sizes.append(int(match.group(1)) / 1024)
    return sizes


if __name__ == "__main__":
    sys.exit("Run `make bench` (python -m bench.run_all), which uses this module.")
