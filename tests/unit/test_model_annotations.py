"""The models' annotations are evaluated by Python as each class is made, not left as strings (issue 17, start-up).

With `from __future__ import annotations` every `Mapped[...]` annotation of every model is a string, which
SQLAlchemy's declarative mapping evaluates itself (compiling each one): about 15-25 ms of every process start on the
bench machine. A model module keeps that import out; only a name defined later is quoted (`Mapped["User | None"]`).
"""

import pytest

from tracker.models import Base

MAPPED_CLASSES = sorted((mapper.class_ for mapper in Base.registry.mappers), key=lambda cls: cls.__name__)


@pytest.mark.parametrize("model", MAPPED_CLASSES, ids=lambda cls: cls.__name__)
def test_annotations_are_types_not_strings(model: type) -> None:
    own = model.__dict__.get("__annotations__", {})
    assert own, f"{model.__name__} declares no annotated columns"
    as_strings = [name for name, annotation in own.items() if isinstance(annotation, str)]
    assert not as_strings, f"{model.__name__}: {as_strings} are strings (is `from __future__ import annotations` back?)"


def test_a_quoted_forward_reference_still_maps_to_its_class() -> None:
    from tracker.models import Action, Inspection, Recommendation, User

    assert Inspection.recommendations.property.mapper.class_ is Recommendation  # Mapped[list["Recommendation"]]
    assert Inspection.recommendations.property.uselist
    assert Recommendation.actions.property.mapper.class_ is Action
    assert User.line_manager.property.mapper.class_ is User
