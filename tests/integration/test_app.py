"""The application factory and configuration."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import config
from tracker import create_app


def test_factory_builds_an_app_with_every_blueprint(app) -> None:
    assert {"main", "auth", "admin"} <= set(app.blueprints)
    assert app.config["TESTING"] is True


def test_production_refuses_to_start_without_a_secret_key_database_and_organisation(monkeypatch) -> None:
    for name in ("SECRET_KEY", "DATABASE_URL", "ORGANISATION_NAME"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="needs SECRET_KEY, DATABASE_URL and ORGANISATION_NAME set"):
        create_app(config.ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("ORGANISATION_NAME", "Example Council")
    with pytest.raises(RuntimeError, match="needs DATABASE_URL set"):
        create_app(config.ProductionConfig)


def test_production_uses_the_configured_database_and_secure_cookies(monkeypatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://tracker@db.example/tracker")
    monkeypatch.setenv("ORGANISATION_NAME", "Example Council")
    app = create_app(config.ProductionConfig)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql://tracker@db.example/tracker"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_development_defaults_to_sqlite_in_the_instance_folder_and_keeps_a_generated_key(
    monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    first = config.DevelopmentConfig()
    second = config.DevelopmentConfig()
    assert first.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    assert len(first.SECRET_KEY) == 64
    assert first.SECRET_KEY == second.SECRET_KEY
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_mail_settings_come_from_the_environment_when_asked_for(monkeypatch) -> None:
    """Set after the module was imported, as a test fixture or a process manager would: no reload needed."""
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.gov.uk")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    settings = config.DevelopmentConfig()
    assert settings.MAIL_SERVER == "smtp.example.gov.uk"
    assert settings.MAIL_PORT == 587
    assert settings.MAIL_USE_TLS is True
    assert settings.MAIL_USE_SSL is False
    monkeypatch.setenv("MAIL_PORT", "")
    assert config.Config.MAIL_PORT == 25


def test_an_instance_path_set_after_import_is_the_one_the_app_uses(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app(config.DevelopmentConfig)
    assert app.instance_path == str(tmp_path / "instance")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'tracker.sqlite'}"
    assert (tmp_path / "instance" / "secret_key").exists()
    monkeypatch.setenv("LOG_FORMAT", " JSON ")
    assert config.Config().LOG_FORMAT == "json"


def test_a_restarted_app_loads_the_templates_it_compiled_instead_of_compiling_them(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    """Issue 17, start-up: the first page after a restart spends no time compiling the layout."""
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    first = create_app(config.TestingConfig)
    assert first.test_client().get("/accessibility").status_code == 200
    assert list((tmp_path / "template-cache").iterdir())
    restarted = create_app(config.TestingConfig)

    def compile_again(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a template was compiled again")

    monkeypatch.setattr(restarted.jinja_env, "compile", compile_again)
    page = restarted.test_client().get("/accessibility")
    assert page.status_code == 200
    assert "Accessibility statement" in page.text


def test_a_template_compiled_under_other_settings_is_compiled_again(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    assert create_app(config.TestingConfig).test_client().get("/accessibility").status_code == 200
    restarted = create_app(config.TestingConfig)
    restarted.jinja_env.trim_blocks = False  # changes the compiled code of every template with a block tag
    compiled: list[str] = []
    compile_template = restarted.jinja_env.compile

    def counting(source: str, name: str | None = None, *args: object, **kwargs: object) -> object:
        compiled.append(str(name))
        return compile_template(source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(restarted.jinja_env, "compile", counting)
    assert restarted.test_client().get("/accessibility").status_code == 200
    assert "base.html" in compiled


def test_a_damaged_or_missing_template_cache_only_means_compiling_again(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    assert create_app(config.TestingConfig).test_client().get("/accessibility").status_code == 200
    for entry in (tmp_path / "template-cache").iterdir():
        entry.write_bytes(b"j2\x00not what was written")
    damaged = create_app(config.TestingConfig)
    assert "Accessibility statement" in damaged.test_client().get("/accessibility").text
    shutil.rmtree(tmp_path / "template-cache")  # under a running server
    assert damaged.test_client().get("/some/page/that/is/not/there").status_code == 404


def test_unknown_environment_name_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("TRACKER_ENV", "staging")
    with pytest.raises(RuntimeError, match="TRACKER_ENV must be one of"):
        config.config_from_environment()
