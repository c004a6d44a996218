"""Who may read reports, on which mess, slots and dates: decided once for the REST API and the Streamlit app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.errors import ErrorCode, Forbidden, InvalidInput
from mess.kit.dates import local_today, meal_end
from mess.messes.repository import list_slots
from mess.messes.service import load_mess, load_slot
from mess.text import REVERSED_RANGE

DEFAULT_DAYS = 30
MAX_RANGE_DAYS = 731  # two years of rollups at most per request
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)  # keeps date arithmetic (ranges, +7 days) in bounds


@dataclass(frozen=True, slots=True)
class ReportParams:
    start: date | None = None
    end: date | None = None
    slot: str | None = None
    mess_id: int | None = None


@dataclass(frozen=True, slots=True)
class SlotInfo:
    id: int
    code: str
    name: str
    serve_end: time


@dataclass(frozen=True, slots=True)
class ReportScope:
    mess_id: int
    mess_code: str
    mess_name: str
    currency: str
    today: date  # the mess's local date
    start: date
    end: date
    slots: tuple[SlotInfo, ...]  # the slots asked for (all when no slot filter), in serving order
    timezone: str
    now: datetime

    @property
    def slot_ids(self) -> tuple[int, ...]:
        return tuple(s.id for s in self.slots)

    def slot_code(self, slot_id: int) -> str:
        return next(s.code for s in self.slots if s.id == slot_id)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def ended(self, day: date, slot_id: int, as_of: datetime | None = None) -> bool:
        """The meal's serving window closed by `as_of` (default: now): only then is it eaten or missed."""
        serve_end = next(s.serve_end for s in self.slots if s.id == slot_id)
        return meal_end(day, serve_end, self.timezone) <= min(self.now, as_of or self.now)

    @property
    def last_ended_day(self) -> date:
        """The last day of the range whose every chosen meal has ended (raw per-resident counts stop there)."""
        day = min(self.end, self.today)
        return day if all(self.ended(day, s.id) for s in self.slots) else day - timedelta(days=1)


def require_report_reader(actor: Actor) -> None:
    """Reports are for wardens (their mess) and admins (any mess)."""
    if not actor.is_manager:
        raise Forbidden("reports are for wardens and admins")


async def resolve_scope(session: AsyncSession, actor: Actor, params: ReportParams, now: datetime) -> ReportScope:
    require_report_reader(actor)
    if actor.is_admin and params.mess_id is None:
        raise InvalidInput("an admin must name the mess with mess_id", ErrorCode.MESS_REQUIRED)
    for given in (params.start, params.end):
        if given is not None and not EARLIEST <= given <= LATEST:
            raise InvalidInput(f"dates must lie between {EARLIEST} and {LATEST}")
    mess_id = actor.mess_for(params.mess_id)
    mess = await load_mess(session, mess_id)
    today = local_today(now, mess.timezone)
    end = params.end or today
    start = params.start or end - timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise InvalidInput(REVERSED_RANGE, field="to")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"ask for at most {MAX_RANGE_DAYS} days at a time")
    if params.slot:
        chosen = [await load_slot(session, mess.id, params.slot)]
    else:
        chosen = await list_slots(session, mess.id)
    slots = tuple(SlotInfo(s.id, s.code, s.name, s.serve_end) for s in chosen)
    return ReportScope(mess.id, mess.code, mess.name, mess.currency, today, start, end, slots, mess.timezone, now)


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """What a report covers, repeated in every answer so a CSV or a chart is never ambiguous."""

    mess_id: int
    mess_code: str
    currency: str
    start: date
    end: date
    slots: list[str]

    @classmethod
    def of(cls, scope: ReportScope) -> ReportHeader:
        slots = [s.code for s in scope.slots]
        return cls(scope.mess_id, scope.mess_code, scope.currency, scope.start, scope.end, slots)


def rate(part: int, whole: int) -> float | None:
    """part / whole rounded to 4 places; None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
