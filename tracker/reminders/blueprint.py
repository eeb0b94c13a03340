"""Reminder settings, the calendar feed and the update-by-email pages: the `reminders` blueprint's URLs and the view
each runs.

A view is named by where it is in `tracker.reminders.routes`, and imported with the first request for it
(tracker.routing).
"""

from __future__ import annotations

from flask import Blueprint

from tracker.routing import LazyRoutes

bp = Blueprint("reminders", __name__)
routes = LazyRoutes(bp)

routes.get_post("/reminders", "manage_reminders")
routes.get("/reminders/preview", "preview_digest")
routes.post("/reminders/calendar", "create_calendar_feed")
routes.post("/reminders/calendar/turn-off", "turn_off_calendar_feed")
routes.post("/reminders/email-links/stop", "stop_email_links")
routes.get("/calendar/<token>.ics", "calendar_feed")
routes.get_post("/update/<token>", "update_from_email")
routes.get("/progress-recorded", "progress_recorded")
