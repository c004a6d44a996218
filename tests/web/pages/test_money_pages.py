"""The warden's ledger pages (issue 15): a payment reversed from the payments page, who owes and one reminder,
and the month-end whose totals reconcile. Today is Tue 10 Mar 2026 (IST)."""

from __future__ import annotations

from tests.web.domain_helpers import expect
from tests.web.money.helpers import FIXED, PRICES, bill_and_issue, priced_mess
from tests.web.pages.helpers import signed_in

FEBRUARY = 28 * sum(PRICES.values()) + FIXED  # 570000 a resident


async def test_a_payment_reversed_and_the_month_end_reconciles(world, client, browser, visit, app):
    money = await priced_mess(world, client)
    alice, bob = money.residents
    h = money.warden.headers
    await bill_and_issue(world, client, money, "2026-01")  # posted on 10 Mar (the issue day)
    await bill_and_issue(world, client, money, "2026-02")
    pays = (
        (alice, 400000, "2026-03-02", "UPI-1"),
        (alice, 40000, "2026-03-03", "UPI-2"),
        (bob, 100000, "2026-02-27", "CASH-9"),
    )
    for who, amount, day, ref in pays:
        body = {"resident_id": who.resident_id, "amount": amount, "date": day, "reference": ref, "method": "upi"}
        expect(await client.post("/api/v1/payments", json=body, headers=h), 201)

    w = await visit(money.warden.actor.login)
    page = await w.get("/warden/payments?month=2026-03")
    assert "2 payments, ₹4,400.00 received" in page.text and "UPI-1" in page.text and "CASH-9" not in page.text
    typo = next(p for p in expect(await client.get("/api/v1/payments", headers=h), 200) if p["reference"] == "UPI-1")
    reverse = f"/warden/payments/{typo['id']}/reverse"
    (await w.submit(reverse, {"reason": "", "month": "2026-03"})).refused(422)
    done = await w.submit(reverse, {"reason": "4000 typed as 40000", "month": "2026-03"})
    done.accepted("Payment of ₹4,000.00 reversed", "2 payments, ₹400.00 received", "Reversed")
    (await w.submit(reverse, {"reason": "twice", "month": "2026-03"})).refused(409, "already reversed")

    # March: Bob's February payment is a credit before it (both months were issued on 10 March); both months'
    # bills posted in March, ₹4,400.00 received and ₹4,000.00 of it reversed.
    end = await w.get("/warden/month-end?month=2026-03")
    january = 31 * sum(PRICES.values()) + FIXED
    posted = 2 * (january + FEBRUARY)
    for shown in (
        '<td class="num">-₹1,000.00</td>',  # owed at the start: a credit
        f'<td class="num">{money_text(posted)}</td>',
        '<td class="num">₹4,400.00</td>',
        '<td class="num">₹4,000.00</td>',
        f'id="dues-end">{money_text(posted - 100000 - 40000)}<',
        f'id="dues-change">{money_text(posted - 40000)}<',
        "The totals reconcile",
    ):
        assert shown in end.text, shown
    february = await w.get("/warden/month-end?month=2026-02")
    assert "₹1,000.00" in february.text and f'id="dues-end">{money_text(-100000)}<' in february.text
    assert "The totals reconcile" in february.text

    dues = await w.get("/warden/dues")
    assert "2 residents owe" in dues.text and "January 2026" in dues.text
    (await w.submit("/warden/dues/reminders", {})).accepted("Reminder sent to 2 residents")
    assert len(app.state.notifier.sent) == 2
    r = await signed_in(browser, alice.roll_no)
    assert (await r.get("/warden/dues")).status_code == 403


def money_text(amount: int) -> str:
    from mess import text

    return text.money(amount, "INR")


async def test_a_price_typo_is_corrected_on_its_page(world, client, browser, visit):
    money = await priced_mess(world, client, residents=1)
    h = money.warden.headers
    await bill_and_issue(world, client, money, "2026-02")
    typo = {"slot": "lunch", "price": 55000, "guest_price": 6000, "walk_in_price": 7000, "effective_from": "2026-03-05"}
    row = expect(await client.post("/api/v1/prices", json=typo, headers=h), 201)
    w = await visit(money.warden.actor.login)
    listing = await w.get("/warden/prices")
    assert f'href="/warden/prices/{row["id"]}/edit"' in listing.text
    form = await w.get(f"/warden/prices/{row['id']}/edit")
    assert "Correct the Lunch price from Thu 05 Mar" in form.text and 'value="550.00"' in form.text
    assert "Changing it changes the bills of March 2026 (none made yet)." in form.text
    corrected = {"action": "save", "price": "55.00", "guest_price": "60", "walk_in_price": "70"}
    saved = await w.submit(f"/warden/prices/{row['id']}", {**corrected, "effective_from": "2026-03-05"})
    saved.accepted("Price corrected. It changes the bills of March 2026 (none made yet).")
    assert w.htmx or saved.location == "/warden/prices"  # without JavaScript: back to the list
    after = await w.get("/warden/prices")
    assert "₹55.00" in after.text and "₹550.00" not in after.text

    january = money.prices["lunch"]
    protected = await w.get(f"/warden/prices/{january}/edit")
    assert "February 2026 is issued" in protected.text
    refused = await w.submit(f"/warden/prices/{january}", {"action": "save", "price": "1"})
    refused.refused(409, "February 2026 is issued")
    assert w.htmx or refused.location == f"/warden/prices/{january}/edit"  # without JavaScript: the form again
    (await w.submit(f"/warden/prices/{january}", {"action": "delete"})).refused(409, "February 2026 is issued")

    charge = await w.get(f"/warden/fixed-charges/{money.fixed_charge_id}/edit")
    assert "Correct the fixed charge from Thu 01 Jan" in charge.text and "February 2026 is issued" in charge.text
    other = await signed_in(browser, money.other_warden.actor.login)
    assert (await other.get(f"/warden/prices/{row['id']}/edit")).status_code == 404
