"""The service navigation: which sections each role sees."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from tracker.models import Role
from tracker.permissions import ROLES_THAT_OWN_ACTIONS

EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class NavEntry:
    text: str
    endpoint: str
    roles: frozenset[Role]


# In display order. Entries whose endpoint is not registered are left out.
NAVIGATION = (
    NavEntry("Home", "main.home", EVERYONE),
    NavEntry("My actions", "actions.my_actions", frozenset(ROLES_THAT_OWN_ACTIONS)),
    NavEntry("Inspections", "inspections.list_inspections", EVERYONE),
    NavEntry("All actions", "actions.list_actions", EVERYONE),
    NavEntry("Reminders", "reminders.manage_reminders", EVERYONE),
    NavEntry("People", "admin.list_people", frozenset({Role.ADMIN})),
    NavEntry("Outbox", "admin.list_outbox", frozenset({Role.ADMIN})),
    NavEntry("API tokens", "api_tokens.list_api_tokens", frozenset({Role.ADMIN})),
)


def navigation_items() -> list[dict[str, object]]:
    """GOV.UK service navigation items for the signed-in person, the current page marked."""
    if not current_user.is_authenticated:
        return []
    endpoint = request.endpoint or ""
    items = []
    for entry in NAVIGATION:
        if current_user.role not in entry.roles or entry.endpoint not in current_app.view_functions:
            continue
        item: dict[str, object] = {"href": url_for(entry.endpoint), "text": entry.text}
        if endpoint == entry.endpoint:
            item["current"] = True
        items.append(item)
    return items


def register(app: Flask) -> None:
    @app.context_processor
    def navigation_context() -> dict[str, object]:
        # The function, not its result: a page that never shows the navigation (the 500 page, when the
        # database may be down) never loads the signed-in user.
        return {"navigation_items": navigation_items}
