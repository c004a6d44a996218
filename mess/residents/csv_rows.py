"""Reading the hostel office's residents spreadsheet (CSV) into checked rows, each error in words a warden reads.

Real exports carry a BOM, CRLF, quoted cells with commas and line breaks, blank lines, stray spaces and any case;
dates come as 2026-07-01 or 01/07/2026 (day/month/year, as Indian offices write them). A date that only reads as
month/day (07/15/2026) or has a two-digit year is refused with the way to write it, never guessed."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from mess.kit.allergens import ALLERGENS, canonical
from mess.kit.diets import DIETS
from mess.residents.schemas import ImportProblem

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
COLUMNS = ("roll_no", "name", "email", "diet", "active_from", "active_to", "room", "phone", "allergens")
REQUIRED = ("roll_no", "name", "email")
ROLL_NO = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DIET_WORDS = {d: d for d in DIETS} | {"non-veg": "non_veg", "non veg": "non_veg", "nonveg": "non_veg"}
_LIMITS = {"name": 120, "email": 254, "room": 32, "phone": 32}
# An allergens cell: the fixed list's names (PRODUCT 7.3) in any case, separated by ; , | or /; empty or "none":
# none. Plurals and singulars people write are read as the list's word.
_ALLERGEN_SPLIT = re.compile(r"[;,|/]")
_ALLERGEN_WORDS = {a: a for a in ALLERGENS} | {"nut": "nuts", "tree nuts": "nuts", "peanut": "peanuts", "eggs": "egg"}
_ALLERGEN_WORDS |= {"milk": "dairy", "soya": "soy"}
_NO_ALLERGENS = {"", "none", "nil", "no", "-"}


class TooLarge(Exception):
    """Over the size or row limit: refused before any row is read."""


class Unreadable(Exception):
    """Not a CSV we can read at all (encoding, no header, missing required columns)."""


@dataclass
class CsvRow:
    row: int  # 1-based data row, as the warden counts in the spreadsheet below the header
    roll_no: str
    name: str
    email: str
    diet: str | None  # None: the column is absent or the cell empty (a new resident gets veg)
    active_from: date | None  # None: absent or empty (a new resident starts today)
    active_to: date | None
    room: str | None
    phone: str | None
    allergens: list[str]  # in the list's order, once each; [] when the column is absent or the cell empty
    present: frozenset[str] = field(default_factory=frozenset)  # the file's columns


def check_size(content: bytes) -> None:
    """Refuse a file over the limits before parsing it (a quick count of line breaks; quoted ones may overcount,
    so only then are records counted)."""
    if len(content) > MAX_BYTES:
        raise TooLarge(f"the file is over {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files")
    if content.count(b"\n") > MAX_ROWS + 1:
        records = sum(1 for _ in csv.reader(io.StringIO(content.decode("utf-8-sig", "replace"), newline="")))
        if records > MAX_ROWS + 1:
            raise TooLarge(f"the file has more than {MAX_ROWS:,} rows; split it into smaller files")


def _date(text: str, column: str) -> date:
    human = column.replace("_", " ")
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        year, month, day = (int(p) for p in text.split("-"))
    elif re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        day, month, year = (int(p) for p in text.split("/"))
        if month > 12 >= day:
            # 07/15/2026 is month/day/year: the whole column may be, so no guess is safe.
            raise ValueError(
                f"{human} {text} is not day/month/year (there is no month {month}); "
                f"write it as {year}-{day:02d}-{month:02d} or {month:02d}/{day:02d}/{year}"
            )
    elif re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}", text):
        raise ValueError(f"{human} {text} has a two-digit year; write the year in full, e.g. 01/07/2026")
    else:
        raise ValueError(f"{human} {text!r} is not a date; write it as 2026-07-01 or 01/07/2026 (day/month/year)")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{human} {text} is not a real date") from None


def _allergens(text: str) -> list[str]:
    """The allergens a cell names; ValueError saying which word is not one and what the words are."""
    if text.strip().lower() in _NO_ALLERGENS:
        return []
    found = []
    for part in _ALLERGEN_SPLIT.split(text):
        word = " ".join(part.lower().split())
        if not word:
            continue
        if word not in _ALLERGEN_WORDS:
            raise ValueError(
                f"{part.strip()!r} is not an allergen the mess tracks; write any of {', '.join(ALLERGENS)}, "
                "separated by semicolons (e.g. dairy; nuts), or leave the cell empty"
            )
        found.append(_ALLERGEN_WORDS[word])
    return canonical(found)


def read_rows(content: bytes) -> tuple[list[CsvRow], list[ImportProblem]]:
    """The file's rows that read correctly, and a problem for every row that does not."""
    check_size(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable("the file is not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8'") from None
    # skipinitialspace: `a, "b, c"` is two cells, as a person reading it would expect.
    records = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    header = next((r for r in records if any(c.strip() for c in r)), None)
    if header is None:
        raise Unreadable("the file is empty; the first line must name the columns, e.g. roll_no,name,email")
    names = [c.strip().lower().replace(" ", "_") for c in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise Unreadable(f"the first line must name the columns {', '.join(missing)} (it has {', '.join(names)})")
    position = {name: i for i, name in enumerate(names) if name in COLUMNS}
    present = frozenset(position)
    rows: list[CsvRow] = []
    problems: list[ImportProblem] = []
    first_seen: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        if not any(c.strip() for c in record):
            continue
        cells = {name: _cell(record[i] if i < len(record) else "") for name, i in position.items()}
        row_problems = _check(number, cells)
        roll_no = cells["roll_no"]
        key = roll_no.lower()
        if key and key in first_seen and not row_problems:
            row_problems.append(
                ImportProblem(
                    row=number,
                    roll_no=roll_no,
                    field="roll_no",
                    message=f"roll number {roll_no} appears again (first on row {first_seen[key]})",
                )
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        first_seen[key] = number
        rows.append(_row(number, cells, present))
    return rows, problems


def _cell(raw: str) -> str:
    """A cell as typed: trimmed, and without the quote our own export puts before = + - @ (a round trip keeps it)."""
    text = raw.strip()
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def _check(number: int, cells: dict[str, str]) -> list[ImportProblem]:
    roll_no = cells["roll_no"]
    found: list[ImportProblem] = []

    def problem(column: str, message: str) -> None:
        found.append(ImportProblem(row=number, roll_no=roll_no or None, field=column, message=message))

    for column, value in cells.items():
        if "\x00" in value:
            problem(column, f"the {column.replace('_', ' ')} contains a character that cannot be stored (NUL)")
    if not roll_no:
        problem("roll_no", "the roll number is missing")
    elif not ROLL_NO.match(roll_no):
        problem("roll_no", f"roll number {roll_no!r} may have only letters, digits, - and _ (at most 32)")
    if not cells["name"]:
        problem("name", "the name is missing")
    if not cells["email"]:
        problem("email", "the email address is missing")
    elif not EMAIL.match(cells["email"]):
        problem("email", f"{cells['email']!r} is not an email address")
    for column, limit in _LIMITS.items():
        if len(cells.get(column, "")) > limit:
            problem(column, f"the {column} is longer than {limit} characters")
    diet = cells.get("diet", "").lower()
    if diet and diet not in _DIET_WORDS:
        problem("diet", f"diet {cells['diet']!r} is not one of veg, non_veg, egg, jain")
    dates: dict[str, date] = {}
    for column in ("active_from", "active_to"):
        if cells.get(column):
            try:
                dates[column] = _date(cells[column], column)
            except ValueError as exc:
                problem(column, str(exc))
    if "active_from" in dates and "active_to" in dates and dates["active_to"] < dates["active_from"]:
        problem("active_to", "the stay ends (active to) before it starts (active from)")
    if cells.get("allergens"):
        try:
            _allergens(cells["allergens"])
        except ValueError as exc:
            problem("allergens", str(exc))
    return found


def _row(number: int, cells: dict[str, str], present: frozenset[str]) -> CsvRow:
    def optional(column: str) -> str | None:
        return cells.get(column) or None

    return CsvRow(
        row=number,
        roll_no=cells["roll_no"],
        name=cells["name"],
        email=cells["email"],
        diet=_DIET_WORDS[cells["diet"].lower()] if cells.get("diet") else None,
        active_from=_date(cells["active_from"], "active_from") if cells.get("active_from") else None,
        active_to=_date(cells["active_to"], "active_to") if cells.get("active_to") else None,
        room=optional("room"),
        phone=optional("phone"),
        allergens=_allergens(cells.get("allergens", "")),
        present=present,
    )
