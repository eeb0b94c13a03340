"""The read-only API and the cross-inspection export at 10,000 actions (issue 16).

    .venv/bin/python -m bench.bench_api

Generates the council-scale dataset (bench/dataset.py: 10,000 actions, 100,000 progress updates) in a throwaway
PostgreSQL 15 cluster, starts gunicorn with the production settings, has the administrator create an API token
on its page, then measures, one client at a time:

- the p95 of an API page of 100 actions (GET /api/v1/actions?limit=100, each of the 100 pages in turn through
  their cursors) beside the HTML All actions list (50 a page, each of its 200 pages in turn);
- the export of all 10,000 actions from All actions as CSV and as .xlsx: time to the first byte and to the last,
  and the serving worker's peak resident memory (VmHWM) before and after;
- in this process, the export's peak Python allocation (tracemalloc) for all 10,000 actions and for one
  inspection's 100, to show that memory does not grow with the rows.

Target: the export of 10,000 actions in under 5 s; exits with status 1 if missed. `make bench` runs the same
measurements inside its own (bench/run_all.py), and writes them to bench/results.md.
"""

from __future__ import annotations

import http.client
import os
import re
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import Client, Result, measure  # noqa: E402

EXPORT_BUDGET_SECONDS = 5.0
TOKEN = re.compile(r'id="token" type="text" value="(iat_[^"]+)"')
API_PAGE = "/api/v1/actions?limit=100"


def create_api_token(port: int, admin_email: str, password: str, person_id: int) -> str:
    """The administrator creates a token on its page, as a person would; the token is read from the page."""
    admin = Client(port)
    admin.sign_in(admin_email, password)
    csrf, _page = admin.csrf("/admin/api-tokens/new")
    form = {"csrf_token": csrf, "name": "Bench Power BI", "user_id": str(person_id), "expires_in": "30"}
    status, page = admin.request("POST", "/admin/api-tokens/new", form)
    match = TOKEN.search(page)
    if status != 200 or not match:
        raise RuntimeError(f"could not create an API token ({status})")
    return match.group(1)


def api_client(port: int, token: str) -> Client:
    client = Client(port)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def api_page_paths(client: Client) -> list[str]:
    """Every page of GET /api/v1/actions?limit=100, by following next (untimed)."""
    import json

    paths, path = [], API_PAGE
    while path:
        paths.append(path)
        status, body = client.request("GET", path)
        if status != 200:
            raise RuntimeError(f"{path}: {status} {body[:200]}")
        following = json.loads(body)["links"]["next"]
        path = following.split(f":{client.port}", 1)[1] if following else None
    return paths


def page_benchmarks(
    port: int, token: str, html_clients: list[Client], run: Callable[..., Result]
) -> tuple[Result, Result, int]:
    """The API page of 100 actions (every page in turn) and All actions in HTML (every page in turn), one client."""
    client = api_client(port, token)
    paths = api_page_paths(client)
    measure("warm-up", [client], 20, lambda c, i: c.request("GET", paths[i % len(paths)])[0])
    api = run("API actions, 100 a page, every page in turn", [client], 300,
              lambda c, i: c.request("GET", paths[i % len(paths)])[0])  # fmt: skip
    html = run("All actions (HTML, 50 a page), every page in turn", html_clients[:1], 300,
               lambda c, i: c.request("GET", f"/actions?page={1 + i % 200}")[0])  # fmt: skip
    return api, html, len(paths)


@dataclass
class Download:
    file_format: str
    first_byte_s: float
    last_byte_s: float
    size_bytes: int
    rows: int


def download(port: int, cookies: dict[str, str], file_format: str) -> Download:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    started = time.perf_counter()
    connection.request("GET", f"/actions/download/{file_format}", headers={"Cookie": cookie})
    response = connection.getresponse()
    first = None
    size = lines = 0
    while chunk := response.read1(64 * 1024):
        first = first or time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"export {file_format}: {response.status}")
    return Download(file_format, first or elapsed, elapsed, size, lines - 1 if file_format == "csv" else 0)


def peak_rss_mb(master_pid: int) -> dict[int, float]:
    """Each gunicorn worker's peak resident memory so far (VmHWM)."""
    peaks = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            peaks[int(status.parent.name)] = int(re.search(r"^VmHWM:\s+(\d+) kB", text, re.M).group(1)) / 1024
    return peaks


@dataclass
class ExportFigures:
    downloads: dict[str, list[Download]]
    peak_before_mb: dict[int, float]
    peak_after_mb: dict[int, float]

    def median(self, file_format: str) -> Download:
        runs = sorted(self.downloads[file_format], key=lambda d: d.last_byte_s)
        return runs[len(runs) // 2]


def export_benchmarks(port: int, browser: Client, master_pid: int, runs: int = 3) -> ExportFigures:
    download(port, browser.cookies, "csv")  # warm: openpyxl and the statements are loaded once per worker
    download(port, browser.cookies, "xlsx")
    before = peak_rss_mb(master_pid)
    downloads = {fmt: [download(port, browser.cookies, fmt) for _ in range(runs)] for fmt in ("csv", "xlsx")}
    for run in (run for runs in downloads.values() for run in runs):
        print(f"Export {run.file_format}: first byte {run.first_byte_s:.2f} s, last {run.last_byte_s:.2f} s, "
              f"{run.size_bytes:,} bytes", flush=True)  # fmt: skip
    return ExportFigures(downloads, before, peak_rss_mb(master_pid))


@dataclass
class HeapFigures:
    rows: int
    csv_peak_mb: float
    csv_seconds: float
    xlsx_peak_mb: float
    xlsx_seconds: float


def heap_peaks(database_url: str, today: date) -> list[HeapFigures]:
    """The export's peak Python allocation in this process (tracemalloc), for every action and one inspection's."""
    os.environ["TRACKER_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="bench-api-")
    os.environ["TEST_DATABASE_URL"] = database_url  # TestingConfig's database
    import config
    from tracker import create_app
    from tracker.actions import exports
    from tracker.actions.queries.action_list import ActionFilters

    class BenchConfig(config.TestingConfig):
        pass

    app = create_app(BenchConfig)
    figures = []
    for filters in (ActionFilters(), ActionFilters(inspection_id=1)):
        with app.test_request_context():
            list(exports.csv_chunks(filters, today))  # warm: imports and compiled statements
            tracemalloc.start()
            started = time.perf_counter()
            rows = sum(chunk.count(b"\n") for chunk in exports.csv_chunks(filters, today)) - 1
            csv_seconds = time.perf_counter() - started
            csv_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            started = time.perf_counter()
            for _chunk in exports.xlsx_chunks(filters, today, "Actions"):
                pass
            xlsx_seconds = time.perf_counter() - started
            xlsx_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        figures.append(HeapFigures(rows, csv_peak / 2**20, csv_seconds, xlsx_peak / 2**20, xlsx_seconds))
    with app.app_context():
        from tracker.extensions import db

        db.engine.dispose()
    return figures


def report(api: Result, html: Result, pages: int, exports: ExportFigures, heaps: list[HeapFigures]) -> list[str]:
    csv_run, xlsx_run = exports.median("csv"), exports.median("xlsx")
    growth = max(exports.peak_after_mb[pid] - exports.peak_before_mb.get(pid, 0) for pid in exports.peak_after_mb)
    return [
        "| page (one client) | requests | median ms | p95 ms | requests/s | errors |",
        "| --- | --- | --- | --- | --- | --- |",
        *(
            f"| {r.name} | {r.requests} | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.rps:.0f} | {r.errors} |"
            for r in (api, html)
        ),  # fmt: skip
        "",
        f"The API's {pages} pages of 100 actions were requested in turn through their cursors (each request also "
        "finds the token and counts it against the token's limit); the HTML list's 200 pages of 50 likewise.",
        "",
        "| export of every action (median of 3, through gunicorn) | rows | size | first byte s | last byte s |",
        "| --- | --- | --- | --- | --- |",
        f"| CSV | {csv_run.rows:,} | {csv_run.size_bytes / 2**20:.1f} MB | {csv_run.first_byte_s:.2f} "
        f"| {csv_run.last_byte_s:.2f} |",
        f"| .xlsx | {heaps[0].rows:,} | {xlsx_run.size_bytes / 2**20:.1f} MB | {xlsx_run.first_byte_s:.2f} "
        f"| {xlsx_run.last_byte_s:.2f} |",
        "",
        "Worker peak resident memory (VmHWM) before the exports: "
        + ", ".join(f"{mb:.0f} MB" for mb in sorted(exports.peak_before_mb.values()))
        + "; after six: "
        + ", ".join(f"{mb:.0f} MB" for mb in sorted(exports.peak_after_mb.values()))
        + f" (at most {growth:.0f} MB more).",
        "",
        "| export in-process (tracemalloc) | rows | CSV peak MB | CSV s | .xlsx peak MB | .xlsx s |",
        "| --- | --- | --- | --- | --- | --- |",
        *(
            f"| {'every action' if h.rows > 1000 else 'one inspection'} | {h.rows:,} | {h.csv_peak_mb:.1f} "
            f"| {h.csv_seconds:.2f} | {h.xlsx_peak_mb:.1f} | {h.xlsx_seconds:.2f} |"
            for h in heaps
        ),  # fmt: skip
    ]


def main() -> int:
    from bench.dataset import PASSWORD, Scale, generate
    from bench.load import bench_cluster, free_port, gunicorn, worker_memory
    from bench.pages import GUNICORN_OPTIONS, signed_in_clients
    from bench.run_all import london_today, migrate

    def run(name: str, clients: list[Client], count: int, request: Callable[[Client, int], int]) -> Result:
        result = measure(name, clients, count, request)
        print(f"{name}: median {result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms", flush=True)
        return result

    with bench_cluster("tracker_bench_api") as cluster:
        migrate(cluster.url)
        print(f"Dataset: {generate(cluster.url, london_today(), Scale())}", flush=True)
        port = free_port()
        with gunicorn(cluster.url, port, GUNICORN_OPTIONS) as server:
            browsers = signed_in_clients(port, [1])
            token = create_api_token(port, "user1@bench.test", PASSWORD, 1)
            measure("warm-up", browsers, 20, lambda c, i: c.request("GET", "/actions")[0])
            api, html, pages = page_benchmarks(port, token, browsers, run)
            exported = export_benchmarks(port, browsers[0], server.pid)
            print(f"Worker memory after: {worker_memory(server.pid)}", flush=True)
        heaps = heap_peaks(cluster.url, london_today())
    print("\n".join(report(api, html, pages, exported, heaps)))
    slowest = max(d.last_byte_s for runs in exported.downloads.values() for d in runs)
    if slowest >= EXPORT_BUDGET_SECONDS:
        print(f"MISSED: an export of 10,000 actions took {slowest:.2f} s (budget {EXPORT_BUDGET_SECONDS} s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
