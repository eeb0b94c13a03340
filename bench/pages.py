"""The page scenarios of `make bench` against gunicorn (bench/load.py): each page at one client beside the layout
floor, throughput at 8 connections beside the layout floor's, memory per worker, and the API and export
measurements of issue 16. Run by bench/run_all.py, at the council's size and at ten times it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import cycle

from sqlalchemy import create_engine, text

from bench.bench_api import ExportFigures, HeapFigures, create_api_token, export_benchmarks, page_benchmarks
from bench.dataset import PASSWORD
from bench.load import Client, CpuMeter, Memory, Result, free_port, gunicorn, measure, measure_paired, worker_memory

# The production command (README, "Running in production"), less --bind: gunicorn.conf.py holds the rest.
GUNICORN_OPTIONS = ["--workers", "2"]
OVERDUE = "/actions?overdue=yes"
BARE_FLOOR = "/healthz (bare floor)"
LAYOUT_FLOOR = "Accessibility statement (layout floor)"
LAYOUT = "/accessibility"  # signed in: the layout, navigation and session, and no data
# The pages whose p95 must stay within 2.5× the layout floor's (the others: 3×), and those run at ten times the data.
TIGHT = ("Overdue actions, all inspections, page 1", "Overdue actions, all inspections, page 50", "My actions",
         "Action page")  # fmt: skip
KEY_PAGES = ("Overdue actions, all inspections, page 1", "My actions", "Inspection dashboard", "Action page")
THROUGHPUT_ROUNDS = 2
PAIRS = 150  # requests of each page at one client, each beside one of the layout floor


def signed_in_clients(port: int, user_ids: list[int]) -> list[Client]:
    clients = []
    for user_id in user_ids:
        client = Client(port)
        client.sign_in(f"user{user_id}@bench.test", PASSWORD)
        clients.append(client)
    return clients


def get(path_for: Callable[[int], str]) -> Callable[[Client, int], int]:
    def make_request(client: Client, i: int) -> int:
        return client.request("GET", path_for(i))[0]

    return make_request


class ProgressPosts:
    """The client is an owner posting progress on their own actions: the form is fetched untimed first (for its
    CSRF token, version and marks), then the POST is timed. A 302 to the action page is success."""

    FIELD = re.compile(r'name="(version|seen)"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="(version|seen)"')

    def __init__(self, actions: list[int]) -> None:
        self.actions = actions
        self.form: tuple[int, dict[str, str]] = (0, {})

    def prepare(self, client: Client, i: int) -> None:
        action_id = self.actions[i % len(self.actions)]
        token, page = client.csrf(f"/actions/{action_id}/progress")
        form = {"csrf_token": token, "status": "in_progress", "rag": "green",
                "narrative": f"Update {i}: on track, evidence filed.", "evidence_links": ""}  # fmt: skip
        for match in self.FIELD.finditer(page):
            name, value = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
            form[name] = value
        self.form = (action_id, form)

    def post(self, client: Client, i: int) -> int:
        action_id, form = self.form
        status = client.request("POST", f"/actions/{action_id}/progress", form)[0]
        return 200 if status == 302 else 400 + status  # anything but the redirect counts as an error


def database_facts(database_url: str, today: object, owner: int) -> tuple[int, int, int, list[int]]:
    """Inspections, actions, open overdue actions, and `owner`'s open actions (for the POST)."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        inspections = connection.execute(text("SELECT count(*) FROM inspections")).scalar_one()
        actions = connection.execute(text("SELECT count(*) FROM actions")).scalar_one()
        overdue = connection.execute(
            text("SELECT count(*) FROM actions WHERE archived_at IS NULL AND due_on < :today "
                 "AND status IN ('not_started', 'in_progress')"),
            {"today": today},
        ).scalar_one()  # fmt: skip
        mine = connection.scalars(
            text("SELECT id FROM actions WHERE owner_id = :owner AND archived_at IS NULL ORDER BY id LIMIT 8"),
            {"owner": owner},
        ).all()
    engine.dispose()
    return inspections, actions, overdue, list(mine)


@dataclass
class WebFigures:
    label: str  # the dataset's size, as results.md names it
    results: list[Result]  # everything measured, in order
    pairs: dict[str, tuple[Result, Result]]  # page name → (the page, the layout floor at the same moments)
    throughput: dict[str, float]  # requests/s at 8 connections over all rounds: LAYOUT_FLOOR and the overdue list
    bare: Result
    layout: Result
    memory: list[Memory]
    load_before: str
    load_after: str
    overdue_actions: int
    cookies: dict[str, str] = field(default_factory=dict)  # a signed-in administrator's, for the start-up timing
    api_page: Result | None = None
    html_list: Result | None = None
    api_pages: int = 0
    exports: ExportFigures | None = None
    heaps: list[HeapFigures] = field(default_factory=list)


def web_benchmarks(
    database_url: str, postmaster_pid: int, today: object, load_average: Callable[[], str], *, full: bool = True,
    label: str = "10,000 actions",
) -> WebFigures:  # fmt: skip
    """Every page at one client beside the layout floor (`full`: also 8 connections, memory, API and exports);
    otherwise only the KEY_PAGES, as at ten times the data."""
    inspections, actions, overdue, mine = database_facts(database_url, today, 11)
    port = free_port()
    results: list[Result] = []
    pairs: dict[str, tuple[Result, Result]] = {}
    load_before = load_average()
    with gunicorn(database_url, port, GUNICORN_OPTIONS) as server:
        cpu = CpuMeter(server.pid, postmaster_pid)
        admin, owner, other_owner = signed_in_clients(port, [1, 11, 15])
        inspection_ids = cycle(range(1, inspections + 1, 3))
        action_ids = cycle(range(1, actions + 1, 7))

        def run(name: str, clients: list[Client], count: int, request: Callable[[Client, int], int]) -> Result:
            result = measure(name, clients, count, request, cpu)
            results.append(result)
            print(f"{label}: {name}, {len(clients)} clients: median {result.median_ms:.1f} ms, p95 "
                  f"{result.p95_ms:.1f} ms, {result.rps:.0f}/s (load {load_average()})", flush=True)  # fmt: skip
            return result

        def paired(name: str, client: Client, count: int, request: Callable[[Client, int], int],
                   prepare: Callable[[Client, int], None] | None = None) -> None:  # fmt: skip
            page, floor = measure_paired(name, client, count, request, get(lambda i: LAYOUT), LAYOUT_FLOOR, cpu,
                                         prepare)  # fmt: skip
            page.app_cpu_ms = max(0.0, page.app_cpu_ms - layout.app_cpu_ms)  # the pair's CPU less the floor's
            page.db_cpu_ms = max(0.0, page.db_cpu_ms - layout.db_cpu_ms)
            floor.app_cpu_ms, floor.db_cpu_ms = layout.app_cpu_ms, layout.db_cpu_ms
            pairs[name] = (page, floor)
            results.append(page)
            print(f"{label}: {name}, 1 client: p95 {page.p95_ms:.1f} ms, layout floor beside it {floor.p95_ms:.1f} "
                  f"ms: {page.p95_ms / floor.p95_ms:.2f}× (load {load_average()})", flush=True)  # fmt: skip

        pages: list[tuple[str, Client, Callable[[Client, int], int]]] = [
            ("Overdue actions, all inspections, page 1", admin, get(lambda i: OVERDUE)),
            ("Overdue actions, all inspections, page 50", admin, get(lambda i: f"{OVERDUE}&page=50")),
            ("Home", owner, get(lambda i: "/")),
            ("My actions", other_owner, get(lambda i: "/my-actions")),
            ("Inspection dashboard", admin, get(lambda i: f"/inspections/{next(inspection_ids)}/dashboard")),
            ("Action page", admin, get(lambda i: f"/actions/{next(action_ids)}")),
        ]
        if not full:
            pages = [page for page in pages if page[0] in KEY_PAGES]
        # Warm the workers: the first requests compile templates and fill SQLAlchemy's statement cache.
        for _name, client, request in pages:
            measure("warm-up", [client], 10, request)
        measure("warm-up", [admin], 10, get(lambda i: LAYOUT))
        bare = run(BARE_FLOOR, [admin], 300, get(lambda i: "/healthz"))
        layout = run(LAYOUT_FLOOR, [admin], 200, get(lambda i: LAYOUT))
        for name, client, request in pages:
            paired(name, client, PAIRS, request)
        memory: list[Memory] = []
        throughput: dict[str, float] = {}
        if full:
            posts = ProgressPosts(mine)
            # As many as the pages: a p95 of 75 was the fourth slowest, one slow commit (fsync) from a miss.
            paired("Progress update POST", owner, PAIRS, posts.post, prepare=posts.prepare)
            throughput = eight_connections(port, run)
            memory = worker_memory(server.pid)
        figures = WebFigures(label, results, pairs, throughput, bare, layout, memory, load_before, "", overdue,
                             dict(admin.cookies))  # fmt: skip
        if full:
            # Issue 16, after the memory above (an export raises a worker's peak): the API beside the HTML list.
            token = create_api_token(port, "user1@bench.test", PASSWORD, 1)
            figures.api_page, figures.html_list, figures.api_pages = page_benchmarks(port, token, [admin], run)
            figures.exports = export_benchmarks(port, admin, server.pid)
    figures.load_after = load_average()
    return figures


def eight_connections(port: int, run: Callable[..., Result]) -> dict[str, float]:
    """Requests/s at 8 connections, the layout floor and the overdue list in alternate rounds (so that a change
    in the neighbours' load falls on both): total requests over total time per page."""
    clients = signed_in_clients(port, list(range(11, 19)))
    totals: dict[str, tuple[int, float]] = {}
    for _ in range(THROUGHPUT_ROUNDS):
        for name, path in ((LAYOUT_FLOOR, LAYOUT), ("Overdue actions, all inspections, page 1", OVERDUE)):
            result = run(name, clients, 40, get(lambda i, path=path: path))
            requests, seconds = totals.get(name, (0, 0.0))
            totals[name] = (requests + result.requests, seconds + result.requests / result.rps)
    return {name: requests / seconds for name, (requests, seconds) in totals.items()}
