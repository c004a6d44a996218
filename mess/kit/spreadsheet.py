"""Every CSV the product writes goes through here, so no cell can run as a formula in a spreadsheet.

A text cell starting with = + - @ (or a tab or carriage return, which some spreadsheets skip before reading a
formula) is prefixed with a single quote (OWASP's CSV injection advice); numbers stay numbers, so a negative
amount remains -120, not '-120."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document (header row first) with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()
