"""A small priced mess for the money tests: prices, a fixed charge, residents, and months billed and issued."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from mess.db.engine import Database
from tests.factories import Person, World
from tests.mess.billing.helpers import run_month
from tests.web.domain_helpers import expect

PRICES = {"breakfast": 3000, "lunch": 5000, "snacks": 1000, "dinner": 6000}
FIXED = 150000


@dataclass
class Money:
    mess: Any
    warden: Person
    residents: list[Person]
    other_warden: Person
    prices: dict[str, int] = field(default_factory=dict)  # slot -> id of the row from 2026-01-01
    fixed_charge_id: int = 0


async def priced_mess(world: World, client: httpx.AsyncClient, residents: int = 2, **policy: Any) -> Money:
    """Prices and a fixed charge from 2026-01-01 (opt_out: every meal booked unless cancelled)."""
    mess = await world.mess(**policy)
    warden = await world.user("warden", mess.id)
    other = await world.mess()
    money = Money(
        mess=mess,
        warden=warden,
        residents=[await world.resident(mess.id, active_from=date(2025, 1, 1)) for _ in range(residents)],
        other_warden=await world.user("warden", other.id),
    )
    for slot, amount in PRICES.items():
        body = {
            "slot": slot,
            "price": amount,
            "guest_price": amount * 2,
            "walk_in_price": amount + 1000,
            "effective_from": "2026-01-01",
        }
        money.prices[slot] = expect(await client.post("/api/v1/prices", json=body, headers=warden.headers), 201)["id"]
    charge = {"amount": FIXED, "effective_from": "2026-01-01"}
    money.fixed_charge_id = expect(
        await client.post("/api/v1/fixed-charges", json=charge, headers=warden.headers), 201
    )["id"]
    return money


async def bill(world: World, money: Money, month: str) -> None:
    """Draft bills for a month that has ended (the worker's code path, without a broker)."""
    report = await run_month(world.database, money.mess.id, month, now=world.clock.now())
    assert report.status == "succeeded", report


async def bill_and_issue(world: World, client: httpx.AsyncClient, money: Money, month: str) -> dict[str, Any]:
    await bill(world, money, month)
    return expect(await client.post(f"/api/v1/billing/{month}/issue", headers=money.warden.headers), 200)


async def until_waiting_on_a_lock(database: Database, racer: asyncio.Task[Any]) -> None:
    """Return once another connection of this test's database waits on a lock (the racer is blocked by ours);
    fail if the racer finishes first or never waits."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with database.engine.connect() as watcher:
        for _ in range(2000):
            if (await watcher.execute(waiting)).scalar_one():
                return
            # PostgreSQL snapshots pg_stat_activity once per transaction: end it, or every poll re-reads the first
            await watcher.rollback()
            assert not racer.done(), racer
            await asyncio.sleep(0.005)
    raise AssertionError("the racer never waited on a lock")
