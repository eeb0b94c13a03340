"""`make bench`: generate the council-scale dataset in a throwaway PostgreSQL 15 cluster, start
gunicorn for real, run the bounded load scenarios and the other benchmarks, and write
bench/results.md with the machine and versions.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
import time
from datetime import date
from itertools import cycle
from pathlib import Path

from bench.dataset import PASSWORD, Scale, generate
from bench.load import Client, Result, gunicorn, measure, worker_rss_mb
from tests.postgres_cluster import free_port, postgres_cluster

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.md"
TODAY = date(2026, 11, 24)
PACKAGES = ("flask", "sqlalchemy", "psycopg", "gunicorn", "weasyprint", "python-docx", "pypdf", "apscheduler")


def machine() -> list[str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    memory_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                         if line.startswith("MemTotal")))  # fmt: skip
    postgres = subprocess.run(["/usr/lib/postgresql/15/bin/postgres", "--version"], capture_output=True, text=True)
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in PACKAGES)
    return [
        f"- Machine: {os.cpu_count()} CPUs ({cpu}), {memory_kb / 1024 / 1024:.1f} GB RAM, {platform.platform()}",
        f"- Python {platform.python_version()}, {postgres.stdout.strip()}",
        f"- {versions}",
    ]


def migrate(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "TRACKER_INSTANCE_PATH": "/tmp/tracker-bench-instance"}
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)  # fmt: skip


def signed_in_clients(port: int, emails: list[str]) -> list[Client]:
    clients = []
    for email in emails:
        client = Client(port)
        client.sign_in(email, PASSWORD)
        clients.append(client)
    return clients


def get(path_for: callable) -> callable:  # type: ignore[valid-type]
    def make_request(client: Client, i: int) -> int:
        return client.request("GET", path_for(i))[0]

    return make_request


def progress_post(action_ids: list[int]) -> callable:  # type: ignore[valid-type]
    """GET the progress form (not timed separately) and POST an update: what an owner does."""
    import re

    field = re.compile(r'name="(version|seen)"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="(version|seen)"')

    def make_request(client: Client, i: int) -> int:
        action_id = action_ids[(id(client) + i) % len(action_ids)]
        token, page = client.csrf(f"/actions/{action_id}/progress")
        form = {"csrf_token": token, "status": "in_progress", "rag": "green",
                "narrative": f"Update {i}: on track, evidence filed.", "evidence_links": ""}  # fmt: skip
        for match in field.finditer(page):
            name, value = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
            form[name] = value
        return client.request("POST", f"/actions/{action_id}/progress", form)[0]

    return make_request


def web_benchmarks(database_url: str) -> tuple[list[Result], list[float]]:
    port = free_port()
    results: list[Result] = []
    with gunicorn(database_url, workers=2, port=port) as server:
        admins = [f"user{n}@bench.test" for n in (1, 2, 3, 4)]
        owners = [f"user{n}@bench.test" for n in range(11, 19)]
        one, four, eight = (signed_in_clients(port, admins[:1]), signed_in_clients(port, admins),
                            signed_in_clients(port, owners))  # fmt: skip
        inspections = cycle(range(1, 101))
        actions = cycle(range(1, 10_001, 7))
        # Warm the workers' caches and connections first.
        measure("warm-up", four, 20, get(lambda i: "/actions?overdue=yes"))
        results.append(measure("/healthz (floor)", one, 300, get(lambda i: "/healthz")))
        results.append(measure("/healthz (floor)", four, 150, get(lambda i: "/healthz")))
        results.append(
            measure("Overdue actions, all inspections, page 1", one, 300, get(lambda i: "/actions?overdue=yes"))
        )
        results.append(measure("Overdue actions, all inspections, page 1", eight, 150,
                               get(lambda i: "/actions?overdue=yes")))  # fmt: skip
        results.append(measure("Overdue actions, all inspections, page 50", one, 200,
                               get(lambda i: "/actions?overdue=yes&page=50")))  # fmt: skip
        results.append(measure("Overdue actions, all inspections, page 50", four, 100,
                               get(lambda i: "/actions?overdue=yes&page=50")))  # fmt: skip
        results.append(measure("Home", four, 100, get(lambda i: "/")))
        results.append(measure("My actions", eight[:4], 100, get(lambda i: "/my-actions")))
        results.append(measure("Inspection dashboard", four, 100,
                               get(lambda i: f"/inspections/{next(inspections)}/dashboard")))  # fmt: skip
        results.append(measure("Action page", four, 100, get(lambda i: f"/actions/{next(actions)}")))
        results.append(
            measure("Progress update (GET form + POST)", four, 40, progress_post(list(range(1, 10_001, 13))))
        )
        memory = worker_rss_mb(server.pid)
    return results, memory


def write_results(results: list[Result], memory: list[float], counts: dict[str, int], extra: list[str]) -> None:
    floor = next(r.p95_ms for r in results if r.name.startswith("/healthz") and r.concurrency == 1)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M %Z')}.",
        "",
        *machine(),
        f"- Dataset (PostgreSQL): {', '.join(f'{v:,} {k}' for k, v in counts.items())}",
        "- Server: gunicorn, 2 sync workers, production config; clients on localhost, keep-alive, signed in.",
        "",
        "## Pages",
        "",
        "| page | concurrent clients | requests | median ms | p95 ms | requests/s | p95 ÷ floor | 5xx |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *(result.row(floor) for result in results),
        "",
        f"Memory per worker after the load (RSS): {', '.join(f'{m:.0f} MB' for m in memory)}.",
        "",
        *extra,
    ]
    RESULTS.write_text("\n".join(lines) + "\n")


def main() -> int:
    with postgres_cluster("tracker_bench") as url:
        migrate(url)
        started = time.perf_counter()
        counts = generate(url, TODAY, Scale())
        print(f"Dataset generated in {time.perf_counter() - started:.1f} s: {counts}", flush=True)
        results, memory = web_benchmarks(url)
    for result in results:
        print(result.row(results[0].p95_ms), flush=True)
    write_results(results, memory, counts, [])
    print(f"Wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
