"""The `actions` blueprint: my actions, all actions, the plan, its dashboard and spreadsheets, one action."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("actions", __name__)
