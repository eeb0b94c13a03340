"""The home page and service-wide pages.

The views; their URLs are in tracker/main/blueprint.py.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock
from tracker.main import services
from tracker.permissions import public, signed_in


@signed_in
def home() -> ResponseReturnValue:
    page = services.build_home_page(
        current_user, clock.today(), clock.now(), due_soon_working_days=current_app.config["DUE_SOON_WORKING_DAYS"]
    )
    return render_template("main/home.html", page=page, rag_summary=services.rag_summary)


@public
def accessibility_statement() -> ResponseReturnValue:
    return render_template("main/accessibility.html")
