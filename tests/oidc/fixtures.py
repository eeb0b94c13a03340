"""Fixtures for the council sign-in tests (a pytest plugin named in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.oidc import Provider, make_client_certificate, sso_config, start_provider

# Where the integration tests' tracker says it is (BASE_URL): the provider sends people back there, and the tests
# hand the URL to the Flask test client.
TRACKER_BASE = "http://127.0.0.1:5000"


@pytest.fixture(scope="session")
def client_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A PEM file with the tracker's private key and certificate (SSO_CLIENT_CERTIFICATE), and its public key as a
    JWK for the provider's client registration (as uploading the certificate to Entra ID would)."""
    return make_client_certificate(tmp_path_factory.mktemp("certificate"))


@pytest.fixture(scope="session")
def oidc_provider(
    tmp_path_factory: pytest.TempPathFactory, client_certificate: tuple[Path, dict]
) -> Iterator[Provider]:
    provider = start_provider(tmp_path_factory.mktemp("oidc"), [TRACKER_BASE], certificate_jwk=client_certificate[1])
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def impostor_provider(tmp_path_factory: pytest.TempPathFactory, oidc_provider: Provider) -> Iterator[Provider]:
    """Another provider under the same issuer name, whose discovery document names the real provider's keys while
    it signs with a key of its own (same key id): its id tokens are signed by another key."""
    provider = start_provider(
        tmp_path_factory.mktemp("impostor"),
        [TRACKER_BASE],
        issuer=oidc_provider.issuer,
        publish_jwks_from=oidc_provider.jwks_uri,
    )
    yield provider
    provider.stop()


@pytest.fixture
def council_sign_in(app: Flask, app_context: None, oidc_provider: Provider) -> dict[str, object]:
    """Council sign-in turned on against the test provider for one test (app_context puts the settings back)."""
    settings = sso_config(oidc_provider, TRACKER_BASE)
    app.config.update(settings)
    return settings
