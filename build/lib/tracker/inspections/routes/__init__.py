"""The inspections' pages, one module a use case, all on the one `inspections` blueprint."""

from tracker.inspections.routes import deadlines, imports, inspection_page, meetings, recommendations  # noqa: F401
from tracker.inspections.routes.blueprint import bp

__all__ = ["bp"]
