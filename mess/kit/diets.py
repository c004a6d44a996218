"""The diets: what a resident eats and what a dish is tagged with. One list for the schemas, checks and counts."""

from __future__ import annotations

from typing import Literal, get_args

Diet = Literal["veg", "non_veg", "egg", "jain"]
DIETS: tuple[str, ...] = get_args(Diet)


def diet_check(column: str) -> str:
    """The CHECK constraint's SQL for a diet column (the same text the initial migration wrote)."""
    return f"{column} IN ({', '.join(repr(diet) for diet in DIETS)})"
