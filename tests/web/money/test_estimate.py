"""The month so far (GET /bills/estimate, PRODUCT 7.2): the billing rules over the days that have ended, in the
shape of a bill with status "estimate", never stored. Today is Tue 10 Mar 2026 (IST): 1-9 March have ended."""

from __future__ import annotations

from sqlalchemy import func, select

from mess.models import Bill
from tests.web.domain_helpers import expect
from tests.web.money.helpers import FIXED, PRICES, bill, priced_mess

DAY = sum(PRICES.values())  # every meal of a day booked (opt_out)


async def test_the_month_so_far(world, client, database):
    money = await priced_mess(world, client)
    alice, bob = money.residents
    h = money.warden.headers
    # Bob skips lunch on the 3rd; a guest at dinner on the 4th; a lunch on the 10th (today) is not counted yet.
    for day, slot, body in (("2026-03-03", "lunch", None), ("2026-03-04", "dinner", {"guests": 1})):
        url = f"/api/v1/bookings/{day}/{slot}?resident_id={bob.resident_id}"
        if body is None:
            expect(await client.delete(url, headers=h), 200)
        else:
            expect(await client.put(url, json={**body, "resident_id": bob.resident_id}, headers=h), 200)

    mine = expect(await client.get("/api/v1/bills/estimate?month=2026-03", headers=alice.headers), 200)
    assert (mine["status"], mine["id"], mine["through"], mine["resident_id"]) == (
        "estimate",
        None,
        "2026-03-09",
        alice.resident_id,
    )
    fixed = (9 * FIXED * 2 + 31) // 62  # round half up of 9/31 of the monthly charge: 43548
    assert [(ln["kind"], ln["quantity"], ln["amount"]) for ln in mine["lines"]] == [
        ("meal", 9, 9 * PRICES["breakfast"]),
        ("meal", 9, 9 * PRICES["lunch"]),
        ("meal", 9, 9 * PRICES["snacks"]),
        ("meal", 9, 9 * PRICES["dinner"]),
        ("fixed", 9, fixed),
    ]
    assert mine["total"] == 9 * DAY + fixed == 178548

    bobs = expect(
        await client.get(f"/api/v1/bills/estimate?month=2026-03&resident_id={bob.resident_id}", headers=h), 200
    )
    assert bobs["total"] == 9 * DAY - PRICES["lunch"] + 2 * PRICES["dinner"] + fixed

    # Another resident's, the counter's, another mess's: refused. A warden names the resident.
    expect(
        await client.get(f"/api/v1/bills/estimate?month=2026-03&resident_id={bob.resident_id}", headers=alice.headers),
        403,
    )
    staff = await world.user("staff", money.mess.id)
    expect(
        await client.get(f"/api/v1/bills/estimate?month=2026-03&resident_id={bob.resident_id}", headers=staff.headers),
        403,
    )
    expect(
        await client.get(
            f"/api/v1/bills/estimate?month=2026-03&resident_id={bob.resident_id}", headers=money.other_warden.headers
        ),
        403,
        "wrong_mess",
    )
    expect(await client.get("/api/v1/bills/estimate?month=2026-03", headers=h), 422)
    expect(await client.get("/api/v1/bills/estimate?month=2026-13", headers=alice.headers), 422)

    # A month not begun: nothing yet. A month that has ended: the whole month, equal to the run's bill.
    april = expect(await client.get("/api/v1/bills/estimate?month=2026-04", headers=alice.headers), 200)
    assert (april["total"], april["lines"], april["through"]) == (0, [], None)
    february = expect(await client.get("/api/v1/bills/estimate?month=2026-02", headers=alice.headers), 200)
    await bill(world, money, "2026-02")
    (billed,) = expect(await client.get("/api/v1/bills?month=2026-02", headers=alice.headers), 200)
    assert february["total"] == billed["total"] == 28 * DAY + FIXED
    assert february["lines"] == billed["lines"]

    async with database.read_only() as session:  # the estimate stored nothing
        assert (
            await session.execute(select(func.count()).select_from(Bill).where(Bill.month == "2026-03"))
        ).scalar() == 0


async def test_the_month_so_far_carries_a_correction_of_the_issued_month(world, client):
    money = await priced_mess(world, client, residents=1)
    alice = money.residents[0]
    from tests.web.money.helpers import bill_and_issue

    await bill_and_issue(world, client, money, "2026-02")
    # The warden cancels a February lunch after the month was issued: the next bill corrects it.
    url = f"/api/v1/bookings/2026-02-10/lunch?resident_id={alice.resident_id}"
    expect(await client.delete(url, headers=money.warden.headers), 200)
    so_far = expect(await client.get("/api/v1/bills/estimate?month=2026-03", headers=alice.headers), 200)
    correction = [ln for ln in so_far["lines"] if ln["kind"] == "correction"]
    assert [(ln["amount"], ln["description"]) for ln in correction] == [
        (-5000, "Correction to the 2026-02 bill (recomputed after it was issued)")
    ]
    page = await client.get("/me/bills", headers=alice.headers)
    assert "Correction to your February 2026 bill" in page.text and "So far this month" in page.text
