"""The layout's stylesheets and script are addressed by their content's hash and kept by browsers for a year; any
other address of the same file is revalidated as before."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tests.conftest import soup
from tracker import assets


def test_the_layouts_assets_carry_their_hash_and_are_kept_for_a_year(app, client, db_session) -> None:
    page = soup(client.get("/accessibility"))
    addresses = [link["href"] for link in page.select("link[rel=stylesheet]")]
    addresses.append(page.select_one("script[type=module]")["src"])
    assert [address.split("?")[0] for address in addresses] == [
        "/assets/govuk-frontend.min.css",
        "/assets/css/tracker.css",
        "/assets/js/init.mjs",
    ]
    for address in addresses:
        path, version = address.split("?v=")
        content = (Path(app.static_folder) / path.removeprefix("/assets/")).read_bytes()
        assert version == hashlib.sha256(content).hexdigest()[:16]
        response = client.get(address)
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 60 * 60
        assert response.cache_control.immutable and response.cache_control.public


def test_an_address_with_an_old_or_no_hash_is_revalidated_as_before(client, db_session) -> None:
    for address in ("/assets/css/tracker.css", "/assets/css/tracker.css?v=0123456789abcdef"):
        response = client.get(address)
        assert response.status_code == 200
        assert response.cache_control.max_age is None and not response.cache_control.immutable
        assert response.headers.get("ETag")
        again = client.get(address, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


def test_a_changed_file_gets_a_new_address(tmp_path) -> None:
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    sheet = folder / "css" / "tracker.css"
    sheet.write_text("body { color: black }")
    versions = assets._Versions(folder)
    first = versions.of("css/tracker.css")
    sheet.write_text("body { color: #0b0c0c }")
    os.utime(sheet, ns=(1, 10**18))  # a new modification time, whatever the file system's resolution
    assert versions.of("css/tracker.css") != first
    assert versions.is_current("css/tracker.css", versions.of("css/tracker.css"))
    assert not versions.is_current("css/tracker.css", first)
