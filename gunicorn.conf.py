"""gunicorn's production settings. gunicorn reads ./gunicorn.conf.py when started from the project folder
(`gunicorn wsgi:app`); options given on the command line override these. See README, "Running in production",
and bench/results.md for what they were measured with.
"""

import gc
import os
import signal

# One worker per CPU core (WEB_CONCURRENCY to change it): a page is mostly Python and PostgreSQL work, so more
# processes than cores only queue. Each worker has a few threads (gthread) because a request may spend up to
# 30 s waiting for the child process that reads an upload (tracker.sandbox, FILE_READ_SECONDS): with sync
# workers two such uploads would leave no worker for anyone else, /healthz included. A worker reads at most two
# files at once (tracker.sandbox.READS_AT_ONCE), so at least two of its threads are always free for pages.
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
worker_class = "gthread"
threads = 4
# Each connection closes after its response, as with sync workers: the proxy in front keeps the browsers'
# connections, and an idle one kept open here could be closed by gunicorn just as the next request is sent on it.
keepalive = 0
# A worker whose main loop stops answering for this long is killed and replaced. (A slow request on one of its
# threads does not count: threaded workers keep answering while a request runs.)
timeout = 120
graceful_timeout = 30
# gunicorn's control socket (gunicorn 24+) is not used: systemd starts, stops and restarts the server, and the
# socket's default path is one per user, so two gunicorns run by the same user would contend for it.
control_socket_disable = True
# The app logs one line per request itself, with its request id; gunicorn logs only its own events.
accesslog = None
# gunicorn itself believes X-Forwarded-Proto (and so tells the app the request came over HTTPS) from these
# addresses. It must agree with the app's TRUSTED_PROXIES: with 0 no proxy is trusted, so gunicorn trusts none
# either (its own default trusts 127.0.0.1); with a proxy, the one on this host (README, "The proxy"), or the
# addresses in FORWARDED_ALLOW_IPS.
forwarded_allow_ips = (
    os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1") if int(os.environ.get("TRUSTED_PROXIES") or 0) else ""
)

# The web server never migrates the database (`flask db upgrade` does, before it starts): leaving out the migration
# commands keeps Alembic out of every worker (about 11 MB each).
os.environ.setdefault("TRACKER_MIGRATION_COMMANDS", "false")

# The app is loaded once, in the master, and each worker is forked from it: the workers share the memory the code
# takes (most of it) instead of holding a copy each. Deploy new code with a restart, not `kill -HUP`.
preload_app = True

# The garbage collector. It is off while the master loads the app (this file is read first): loading makes 120,000
# long-lived objects and almost no garbage (a few hundred objects, which a full collection before the fork freed
# for a tenth of a second of CPU and no change in memory), and its many collections while loading cost about as
# much again (issue 17, start-up). What the app loaded is frozen out of the collector's sight before the workers
# are forked (so that no collection writes to, and so copies, the shared memory), and a request's garbage is
# collected once the response has been sent rather than in many small pauses while the page is being built (about
# a millisecond a page, and a shorter tail). The raised threshold still collects during a request that allocates a
# lot, such as a PDF report.
GC_THRESHOLD = (20_000, 10, 10)
gc.disable()


def when_ready(server) -> None:  # noqa: ANN001 - gunicorn's hook signature: the master, before forking
    gc.freeze()
    gc.enable()


def post_fork(server, worker) -> None:  # noqa: ANN001
    """A worker must not share the master's database connections (it has none today; this keeps it so).

    Until gunicorn sets up the worker's own signal handlers, a new worker has the master's, which only queue a
    signal for the master's loop: a stop (SIGTERM, SIGINT, SIGQUIT) sent while it boots would be lost, and the
    master would wait graceful_timeout (30 s) before killing it. A worker that has not begun serving has nothing to
    finish, so until then these signals end it at once."""
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, lambda *_: os._exit(0))  # whose default would also dump core
    from tracker.extensions import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)


def post_worker_init(worker) -> None:  # noqa: ANN001
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    gc.enable()  # a worker not preloaded by the master (--no-preload) loaded the app with it off


def post_request(worker, req, environ, resp) -> None:  # noqa: ANN001
    gc.collect(0)
