"""The start-up floor: an app of one page on the libraries the tracker stands on, started like the tracker.

Flask, Flask-SQLAlchemy (so SQLAlchemy's ORM), Flask-WTF, Flask-Login, WTForms and psycopg are imported, and its one
page reads a row over its own connection and renders a template: what any app on this stack does before its first
page, without the tracker's models, features and layout. bench.startup starts it under gunicorn with the tracker's
worker settings beside the tracker's start, so that the results say how much of the start is the tracker's own.
"""

import gc
import os

gc.disable()  # as gunicorn.conf.py has it while the tracker loads

from flask import Flask, render_template_string  # noqa: E402
from flask_login import LoginManager  # noqa: E402
from flask_sqlalchemy import SQLAlchemy  # noqa: E402
from flask_wtf import CSRFProtect  # noqa: E402
from sqlalchemy import text  # noqa: E402
from wtforms import StringField  # noqa: E402, F401 - imported as the tracker's forms import it

app = Flask(__name__)
app.config.update(SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"], SECRET_KEY=os.environ["SECRET_KEY"])
db = SQLAlchemy(app)
CSRFProtect(app)
LoginManager(app).user_loader(lambda user_id: None)


@app.get("/accessibility")
def page() -> str:
    one = db.session.scalar(text("SELECT 1"))
    return render_template_string("<!DOCTYPE html><title>Floor</title><p>{{ one }}</p>", one=one)


gc.freeze()
gc.enable()
