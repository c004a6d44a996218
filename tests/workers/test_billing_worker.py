"""Billing on a real Celery worker (subprocess) with real Redis and PostgreSQL.

Every resident lives the whole of February 2026 in an opt_out mess with one priced slot set and a fixed charge, so
each bill is 28 x 15000 + 280000 = 700000 (computed by hand) and a correct run is easy to recognise.
"""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import func, select, text

from mess.auth.actor import Actor
from mess.models import Bill, BillingRun, BillLine
from tests.factories import World
from tests.mess.billing.scenario import Scenario
from tests.support.procs import eventually

MONTH = "2026-02"
PER_BILL = 28 * 15000 + 280000


async def billing_mess(world: World, residents: int) -> tuple[Scenario, Actor]:
    s = await Scenario(world).mess()
    database = world.database
    for slot, price in (("breakfast", 3000), ("lunch", 5000), ("snacks", 1000), ("dinner", 6000)):
        await s.price(slot, price, price, price, date(2026, 1, 1))
    await s.fixed(280000, date(2026, 1, 1))
    await s.many_residents(residents)
    async with database.engine.begin() as connection:
        # Planner statistics, as autovacuum keeps them in a real deployment (a bulk insert leaves none).
        await connection.execute(text("ANALYZE"))
    assert s.warden is not None
    return s, s.warden.actor


async def bills_of(database, mess_id: int) -> list[tuple[int, str, int, tuple]]:
    async with database.read_only() as session:
        bills = (
            (
                await session.execute(
                    select(Bill).where(Bill.mess_id == mess_id, Bill.month == MONTH).order_by(Bill.resident_id)
                )
            )
            .scalars()
            .all()
        )
        lines = (
            await session.execute(
                select(BillLine.bill_id, BillLine.kind, BillLine.quantity, BillLine.unit_price, BillLine.amount)
                .where(BillLine.bill_id.in_([b.id for b in bills]))
                .order_by(BillLine.bill_id, BillLine.position, BillLine.id)
            )
        ).all()
    by_bill: dict[int, list] = {}
    for bill_id, *rest in lines:
        by_bill.setdefault(bill_id, []).append(tuple(rest))
    return [(b.resident_id, b.status, b.total, tuple(by_bill.get(b.id, []))) for b in bills]


async def run_state(database, run_id: int) -> BillingRun:
    async with database.read_only() as session:
        run = await session.get(BillingRun, run_id)
        assert run is not None
        return run


async def start_and_finish(api, database, headers) -> BillingRun:
    response = await api.post("/api/v1/billing/runs", json={"month": MONTH}, headers=headers)
    assert response.status_code == 202, response.text

    async def done():
        run = await run_state(database, response.json()["id"])
        return run if run.status in ("succeeded", "failed") else None

    run = await eventually(done)
    assert run.status == "succeeded", run.message
    return run


async def test_run_twice_gives_identical_bills(api, pg_database, pg_world, start_worker, headers_for):
    start_worker()
    s, warden = await billing_mess(pg_world, 20)
    headers = headers_for(warden)
    first_run = await start_and_finish(api, pg_database, headers)
    first = await bills_of(pg_database, s.mess_id)
    second_run = await start_and_finish(api, pg_database, headers)
    assert await bills_of(pg_database, s.mess_id) == first
    assert len(first) == 20 and {total for _, _, total, _ in first} == {PER_BILL}
    assert (first_run.bill_count, first_run.amount) == (second_run.bill_count, second_run.amount) == (20, 20 * PER_BILL)


async def test_two_concurrent_runs_give_one_set_of_bills(api, pg_database, pg_world, start_worker, headers_for):
    start_worker()  # two worker threads: both runs really execute at the same time
    s, warden = await billing_mess(pg_world, 300)
    headers = headers_for(warden)
    responses = await asyncio.gather(
        *(api.post("/api/v1/billing/runs", json={"month": MONTH}, headers=headers) for _ in range(2))
    )
    ids = [r.json()["id"] for r in responses]

    async def both_done():
        runs = [await run_state(pg_database, i) for i in ids]
        return runs if all(r.status in ("succeeded", "failed") for r in runs) else None

    runs = await eventually(both_done)
    assert [r.status for r in runs] == ["succeeded", "succeeded"], [r.message for r in runs]
    bills = await bills_of(pg_database, s.mess_id)
    assert len(bills) == 300 and len({resident for resident, *_ in bills}) == 300
    assert {total for _, _, total, _ in bills} == {PER_BILL}


async def test_killed_worker_leaves_no_partial_bills_and_a_rerun_completes(
    api, pg_database, pg_world, start_worker, headers_for
):
    # Small batches over many residents make the run long enough to kill between two batches (no mocks).
    # 50 batches of 20; the killed run's message is handed out again after the visibility timeout (10 s; kombu
    # looks for such messages every 10 s). A run still going after 10 s would be handed out twice: that is safe too.
    worker = start_worker(batch_size=20, visibility_timeout=10)
    s, warden = await billing_mess(pg_world, 1000)
    headers = headers_for(warden)
    response = await api.post("/api/v1/billing/runs", json={"month": MONTH}, headers=headers)
    run_id = response.json()["id"]

    async def mid_run():
        run = await run_state(pg_database, run_id)
        return run if run.status == "running" and 0 < run.processed < run.total else None

    await eventually(mid_run, interval=0.02)
    worker.kill()
    # The run's transaction died with the worker: no bill of the month is visible, not even a partial set.
    assert await bills_of(pg_database, s.mess_id) == []
    assert (await run_state(pg_database, run_id)).status == "running"

    start_worker(batch_size=1000, visibility_timeout=10)
    rerun = await start_and_finish(api, pg_database, headers)
    after = await bills_of(pg_database, s.mess_id)
    assert rerun.bill_count == 1000 and len(after) == 1000
    assert {total for _, _, total, _ in after} == {PER_BILL}
    clean = await start_and_finish(api, pg_database, headers)
    assert await bills_of(pg_database, s.mess_id) == after and clean.amount == rerun.amount == 1000 * PER_BILL

    # acks_late: the killed run's message was not lost; it comes back after the visibility timeout and finishes
    # (recomputing the same bills).
    async def killed_run_finished():
        run = await run_state(pg_database, run_id)
        return run if run.status == "succeeded" else None

    await eventually(killed_run_finished, timeout=150, interval=0.5)
    assert await bills_of(pg_database, s.mess_id) == after


async def test_issued_month_is_already_issued(
    api, pg_database, pg_world, start_worker, later_clock, worker_settings, headers_for
):
    start_worker()
    s, warden = await billing_mess(pg_world, 5)
    headers = headers_for(warden)
    await start_and_finish(api, pg_database, headers)
    before = await bills_of(pg_database, s.mess_id)
    # A run queued before the issue reaches the worker after it.
    async with pg_database.transaction() as session:
        late = BillingRun(mess_id=s.mess_id, month=MONTH, status="queued", created_at=later_clock.now())
        session.add(late)
        await session.flush()
        late_id = late.id
    issued = await api.post(f"/api/v1/billing/{MONTH}/issue", headers=headers)
    assert issued.status_code == 200, issued.text
    refused = await api.post("/api/v1/billing/runs", json={"month": MONTH}, headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "already_issued")
    from mess.billing.dispatch import enqueue_billing

    enqueue_billing(worker_settings, late_id)

    async def late_done():
        run = await run_state(pg_database, late_id)
        return run if run.status in ("succeeded", "failed") else None

    run = await eventually(late_done)
    assert run.status == "succeeded" and run.message.startswith("already_issued")
    assert await bills_of(pg_database, s.mess_id) == [(r, "issued", t, lines) for r, _, t, lines in before]
    async with pg_database.read_only() as session:
        count = (
            await session.execute(select(func.count()).select_from(Bill).where(Bill.mess_id == s.mess_id))
        ).scalar()
    assert count == 5


async def test_worker_metrics_after_a_run(api, pg_database, pg_world, start_worker, headers_for, queue_prefix):
    import httpx

    worker = start_worker()
    _s, warden = await billing_mess(pg_world, 3)
    await start_and_finish(api, pg_database, headers_for(warden))
    mess_code = (await api.get("/api/v1/messes", headers=headers_for(warden))).json()[0]["code"]

    async def scraped():
        async with httpx.AsyncClient() as http:
            text = (await http.get(f"http://127.0.0.1:{worker.metrics_port}/metrics")).text
        wanted = (
            f'mess_billing_last_month_billed{{mess="{mess_code}"}} 202602.0',
            # set by the refresher thread (every 15 s), which may have last run before this mess existed
            f'mess_serving_window_open{{mess="{mess_code}",slot="lunch"}}',
            f'mess_headcount_unfrozen_meals{{mess="{mess_code}"}}',
        )
        return text if all(line in text for line in wanted) else None

    text = await eventually(scraped, timeout=45, interval=0.5)
    assert 'mess_task_runs_total{state="succeeded",task="workers.tasks.billing.run_billing"}' in text
    assert f'mess_billing_runs_total{{mess="{mess_code}",status="succeeded"}} 1.0' in text
    assert f'mess_billing_bills_total{{mess="{mess_code}"}} 3.0' in text
    from prometheus_client.parser import text_string_to_metric_families

    values = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert values[("mess_billing_amount_minor_total", (("mess", mess_code),))] == 3 * PER_BILL
    assert "mess_billing_run_duration_seconds_count 1.0" in text
    assert f'mess_queue_depth{{queue="{queue_prefix}billing"}} 0.0' in text
