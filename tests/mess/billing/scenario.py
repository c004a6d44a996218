"""Billing's row-level builder in the World family: the mess and its people come from World (tests/factories.py,
through the services); the history billing reads is written straight to the tables (ORM rows, any past date) and
mirrored in plain Python for the reference.

Billing reads the tables, not the other domains' services, so the tests do not wait on those endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select

from mess.models import (
    Adjustment,
    Bill,
    BillLine,
    Booking,
    CheckIn,
    ExtraItem,
    ExtraPurchase,
    FixedCharge,
    Leave,
    MealPrice,
    Resident,
    UserAccount,
)
from tests.factories import DEMO_SLOTS, Person, World

CREATED = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Inputs:
    """Everything section 3 reads, as plain values (the reference implementation's input)."""

    booking_mode: str = "opt_out"
    min_rebate_days: int = 3
    slots: dict[int, str] = field(default_factory=dict)  # slot id -> code
    prices: list[tuple[int, date, int, int, int]] = field(default_factory=list)  # slot, from, price, guest, walk-in
    fixed: list[tuple[date, int]] = field(default_factory=list)
    residents: dict[int, tuple[date, date | None]] = field(default_factory=dict)
    bookings: dict[tuple[int, date, int], tuple[str, int]] = field(default_factory=dict)  # status, guests
    leaves: list[tuple[int, date, date, str]] = field(default_factory=list)
    walk_ins: list[tuple[int, date, int]] = field(default_factory=list)
    extras: list[tuple[int, date, int, int, int]] = field(default_factory=list)  # resident, day, item, qty, unit
    adjustments: list[tuple[int, date, int]] = field(default_factory=list)


class Scenario:
    def __init__(self, world: World) -> None:
        self.world = world
        self.database = world.database
        self.inputs = Inputs()
        self.mess_id = 0
        self.slot_ids: dict[str, int] = {}
        self.items: dict[str, int] = {}
        self.warden: Person | None = None

    @property
    def warden_id(self) -> int:
        assert self.warden is not None
        return self.warden.id

    async def _add(self, *rows: Any) -> None:
        async with self.database.transaction() as session:
            session.add_all(rows)
            await session.flush()

    async def mess(
        self, *, booking_mode: str = "opt_out", min_rebate_days: int = 3, slots: int = 4, timezone: str = "Asia/Kolkata"
    ) -> Scenario:
        """A mess with the first `slots` demo slots and its warden."""
        mess = await self.world.mess(
            slots=DEMO_SLOTS[:slots], booking_mode=booking_mode, min_rebate_days=min_rebate_days, timezone=timezone
        )
        self.mess_id = mess.id
        for slot in mess.slots:
            self.slot_ids[slot.code] = slot.id
            self.inputs.slots[slot.id] = slot.code
        self.warden = await self.world.user("warden", mess.id)
        self.inputs.booking_mode = booking_mode
        self.inputs.min_rebate_days = min_rebate_days
        return self

    async def price(self, slot: str, price: int, guest_price: int, walk_in_price: int, effective_from: date) -> None:
        slot_id = self.slot_ids[slot]
        await self._add(
            MealPrice(
                mess_id=self.mess_id,
                slot_id=slot_id,
                price=price,
                guest_price=guest_price,
                walk_in_price=walk_in_price,
                effective_from=effective_from,
                created_at=CREATED,
            )
        )
        self.inputs.prices.append((slot_id, effective_from, price, guest_price, walk_in_price))

    async def fixed(self, amount: int, effective_from: date) -> None:
        await self._add(
            FixedCharge(mess_id=self.mess_id, amount=amount, effective_from=effective_from, created_at=CREATED)
        )
        self.inputs.fixed.append((effective_from, amount))

    async def resident(self, active_from: date = date(2025, 1, 1), active_to: date | None = None) -> int:
        person = await self.world.resident(self.mess_id, active_from=active_from, active_to=active_to)
        assert person.resident_id is not None
        self.inputs.residents[person.resident_id] = (active_from, active_to)
        return person.resident_id

    async def many_residents(self, count: int, active_from: date = date(2025, 1, 1)) -> None:
        """count residents in two bulk statements (no sign-in: for runs over thousands of bills)."""
        tag = f"m{self.mess_id}x{len(self.inputs.residents)}"
        async with self.database.transaction() as session:
            users = [
                {
                    "login": f"{tag}r{i}",
                    "name": f"R{i}",
                    "role": "resident",
                    "mess_id": self.mess_id,
                    "password_hash": "x",
                    "is_active": True,
                    "created_at": CREATED,
                }
                for i in range(count)
            ]
            await session.execute(insert(UserAccount), users)
            ids = (
                await session.execute(
                    select(UserAccount.id, UserAccount.login).where(UserAccount.login.in_([u["login"] for u in users]))
                )
            ).all()
            rows = [
                {
                    "mess_id": self.mess_id,
                    "user_id": uid,
                    "roll_no": login,
                    "name": login,
                    "email": f"{login}@example.edu",
                    "diet": "veg",
                    "active_from": active_from,
                    "active_to": None,
                    "created_at": CREATED,
                }
                for uid, login in ids
            ]
            await session.execute(insert(Resident), rows)
            created = await session.execute(
                select(Resident.id).where(Resident.roll_no.in_([r["roll_no"] for r in rows]))
            )
            for (resident_id,) in created:
                self.inputs.residents[resident_id] = (active_from, None)

    async def book(self, resident_id: int, day: date, slot: str, guests: int = 0) -> None:
        await self._choice(resident_id, day, slot, "booked", guests)

    async def cancel(self, resident_id: int, day: date, slot: str) -> None:
        await self._choice(resident_id, day, slot, "cancelled", 0)

    async def _choice(self, resident_id: int, day: date, slot: str, status: str, guests: int) -> None:
        slot_id = self.slot_ids[slot]
        async with self.database.transaction() as session:
            row = (
                await session.execute(
                    select(Booking).where(
                        Booking.resident_id == resident_id, Booking.meal_date == day, Booking.slot_id == slot_id
                    )
                )
            ).scalar()
            if row is None:
                session.add(
                    Booking(
                        mess_id=self.mess_id,
                        resident_id=resident_id,
                        meal_date=day,
                        slot_id=slot_id,
                        status=status,
                        guests=guests,
                        updated_at=CREATED,
                    )
                )
            else:
                row.status, row.guests = status, guests
        self.inputs.bookings[(resident_id, day, slot_id)] = (status, guests)

    async def leave(self, resident_id: int, start: date, end: date, status: str = "approved") -> int:
        row = Leave(
            mess_id=self.mess_id,
            resident_id=resident_id,
            start_date=start,
            end_date=end,
            status=status,
            reason="home",
            created_at=CREATED,
        )
        await self._add(row)
        self.inputs.leaves.append((resident_id, start, end, status))
        return row.id

    async def approve(self, leave_id: int) -> None:
        async with self.database.transaction() as session:
            row = await session.get(Leave, leave_id)
            assert row is not None
            row.status = "approved"
            key = (row.resident_id, row.start_date, row.end_date)
        self.inputs.leaves = [(r, s, e, "approved" if (r, s, e) == key else st) for r, s, e, st in self.inputs.leaves]

    async def walk_in(self, resident_id: int, day: date, slot: str) -> None:
        slot_id = self.slot_ids[slot]
        await self._add(
            CheckIn(
                mess_id=self.mess_id,
                resident_id=resident_id,
                roll_no="x",
                meal_date=day,
                slot_id=slot_id,
                result="not_booked",
                admitted=True,
                walk_in=True,
                method="roll_no",
                created_at=CREATED,
            )
        )
        self.inputs.walk_ins.append((resident_id, day, slot_id))

    async def checkin(self, resident_id: int, day: date, slot: str) -> None:
        """An ordinary check-in of a booked meal: never charged on its own."""
        await self._add(
            CheckIn(
                mess_id=self.mess_id,
                resident_id=resident_id,
                roll_no="x",
                meal_date=day,
                slot_id=self.slot_ids[slot],
                result="ok",
                admitted=True,
                walk_in=False,
                method="roll_no",
                created_at=CREATED,
            )
        )

    async def refused_walk_in(self, resident_id: int, day: date, slot: str) -> None:
        await self._add(
            CheckIn(
                mess_id=self.mess_id,
                resident_id=resident_id,
                roll_no="x",
                meal_date=day,
                slot_id=self.slot_ids[slot],
                result="not_booked",
                admitted=False,
                walk_in=False,
                method="roll_no",
                created_at=CREATED,
            )
        )

    async def item(self, name: str, price: int) -> int:
        row = ExtraItem(mess_id=self.mess_id, name=name, price=price)
        await self._add(row)
        self.items[name] = row.id
        return row.id

    async def sell_extra(self, resident_id: int, day: date, item: str, quantity: int, unit_price: int) -> None:
        item_id = self.items[item]
        await self._add(
            ExtraPurchase(
                mess_id=self.mess_id,
                resident_id=resident_id,
                item_id=item_id,
                purchase_date=day,
                quantity=quantity,
                unit_price=unit_price,
                created_at=CREATED,
            )
        )
        self.inputs.extras.append((resident_id, day, item_id, quantity, unit_price))

    async def adjust(self, resident_id: int, day: date, amount: int, reason: str = "correction") -> None:
        await self._add(
            Adjustment(
                mess_id=self.mess_id,
                resident_id=resident_id,
                adjustment_date=day,
                amount=amount,
                reason=reason,
                created_at=CREATED,
            )
        )
        self.inputs.adjustments.append((resident_id, day, amount))

    async def bills(self, month: str) -> dict[int, tuple[str, int, list[tuple[str, str, int, int, int]]]]:
        """resident -> (status, total, [(kind, description, quantity, unit_price, amount)])."""
        async with self.database.read_only() as session:
            bills = (
                (await session.execute(select(Bill).where(Bill.mess_id == self.mess_id, Bill.month == month)))
                .scalars()
                .all()
            )
            lines = (
                (
                    await session.execute(
                        select(BillLine)
                        .where(BillLine.bill_id.in_([b.id for b in bills]))
                        .order_by(BillLine.position, BillLine.unit_price, BillLine.id)
                    )
                )
                .scalars()
                .all()
            )
        out = {}
        for bill in bills:
            mine = [
                (ln.kind, ln.description, ln.quantity, ln.unit_price, ln.amount)
                for ln in lines
                if ln.bill_id == bill.id
            ]
            out[bill.resident_id] = (bill.status, bill.total, mine)
        return out
