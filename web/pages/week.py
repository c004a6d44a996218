"""The resident's week: days x slots with the menu, and a book/cancel toggle per meal that swaps only its cell.

Without JavaScript every cell is a plain form that posts and redirects back to the week (with a message)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Form, Path, Query, Request
from starlette.responses import Response

from mess.auth.actor import Actor
from mess.bookings import service as bookings
from mess.bookings.schemas import EffectiveBooking
from mess.errors import ErrorCode, InvalidInput, MessError
from mess.kit.dates import local_today, week_start
from mess.menus import service as menus
from mess.menus.schemas import Dish
from mess.messes import service as messes
from mess.messes.schemas import SlotOut
from mess.messes.service import load_mess
from mess.models import Mess
from web.deps import ActorDep, BookingChangeSessionDep, NowDep, SessionDep
from web.pages.rendering import day_label, is_htmx, local_time, page_router, redirect, render, render_fragment

router = page_router(tags=["pages"])

SlotCode = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]


@dataclass
class Cell:
    day: dt.date
    slot: SlotOut
    booking: EffectiveBooking | None
    dishes: list[Dish] = field(default_factory=list)
    error: str | None = None
    notice: str | None = None

    @property
    def id(self) -> str:
        return f"m-{self.day.isoformat()}-{self.slot.code}"

    @property
    def state(self) -> str:
        if self.booking is None or self.booking.source == "not_resident":
            return "none"
        if self.booking.source == "leave":
            return "leave"
        return "booked" if self.booking.booked else "cancelled"


def _week_of(start: dt.date | None, mess: Mess, now: dt.datetime) -> dt.date:
    return week_start(start or local_today(now, mess.timezone))


async def _cells(
    session: Any, actor: Actor, mess: Mess, slots: list[SlotOut], start: dt.date, end: dt.date, now: dt.datetime
) -> list[Cell]:
    rows = await bookings.list_bookings(session, actor, start, end, None, now)
    by_meal = {(row.date, row.slot_id): row for row in rows}
    dishes: dict[tuple[dt.date, int], list[Dish]] = {}
    for day_menu in await menus.menu_for_range(session, mess.id, start, end):
        for meal in day_menu.meals:
            dishes[(day_menu.date, meal.slot_id)] = meal.dishes
    cells = []
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        for slot in slots:
            cells.append(Cell(day, slot, by_meal.get((day, slot.id)), dishes.get((day, slot.id), [])))
    return cells


def _context(mess: Mess, now: dt.datetime) -> dict[str, Any]:
    return {"mess": mess, "now": now, "today": local_today(now, mess.timezone)}


@router.get("/week")
async def week(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    start: Annotated[dt.date | None, Query()] = None,
) -> Response:
    actor.require("resident")
    mess = await load_mess(session, actor.own_mess_id())
    first = _week_of(start, mess, now)
    last = first + dt.timedelta(days=6)
    slots = await messes.list_slots(session, actor)
    cells = await _cells(session, actor, mess, slots, first, last, now)
    days = [first + dt.timedelta(days=i) for i in range(7)]
    grid = {(cell.day, cell.slot.id): cell for cell in cells}
    context = {
        **_context(mess, now),
        "start": first,
        "days": days,
        "slots": slots,
        "grid": grid,
        "previous": first - dt.timedelta(days=7),
        "next": first + dt.timedelta(days=7),
        "this_week": _week_of(None, mess, now),
    }
    return render(request, "resident/week.html", context, actor=actor)


@router.post("/week/{day}/{slot}")
async def change_meal(
    request: Request,
    day: dt.date,
    slot: SlotCode,
    session: BookingChangeSessionDep,  # the API's unit of work for the same change: one statement for a resident
    actor: ActorDep,
    now: NowDep,
    action: Annotated[str, Form(pattern=r"^(book|cancel)$")] = "book",
    guests: Annotated[str, Form(max_length=4)] = "0",
) -> Response:
    actor.require("resident")
    mess = await load_mess(session, actor.own_mess_id())
    back = f"/week?start={_week_of(day, mess, now).isoformat()}#m-{day.isoformat()}-{slot}"
    error: str | None = None
    too_late = False
    status = 200
    try:
        try:
            guest_count = int(guests or "0")
        except ValueError as exc:
            raise InvalidInput("guests must be a whole number") from exc
        # The rules (cutoff, guests limit, leave, residency) live in the bookings service.
        await bookings.set_booking(
            session,
            actor,
            day,
            slot,
            booked=action == "book",
            guests=guest_count if action == "book" else 0,
            resident_id=None,
            reason="",
            now=now,
        )
    except MessError as exc:
        # Nothing of a refused change is kept; the rollback expires loaded rows, so load the mess again.
        await session.rollback()
        mess = await load_mess(session, actor.own_mess_id())
        error, status, too_late = exc.message, exc.status_code, exc.code == ErrorCode.CUTOFF_PASSED
    if not is_htmx(request):
        if too_late:
            error = f"Too late: {slot} on {day_label(day)} is closed for changes (its cutoff has passed)."
        if error:
            return redirect(request, back, error, "error")
        verb = "Booked" if action == "book" else "Cancelled"
        return redirect(request, back, f"{verb}: {slot} on {day_label(day)}.", "ok")
    slots = [s for s in await messes.list_slots(session, actor) if s.code == slot]
    cells = await _cells(session, actor, mess, slots, day, day, now)
    if not cells:
        message = f"There is no meal {slot} on {day_label(day)}."
        context = {"status_code": 404, "message": message, "code": "unknown_slot"}
        return render_fragment(request, "partials/error.html", context, status_code=404)
    cell = cells[0]
    if too_late and cell.booking is not None:
        closed = local_time(cell.booking.cutoff_at, mess.timezone)
        error = f"Too late: {cell.slot.name} on {day_label(day)} closed for changes at {closed}."
    cell.error = error
    if not error:
        cell.notice = "Booked" if action == "book" else "Cancelled"
    return render_fragment(
        request, "resident/_cell.html", {**_context(mess, now), "cell": cell}, actor=actor, status_code=status
    )
