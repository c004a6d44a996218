"""The warden's leave queue and billing pages."""

from __future__ import annotations

import re
from datetime import date

from mess.leaves.schemas import LeaveIn
from mess.leaves.service import apply_for_leave
from tests.web.pages.helpers import bill_month, set_prices, signed_in


async def _pending_leave(world, resident, start: date, end: date) -> int:
    async with world.database.transaction() as session:
        leave = await apply_for_leave(
            session, resident.actor, LeaveIn(start_date=start, end_date=end, reason="exam trip"), world.clock.now()
        )
    return leave.id


async def test_leave_queue_approve_and_reject(world, browser, visit):
    mess = await world.mess()
    alice = await world.resident(mess.id)
    bob = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    first = await _pending_leave(world, alice, date(2026, 3, 20), date(2026, 3, 22))
    second = await _pending_leave(world, bob, date(2026, 3, 25), date(2026, 3, 25))
    w = await visit(warden.actor.login)
    home = await w.get("/warden")
    assert "2 pending" in home.text
    queue = await w.get("/warden/leaves")
    assert f'id="leave-{first}"' in queue.text and "exam trip" in queue.text and alice.roll_no in queue.text
    approved = await w.submit(f"/warden/leaves/{first}", {"decision": "approve"})
    approved.accepted("Leave Fri 20 Mar to Sun 22 Mar approved.")
    assert f'id="leave-{first}"' not in approved.text  # out of the queue
    (await w.submit(f"/warden/leaves/{second}", {"decision": "reject", "reason": "no"})).accepted(
        "Leave Wed 25 Mar rejected."
    )
    (await w.submit(f"/warden/leaves/{first}", {"decision": "approve"})).refused(409, "already approved")
    a = await signed_in(browser, alice.roll_no)
    week = await a.get("/week?start=2026-03-16")
    assert "On leave" in week.text.split('id="m-2026-03-20-lunch"')[1].split("</td>")[0]
    r = await signed_in(browser, bob.roll_no)
    assert (await r.get("/warden/leaves")).status_code == 403
    assert (await r.post(f"/warden/leaves/{second}", {"decision": "approve"})).status_code == 403


async def test_billing_run_progress_review_and_issue(world, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    await set_prices(world, warden)
    w = await visit(warden.actor.login)
    page = await w.get("/warden/billing")
    assert "Run billing for February 2026" in page.text and "No bills for February 2026 yet." in page.text
    assert 'id="start-run"' in page.text
    # "Start billing run" is offered only where it can run: not for a month that has not ended.
    march = await w.get("/warden/billing?month=2026-03")
    assert 'id="start-run"' not in march.text and "can be billed from the day after it ends" in march.text
    (await w.submit("/warden/billing/runs", {"month": "2026-03"})).refused(409, "has not ended yet")
    (await w.submit("/warden/billing/runs", {"month": "March"})).refused(422, "YYYY-MM")
    started = (await w.submit("/warden/billing/runs", {"month": "2026-02"})).accepted("Billing run for 2026-02")
    run_id = int(re.search(r'id="run-(\d+)" class="card run" data-status="queued"', started.text).group(1))  # type: ignore[union-attr]
    assert f'hx-get="/warden/billing/runs/{run_id}" hx-trigger="every 2s"' in started.text
    polled = await w.fragment(f"/warden/billing/runs/{run_id}")
    assert 'data-status="queued"' in polled.text and "hx-trigger" in polled.text and "hx-trigger" not in polled.headers

    from mess.billing.runner import execute_run

    await execute_run(world.database, run_id, world.clock.now)
    done = await w.fragment(f"/warden/billing/runs/{run_id}")
    assert 'data-status="succeeded"' in done.text and "every 2s" not in done.text
    assert done.headers["hx-trigger"] == "billing-finished"
    assert "1 bills, ₹4,480.00 in total." in done.text
    review = await w.get("/warden/billing?month=2026-02")
    assert (
        resident.roll_no in review.text and "Draft" in review.text and "Issue the bills of February 2026" in review.text
    )
    assert 'id="confirm-issue"' not in review.text
    # Issuing asks first, with the count and the total; the confirmation carries the total it showed.
    confirm = await w.get("/warden/billing?month=2026-02&confirm=issue")
    assert "Issue 1 bill of February 2026, ₹4,480.00 in all?" in confirm.text
    assert 'name="expected_total" value="448000"' in confirm.text
    issue = "/warden/billing/2026-02/issue"
    (await w.submit(issue, {})).refused(422, "confirm the number of bills")
    (await w.submit(issue, {"expected_total": "1"})).refused(409, "changed since you looked")
    issued = (await w.submit(issue, {"expected_total": "448000"})).accepted("Issued 1 bills of February 2026")
    assert "due by Fri 20 Mar" in issued.text and 'id="start-run"' not in issued.text
    (await w.submit(issue, {"expected_total": "448000"})).refused(409, "are issued")


async def test_billing_pages_are_for_wardens_of_the_mess(world, browser):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    staff = await world.user("staff", mess.id)
    await set_prices(world, warden)
    run_id = await bill_month(world, warden, "2026-02")
    s = await signed_in(browser, staff.actor.login)
    assert (await s.get("/warden/billing")).status_code == 403
    other = await world.user("warden", (await world.mess()).id)
    o = await signed_in(browser, other.actor.login)
    assert (await o.fragment(f"/warden/billing/runs/{run_id}")).status_code == 404


async def test_payment_lowers_the_balance_both_sides_see(world, browser, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    await set_prices(world, warden)
    await bill_month(world, warden, "2026-02")
    w = await visit(warden.actor.login)
    (await w.submit("/warden/billing/2026-02/issue", {"expected_total": "448000"})).accepted()
    paid = await w.submit(
        "/warden/payments",
        {"roll_no": resident.roll_no, "amount": "4,000", "date": "2026-03-09", "reference": "UPI 123"},
    )
    paid.accepted("Payment of ₹4,000.00 from", "balance ₹480.00.", '<strong id="balance">₹480.00</strong>', "UPI 123")
    (await w.submit("/warden/payments", {"roll_no": resident.roll_no, "amount": "0"})).refused(422)
    account = await w.get(f"/warden/money?roll={resident.roll_no}")
    assert '<strong id="balance">₹480.00</strong>' in account.text
    r = await signed_in(browser, resident.roll_no)
    mine = await r.get("/me/bills")
    assert '<strong id="balance">₹480.00</strong>' in mine.text and "to pay" in mine.text


async def test_billing_page_says_so_when_the_queue_is_down(world, settings, clock, database):
    import httpx

    from tests.web.pages.helpers import Browser
    from web.main import create_app

    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    await set_prices(world, warden)
    # Nothing listens on port 1: the broker is unreachable.
    app = create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}), clock=clock, database=database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        w = Browser(client, htmx=True)
        await w.sign_in(warden.actor.login)
        refused = await w.submit("/warden/billing/runs", {"month": "2026-02"})
        refused.refused(503, "billing queue (broker) is unreachable")
        page = await w.get("/warden/billing?month=2026-02")
        assert 'data-status="failed"' in page.text and "billing queue (broker) is unreachable" in page.text
        # Pages keep working without the broker.
        assert (await w.get("/warden/leaves")).status_code == 200
