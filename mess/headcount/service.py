"""Live headcount of a meal, its forecast, and freezing it at the cutoff (docs/architecture.md, Headcount)."""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncSession

from mess.allergens.service import meal_allergens
from mess.auth.actor import Actor
from mess.bookings.service import cutoff_at
from mess.checkins.windows import choose_meal, meal
from mess.errors import NotFound
from mess.headcount import expected, repository
from mess.headcount.schemas import ExpectedOut, ForecastBasis, FrozenHeadcount, HeadcountOut
from mess.kit import caches
from mess.kit.dates import each_day, local_today
from mess.kit.diets import DIETS
from mess.messes import repository as messes
from mess.models import Mess, Slot

MISSED_DAYS = 2
ROSTER_CACHE_ENTRIES = 64


@dataclass(frozen=True, slots=True)
class Roster:
    """The roster of one (mess, day) as of one roster_version."""

    version: str
    residents: dict[str, int]  # by diet
    on_leave: dict[str, int]  # by diet: residents of the day an approved leave covers
    diet_of: dict[int, str]  # the residents of the day no approved leave covers: id -> diet


# Per database engine, the rosters last read, least recently used first. A 10,000-resident day is about 1 MB.
_rosters: WeakKeyDictionary[Any, OrderedDict[tuple[int, date], Roster]] = WeakKeyDictionary()
caches.forgettable(_rosters.clear)


@dataclass(frozen=True, slots=True)
class DietCounts:
    residents: int
    booked: int
    guests: int
    on_leave: int


@dataclass(frozen=True, slots=True)
class MealCounts:
    by_diet: dict[str, DietCounts]  # every diet, zeros included
    came: int  # booked residents admitted at the counter
    walk_ins: int
    frozen: FrozenHeadcount | None  # the snapshot taken at the cutoff, if any
    # From the cached roster: booked takeaways, and the residents of the day no approved leave covers (id -> diet).
    # None when the counts came from the one-statement fallback (the roster moved between two statements).
    takeaways: int | None = None
    present: dict[int, str] | None = None

    def total(self, field: str) -> int:
        return sum(getattr(counts, field) for counts in self.by_diet.values())


def ids(value: str | list[int] | None) -> Iterable[int]:
    """The ids of a repository.IdList: a list on PostgreSQL, a comma-separated string on SQLite."""
    if not value:
        return ()
    return map(int, value.split(",")) if isinstance(value, str) else value


async def roster(session: AsyncSession, mess_id: int, day: date, version: str) -> Roster | None:
    """The roster of the day at `version`: from this process's cache when it was read at that version, else
    read again (and kept). None when the database has moved past `version` in the meantime."""
    cache = _rosters.setdefault(session.get_bind(), OrderedDict())
    key = (mess_id, day)
    found = cache.get(key)
    if found is None or found.version != version:
        rows = await repository.roster(session, mess_id, day)
        if not rows:
            raise NotFound("This mess does not exist.")
        counted = [row for row in rows if row.diet is not None]  # a row per diet
        diet_of: dict[int, str] = {}
        for row in counted:
            diet_of.update(dict.fromkeys(ids(row.present), row.diet))
        found = Roster(
            version=rows[0].roster_version,
            residents={row.diet: int(row.residents) for row in counted},
            on_leave={row.diet: int(row.on_leave) for row in counted},
            diet_of=diet_of,
        )
        cache[key] = found
        while len(cache) > ROSTER_CACHE_ENTRIES:
            cache.popitem(last=False)
    cache.move_to_end(key)
    return found if found.version == version else None


async def meal_counts(session: AsyncSession, mess_id: int, day: date, slot_id: int) -> MealCounts:
    """Residents, booked, guests and on leave by diet, and the admissions, of one meal: exact as of the first
    statement (the module's docstring says how the roster of the day is reused)."""
    rows = await repository.meal_bookings(session, mess_id, day, slot_id)
    if not rows:
        raise NotFound("This mess does not exist.")
    head = rows[0]
    default_booked = head.booking_mode == "opt_out"
    frozen = None
    if head.frozen_rows:
        frozen = FrozenHeadcount(
            at=head.frozen_at,
            booked=int(head.frozen_booked),
            guests=int(head.frozen_guests),
            by_diet={diet: int(getattr(head, f"frozen_{diet}")) for diet in DIETS},
        )
    day_roster = await roster(session, mess_id, day, head.roster_version)
    if day_roster is None:  # residents or leaves changed between the two statements: count in one statement
        aggregate = await repository.meal_counts(session, mess_id, default_booked, day, slot_id)
        by_diet = {
            r.diet: DietCounts(int(r.residents), int(r.booked), int(r.guests), int(r.on_leave)) for r in aggregate
        }
        zero = DietCounts(0, 0, 0, 0)
        return MealCounts({diet: by_diet.get(diet, zero) for diet in DIETS}, int(head.came), int(head.walk_ins), frozen)
    # The meal's booking rows by (status, guests, takeaway): each group's residents counted by their diet of the
    # day, those not present (not residents that day, on approved leave, of another mess) under None -- Counter over
    # a map, counted in C, no Python loop over rows.
    diet_of = day_roster.diet_of.get
    cancelled: Counter[str | None] = Counter()
    booked: Counter[str | None] = Counter()
    guests: Counter[str | None] = Counter()
    takeaways = 0
    for row in rows:
        if row.status is None:
            continue
        group = Counter(map(diet_of, ids(row.resident_ids)))
        if row.status == "cancelled":
            cancelled.update(group)
        else:
            booked.update(group)
            guests.update({diet: int(row.guests) * count for diet, count in group.items()})
            if row.takeaway:
                takeaways += group.total() - group[None]
    counts = {}
    for diet in DIETS:
        residents, on_leave = day_roster.residents.get(diet, 0), day_roster.on_leave.get(diet, 0)
        # opt_out: present residents are booked unless they cancelled; opt_in: only those who booked.
        meals = residents - on_leave - cancelled[diet] if default_booked else booked[diet]
        counts[diet] = DietCounts(residents, meals, guests[diet], on_leave)
    return MealCounts(counts, int(head.came), int(head.walk_ins), frozen, takeaways, day_roster.diet_of)


async def headcount(
    session: AsyncSession, actor: Actor, day: date | None, slot_code: str | None, mess_id: int | None, now: datetime
) -> HeadcountOut:
    """The headcount of one meal (default: the current or next meal of the caller's mess); the mess and its slots
    come from one statement."""
    actor.require("staff", "warden", "admin")
    wanted = actor.mess_for(mess_id)
    mess, slots = await repository.mess_and_slots(session, wanted, slot_code)
    if mess is None:
        raise NotFound("This mess does not exist.")
    target = choose_meal(mess, slots, day, slot_code, now)
    return await meal_headcount(session, mess, target.slot, target.day, now)


async def meal_headcount(session: AsyncSession, mess: Mess, slot: Slot, day: date, now: datetime) -> HeadcountOut:
    counts = await meal_counts(session, mess.id, day, slot.id)
    booked, guests = counts.total("booked"), counts.total("guests")
    came, walk_ins = counts.came, counts.walk_ins
    found = await expected.slot_learning(session, mess, slot, day, now)
    history = found.meals
    known = cutoff_at(mess, slot, day) <= now
    outlook = expected.estimate(booked, guests, day, history, bookings_known=known, tested=found.tested)
    allergens = await meal_allergens(
        session, mess.id, mess.booking_mode == "opt_out", day, slot.id, counts.present, counts.takeaways
    )
    return HeadcountOut(
        mess_id=mess.id,
        date=day,
        slot=slot.code,
        residents=counts.total("residents"),
        booked=booked,
        guests=guests,
        by_diet={diet: c.booked for diet, c in counts.by_diet.items()},
        on_leave=counts.total("on_leave"),
        checked_in=came + walk_ins,
        walk_ins=walk_ins,
        not_checked_in=max(booked - came, 0),
        forecast=math.floor(outlook.shows + 0.5),
        forecast_basis=ForecastBasis(
            show_rate=outlook.show_rate,
            meals=len(history),
            booked=sum(m.booked for m in history),
            checked_in=sum(m.came for m in history),
        ),
        expected=ExpectedOut.of(outlook),
        frozen=counts.frozen,
        takeaways=allergens.takeaways,
        by_allergen=allergens.by_allergen,
    )


async def freeze_meal(session: AsyncSession, mess: Mess, slot: Slot, day: date, now: datetime) -> bool:
    """Freeze one meal's headcount by diet; False when it was frozen already."""
    counts = await meal_counts(session, mess.id, day, slot.id)
    by_diet = {diet: (c.booked, c.guests) for diet, c in counts.by_diet.items()}
    return await repository.insert_snapshot(session, mess.id, day, slot.id, by_diet, now) > 0


async def freeze_due_meals(session: AsyncSession, now: datetime) -> int:
    """Freeze every meal past its cutoff (last 2 local days, today, tomorrow) that has no snapshot yet.

    Returns how many meals were frozen by this call (0 when everything was frozen already). Only flushes."""
    frozen_count = 0
    all_messes = await messes.list_messes(session)
    if not all_messes:
        return 0
    todays = {mess.id: local_today(now, mess.timezone) for mess in all_messes}
    frozen = await repository.frozen_meals(
        session, min(todays.values()) - timedelta(days=MISSED_DAYS), max(todays.values()) + timedelta(days=1)
    )
    for mess in all_messes:
        today = todays[mess.id]
        opened = local_today(mess.created_at, mess.timezone)
        slots = await messes.list_slots(session, mess.id)
        for day in each_day(max(today - timedelta(days=MISSED_DAYS), opened), today + timedelta(days=1)):
            for slot in slots:
                if (mess.id, day, slot.id) in frozen or cutoff_at(mess, slot, day) > now:
                    continue
                if await freeze_meal(session, mess, slot, day, now):
                    frozen_count += 1
    return frozen_count


async def unfrozen_meals(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Per mess code: today's meals (mess local date) past their cutoff without a snapshot (0s included)."""
    all_messes = await messes.list_messes(session)
    if not all_messes:
        return {}
    todays = {mess.id: local_today(now, mess.timezone) for mess in all_messes}
    frozen = await repository.frozen_meals(session, min(todays.values()), max(todays.values()))
    out: dict[str, int] = {}
    for mess in all_messes:
        today = todays[mess.id]
        slots = await messes.list_slots(session, mess.id)
        out[mess.code] = sum(
            1 for slot in slots if cutoff_at(mess, slot, today) <= now and (mess.id, today, slot.id) not in frozen
        )
    return out


async def serving_windows(session: AsyncSession, now: datetime) -> list[tuple[str, str, bool]]:
    """(mess code, slot code, open) for every slot of every mess: open while today's serving window runs."""
    out: list[tuple[str, str, bool]] = []
    for mess in await messes.list_messes(session):
        today = local_today(now, mess.timezone)
        for slot in await messes.list_slots(session, mess.id):
            out.append((mess.code, slot.code, meal(mess, slot, today).state(now) == "open"))
    return out
