"""One hierarchy of typed domain errors; web/ maps them to responses in one place."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_CREDENTIALS = "invalid_credentials"
    RATE_LIMITED = "rate_limited"
    FORBIDDEN = "forbidden"
    WRONG_MESS = "wrong_mess"
    MESS_REQUIRED = "mess_required"
    NOT_FOUND = "not_found"
    UNKNOWN_SLOT = "unknown_slot"
    UNKNOWN_RESIDENT = "unknown_resident"
    CONFLICT = "conflict"
    ALREADY_EXISTS = "already_exists"
    CUTOFF_PASSED = "cutoff_passed"
    LEAVE_OVERLAP = "leave_overlap"
    LEAVE_NOT_PENDING = "leave_not_pending"
    NOT_RESIDENT = "not_resident"
    ON_LEAVE = "on_leave"
    NOT_BOOKED = "not_booked"
    TOO_MANY_GUESTS = "too_many_guests"
    NO_PRICE = "no_price"
    ALREADY_ISSUED = "already_issued"
    MONTH_NOT_ENDED = "month_not_ended"
    NOTHING_TO_ISSUE = "nothing_to_issue"
    RUN_IN_PROGRESS = "run_in_progress"
    BROKER_UNAVAILABLE = "broker_unavailable"
    DATABASE_UNAVAILABLE = "database_unavailable"
    INVALID_INPUT = "invalid_input"
    INVALID_TOKEN = "invalid_token"  # nosec B105 - an error code
    OUTSIDE_WINDOW = "outside_window"
    CSRF_FAILED = "csrf_failed"
    ITEM_INACTIVE = "item_inactive"
    MEAL_NOT_SERVED = "meal_not_served"
    IMPORT_INVALID = "import_invalid"
    TOO_LARGE = "too_large"
    WRONG_PASSWORD = "wrong_password"  # nosec B105 - an error code
    WEAK_PASSWORD = "weak_password"  # nosec B105 - an error code
    DATE_OUT_OF_RANGE = "date_out_of_range"
    DUPLICATE_REFERENCE = "duplicate_reference"
    ALREADY_REVERSED = "already_reversed"
    TOTAL_CHANGED = "total_changed"
    ALREADY_VOIDED = "already_voided"
    SCAN_TIME_OUT_OF_RANGE = "scan_time_out_of_range"
    PUSH_ENDPOINT_REFUSED = "push_endpoint_refused"


class MessError(Exception):
    """Base of every domain error: a machine code, a human message and the HTTP status that fits. A kind lists the
    codes it is raised with (`codes`), so the OpenAPI can say which status a code comes with."""

    status_code = 400
    default_code = ErrorCode.INVALID_INPUT
    codes: tuple[ErrorCode, ...] = (ErrorCode.INVALID_TOKEN,)  # a set-password link that is not (or no longer) valid

    def __init__(
        self,
        message: str,
        code: ErrorCode | None = None,
        *,
        field: str | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field  # the input it is about, when one is (a page shows the error beside that field)
        self.extra = extra or {}  # more fields of the error body (an import's report)


class NotAuthenticated(MessError):
    status_code = 401
    default_code = ErrorCode.NOT_AUTHENTICATED
    codes = (ErrorCode.NOT_AUTHENTICATED, ErrorCode.INVALID_CREDENTIALS, ErrorCode.INVALID_TOKEN)


class RateLimited(MessError):
    status_code = 429
    default_code = ErrorCode.RATE_LIMITED
    codes = (ErrorCode.RATE_LIMITED,)


class Forbidden(MessError):
    status_code = 403
    default_code = ErrorCode.FORBIDDEN
    codes = (ErrorCode.FORBIDDEN, ErrorCode.WRONG_MESS, ErrorCode.CSRF_FAILED, ErrorCode.WRONG_PASSWORD)


class NotFound(MessError):
    status_code = 404
    default_code = ErrorCode.NOT_FOUND
    codes = (ErrorCode.NOT_FOUND, ErrorCode.UNKNOWN_SLOT, ErrorCode.UNKNOWN_RESIDENT)


class Conflict(MessError):
    status_code = 409
    default_code = ErrorCode.CONFLICT
    codes = (
        ErrorCode.CONFLICT,
        ErrorCode.ALREADY_EXISTS,
        ErrorCode.CUTOFF_PASSED,
        ErrorCode.LEAVE_OVERLAP,
        ErrorCode.LEAVE_NOT_PENDING,
        ErrorCode.NOT_RESIDENT,
        ErrorCode.ON_LEAVE,
        ErrorCode.NO_PRICE,
        ErrorCode.ALREADY_ISSUED,
        ErrorCode.MONTH_NOT_ENDED,
        ErrorCode.NOTHING_TO_ISSUE,
        ErrorCode.RUN_IN_PROGRESS,
        ErrorCode.ITEM_INACTIVE,
        ErrorCode.MEAL_NOT_SERVED,
        ErrorCode.DUPLICATE_REFERENCE,
        ErrorCode.ALREADY_REVERSED,
        ErrorCode.TOTAL_CHANGED,
        ErrorCode.ALREADY_VOIDED,
    )


class InvalidInput(MessError):
    status_code = 422
    default_code = ErrorCode.INVALID_INPUT
    # invalid_token here too: an expired QR code at the counter is bad input, not a failed sign-in.
    codes = (
        ErrorCode.INVALID_INPUT,
        ErrorCode.MESS_REQUIRED,
        ErrorCode.TOO_MANY_GUESTS,
        ErrorCode.INVALID_TOKEN,
        ErrorCode.IMPORT_INVALID,
        ErrorCode.WEAK_PASSWORD,
        ErrorCode.DATE_OUT_OF_RANGE,
        ErrorCode.SCAN_TIME_OUT_OF_RANGE,
        ErrorCode.PUSH_ENDPOINT_REFUSED,  # a push subscription's endpoint is not a known push service
    )


class TooLarge(MessError):
    status_code = 413
    default_code = ErrorCode.TOO_LARGE
    codes = (ErrorCode.TOO_LARGE,)


class ServiceUnavailable(MessError):
    status_code = 503
    default_code = ErrorCode.BROKER_UNAVAILABLE
    codes = (ErrorCode.BROKER_UNAVAILABLE, ErrorCode.DATABASE_UNAVAILABLE)


KINDS: tuple[type[MessError], ...] = (
    MessError,
    NotAuthenticated,
    RateLimited,
    Forbidden,
    NotFound,
    Conflict,
    InvalidInput,
    TooLarge,
    ServiceUnavailable,
)


def statuses_of(code: ErrorCode) -> list[int]:
    """The HTTP statuses a code is answered with (the kinds that list it)."""
    statuses = [kind.status_code for kind in KINDS if code in kind.codes]
    if not statuses:
        raise LookupError(f"{code!r} belongs to no kind of MessError: add it to one kind's `codes` in mess/errors.py")
    return statuses
