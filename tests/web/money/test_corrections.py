"""Corrections of prices and fixed charges (PRODUCT 7.2): edit and delete while no issued month changes, date
sanity, the months a correction touches, audited. Today is Tue 10 Mar 2026 (IST); February is billed and issued."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select

from mess.billing.service import issue_month
from mess.errors import Conflict
from mess.models import AuditLog, MealPrice
from mess.pricing.corrections import Span, changed_spans
from mess.pricing.schemas import PriceChange
from mess.pricing.service import correct_price
from tests.web.domain_helpers import expect
from tests.web.money.helpers import bill, bill_and_issue, priced_mess, until_waiting_on_a_lock


def test_changed_spans_compare_the_timelines() -> None:
    jan, mar, apr = date(2026, 1, 1), date(2026, 3, 1), date(2026, 4, 1)
    rows = [(jan, 1), (mar, 2), (apr, 3)]
    # A new amount on the March row: only March changes.
    assert changed_spans(rows, [(jan, 1), (mar, 9), (apr, 3)]) == [Span(mar, date(2026, 3, 31))]
    # Deleting it: March falls back to January's value.
    assert changed_spans(rows, [(jan, 1), (apr, 3)]) == [Span(mar, date(2026, 3, 31))]
    # Deleting the last row: from April on, with no end.
    assert changed_spans(rows, [(jan, 1), (mar, 2)]) == [Span(apr, None)]
    # Moving March's row to 15 Feb: the days 15-28 Feb change, March does not.
    assert changed_spans(rows, [(jan, 1), (date(2026, 2, 15), 2), (apr, 3)]) == [
        Span(date(2026, 2, 15), date(2026, 2, 28))
    ]
    # Moving it past April's row: March now has January's value, April keeps its own, from 10 Apr on it is 2.
    assert changed_spans(rows, [(jan, 1), (apr, 3), (date(2026, 4, 10), 2)]) == [
        Span(mar, date(2026, 3, 31)),
        Span(date(2026, 4, 10), None),
    ]
    assert changed_spans(rows, rows) == []


async def test_a_price_typo_is_corrected_and_an_issued_month_is_protected(world, client, database):
    money = await priced_mess(world, client)
    h = money.warden.headers
    await bill_and_issue(world, client, money, "2026-02")

    # A typo: lunch from 5 March at 55000 instead of 5500.
    typo = {"slot": "lunch", "price": 55000, "guest_price": 6000, "walk_in_price": 7000, "effective_from": "2026-03-05"}
    row = expect(await client.post("/api/v1/prices", json=typo, headers=h), 201)
    fixed = expect(await client.patch(f"/api/v1/prices/{row['id']}", json={"price": 5500}, headers=h), 200)
    assert (fixed["price"], fixed["guest_price"], fixed["effective_from"]) == (5500, 6000, "2026-03-05")
    moved = expect(
        await client.patch(f"/api/v1/prices/{row['id']}", json={"effective_from": "2026-03-06"}, headers=h), 200
    )
    assert moved["effective_from"] == "2026-03-06" and moved["price"] == 5500
    on_the_7th = expect(await client.get("/api/v1/prices?on=2026-03-07&slot=lunch", headers=h), 200)
    assert [p["price"] for p in on_the_7th] == [5500]

    # Moving it back into February, or changing the row in force in February, would alter issued bills.
    for change in ({"effective_from": "2026-02-20"}, {"effective_from": "2026-02-28"}):
        refused = expect(
            await client.patch(f"/api/v1/prices/{row['id']}", json=change, headers=h), 409, "already_issued"
        )
        assert "February 2026 is issued" in refused["detail"] and "the Lunch price" in refused["detail"]
    january_lunch = money.prices["lunch"]
    for response in (
        await client.patch(f"/api/v1/prices/{january_lunch}", json={"price": 1}, headers=h),
        await client.delete(f"/api/v1/prices/{january_lunch}", headers=h),
    ):
        assert "February 2026 is issued" in expect(response, 409, "already_issued")["detail"]

    # Same date as another row of the slot; too far ahead; another mess; not a warden.
    expect(
        await client.patch(f"/api/v1/prices/{row['id']}", json={"effective_from": "2026-01-01"}, headers=h),
        409,
        "already_exists",
    )
    far = expect(
        await client.patch(f"/api/v1/prices/{row['id']}", json={"effective_from": "2027-03-12"}, headers=h),
        422,
        "date_out_of_range",
    )
    assert "Fri 12 Mar 2027" in far["detail"] and "366 days" in far["detail"]
    expect(await client.patch(f"/api/v1/prices/{row['id']}", json={"effective_from": "2027-03-11"}, headers=h), 200)
    expect(
        await client.patch(f"/api/v1/prices/{row['id']}", json={"price": 1}, headers=money.other_warden.headers), 404
    )
    resident = money.residents[0].headers
    expect(await client.patch(f"/api/v1/prices/{row['id']}", json={"price": 1}, headers=resident), 403, "forbidden")
    expect(await client.delete(f"/api/v1/prices/{row['id']}", headers=resident), 403, "forbidden")
    expect(await client.patch(f"/api/v1/prices/{row['id']}", json={"price": -1}, headers=h), 422)

    # Deleting the corrected row; a second delete finds nothing.
    assert (await client.delete(f"/api/v1/prices/{row['id']}", headers=h)).status_code == 204
    expect(await client.delete(f"/api/v1/prices/{row['id']}", headers=h), 404, "not_found")
    lunch = expect(await client.get("/api/v1/prices?slot=lunch", headers=h), 200)
    assert [(p["price"], p["effective_from"]) for p in lunch] == [(5000, "2026-01-01")]

    async with database.read_only() as session:
        actions = (await session.execute(select(AuditLog.action).where(AuditLog.entity == "meal_price"))).scalars()
        assert list(actions).count("price.update") == 3 and "price.delete" in list(
            (await session.execute(select(AuditLog.action).where(AuditLog.entity_id == row["id"]))).scalars()
        )


async def test_new_prices_and_fixed_charges_are_at_most_a_year_ahead(world, client):
    money = await priced_mess(world, client, residents=0)
    h = money.warden.headers
    body = {"slot": "dinner", "price": 1, "guest_price": 1, "walk_in_price": 1, "effective_from": "2027-03-12"}
    expect(await client.post("/api/v1/prices", json=body, headers=h), 422, "date_out_of_range")
    expect(await client.post("/api/v1/prices", json={**body, "effective_from": "2027-03-11"}, headers=h), 201)
    charge = {"amount": 1, "effective_from": "2031-01-01"}
    expect(await client.post("/api/v1/fixed-charges", json=charge, headers=h), 422, "date_out_of_range")


async def test_fixed_charge_corrections(world, client):
    money = await priced_mess(world, client)
    h = money.warden.headers
    await bill_and_issue(world, client, money, "2026-02")
    january = money.fixed_charge_id
    refused = expect(
        await client.patch(f"/api/v1/fixed-charges/{january}", json={"amount": 1}, headers=h), 409, "already_issued"
    )
    assert "February 2026" in refused["detail"]
    expect(await client.delete(f"/api/v1/fixed-charges/{january}", headers=h), 409, "already_issued")

    typo = expect(
        await client.post("/api/v1/fixed-charges", json={"amount": 1600000, "effective_from": "2026-03-01"}, headers=h),
        201,
    )
    fixed = expect(await client.patch(f"/api/v1/fixed-charges/{typo['id']}", json={"amount": 160000}, headers=h), 200)
    assert (fixed["amount"], fixed["effective_from"]) == (160000, "2026-03-01")
    expect(
        await client.patch(f"/api/v1/fixed-charges/{typo['id']}", json={"effective_from": "2026-02-01"}, headers=h),
        409,
        "already_issued",
    )
    expect(
        await client.patch(f"/api/v1/fixed-charges/{typo['id']}", json={"effective_from": "2026-01-01"}, headers=h),
        409,
        "already_exists",
    )
    expect(await client.delete(f"/api/v1/fixed-charges/{typo['id']}", headers=money.other_warden.headers), 404)
    assert (await client.delete(f"/api/v1/fixed-charges/{typo['id']}", headers=h)).status_code == 204
    rows = expect(await client.get("/api/v1/fixed-charges", headers=h), 200)
    assert [(r["amount"], r["effective_from"]) for r in rows] == [(150000, "2026-01-01")]


@pytest.mark.postgres
async def test_a_correction_waits_for_an_issue_of_the_month_it_touches(world, client, database, backend):
    """February has draft bills. The warden issues it in one transaction (not yet committed) while a correction of
    the price in force in February runs in another: the correction waits on February's billing lock, and once the
    issue commits it is refused with already_issued. The price is unchanged."""
    if backend != "postgres":
        pytest.skip(reason="the race needs two concurrent writers; SQLite has one writer at a time")
    money = await priced_mess(world, client)
    await bill(world, money, "2026-02")
    warden, now, lunch = money.warden.actor, world.clock.now(), money.prices["lunch"]

    async def correction() -> object:
        async with database.transaction() as session:
            return await correct_price(session, warden, lunch, PriceChange(price=1), now)

    async with database.transaction() as issuing:
        await issue_month(issuing, warden, "2026-02", now, None)
        racer = asyncio.create_task(correction())
        await until_waiting_on_a_lock(database, racer)
    with pytest.raises(Conflict) as refused:
        await racer
    assert refused.value.code == "already_issued"
    async with database.read_only() as session:
        assert (await session.get(MealPrice, lunch)).price == 5000


async def test_a_charge_dated_centuries_ago_is_corrected_with_a_few_locks(world, client):
    # The fuzz dated a fixed charge in the distant past: deleting it took one billing lock per month since then,
    # and PostgreSQL ran out of lock memory (500). Months before the first resident have no bills to protect.
    money = await priced_mess(world, client)
    h = money.warden.headers
    old = expect(
        await client.post("/api/v1/fixed-charges", json={"amount": 5, "effective_from": "0002-01-01"}, headers=h), 201
    )
    fixed = expect(await client.patch(f"/api/v1/fixed-charges/{old['id']}", json={"amount": 6}, headers=h), 200)
    assert fixed["amount"] == 6
    assert (await client.delete(f"/api/v1/fixed-charges/{old['id']}", headers=h)).status_code == 204
