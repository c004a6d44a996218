"""Extras: items a mess sells (egg, milk, special dinner ...) and purchases with the unit price at the sale."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.billing.service import ensure_not_issued
from mess.bookings.service import is_resident_on
from mess.errors import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound
from mess.extras import repository
from mess.extras.schemas import ItemIn, ItemOut, ItemPatch, PurchaseIn, PurchaseOut, VoidIn
from mess.kit.dates import local_today
from mess.messes.service import load_mess
from mess.models import ExtraItem, ExtraPurchase
from mess.residents.service import listing_scope, load_resident
from mess.text import REVERSED_RANGE

MAX_RANGE_DAYS = 92


async def load_item(session: AsyncSession, actor: Actor, item_id: int) -> ExtraItem:
    item = await repository.get_item(session, item_id)
    if item is None:
        raise NotFound("This item does not exist.")
    if not actor.can_see_mess(item.mess_id):
        raise Forbidden("this item belongs to another mess", ErrorCode.WRONG_MESS)
    return item


async def create_item(session: AsyncSession, actor: Actor, data: ItemIn, now: datetime) -> ItemOut:
    actor.require("warden", "admin")
    mess_id = actor.mess_for(data.mess_id)
    await load_mess(session, mess_id)
    if await repository.get_item_by_name(session, mess_id, data.name):
        raise Conflict(f"an item named {data.name!r} exists", ErrorCode.ALREADY_EXISTS)
    item = ExtraItem(mess_id=mess_id, name=data.name, price=data.price, is_active=data.is_active)
    session.add(item)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"an item named {data.name!r} exists", ErrorCode.ALREADY_EXISTS) from exc
    await audit(
        session,
        actor=actor,
        mess_id=mess_id,
        action="extra_item.create",
        entity="extra_item",
        entity_id=item.id,
        now=now,
        detail={"name": item.name, "price": item.price},
    )
    return ItemOut.model_validate(item)


async def list_items(session: AsyncSession, actor: Actor, mess_id: int | None, active: bool | None) -> list[ItemOut]:
    target = actor.mess_for(mess_id)
    return [ItemOut.model_validate(item) for item in await repository.list_items(session, target, active)]


async def update_item(session: AsyncSession, actor: Actor, item_id: int, patch: ItemPatch, now: datetime) -> ItemOut:
    """Change an item's name, price (sales already made keep their price) or whether it is on sale."""
    actor.require("warden", "admin")
    item = await load_item(session, actor, item_id)
    changes = {key: value for key, value in patch.model_dump(exclude_unset=True).items() if value is not None}
    renamed = "name" in changes and changes["name"] != item.name
    if renamed and await repository.get_item_by_name(session, item.mess_id, changes["name"]):
        raise Conflict(f"an item named {changes['name']!r} exists", ErrorCode.ALREADY_EXISTS)
    before = {key: getattr(item, key) for key in changes}
    for key, value in changes.items():
        setattr(item, key, value)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("the item conflicts with another one", ErrorCode.ALREADY_EXISTS) from exc
    await audit(
        session,
        actor=actor,
        mess_id=item.mess_id,
        action="extra_item.update",
        entity="extra_item",
        entity_id=item.id,
        now=now,
        detail={"before": before, "after": changes},
    )
    return ItemOut.model_validate(item)


def _purchase_out(purchase: ExtraPurchase, item_name: str, roll_no: str, name: str) -> PurchaseOut:
    return PurchaseOut(
        id=purchase.id,
        mess_id=purchase.mess_id,
        resident_id=purchase.resident_id,
        roll_no=roll_no,
        name=name,
        item_id=purchase.item_id,
        item=item_name,
        date=purchase.purchase_date,
        quantity=purchase.quantity,
        unit_price=purchase.unit_price,
        amount=purchase.quantity * purchase.unit_price,
        created_at=purchase.created_at,
        created_by=purchase.created_by,
        voided_at=purchase.voided_at,
        voided_by=purchase.voided_by,
        void_reason=purchase.void_reason,
    )


async def record_purchase(session: AsyncSession, actor: Actor, data: PurchaseIn, now: datetime) -> PurchaseOut:
    """Staff sell an extra to a resident of their mess; the item's current price is copied onto the sale."""
    actor.require("staff", "warden", "admin")
    resident = await load_resident(session, actor, data.resident_id)
    item = await load_item(session, actor, data.item_id)
    if item.mess_id != resident.mess_id:
        raise Forbidden("the item and the resident belong to different messes", ErrorCode.WRONG_MESS)
    if not item.is_active:
        raise Conflict(f"{item.name} is not on sale", ErrorCode.ITEM_INACTIVE)
    mess = await load_mess(session, resident.mess_id)
    if data.date > local_today(now, mess.timezone):
        raise InvalidInput("a sale cannot be dated in the future")
    if not is_resident_on(resident, data.date):
        raise Conflict(
            f"{resident.name} is not a resident on {text.day(data.date, local_today(now, mess.timezone))}",
            ErrorCode.NOT_RESIDENT,
        )
    purchase = ExtraPurchase(
        mess_id=mess.id,
        resident_id=resident.id,
        item_id=item.id,
        purchase_date=data.date,
        quantity=data.quantity,
        unit_price=item.price,
        created_at=now,
        created_by=actor.user_id,
    )
    session.add(purchase)
    await session.flush()
    return _purchase_out(purchase, item.name, resident.roll_no, resident.name)


async def list_purchases(
    session: AsyncSession,
    actor: Actor,
    *,
    start: date,
    end: date,
    resident_id: int | None,
    mess_id: int | None,
    limit: int,
    offset: int,
) -> list[PurchaseOut]:
    """A resident sees their own purchases; staff and wardens their mess's (or one resident's)."""
    if end < start:
        raise InvalidInput(REVERSED_RANGE, field="to")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"ask for at most {MAX_RANGE_DAYS} days at a time")
    target, resident_id = await listing_scope(session, actor, resident_id, mess_id)
    rows = await repository.list_purchases(
        session, mess_id=target, resident_id=resident_id, start=start, end=end, limit=limit, offset=offset
    )
    return [_purchase_out(*row) for row in rows]


async def void_purchase(
    session: AsyncSession, actor: Actor, purchase_id: int, data: VoidIn, now: datetime
) -> PurchaseOut:
    """Take a sale off the bill, keeping it: staff on the day of the sale, wardens while its month is not issued."""
    actor.require("staff", "warden", "admin")
    found = await repository.purchase_with_names(session, purchase_id)
    if found is None or not actor.can_see_mess(found[0].mess_id):
        raise NotFound(f"extra purchase {purchase_id} does not exist")
    purchase = found[0]
    if purchase.voided_at is not None:
        raise Conflict(f"this sale was voided already: {purchase.void_reason}", ErrorCode.ALREADY_VOIDED)
    mess = await load_mess(session, purchase.mess_id)
    month = purchase.purchase_date.strftime("%Y-%m")
    if actor.role == "staff" and purchase.purchase_date != local_today(now, mess.timezone):
        raise Forbidden("staff may void a sale only on its day; ask the warden")
    await ensure_not_issued(session, mess, month)
    purchase.voided_at, purchase.voided_by, purchase.void_reason = now, actor.user_id, data.reason
    await session.flush()
    await audit(
        session,
        actor=actor,
        mess_id=mess.id,
        action="extra_purchase.void",
        entity="extra_purchase",
        entity_id=purchase.id,
        now=now,
        reason=data.reason,
        detail={"roll_no": found[2], "item": found[1], "quantity": purchase.quantity, "date": purchase.purchase_date},
    )
    return _purchase_out(*found)
