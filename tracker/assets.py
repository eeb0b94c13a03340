"""The layout's stylesheets and script with their content's hash in the address, so browsers keep them for a year.

Without it, every page view asked again for each asset (a conditional request answered 304 at best). A changed
file has a new hash, so a new address, and browsers fetch it at once; an address with an old or no hash is still
served, with the ordinary revalidation.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, request, url_for

ONE_YEAR = 365 * 24 * 60 * 60


class _Versions:
    """Each asset's hash, worked out again only when the file changes (one stat a page for each)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.known: dict[str, tuple[int, str]] = {}  # filename → (modification time, hash)

    def of(self, filename: str) -> str:
        path = self.folder / filename
        modified = path.stat().st_mtime_ns
        known = self.known.get(filename)
        if known is None or known[0] != modified:
            known = self.known[filename] = (modified, hashlib.sha256(path.read_bytes()).hexdigest()[:16])
        return known[1]

    def is_current(self, filename: str, version: str) -> bool:
        """Whether `version` is the file's hash now (asked after the file was served, so it exists; another worker
        may have written the address)."""
        if not version:
            return False
        try:
            return self.of(filename) == version
        except OSError:
            return False


def register(app: Flask) -> None:
    versions = _Versions(Path(app.static_folder or "static"))

    def asset_url(filename: str) -> str:
        return url_for("static", filename=filename, v=versions.of(filename))

    app.add_template_global(asset_url, "asset_url")

    @app.after_request
    def cache_versioned_assets(response: Response) -> Response:
        version = request.args.get("v", "")
        filename = (request.view_args or {}).get("filename", "")
        if request.endpoint == "static" and response.status_code == 200 and versions.is_current(filename, version):
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
