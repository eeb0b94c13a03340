"""The inspection action tracker: create_app builds the Flask application."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from config import Config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Config → extensions → Jinja loaders → blueprints → error handlers → CLI (its feature groups on first use)."""
    # Imported here, not above: the child process that reads an upload (tracker.sandbox) imports this package
    # too, and starts a third of a second sooner without Flask.
    from werkzeug.middleware.proxy_fix import ProxyFix

    from config import config_from_environment
    from tracker.cli import FeatureCommands
    from tracker.jinja_environment import TrackerFlask

    app = TrackerFlask(
        __name__,
        static_url_path="/assets",
        instance_path=str(_instance_path()),
        instance_relative_config=True,
    )
    app.config.from_object((config_class or config_from_environment())())
    app.cli = FeatureCommands(app.name, lambda: [module.cli for module in _feature_modules("commands")])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if proxies := app.config["TRUSTED_PROXIES"]:
        # Flask's documented way to add WSGI middleware; mypy sees an assignment to a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    _init_extensions(app)
    _init_templates(app)
    _register_blueprints(app)

    from tracker import assets, cache_stamps, errors, logs, prepared_statements, security, transactions

    assets.register(app)
    cache_stamps.register()
    prepared_statements.register()
    logs.register(app)
    errors.register(app)
    security.register(app)
    transactions.register(app)

    from tracker.cli import register_commands

    register_commands(app)
    return app


def _instance_path() -> Path:
    from config import instance_dir

    return instance_dir()


def _init_extensions(app: Flask) -> None:
    from tracker.extensions import csrf, db, init_migrations, login_manager

    db.init_app(app)
    if app.config["MIGRATION_COMMANDS"]:
        init_migrations(app, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page"
    login_manager.session_protection = "strong"

    from tracker.auth.sessions import load_user

    login_manager.user_loader(load_user)


def _init_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

    from tracker.template_cache import template_cache

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.bytecode_cache = template_cache(app.instance_path)
    WTFormsHelpers(app)

    from tracker import navigation, template_filters

    template_filters.register(app)
    navigation.register(app)


def _feature_modules(name: str) -> list[ModuleType]:
    """`tracker.<feature>.<name>` for every feature folder that has a `<name>.py`, in name order. The folders are
    looked in rather than the packages imported (a package without one, tracker.jobs say, stays unloaded), with one
    glob: pkgutil's scan of every folder took 10–35 ms of the start (issue 17)."""
    import tracker

    features = {found.parent.name for folder in tracker.__path__ for found in Path(folder).glob(f"*/{name}.py")}
    return [importlib.import_module(f"tracker.{feature}.{name}") for feature in sorted(features)]


def _register_blueprints(app: Flask) -> None:
    """Each feature folder's `blueprint.bp`: a new feature needs no edit here. Route parameters are checked first.
    The views themselves are imported as requests need them (tracker.routing.LazyView)."""
    from tracker import routing

    routing.register(app)
    for module in _feature_modules("blueprint"):
        app.register_blueprint(module.bp)
