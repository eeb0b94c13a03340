"""GOV.UK Frontend's built assets are committed in tracker/static (a production host needs no Node). They must be
exactly what `make assets` copies from the npm package that package.json pins, so a version bump cannot be half done."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "tracker/static"
DIST = ROOT / "node_modules/govuk-frontend/dist/govuk"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_committed_version_is_the_one_package_json_pins() -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["govuk-frontend"]
    installed = json.loads((ROOT / "node_modules/govuk-frontend/package.json").read_text())["version"]
    assert (STATIC / "GOVUK_FRONTEND_VERSION").read_text().strip() == pinned == installed


def test_the_committed_assets_are_the_installed_package_s() -> None:
    for name in ("govuk-frontend.min.css", "govuk-frontend.min.js"):
        assert (STATIC / name).read_bytes() == (DIST / name).read_bytes(), f"run `make assets`: {name} differs"
    assert (STATIC / "manifest.json").read_bytes() == (DIST / "assets/manifest.json").read_bytes()
    for folder in ("fonts", "images"):
        assert _files(STATIC / folder) == _files(DIST / "assets" / folder), f"run `make assets`: {folder}/ differs"
