"""The resident's week, phone first: it opens at today with the next open meal named at the top; one tap books or
skips a meal, guests sit in a small expander, closed meals are read-only, and each open meal shows how long until
its cutoff ("closes in 2 h 10 min", from the server; web/static/app.js keeps it current).

Without JavaScript every meal is a plain form that posts and redirects back to the week (with a message)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Form, Path, Query, Request
from starlette.responses import Response

from mess import text
from mess.allergens import service as allergens
from mess.auth.actor import Actor
from mess.bookings import service as bookings
from mess.bookings.schemas import EffectiveBooking
from mess.errors import InvalidInput
from mess.kit.dates import local_today, week_start
from mess.leaves import service as leaves
from mess.menus import service as menus
from mess.menus.schemas import Dish
from mess.messes import service as messes
from mess.messes.schemas import SlotOut
from mess.models import Mess
from mess.residents.service import load_resident
from web.deps import ActorDep, BookingChangeSessionDep, NowDep, SessionDep
from web.pages.deps import ResidentBookingMess, ResidentMess
from web.pages.forms import Outcome, submit
from web.pages.rendering import day_label, page_router, render, render_fragment

router = page_router(tags=["pages"])

SlotCode = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]
DAYS_SHOWN = 7


@dataclass
class Cell:
    day: dt.date
    slot: SlotOut
    booking: EffectiveBooking | None
    dishes: list[Dish] = field(default_factory=list)
    leave_pending: bool = False
    error: str | None = None
    error_field: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    notice: str | None = None
    avoid: frozenset[str] = frozenset()  # the resident's allergens

    def conflicts(self, dish: Dish) -> list[str]:
        """The allergens of a dish this resident avoids (the week marks the dish in words)."""
        return [allergen for allergen in dish.allergens if allergen in self.avoid]

    @property
    def conflicting(self) -> list[str]:
        return allergens.conflicts((dish.allergens for dish in self.dishes), self.avoid)

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

    @property
    def open(self) -> bool:
        return self.booking is not None and self.booking.open and self.state in ("booked", "cancelled")

    def countdown(self, now: dt.datetime) -> str:
        return text.until(self.booking.cutoff_at, now) if self.booking else ""

    def takeaway_shown(self) -> bool:
        if self.values:
            return self.values.get("takeaway", "") in ("on", "1", "true")
        return bool(self.booking and self.state == "booked" and self.booking.takeaway)

    def guests_shown(self) -> str:
        if "guests" in self.values:
            return self.values["guests"]
        return str(self.booking.guests if self.booking and self.state == "booked" else 0)


async def _cells(
    session: Any, actor: Actor, mess: Mess, slots: list[SlotOut], start: dt.date, end: dt.date, now: dt.datetime
) -> list[Cell]:
    """The resident's meals of start..end for the given slots: the resident read once, then their bookings, the
    menu and their pending leaves, each with the mess and slots the page has already."""
    resident = await load_resident(session, actor, actor.own_resident_id())
    rows = await bookings.resident_bookings(session, mess, slots, resident.id, start, end, now)
    by_meal = {(row.date, row.slot_id): row for row in rows}
    dishes: dict[tuple[dt.date, int], list[Dish]] = {}
    for day_menu in await menus.menu_for_range(session, mess.id, start, end, slots):
        for meal in day_menu.meals:
            dishes[(day_menu.date, meal.slot_id)] = meal.dishes
    pending = await leaves.leave_periods(session, resident, status="pending", start=start, end=end)
    avoid = frozenset(resident.allergens)
    cells = []
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        asked = any(first <= day <= last for first, last in pending)
        for slot in slots:
            cell = Cell(day, slot, by_meal.get((day, slot.id)), dishes.get((day, slot.id), []), asked, avoid=avoid)
            cells.append(cell)
    return cells


def _context(mess: Mess, now: dt.datetime) -> dict[str, Any]:
    return {"mess": mess, "now": now, "today": local_today(now, mess.timezone)}


@router.get("/week")
async def week(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    mess: ResidentMess,
    now: NowDep,
    start: Annotated[dt.date | None, Query()] = None,
) -> Response:
    """No start: today and the six days after it (today first). A start: the Monday-to-Sunday week holding it."""
    today = local_today(now, mess.timezone)
    first = week_start(start) if start else today
    last = first + dt.timedelta(days=DAYS_SHOWN - 1)
    slots = await messes.list_slots(session, actor)
    cells = await _cells(session, actor, mess, slots, first, last, now)
    days = [first + dt.timedelta(days=i) for i in range(DAYS_SHOWN)]
    grid = {(cell.day, cell.slot.id): cell for cell in cells}
    upcoming = sorted((c for c in cells if c.open and c.booking), key=lambda c: c.booking.cutoff_at)  # type: ignore[union-attr]
    context = {
        **_context(mess, now),
        "start": first,
        "days": days,
        "slots": slots,
        "grid": grid,
        "next_meal": upcoming[0] if upcoming else None,
        "previous": first - dt.timedelta(days=DAYS_SHOWN),
        "next": first + dt.timedelta(days=DAYS_SHOWN),
        "from_today": start is None,
    }
    return render(request, "resident/week.html", context, actor=actor)


def _guests(typed: str, action: str) -> int:
    """What the guests field says, in words when it is not a count (a 20-digit number is not one)."""
    if action == "cancel":
        return 0
    if not typed:
        return 0
    if not typed.isdigit() or len(typed) > 3:
        raise InvalidInput("Write the number of guests, like 0, 1 or 2.", field="guests")
    return int(typed)


@router.post("/week/{day}/{slot}")
async def change_meal(
    request: Request,
    day: dt.date,
    slot: SlotCode,
    session: BookingChangeSessionDep,  # the API's unit of work for the same change: one statement for a resident
    actor: ActorDep,
    mess: ResidentBookingMess,  # on the same session: refreshed after a refused change's rollback
    now: NowDep,
    action: Annotated[str, Form(pattern=r"^(book|cancel|save)$")] = "book",
    guests: Annotated[str, Form(max_length=64)] = "",
    takeaway: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """book / cancel (one tap) or save (guests and takeaway in the expander); the rules live in the bookings
    service. A one-tap Book eats in with no guests; the expander's Save sets both."""
    back = f"/week?start={week_start(day).isoformat()}#m-{day.isoformat()}-{slot}"

    async def change() -> str:
        count = _guests(guests.strip(), action)
        booked = action != "cancel"
        parcel = action == "save" and takeaway in ("on", "1", "true")
        try:
            await bookings.set_booking(
                session,
                actor,
                day,
                slot,
                booked=booked,
                guests=count,
                takeaway=parcel,
                resident_id=None,
                reason="",
                now=now,
            )
        except InvalidInput as exc:
            exc.field = exc.field or "guests"  # the only typed input of a meal
            raise
        meal = f"{_slot_name(slots, slot)} on {day_label(day)}"
        if action == "save":
            return f"Saved: {meal} with {text.count(count, 'guest')}{', to take away' if parcel else ''}."
        return f"Booked: {meal}." if booked else f"Skipped: {meal}."

    async def page(shown: Outcome) -> Response:
        cells = await _cells(session, actor, mess, [s for s in slots if s.code == slot], day, day, now)
        if not cells:
            message = f"There is no meal {slot} on {day_label(day)}."
            context = {"status_code": 404, "message": message, "code": "unknown_slot"}
            return render_fragment(request, "partials/error.html", context, status_code=404)
        cell = cells[0]
        cell.notice, cell.values = shown.notice, dict(shown.values)
        cell.error = shown.error.message if shown.error else None
        cell.error_field = shown.error.field if shown.error else None
        context = {**_context(mess, now), "cell": cell}
        return render_fragment(request, "resident/_cell.html", context, actor=actor, status_code=shown.status_code)

    slots = await messes.list_slots(session, actor)
    return await submit(request, session, change, page, back=back)


def _slot_name(slots: list[SlotOut], code: str) -> str:
    return next((s.name for s in slots if s.code == code), code)
