"""The warden's set-up: mess policy, slots, effective-dated prices and fixed charge, the week's menu."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from mess import text
from mess.auth.actor import Actor
from mess.errors import InvalidInput
from mess.kit.allergens import ALLERGENS, canonical
from mess.kit.dates import local_today, week_start
from mess.menus import service as menus
from mess.menus.schemas import Dish, DishesIn
from mess.messes import service as messes
from mess.messes.schemas import MessPatch
from mess.models import Mess
from mess.pricing import service as pricing
from mess.pricing.schemas import FixedChargeIn, PriceIn
from web.deps import ActorDep, NowDep, SessionDep
from web.pages.deps import WardenMess
from web.pages.forms import Outcome, form_of, parse_form, parse_money, submit
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])

SlotCode = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DIET_SUFFIX = re.compile(r"\s*\((veg|non[-_ ]veg|egg|jain)\)\s*$", re.IGNORECASE)
ALLERGEN_SUFFIX = re.compile(r"\s*\[([^\]]*)\]\s*$")
# A portion per plate, last on the line: "Rice 180 g", "Tea 150 ml", "Roti 3 pieces" (the kitchen plan).
PORTION_SUFFIX = re.compile(r"\s+(\d{1,6})\s*(g|ml|pieces|piece|pcs)\s*$", re.IGNORECASE)
PORTION_UNITS = {"g": "g", "ml": "ml", "pieces": "pieces", "piece": "pieces", "pcs": "pieces"}


# --- policy, slots, prices --------------------------------------------------------------------------------------


async def _prices_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, now: dt.datetime, **extra: Any
) -> Response:
    today = local_today(now, mess.timezone)
    prices = await pricing.list_prices(session, actor, mess_id=None, slot_code=None, on=None, limit=200, offset=0)
    in_force = await pricing.list_prices(session, actor, mess_id=None, slot_code=None, on=today, limit=50, offset=0)
    charges = await pricing.list_fixed_charges(session, actor, mess_id=None, on=None, limit=50, offset=0)
    context = {
        "mess": mess,
        "slots": await messes.list_slots(session, actor),
        "prices": prices,
        "in_force": {p.id for p in in_force},
        "charges": charges,
        "today": today,
        **extra,
    }
    return render(request, "warden/prices.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/prices")
async def prices_page(
    request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    return await _prices_page(request, session, actor, mess, now)


async def _on_prices_page(
    request: Request,
    session: AsyncSession,
    actor: Actor,
    mess: Mess,
    now: dt.datetime,
    action: Callable[[], Awaitable[str]],
) -> Response:
    """The three forms of the prices page (prices, fixed charge, policy) answer with that page."""

    async def page(shown: Outcome) -> Response:
        return await _prices_page(request, session, actor, mess, now, **shown.context)

    return await submit(request, session, action, page, back="/warden/prices")


@router.post("/warden/prices")
async def add_price(request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep) -> Response:
    form = await form_of(request)

    async def action() -> str:
        data = parse_form(
            PriceIn,
            {
                "slot": form.get("slot", ""),
                "price": str(parse_money(form.get("price", ""), "price")),
                "guest_price": str(parse_money(form.get("guest_price", ""), "guest price")),
                "walk_in_price": str(parse_money(form.get("walk_in_price", ""), "walk-in price")),
                "effective_from": form.get("effective_from", ""),
            },
        )
        saved = await pricing.create_price(session, actor, data, now)
        return f"{saved.slot} prices from {text.day(saved.effective_from)} saved."

    return await _on_prices_page(request, session, actor, mess, now, action)


@router.post("/warden/fixed-charges")
async def add_fixed_charge(
    request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)

    async def action() -> str:
        amount = parse_money(form.get("amount", ""))
        data = parse_form(FixedChargeIn, {"amount": str(amount), "effective_from": form.get("effective_from", "")})
        saved = await pricing.create_fixed_charge(session, actor, data, now)
        return f"Monthly fixed charge from {text.day(saved.effective_from)} saved."

    return await _on_prices_page(request, session, actor, mess, now, action)


@router.post("/warden/policy")
async def change_policy(
    request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)
    fields = ("booking_mode", "cutoff_minutes", "min_rebate_days", "max_guests", "payment_due_days")
    payee = ("upi_vpa", "payee_name")

    async def action() -> str:
        values: dict[str, Any] = {k: form.get(k, "") for k in (*fields, *payee)}
        values["allow_walk_in"] = "true" if form.get("allow_walk_in") else "false"
        patch = parse_form(MessPatch, values)
        # An emptied UPI field removes it (parse_form reads an empty field as absent).
        patch = patch.model_copy(update={k: "" for k in payee if "payment_due_days" in form and not form.get(k)})
        if "waste_target_grams" in form:  # an emptied target removes it
            target = parse_form(MessPatch, {"waste_target_grams": form.get("waste_target_grams") or "0"})
            patch = patch.model_copy(update={"waste_target_grams": target.waste_target_grams})
        await messes.update_mess(session, actor, mess.id, patch)
        return "Mess policy saved."

    return await _on_prices_page(request, session, actor, mess, now, action)


# --- menu -------------------------------------------------------------------------------------------------------


def parse_dishes(text: str) -> DishesIn:
    """One dish per line; a trailing "(egg)", "(non-veg)" or "(jain)" tags its diet (veg otherwise), and a last
    "[dairy, nuts]" lists its allergens."""
    dishes = []
    for line in text.splitlines():
        name = line.strip()
        if not name:
            continue
        portion, unit = None, None
        sized = PORTION_SUFFIX.search(name)
        if sized:
            portion, unit = int(sized.group(1)), PORTION_UNITS[sized.group(2).lower()]
            name = name[: sized.start()].strip()
        allergens: list[str] = []
        found = ALLERGEN_SUFFIX.search(name)
        if found:
            allergens = _allergens(found.group(1), name)
            name = name[: found.start()].strip()
        tag = "veg"
        match = DIET_SUFFIX.search(name)
        if match:
            tag = re.sub(r"[-_ ]", "_", match.group(1).lower())
            name = name[: match.start()].strip()
        if not name:
            raise InvalidInput(f"a dish needs a name: {line.strip()!r}")
        dishes.append(Dish(dish=name[:120], diet_tag=tag, allergens=allergens, portion=portion, unit=unit))
    return parse_form(DishesIn, {"dishes": [d.model_dump() for d in dishes]})


def _allergens(listed: str, line: str) -> list[str]:
    names = [part.strip().lower() for part in listed.replace(";", ",").split(",") if part.strip()]
    unknown = [name for name in names if name not in ALLERGENS]
    if unknown:
        raise InvalidInput(
            f"{line.strip()}: {unknown[0]!r} is not an allergen on the list ({', '.join(ALLERGENS)}).", field="dishes"
        )
    return canonical(names)


def dishes_text(dishes: list[Dish]) -> str:
    lines = []
    for d in dishes:
        line = d.dish if d.diet_tag == "veg" else f"{d.dish} ({d.diet_tag.replace('_', '-')})"
        line = f"{line} [{', '.join(d.allergens)}]" if d.allergens else line
        lines.append(f"{line} {d.portion} {d.unit}" if d.portion else line)
    return "\n".join(lines)


async def _menu_page(
    request: Request,
    session: AsyncSession,
    actor: Actor,
    mess: Mess,
    now: dt.datetime,
    start: dt.date | None,
    **extra: Any,
) -> Response:
    first = week_start(start or local_today(now, mess.timezone))
    days = await menus.get_menu(session, actor, first, first + dt.timedelta(days=6))
    template = await menus.get_template(session, actor)
    context = {
        "mess": mess,
        "start": first,
        "days": days,
        "slots": await messes.list_slots(session, actor),
        "template": {(t.weekday, t.slot): dishes_text(t.dishes) for t in template},
        "weekdays": WEEKDAY_NAMES,
        "dishes_text": dishes_text,
        "allergens": ALLERGENS,
        "previous": first - dt.timedelta(days=7),
        "next": first + dt.timedelta(days=7),
        **extra,
    }
    return render(request, "warden/menu.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/menu")
async def menu_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    now: NowDep,
    start: Annotated[dt.date | None, Query()] = None,
) -> Response:
    return await _menu_page(request, session, actor, mess, now, start)


@router.post("/warden/menu/day/{day}/{slot}")
async def set_day_menu(
    request: Request, day: dt.date, slot: SlotCode, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)

    async def action() -> str:
        await menus.set_day_menu(session, actor, day, slot, parse_dishes(form.get("dishes", "")), now)
        return f"Menu of {slot} on {text.day(day)} saved (an empty list falls back to the weekly template)."

    async def page(shown: Outcome) -> Response:
        return await _menu_page(request, session, actor, mess, now, day, **shown.context)

    return await submit(request, session, action, page, back=f"/warden/menu?start={week_start(day).isoformat()}")


@router.post("/warden/menu/template/{weekday}/{slot}")
async def set_template_menu(
    request: Request,
    weekday: Annotated[int, Path(ge=0, le=6)],
    slot: SlotCode,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    now: NowDep,
) -> Response:
    form = await form_of(request)
    try:  # the week the form was shown for, to go back to it
        shown_week: dt.date | None = dt.date.fromisoformat(form["start"]) if form.get("start") else None
    except ValueError:
        shown_week = None

    async def action() -> str:
        await menus.set_template(session, actor, weekday, slot, parse_dishes(form.get("dishes", "")), now)
        return f"Weekly template for {slot} on {WEEKDAY_NAMES[weekday]}s saved."

    async def page(shown: Outcome) -> Response:
        return await _menu_page(request, session, actor, mess, now, shown_week, **shown.context)

    back = f"/warden/menu?start={shown_week.isoformat()}" if shown_week else "/warden/menu"
    return await submit(request, session, action, page, back=back)
