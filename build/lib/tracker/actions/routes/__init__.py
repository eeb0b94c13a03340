"""The action plan's pages, one module a use case, all on the one `actions` blueprint."""

from tracker.actions.routes import action_page, editing, lists, plan, progress, spreadsheets  # noqa: F401 - views
from tracker.actions.routes.blueprint import bp

__all__ = ["bp"]
