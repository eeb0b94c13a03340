"""tracker.routing.LazyView: a view named by module and function, imported when first called."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tracker.routing import LazyView

ROOT = Path(__file__).resolve().parents[2]


def test_the_module_is_imported_with_the_first_call_not_before() -> None:
    script = """
import sys
from tracker.routing import LazyView
view = LazyView("tracker.domain.due_phrase", "due_phrase")
before = "tracker.domain.due_phrase" in sys.modules
print(before, view.__module__, view.__name__, "tracker.domain.due_phrase" in sys.modules)
import datetime
view(datetime.date(2026, 12, 8), 1, datetime.date(2026, 12, 7))
print("tracker.domain.due_phrase" in sys.modules, view.view is sys.modules["tracker.domain.due_phrase"].due_phrase)
"""
    completed = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert completed.stdout.split() == ["False", "tracker.domain.due_phrase", "due_phrase", "False", "True", "True"]


def test_it_answers_for_the_function_it_names() -> None:
    from tracker.domain import formatting

    view = LazyView("tracker.domain.formatting", "format_date")
    assert view.view is formatting.format_date
    assert (view.__module__, view.__name__) == ("tracker.domain.formatting", "format_date")  # as CSRF exemptions read
    assert view == LazyView("tracker.domain.formatting", "format_date") != LazyView("tracker.domain.formatting", "x")
    assert hash(view) == hash(LazyView("tracker.domain.formatting", "format_date"))


def test_an_attribute_of_the_function_is_read_through() -> None:
    from tracker.main import routes

    view = LazyView("tracker.main.routes", "accessibility_statement")
    assert view.permission == routes.accessibility_statement.permission == "public"  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        view.no_such_attribute  # noqa: B018
    # Its own dunders are its own: the decorated function's __wrapped__ (functools.wraps) is not read through.
    home = LazyView("tracker.main.routes", "home")
    assert home.permission == routes.home.permission and hasattr(routes.home, "__wrapped__")  # type: ignore[attr-defined]
    assert not hasattr(home, "__wrapped__")


def test_a_name_that_is_not_in_the_module_says_which() -> None:
    view = LazyView("tracker.domain.formatting", "no_such_view")
    with pytest.raises(LookupError, match="tracker.domain.formatting.no_such_view"):
        view()


def test_threads_calling_it_first_at_once_all_get_the_function() -> None:
    script = """
import threading
from tracker.routing import LazyView
view = LazyView("tracker.domain.rag", "RagRule")
found, start = [], threading.Barrier(8)
def first():
    start.wait()
    found.append(view.view)
threads = [threading.Thread(target=first) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
import tracker.domain.rag
print(len(found), all(each is tracker.domain.rag.RagRule for each in found))
"""
    completed = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert completed.stdout.split() == ["8", "True"]
