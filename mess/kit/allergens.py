"""The allergens (PRODUCT 7.3): one fixed list for residents and dishes, stored as one comma-separated column."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, get_args

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

Allergen = Literal["gluten", "dairy", "nuts", "peanuts", "egg", "soy", "fish", "shellfish", "sesame", "mustard"]
ALLERGENS: tuple[str, ...] = get_args(Allergen)
_ORDER = {name: position for position, name in enumerate(ALLERGENS)}
COLUMN_LENGTH = 120  # all ten joined take 60


def canonical(values: Iterable[str]) -> list[str]:
    """Known allergens once each, in the list's order (unknown names are dropped: the schemas refuse them)."""
    return sorted({value for value in values if value in _ORDER}, key=_ORDER.__getitem__)


class AllergenList(TypeDecorator[list[str]]):
    """A list of allergens in one column: '' for none, else 'dairy,nuts' in the list's order."""

    impl = String(COLUMN_LENGTH)
    cache_ok = True

    def process_bind_param(self, value: Iterable[str] | None, dialect: Any) -> str:
        return ",".join(canonical(value or ()))

    def process_result_value(self, value: str | None, dialect: Any) -> list[str]:
        return value.split(",") if value else []
