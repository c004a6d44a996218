"""Pydantic's validation errors as a person reads them: 'The last day is before the first day', not
'end_date must not be before start_date' or 'Field required'."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The words a form uses for an input; anything else is its name with spaces.
LABELS = {
    "start_date": "first day",
    "end_date": "last day",
    "active_from": "first day of stay",
    "active_to": "last day of stay",
    "effective_from": "start date",
    "roll_no": "roll number",
    "resident_id": "resident",
    "slot": "meal",
    "slot_code": "meal",
    "max_guests": "guest limit",
    "quiet_start": "quiet hours start",
    "quiet_end": "quiet hours end",
    "date": "date",
    "from": "first day",
    "to": "last day",
}
_SKIP = ("body", "query", "path", "header", "cookie")


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " "))


def _where(loc: Sequence[Any]) -> tuple[str | None, str]:
    names = [str(p) for p in loc if p not in _SKIP and not isinstance(p, int)]
    field = names[-1] if names else None
    return field, (label(field) if field else "")


def _sentence(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    _, what = _where(error.get("loc", ()))
    what = what or "this value"
    message = str(error.get("msg", ""))
    if kind == "missing":
        return f"Please fill in the {what}."
    if kind in ("value_error", "assertion_error"):
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"The {what} should be a whole number."
    if kind in ("less_than_equal", "less_than"):
        return f"The {what} can be at most {ctx.get('le', ctx.get('lt'))}."
    if kind in ("greater_than_equal", "greater_than"):
        return f"The {what} should be at least {ctx.get('ge', ctx.get('gt'))}."
    if kind.startswith(("date_", "datetime_")):
        return f"The {what} should be a date (year, month, day)."
    if kind.startswith("time_"):
        return f"The {what} should be a time of day (hours:minutes)."
    if kind in ("string_too_long", "too_long"):
        return f"The {what} is too long (at most {ctx.get('max_length')})."
    if kind in ("string_too_short", "too_short"):
        return f"The {what} is too short."
    if kind in ("literal_error", "enum"):
        return f"Choose one of {ctx.get('expected', 'the listed options')} for the {what}."
    if kind.startswith("bool_"):
        return f"The {what} should be yes or no."
    if kind.startswith(("float_", "decimal_")):
        return f"The {what} should be a number."
    if kind.startswith("json_") or kind == "model_attributes_type":
        return "The request could not be read."
    return f"The {what} is not accepted."


def explain(errors: Sequence[Mapping[str, Any]]) -> tuple[str, str | None]:
    """The first few errors as sentences, and the input the first one is about (a page shows it there)."""
    sentences = []
    for error in errors[:3]:
        sentence = _sentence(error)
        if sentence not in sentences:
            sentences.append(sentence[:1].upper() + sentence[1:])
    field, _ = _where(errors[0].get("loc", ())) if errors else (None, "")
    return " ".join(sentences), field
