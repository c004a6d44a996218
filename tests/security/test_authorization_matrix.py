"""Every REST route against every role: allowed calls succeed, others are refused, nobody reaches another
resident's data, and nothing crosses messes (PRODUCT.md section 6)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from mess.models import (
    Bill,
    BillingRun,
    ExtraItem,
    ExtraPurchase,
    FixedCharge,
    Leave,
    LedgerEntry,
    MealPrice,
    Notification,
    Slot,
    Wastage,
)
from tests.security.matrix_cases import CASES, ROLES, Case, Ids


@pytest.fixture
async def people(world, database, clock):
    mess_a = await world.mess(code="MA")
    mess_b = await world.mess(code="MB")
    resident = await world.resident(mess_a.id, roll_no="R-A1")
    other_resident = await world.resident(mess_a.id, roll_no="R-A2")
    staff = await world.user("staff", mess_a.id)
    warden = await world.user("warden", mess_a.id)
    foreign_staff = await world.user("staff", mess_b.id)
    foreign_warden = await world.user("warden", mess_b.id)
    admin = await world.user("admin", None)
    async with database.transaction() as session:
        item = ExtraItem(mess_id=mess_a.id, name="Egg", price=1200, is_active=True)
        session.add(item)
        leaves = []
        for day in range(1, 21):
            leave = Leave(
                mess_id=mess_a.id,
                resident_id=resident.resident_id,
                start_date=date(2026, 6, day),
                end_date=date(2026, 6, day),
                reason="r",
                status="pending",
                created_at=clock.now(),
            )
            session.add(leave)
            leaves.append(leave)
        # One price row and one fixed charge per role, so each role's correction or delete has its own row.
        lunch = (
            await session.execute(select(Slot).where(Slot.mess_id == mess_a.id, Slot.code == "lunch"))
        ).scalar_one()
        prices = [
            MealPrice(
                mess_id=mess_a.id,
                slot_id=lunch.id,
                price=100,
                guest_price=100,
                walk_in_price=100,
                effective_from=date(2026, 7, day),
                created_at=clock.now(),
            )
            for day in range(1, 9)
        ]
        charges = [
            FixedCharge(mess_id=mess_a.id, amount=100, effective_from=date(2026, 7, day), created_at=clock.now())
            for day in range(1, 9)
        ]
        payments = [
            LedgerEntry(
                mess_id=mess_a.id,
                resident_id=resident.resident_id,
                entry_date=date(2026, 3, 1),
                kind="payment",
                amount=-100,
                reference=f"MATRIX-{n}",
                created_at=clock.now(),
            )
            for n in range(8)
        ]
        session.add_all([*prices, *charges, *payments])
        await session.flush()
        # One sale and one wastage entry of today per role, for each role's void and same-day correction.
        today = clock.now().date()
        purchases = [
            ExtraPurchase(
                mess_id=mess_a.id,
                resident_id=resident.resident_id,
                item_id=item.id,
                purchase_date=today,
                quantity=1,
                unit_price=1200,
                created_at=clock.now(),
            )
            for _ in range(8)
        ]
        wastages = [
            Wastage(mess_id=mess_a.id, waste_date=today, slot_id=lunch.id, grams=100, note="", created_at=clock.now())
            for _ in range(8)
        ]
        session.add_all([*purchases, *wastages])
        run = BillingRun(mess_id=mess_a.id, month="2026-01", status="succeeded", created_at=clock.now())
        session.add(run)
        await session.flush()
        bill = Bill(
            mess_id=mess_a.id,
            resident_id=resident.resident_id,
            month="2026-01",
            status="draft",
            total=0,
            run_id=run.id,
            created_at=clock.now(),
        )
        session.add(bill)
        # R_A1's inbox: one notification to mark read (nobody else may).
        notice = Notification(
            user_id=resident.id,
            mess_id=mess_a.id,
            event_key="matrix",
            kind="leave",
            title="Leave approved",
            body="b",
            link="/me/leaves",
            created_at=clock.now(),
        )
        session.add(notice)
        await session.flush()
        leave_ids = [leave.id for leave in leaves]
        price_ids, charge_ids = [p.id for p in prices], [c.id for c in charges]
        payment_ids = [p.id for p in payments]
        purchase_ids, wastage_ids = [p.id for p in purchases], [w.id for w in wastages]
        item_id = item.id
    ids = Ids(mess_a.id, mess_b.id, resident.resident_id, other_resident.resident_id, leave_ids[0], item_id)
    ids.extra["leaves"] = leave_ids
    ids.extra["prices"], ids.extra["charges"], ids.extra["payments"] = price_ids, charge_ids, payment_ids
    ids.extra["purchases"], ids.extra["wastages"] = purchase_ids, wastage_ids
    ids.bill, ids.run = bill.id, run.id
    ids.extra["notification"] = notice.id
    headers = {
        "anon": {},
        "resident": resident.headers,
        "other_resident": other_resident.headers,
        "staff": staff.headers,
        "warden": warden.headers,
        "foreign_staff": foreign_staff.headers,
        "foreign_warden": foreign_warden.headers,
        "admin": admin.headers,
    }
    return ids, headers


def fill(case: Case, ids: Ids, role_index: int) -> str:
    leave, other_leave = ids.extra["leaves"][role_index], ids.extra["leaves"][role_index + 10]
    values = {"mess_a": ids.mess_a, "resident": ids.resident, "leave": leave, "other_leave": other_leave}
    values.update(item=ids.item, bill=ids.bill, notification=ids.extra["notification"])
    values.update(price=ids.extra["prices"][role_index], charge=ids.extra["charges"][role_index])
    values.update(payment=ids.extra["payments"][role_index])
    values.update(purchase=ids.extra["purchases"][role_index], wastage=ids.extra["wastages"][role_index])
    return case.path.format(run=ids.run, **values, **case.values)


def verdict(status: int) -> str:
    if 200 <= status < 300:
        return "ok"
    if status in (403, 404):
        return "denied"
    return str(status)


async def run_case(case: Case, ids: Ids, headers: dict[str, dict[str, str]], client) -> dict[str, tuple]:
    outcomes = {}
    for index, role in enumerate(ROLES):
        kwargs = case.request(ids, role, index + 1)
        response = await client.request(case.method, fill(case, ids, index), headers=headers[role], **kwargs)
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else None
        outcomes[role] = (verdict(response.status_code), response.status_code, body)
    return outcomes


async def test_every_route_against_every_role(people, client):
    """One pass over the whole matrix (one set of accounts), reporting every mismatch at once."""
    ids, headers = people
    problems = []
    for case in CASES:
        outcomes = await run_case(case, ids, headers, client)
        for role, (outcome, status, body) in outcomes.items():
            expected = str(case.expect[role])
            if status >= 500:
                problems.append(f"{case.name} as {role}: {status} {body}")
            elif status >= 400 and not (isinstance(body, dict) and "code" in body and "detail" in body):
                problems.append(f"{case.name} as {role}: error without code/detail: {body}")
            elif outcome != expected:
                problems.append(f"{case.name} as {role}: expected {expected}, got {status} {str(body)[:160]}")
    assert not problems, "\n".join(problems)


async def test_counter_of_another_mess_cannot_admit(people, client):
    _, headers = people
    for role in ("foreign_staff", "foreign_warden"):
        payload = {"roll_no": "R-A1", "date": "2026-03-05", "slot": "lunch", "reason": "correction"}
        response = await client.post("/api/v1/checkins", json=payload, headers=headers[role])
        assert response.status_code == 200
        assert response.json()["result"] == "wrong_mess" and response.json()["accepted"] is False


def test_matrix_covers_every_route(app):
    """A new endpoint cannot slip in without a row in the matrix."""

    def shape(path: str) -> str:
        return re.sub(r"\{[^}]+\}", "{}", path)

    covered = {(case.method, shape(case.path)) for case in CASES}
    routes = {
        (method.upper(), shape(path))
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if path.startswith("/api/v1/") and path != "/api/v1/auth/token"
    }
    assert not routes - covered, sorted(routes - covered)
