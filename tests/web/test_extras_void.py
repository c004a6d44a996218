"""Voiding an extra (PRODUCT 7.4): staff on the sale's day, wardens until the month is issued, once, audited, off
the bill; sales listed with the resident's name. Wastage corrected on the day it was recorded."""

from __future__ import annotations

import json

from tests.web.checkin_helpers import audit_rows
from tests.web.domain_helpers import BIG_ID, cast, expect
from tests.web.money.helpers import bill_and_issue, priced_mess
from tests.web.test_extras import make_item, sale


async def test_staff_void_a_sale_of_the_day_with_a_reason(world, client):
    c = await cast(world)
    s, w = c.staff.headers, c.warden.headers
    egg = await make_item(client, w)
    rid = c.resident.resident_id
    today = expect(await client.post("/api/v1/extra-purchases", json=sale(rid, egg["id"]), headers=s), 201)
    assert (today["roll_no"], today["name"], today["voided_at"]) == (c.resident.roll_no, c.resident.actor.name, None)
    yesterday = expect(
        await client.post("/api/v1/extra-purchases", json=sale(rid, egg["id"], 1, "2026-03-09"), headers=s), 201
    )
    url = f"/api/v1/extra-purchases/{today['id']}/void"
    for bad in ({}, {"reason": ""}, {"reason": "x" * 501}):
        expect(await client.post(url, json=bad, headers=s), 422, "invalid_input")
    expect(await client.post(url, json={"reason": "rang up twice"}, headers=c.resident.headers), 403)
    expect(await client.post(url, json={"reason": "rang up twice"}, headers=c.other_warden.headers), 404)
    expect(await client.post("/api/v1/extra-purchases/999999/void", json={"reason": "nope"}, headers=s), 404)
    expect(await client.post(f"/api/v1/extra-purchases/{BIG_ID}/void", json={"reason": "nope"}, headers=s), 422)

    voided = expect(await client.post(url, json={"reason": "rang up twice"}, headers=s), 200)
    assert voided["void_reason"] == "rang up twice" and voided["voided_at"] and voided["voided_by"] == c.staff.id
    expect(await client.post(url, json={"reason": "again"}, headers=w), 409, "already_voided")
    # Staff only on the sale's day; the warden any day of a month not issued.
    late = f"/api/v1/extra-purchases/{yesterday['id']}/void"
    expect(await client.post(late, json={"reason": "wrong resident"}, headers=s), 403, "forbidden")
    expect(await client.post(late, json={"reason": "wrong resident"}, headers=w), 200)

    listed = expect(await client.get("/api/v1/extra-purchases?from=2026-03-01&to=2026-03-31", headers=s), 200)
    assert {(p["id"], p["name"], p["void_reason"]) for p in listed} == {
        (yesterday["id"], c.resident.actor.name, "wrong resident"),
        (today["id"], c.resident.actor.name, "rang up twice"),
    }
    audited = [(row.entity_id, row.reason) for row in await audit_rows(world, "extra_purchase.void")]
    assert audited == [(today["id"], "rang up twice"), (yesterday["id"], "wrong resident")]


async def test_a_voided_sale_is_not_billed_and_an_issued_month_refuses_a_void(world, client):
    money = await priced_mess(world, client, residents=1)
    h = money.warden.headers
    rid = money.residents[0].resident_id
    egg = await make_item(client, h)
    sell = "/api/v1/extra-purchases"
    kept = expect(await client.post(sell, json=sale(rid, egg["id"], 2, "2026-02-10"), headers=h), 201)
    dropped = expect(await client.post(sell, json=sale(rid, egg["id"], 5, "2026-02-11"), headers=h), 201)
    expect(await client.post(f"/api/v1/extra-purchases/{dropped['id']}/void", json={"reason": "test"}, headers=h), 200)
    await bill_and_issue(world, client, money, "2026-02")
    bills = expect(await client.get(f"/api/v1/bills?month=2026-02&resident_id={rid}", headers=h), 200)
    bill = bills[0] if isinstance(bills, list) else bills
    extras = [(ln["quantity"], ln["amount"]) for ln in bill["lines"] if ln["kind"] == "extra"]
    assert extras == [(2, 2 * egg["price"])]
    refused = await client.post(f"/api/v1/extra-purchases/{kept['id']}/void", json={"reason": "late"}, headers=h)
    expect(refused, 409, "already_issued")


async def test_wastage_is_corrected_on_its_day_only(world, client):
    c = await cast(world)
    s = c.staff.headers
    body = {"date": "2026-03-10", "slot": "breakfast", "kg": "2.5", "note": "plates"}
    entry = expect(await client.post("/api/v1/wastage", json=body, headers=s), 201)
    url = f"/api/v1/wastage/{entry['id']}"
    fixed = expect(await client.patch(url, json={"kg": "1.25", "slot": "lunch"}, headers=s), 200)
    assert (fixed["grams"], fixed["slot"], fixed["note"]) == (1250, "lunch", "plates")
    expect(await client.patch(url, json={"kg": "-1"}, headers=s), 422, "invalid_input")
    expect(await client.patch(url, json={"slot": "brunch"}, headers=s), 404)
    expect(await client.patch(url, json={"kg": "1"}, headers=c.resident.headers), 403)
    expect(await client.patch(url, json={"kg": "1"}, headers=c.other_warden.headers), 404)
    [audit] = await audit_rows(world, "wastage.update")
    detail = json.loads(audit.detail)
    assert detail["before"]["grams"] == 2500 and detail["after"]["grams"] == 1250
    world.clock.advance(days=1)
    expect(await client.patch(url, json={"note": "next day"}, headers=c.warden.headers), 403, "forbidden")
