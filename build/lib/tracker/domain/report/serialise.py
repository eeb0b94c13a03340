"""The issued snapshot of a report is the model itself, as JSON: dataclasses to plain values and back.

Reading follows the dataclasses' type hints, so dates come back as dates and nested rows as rows;
a field added since a report was issued takes its default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from typing import Any


def dataclass_to_json(value: Any) -> Any:
    """Dataclasses as dicts, dates as ISO text, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: dataclass_to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: dataclass_to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [dataclass_to_json(v) for v in value]
    return value


def dataclass_from_json(kind: Any, data: Any) -> Any:
    """`data` read back as `kind` (a dataclass, a date, a list or dict of them, or optional)."""
    if data is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return dataclass_from_json(options[0], data)
    if origin is list:
        (item,) = typing.get_args(kind)
        return [dataclass_from_json(item, v) for v in data]
    if origin is dict:
        _key, item = typing.get_args(kind)
        return {k: dataclass_from_json(item, v) for k, v in data.items()}
    if kind is date:
        return date.fromisoformat(data)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        # A field added since a report was issued takes its default rather than None.
        return kind(
            **{
                f.name: dataclass_from_json(hints[f.name], data.get(f.name))
                for f in dataclasses.fields(kind)
                if f.name in data or (f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
            }
        )
    return data


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(kind: type) -> dict[str, Any]:
    if kind not in _HINTS:
        _HINTS[kind] = typing.get_type_hints(kind)
    return _HINTS[kind]
