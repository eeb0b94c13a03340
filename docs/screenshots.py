"""Take the README's screenshot: `.venv/bin/python docs/screenshots.py`.

Loads the demo into a throwaway SQLite database, serves it on a free local port and photographs the service
manager's home page in Debian's Chromium (as the browser tests do), writing docs/home-service-manager.png.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(ROOT / ".venv/bin/flask")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    instance = tempfile.mkdtemp(prefix="tracker-screenshot-")
    env = {**os.environ, "TRACKER_INSTANCE_PATH": instance, "SCHEDULER_ENABLED": "false", "FLASK_APP": "wsgi"}
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([FLASK, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([FLASK, "run", "--port", str(port)], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - our own local server
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/sign-in")
            page.fill("#email", "service.manager@demo.test")
            page.fill("#password", "demo-tracker-password")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state("load")
            page.screenshot(path=str(ROOT / "docs/home-service-manager.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait()
    print("Wrote docs/home-service-manager.png", file=sys.stderr)


if __name__ == "__main__":
    main()
