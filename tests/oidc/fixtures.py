"""Fixtures for the council sign-in tests (a pytest plugin named in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.oidc import Provider, sso_config, start_provider

# Where the integration tests' tracker says it is (BASE_URL): the provider sends people back there, and the tests
# hand the URL to the Flask test client.
TRACKER_BASE = "http://127.0.0.1:5000"


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    provider = start_provider(tmp_path_factory.mktemp("oidc"), [TRACKER_BASE])
    yield provider
    provider.stop()


@pytest.fixture
def council_sign_in(app: Flask, app_context: None, oidc_provider: Provider) -> dict[str, object]:
    """Council sign-in turned on against the test provider for one test (app_context puts the settings back)."""
    settings = sso_config(oidc_provider, TRACKER_BASE)
    app.config.update(settings)
    return settings
