"""The process's caches of database rows, in one list, so that all of them can be forgotten at once.

Each such cache is a hint its reader re-checks against the database (a slot's booking terms, a day's roster at its
version, a slot's learned show rates), kept per process for speed. The tests empty their database between tests and
keep its engine (and its compiled statements): ids start again at 1 there, so they forget these caches too."""

from __future__ import annotations

from collections.abc import Callable

_forgetters: list[Callable[[], None]] = []


def forgettable(forget: Callable[[], None]) -> Callable[[], None]:
    """Register what empties one cache (at import of the module that keeps it); returns it unchanged."""
    _forgetters.append(forget)
    return forget


def forget_all() -> None:
    """Empty every registered cache of the process."""
    for forget in _forgetters:
        forget()
