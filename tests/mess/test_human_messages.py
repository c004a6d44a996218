"""Every message a person reads (PRODUCT 7): walks every raise of a domain error and every page notice in mess/ and
web/ with sample data, and every error code, failing on an ISO timestamp, a raw id or a validator phrase."""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel, Field, ValidationError

from mess import text
from mess.errors import ErrorCode
from mess.leaves.schemas import LeaveIn
from mess.text.validation import explain

ROOT = Path(__file__).resolve().parents[2]
ERRORS = {"MessError", "NotAuthenticated", "RateLimited", "Forbidden", "NotFound", "Conflict", "InvalidInput"}
ERRORS |= {"TooLarge", "ServiceUnavailable", "_refuse"}
# where the message is among a call's arguments: redirect(request, url, message, kind) is a page's one-time message,
# a check-in attempt finishes with (session, row, result, message), error_body(message, code) answers the API
MESSAGE_ARG = {"redirect": 2, "finish": 3, "error_body": 0}
CODE_VALUES = {code.value: code.name for code in ErrorCode}


def _default_codes() -> dict[str, str]:
    """The code each error class carries when none is given (RateLimited -> RATE_LIMITED)."""
    found = {}
    for node in ast.parse((ROOT / "mess/errors.py").read_text()).body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.Assign) and ast.unparse(item.targets[0]) == "default_code":
                    found[node.name] = ast.unparse(item.value).removeprefix("ErrorCode.")
    return found | {"_refuse": "DATE_OUT_OF_RANGE"}  # mess/kit/date_limits refuses a date with this code


ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RAW_ID = re.compile(r"\(id \d+\)|\b(?:leave|resident|bill|price|mess|item|run|charge|user|slot) #?\d+\b", re.I)
VALIDATOR = re.compile(
    r"must not be|field required|value error|end_date|start_date|active_to|active_from|effective_from|"
    r"input should be",
    re.I,
)

SAMPLE_INSTANT = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)
SAMPLE_DAY = date(2026, 12, 1)
NO_YEAR = "<a date printed without its year>"  # strftime without %Y: a leave in 2036 would read as this year


def _sample(node: ast.expr) -> str:
    """What a formatted value prints: a raw date, instant or id as it would, anything else a name."""
    source = ast.unparse(node)
    if "isoformat" in source:
        return SAMPLE_INSTANT.isoformat()
    if isinstance(node, ast.Call):  # a formatting call (text.day, day_label, a count): its human output
        return "Tue 01 Dec"
    last = source.rsplit(".", 1)[-1]
    if last == "id" or last.endswith("_id"):
        return "134"
    if re.search(r"(date|day|_at|closes|deadline|today|(^|_)(start|end|from|to))$", last) and last != "to":
        return str(SAMPLE_INSTANT if last.endswith(("_at", "closes", "deadline")) else SAMPLE_DAY)
    return "Asha"


def _render(node: ast.expr, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                spec = ast.unparse(value.format_spec) if value.format_spec else ""
                dated = "%d" in spec or "%b" in spec
                parts.append(NO_YEAR if dated and "%Y" not in spec else _sample(value.value))
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _render(node.left, constants), _render(node.right, constants)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return constants.get(node.attr)
    return None


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            rendered = _render(node.value, {})
            if rendered is not None:
                found[node.targets[0].id] = rendered
    return found


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _messages() -> tuple[list[tuple[str, str]], set[str]]:
    """(where, rendered message) of every domain error and page notice, and the error codes they carry."""
    shared = {**_constants(ast.parse((ROOT / "mess/text/__init__.py").read_text()))}
    defaults = _default_codes()
    out: list[tuple[str, str]] = []
    codes: set[str] = set()
    for path in sorted([*ROOT.glob("mess/**/*.py"), *ROOT.glob("web/**/*.py")]):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        constants = {**shared, **_constants(tree)}
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in ERRORS | MESSAGE_ARG.keys():
                at = MESSAGE_ARG.get(_name(node.func), 0)
                args = node.args[at : at + 1]
                for arg in args:
                    rendered = _render(arg, constants)
                    if rendered is not None:
                        out.append((f"{where}:{node.lineno}", rendered))
                given = [*node.args, *(k.value for k in node.keywords)]
                named = {a.attr for a in given if isinstance(a, ast.Attribute) and _name(a.value) == "ErrorCode"}
                named |= {CODE_VALUES[a.value] for a in given if isinstance(a, ast.Constant) and a.value in CODE_VALUES}
                if not named and _name(node.func) in defaults:
                    named = {defaults[_name(node.func)]}
                if args and _render(args[0], constants) is not None:
                    codes |= named
            # a page form's action returns the notice the person reads
            if isinstance(node, ast.AsyncFunctionDef) and node.name == "action" and where.startswith("web/pages"):
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and ret.value is not None:
                        rendered = _render(ret.value, constants)
                        if rendered is not None:
                            out.append((f"{where}:{ret.lineno}", rendered))
            # a page names the message it shows: message = f"...", notice = ..., error = ...
            if isinstance(node, ast.Assign) and where.startswith("web/pages"):
                names = {ast.unparse(t) for t in node.targets}
                if names & {"message", "notice", "error"}:
                    rendered = _render(node.value, constants)
                    if rendered is not None:
                        out.append((f"{where}:{node.lineno}", rendered))
            if isinstance(node, ast.Dict):  # error pages: {"message": ..., "code": ...}
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "message" and value is not None:
                        rendered = _render(value, constants)
                        if rendered is not None:
                            out.append((f"{where}:{node.lineno}", rendered))
    return out, codes


def _faults(message: str) -> list[str]:
    faults = []
    for name, pattern in (("an ISO timestamp", ISO_TIMESTAMP), ("an ISO date", ISO_DATE), ("a raw id", RAW_ID)):
        if pattern.search(message):
            faults.append(name)
    if NO_YEAR in message:
        faults.append("a date without its year (use mess.text.day)")
    if VALIDATOR.search(message):
        faults.append("a validator phrase or field name")
    return faults


def test_every_domain_error_and_page_notice_reads_as_a_person_would_write_it() -> None:
    messages, _ = _messages()
    assert len(messages) > 150  # the walk found the raises, not nothing
    bad = [f"{where}: {message!r} has {', '.join(_faults(message))}" for where, message in messages if _faults(message)]
    assert not bad, "\n".join(bad)


# Codes a framework layer raises with its own text (web/ handlers, FastAPI): their messages are checked below.
FRAMEWORK_CODES = {"INVALID_INPUT", "NOT_AUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_LARGE"}


def _codes_in_use() -> set[str]:
    """Every ErrorCode the code refers to outside its definition (a code nothing raises has no message)."""
    used = set()
    for path in [*ROOT.glob("mess/**/*.py"), *ROOT.glob("web/**/*.py")]:
        if path.name != "errors.py" or path.parent.name != "mess":
            used |= set(re.findall(r"ErrorCode\.([A-Z_]+)", path.read_text()))
    return used | set(_default_codes().values())


def test_every_error_code_is_raised_with_a_checked_message() -> None:
    _, codes = _messages()
    missing = _codes_in_use() - codes - FRAMEWORK_CODES
    assert not missing, f"error codes never raised with a message this test reads: {sorted(missing)}"


def test_the_checks_catch_what_the_issue_quotes() -> None:
    for quoted in (
        "had to be applied for before 2026-11-29T14:00:00+00:00",
        "overlaps the pending leave 2026-12-01..2026-12-03 (id 134)",
        "end_date must not be before start_date",
        "body.guests: Field required",
    ):
        assert _faults(quoted), quoted


class _Booking(BaseModel):
    guests: int = Field(0, ge=0, le=10)
    slot: str


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (LeaveIn, {"start_date": "2026-12-05", "end_date": "2026-12-01"}, None),
        (LeaveIn, {"start_date": "2026-12-05"}, "end_date"),
        (LeaveIn, {"start_date": "soon", "end_date": "2026-12-01"}, "start_date"),
        (_Booking, {"guests": "99999999999999999999", "slot": "lunch"}, "guests"),
        (_Booking, {"guests": 11, "slot": "lunch"}, "guests"),
        (_Booking, {"guests": "two"}, "guests"),
    ],
)
def test_validation_errors_read_as_sentences_and_name_their_field(
    model: type[BaseModel], data: dict[str, object], field: str | None
) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    message, where = explain(caught.value.errors())
    assert message and not _faults(message), message
    assert where == field


def test_dates_and_instants_read_in_the_mess_local_time_with_the_year_when_needed() -> None:
    today = date(2026, 11, 30)
    assert text.day(date(2036, 1, 2), today) == "Wed 02 Jan 2036"
    assert text.span(date(2026, 12, 1), date(2026, 12, 3), today) == "Tue 01 Dec to Thu 03 Dec"
    assert text.moment(SAMPLE_INSTANT, "Asia/Kolkata", today) == "Sun 29 Nov, 7:30 pm"
    assert text.until(SAMPLE_INSTANT + timedelta(hours=2, minutes=10), SAMPLE_INSTANT) == "closes in 2 h 10 min"
    assert text.until(SAMPLE_INSTANT, SAMPLE_INSTANT) == "closed"
