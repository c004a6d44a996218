"""Check-ins queued by a counter while the network was down, settled in one request by the rules of a single
check-in (rules.decide), set-based: every code verified once, the residents, each meal's bookings and admissions
loaded once, the decisions made in order in memory, then the admissions and the other attempts inserted in a few
statements, all in the request's transaction.

Each entry is judged at the time it was scanned (never later than now): the code's expiry and the serving window.
That time must fall within the outage the entry claims (scan_time): on the meal's local day, not ahead of the
server's clock nor older than a day, and for a QR code not before the code was issued (its expiry less the codes'
lifetime), each with CLOCK_SKEW for a device's clock; an entry outside them is `refused` (scan_time_out_of_range)
and not recorded, so a backdated entry can neither admit nor revive an expired code.
The first admission wins, whichever counter or batch it came from: within the batch by order, against the meal's
admissions loaded first, and against a concurrent counter by the unique admission index (an admission it skips
becomes a `duplicate`). A replayed entry is a `duplicate`. An entry for an unknown slot, or an expired code, is
`refused` with its code; the others are recorded as attempts like any check-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.auth.actor import Actor
from mess.auth.qr import QrCode, public_key, verify_qr_token
from mess.checkins import repository, service
from mess.checkins.rules import Attempt, Decision, decide, duplicate, hhmm
from mess.checkins.schemas import BatchEntryIn, BatchEntryOut, BatchIn, BatchOut, MealRosterOut, RosterEntry
from mess.checkins.windows import Meal, meal
from mess.errors import ErrorCode, InvalidInput, MessError, NotFound, TooLarge
from mess.kit.dates import local_today
from mess.messes.repository import list_slots
from mess.messes.service import load_mess
from mess.models import Mess, Resident
from mess.residents import repository as residents

MealKey = tuple[date, str]

CLOCK_SKEW = timedelta(minutes=2)  # how far a counter's clock may be off the server's
MAX_OUTAGE = timedelta(days=1)  # an entry scanned longer ago than this is not settled


@dataclass(slots=True)
class _MealFacts:
    meal: Meal
    bookings: dict[int, Any]
    admitted: dict[int, datetime]  # resident id -> when: the meal's admissions, then this batch's


@dataclass(slots=True)
class _Decided:
    client_id: str
    attempt: Attempt
    decision: Decision
    claims: bool = False  # the first admission of this resident to this meal: to insert
    row_id: int = 0


Settled = _Decided | BatchEntryOut  # an entry refused as a whole is its result already


async def settle(
    session: AsyncSession, actor: Actor, data: BatchIn, now: datetime, secret: str, qr_seconds: int
) -> BatchOut:
    """`qr_seconds`: the lifetime of a QR code (settings.qr_token_seconds), to know when a code was issued."""
    actor.require("staff", "warden", "admin")
    mess = await load_mess(session, actor.mess_for(data.mess_id))
    roster = (await session.execute(select(func.count()).where(Resident.mess_id == mess.id))).scalar_one()
    if len(data.entries) > 2 * max(int(roster), 1):
        raise TooLarge(
            f"{len(data.entries)} check-ins is more than twice the {roster} residents of the mess", ErrorCode.TOO_LARGE
        )
    codes = {e.token: verify_qr_token(e.token, secret) for e in data.entries if e.token is not None}
    found = await residents.find_many(
        session,
        {code.resident_id for code in codes.values() if code is not None},
        {e.roll_no for e in data.entries if e.roll_no is not None},
    )
    people = _People({r.id: r for r in found}, {r.roll_no.lower(): r for r in found}, codes)
    meals = await _load_meals(session, mess, data.entries)
    settled = [_decide(mess, actor, entry, now, qr_seconds, meals, people) for entry in data.entries]
    decided = [entry for entry in settled if isinstance(entry, _Decided)]
    await _insert_admissions(session, mess, [entry for entry in decided if entry.claims], meals)
    await _insert_attempts(session, [entry for entry in decided if not entry.claims], meals)
    results = [await _result(session, entry) for entry in settled]
    return BatchOut(settled=len(results), admitted=sum(r.accepted for r in results), results=results)


@dataclass(slots=True)
class _People:
    by_id: dict[int, Resident]
    by_roll: dict[str, Resident]  # lower case
    codes: dict[str, QrCode | None]  # each distinct token verified once; None: not issued by this system


async def _load_meals(session: AsyncSession, mess: Mess, entries: list[BatchEntryIn]) -> dict[MealKey, _MealFacts]:
    """Each meal the batch names (of a slot the mess has): its window, every resident's booking, its admissions."""
    slots = {slot.code: slot for slot in await list_slots(session, mess.id)}
    meals: dict[MealKey, _MealFacts] = {}
    for key in sorted({(e.date, e.slot) for e in entries if e.slot in slots}):
        target = meal(mess, slots[key[1]], key[0])
        opt_out = mess.booking_mode == "opt_out"
        bookings = await repository.meal_bookings(session, mess.id, opt_out, target.day, target.slot.id)
        admitted = await repository.admissions(session, mess.id, target.day, target.slot.id)
        meals[key] = _MealFacts(target, bookings, admitted)
    return meals


def scan_time(mess: Mess, target: Meal, at: datetime, now: datetime, code: QrCode | None, qr_seconds: int) -> None:
    """Refuse (InvalidInput scan_time_out_of_range) a scan time outside the outage the entry can have been made in."""
    shown = f"{hhmm(at, mess)} on {text.day(local_today(at, mess.timezone), local_today(now, mess.timezone))}"
    if at > now + CLOCK_SKEW:
        raise InvalidInput(
            f"Scanned at {shown} by the counter's clock, which is ahead of the server's: not counted. "
            "Set the device's clock.",
            ErrorCode.SCAN_TIME_OUT_OF_RANGE,
        )
    if at < now - MAX_OUTAGE:
        raise InvalidInput(
            f"Scanned at {shown}, more than a day ago: too late to settle, not counted.",
            ErrorCode.SCAN_TIME_OUT_OF_RANGE,
        )
    if local_today(at, mess.timezone) != target.day:
        meal_label = text.day(target.day, local_today(now, mess.timezone))
        raise InvalidInput(
            f"Scanned at {shown}, not on the day of {target.slot.name} ({meal_label}): not counted.",
            ErrorCode.SCAN_TIME_OUT_OF_RANGE,
        )
    if code is not None:
        issued = datetime.fromtimestamp(code.expiry - qr_seconds, tz=at.tzinfo)
        if at < issued - CLOCK_SKEW:
            raise InvalidInput(
                f"Scanned at {shown}, before this QR code was issued ({hhmm(issued, mess)}): not counted.",
                ErrorCode.SCAN_TIME_OUT_OF_RANGE,
            )


def _decide(
    mess: Mess,
    actor: Actor,
    entry: BatchEntryIn,
    now: datetime,
    qr_seconds: int,
    meals: dict[MealKey, _MealFacts],
    people: _People,
) -> Settled:
    """One entry by rules.decide, from the loaded facts; an admission claims the resident's place in the meal."""
    facts = meals.get((entry.date, entry.slot))
    if facts is None:
        return _refused(entry.client_id, NotFound(f"this mess has no slot {entry.slot!r}", ErrorCode.UNKNOWN_SLOT))
    try:
        scan_time(mess, facts.meal, entry.at, now, people.codes.get(entry.token or ""), qr_seconds)
    except MessError as exc:
        return _refused(entry.client_id, exc)
    at = min(entry.at, now)
    typed = (entry.roll_no or "").strip()
    attempt = Attempt(mess, facts.meal, actor, "qr" if entry.token is not None else "roll_no", typed, at)
    resident: Resident | None = None
    invalid_qr = False
    if entry.token is not None:
        try:
            resident_id = service.qr_resident(people.codes[entry.token], at)
        except MessError as exc:
            return _refused(entry.client_id, exc)
        if resident_id is None:
            invalid_qr = True
        else:
            resident = people.by_id.get(resident_id)
            attempt.roll_no = resident.roll_no if resident is not None else f"(QR r{resident_id})"
    else:
        resident = people.by_roll.get(typed.lower())
    booking = facts.bookings.get(resident.id) if resident is not None and resident.mess_id == mess.id else None
    decision = decide(attempt, resident, booking, invalid_qr)
    if not decision.admit or resident is None:
        return _Decided(entry.client_id, attempt, decision)
    earlier = facts.admitted.get(resident.id)
    if earlier is not None:
        return _Decided(entry.client_id, attempt, duplicate(attempt, resident, earlier))
    facts.admitted[resident.id] = at
    return _Decided(entry.client_id, attempt, decision, claims=True)


async def _insert_admissions(
    session: AsyncSession, mess: Mess, claims: list[_Decided], meals: dict[MealKey, _MealFacts]
) -> None:
    """Insert the batch's admissions. One that a concurrent counter's admission beat becomes a duplicate, and so
    do the batch's later entries for that resident, with the winner's time."""
    inserted = await repository.admit_many(session, [entry.attempt.values(entry.decision) for entry in claims])
    lost = []
    for entry in claims:
        target = entry.attempt.target
        resident_id = entry.decision.resident.id if entry.decision.resident is not None else 0
        row_id = inserted.get((resident_id, target.day, target.slot.id))
        if row_id is None:
            lost.append(entry)
        else:
            entry.row_id = row_id
    if not lost:
        return
    for facts in meals.values():
        facts.admitted.update(await repository.admissions(session, mess.id, facts.meal.day, facts.meal.slot.id))
    for entry in lost:
        entry.claims = False


async def _insert_attempts(session: AsyncSession, entries: list[_Decided], meals: dict[MealKey, _MealFacts]) -> None:
    """Every attempt that did not admit, in one insert; a duplicate names the time of the admission it repeats."""
    for entry in entries:
        resident = entry.decision.resident
        if resident is not None and (entry.decision.admit or entry.decision.result == "duplicate"):
            target = entry.attempt.target
            earlier = meals[(target.day, target.slot.code)].admitted.get(resident.id)
            entry.decision = duplicate(entry.attempt, resident, earlier)
    ids = await repository.record_many(session, [entry.attempt.values(entry.decision) for entry in entries])
    for entry, row_id in zip(entries, ids, strict=True):
        entry.row_id = row_id


def _refused(client_id: str, exc: MessError) -> BatchEntryOut:
    return BatchEntryOut(client_id=client_id, result="refused", code=exc.code, message=exc.message)


async def _result(session: AsyncSession, entry: Settled) -> BatchEntryOut:
    if isinstance(entry, BatchEntryOut):
        return entry
    out = await entry.attempt.finish(session, entry.row_id, entry.decision)
    return BatchEntryOut(
        client_id=entry.client_id, result=out.result, accepted=out.accepted, message=out.message, checkin=out
    )


async def meal_roster(
    session: AsyncSession,
    actor: Actor,
    day: date | None,
    slot_code: str | None,
    mess_id: int | None,
    now: datetime,
    secret: str,
) -> MealRosterOut:
    """The meal's residents (roll number, name, diet, booked / not booked / on leave) and the QR key."""
    actor.require("staff", "warden", "admin")
    mess = await load_mess(session, actor.mess_for(mess_id))
    meal = await service.resolve_meal(session, mess, day, slot_code, now)
    rows = await repository.meal_roster(session, mess.id, mess.booking_mode == "opt_out", meal.day, meal.slot.id)
    residents = [
        RosterEntry(
            id=row.id,
            roll_no=row.roll_no,
            name=row.name,
            diet=row.diet,
            state="on_leave" if row.source == "leave" else ("booked" if row.booked else "not_booked"),
            checked_in=bool(row.checked_in),
        )
        for row in rows
    ]
    return MealRosterOut(
        date=meal.day,
        slot=meal.slot.code,
        slot_name=meal.slot.name,
        opens_at=meal.opens_at,
        closes_at=meal.closes_at,
        walk_in_allowed=mess.allow_walk_in,
        public_key=public_key(secret),
        residents=residents,
    )
