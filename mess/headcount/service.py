"""Live headcount of a meal, a simple attendance forecast, and freezing the headcount at each cutoff.

Forecast (documented estimate, not a model): forecast = round_half_up(booked x show rate), where the show rate of
the slot is (booked residents admitted at the counter) / (booked residents frozen at the cutoff) summed over the
slot's meals of the 28 days before the date that have a frozen snapshot and at least one admission at the counter
(a meal where the counter recorded nobody says nothing about attendance); 1.0 when there is no such history.
Walk-ins and guests are not part of the rate (guests are reported separately). The rate is cached per process
for 10 minutes (a late correction of a past meal shows up in the forecast within that time).

Freezing: for every mess, each meal of the last 2 local days, today and tomorrow whose cutoff has passed and
that has no snapshot yet gets one row per diet (all four diets, zeros included, so "frozen" is simply "has
rows"). The unique constraint and INSERT ... ON CONFLICT DO NOTHING make it idempotent and safe when two
workers run it at once. A meal frozen late (worker down at the cutoff) carries the counts at freezing time,
and `frozen_at` says when that was.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.bookings.service import cutoff_at
from mess.checkins.service import resolve_meal
from mess.checkins.windows import meal
from mess.headcount import repository
from mess.headcount.schemas import ForecastBasis, FrozenHeadcount, HeadcountOut
from mess.kit.dates import each_day, local_today
from mess.kit.money import div_round_half_up
from mess.messes import repository as messes
from mess.messes.service import load_mess
from mess.models import Mess, Slot
from mess.models.people import DIETS

HISTORY_DAYS = 28
MISSED_DAYS = 2
SHOW_RATE_TTL = 600.0
_show_rates: WeakKeyDictionary[Any, dict[tuple[int, int, date], tuple[float, tuple[int, int, int]]]] = (
    WeakKeyDictionary()
)


def _by_diet(rows: list[Any], field: str) -> dict[str, int]:
    out = dict.fromkeys(DIETS, 0)
    for row in rows:
        out[row.diet] = out.get(row.diet, 0) + int(getattr(row, field) or 0)
    return out


async def headcount(
    session: AsyncSession, actor: Actor, day: date | None, slot_code: str | None, mess_id: int | None, now: datetime
) -> HeadcountOut:
    """The headcount of one meal (default: the current or next meal of the caller's mess)."""
    actor.require("staff", "warden", "admin")
    mess = await load_mess(session, actor.mess_for(mess_id))
    target = await resolve_meal(session, mess, day, slot_code, now)
    return await meal_headcount(session, mess, target.slot, target.day)


async def meal_headcount(session: AsyncSession, mess: Mess, slot: Slot, day: date) -> HeadcountOut:
    rows = await repository.meal_counts(session, mess.id, mess.booking_mode == "opt_out", day, slot.id)
    booked = sum(int(r.booked) for r in rows)
    came, walk_ins = await repository.checkin_counts(session, mess.id, day, slot.id)
    history_booked, history_came, meals = await show_rate(session, mess.id, slot.id, day)
    forecast = div_round_half_up(booked * history_came, history_booked) if history_booked else booked
    snapshot = await repository.snapshot(session, mess.id, day, slot.id)
    frozen = None
    if snapshot:
        frozen_by_diet = dict.fromkeys(DIETS, 0)
        for row in snapshot:
            frozen_by_diet[row.diet] = row.booked
        frozen = FrozenHeadcount(
            at=min(row.frozen_at for row in snapshot),
            booked=sum(row.booked for row in snapshot),
            guests=sum(row.guests for row in snapshot),
            by_diet=frozen_by_diet,
        )
    return HeadcountOut(
        mess_id=mess.id,
        date=day,
        slot=slot.code,
        residents=sum(int(r.residents) for r in rows),
        booked=booked,
        guests=sum(int(r.guests) for r in rows),
        by_diet=_by_diet(rows, "booked"),
        on_leave=sum(int(r.on_leave) for r in rows),
        checked_in=came + walk_ins,
        walk_ins=walk_ins,
        not_checked_in=max(booked - came, 0),
        forecast=forecast,
        forecast_basis=ForecastBasis(
            show_rate=round(history_came / history_booked, 4) if history_booked else 1.0,
            meals=meals,
            booked=history_booked,
            checked_in=history_came,
        ),
        frozen=frozen,
    )


async def show_rate(session: AsyncSession, mess_id: int, slot_id: int, day: date) -> tuple[int, int, int]:
    """(booked, checked in, meals) of the slot over the frozen meals of the 28 days before `day`.

    Only past meals count, so the answer hardly moves during a day: it is kept per process (and per database
    engine) for SHOW_RATE_TTL seconds, which keeps a 28-day scan over ~250,000 check-ins out of every request."""
    cache = _show_rates.setdefault(session.get_bind(), {})
    key = (mess_id, slot_id, day)
    hit = cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    start, end = day - timedelta(days=HISTORY_DAYS), day - timedelta(days=1)
    value = await repository.show_history(session, mess_id, slot_id, start, end)
    if len(cache) > 10_000:
        cache.clear()
    cache[key] = (time.monotonic() + SHOW_RATE_TTL, value)
    return value


async def freeze_meal(session: AsyncSession, mess: Mess, slot: Slot, day: date, now: datetime) -> bool:
    """Freeze one meal's headcount by diet; False when it was frozen already."""
    rows = await repository.meal_counts(session, mess.id, mess.booking_mode == "opt_out", day, slot.id)
    by_diet = {diet: (0, 0) for diet in DIETS}
    for row in rows:
        by_diet[row.diet] = (int(row.booked), int(row.guests))
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
