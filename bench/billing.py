# ruff: noqa: E501 - the benchmark SQL reads best unwrapped
"""Billing benchmark (PRODUCT.md section 5): 10,000 residents x 31 days x 4 slots on PostgreSQL, opt_out, with
leaves, guests, walk-ins, extras, adjustments and a mid-month price change.

Times the whole run (runner.execute_run: what the Celery task calls) and ONE hand-written SQL query computing the
same per-resident totals on the same data, checks they agree, and prints both figures and the ratio.
Target: run < 20 s and <= 2x the query. Never part of the test suite's pass/fail.

    .venv/bin/python -m bench.billing [--residents 10000] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mess.billing.runner import execute_run
from mess.config import Settings
from mess.db.engine import Database
from mess.db.migrate import upgrade

ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
MONTH, FIRST, DAYS = "2026-03", date(2026, 3, 1), 31
NOW = datetime(2026, 4, 2, 0, 0, tzinfo=UTC)
SLOTS = [
    ("breakfast", dtime(7, 30), dtime(9, 30), 3000, 3500, 4000),
    ("lunch", dtime(12, 30), dtime(14, 30), 5000, 6000, 7000),
    ("snacks", dtime(17), dtime(18), 1000, 1500, 2000),
    ("dinner", dtime(19, 30), dtime(21, 30), 6000, 7000, 8000),
]

HAND_WRITTEN = """
WITH day AS (SELECT generate_series(DATE '2026-03-01', DATE '2026-03-31', INTERVAL '1 day')::date AS d),
price AS (
  SELECT day.d, s.id AS slot_id, p.price, p.guest_price, p.walk_in_price
  FROM day CROSS JOIN slot s
  JOIN LATERAL (SELECT * FROM meal_price mp WHERE mp.slot_id = s.id AND mp.effective_from <= day.d
                ORDER BY mp.effective_from DESC LIMIT 1) p ON true
  WHERE s.mess_id = :mess),
resident_day AS (
  SELECT r.id AS rid, day.d FROM resident r JOIN day ON r.active_from <= day.d AND (r.active_to IS NULL OR r.active_to >= day.d)
  WHERE r.mess_id = :mess),
leave_day AS (
  SELECT DISTINCT l.resident_id AS rid, day.d, (l.end_date - l.start_date + 1) >= :min_rebate AS qualifies
  FROM leave l JOIN day ON day.d BETWEEN l.start_date AND l.end_date WHERE l.mess_id = :mess AND l.status = 'approved'),
meals AS (
  SELECT rd.rid, SUM(p.price + COALESCE(b.guests, 0) * p.guest_price) AS amount
  FROM resident_day rd CROSS JOIN slot s
  JOIN price p ON p.d = rd.d AND p.slot_id = s.id
  LEFT JOIN booking b ON b.resident_id = rd.rid AND b.meal_date = rd.d AND b.slot_id = s.id
  WHERE s.mess_id = :mess AND COALESCE(b.status, 'booked') = 'booked'
    AND NOT EXISTS (SELECT 1 FROM leave_day ld WHERE ld.rid = rd.rid AND ld.d = rd.d)
  GROUP BY rd.rid),
fixed AS (
  SELECT rd.rid, (SUM(f.amount) * 2 + 31) / 62 AS amount
  FROM resident_day rd
  JOIN LATERAL (SELECT amount FROM fixed_charge fc WHERE fc.mess_id = :mess AND fc.effective_from <= rd.d
                ORDER BY fc.effective_from DESC LIMIT 1) f ON true
  WHERE NOT EXISTS (SELECT 1 FROM leave_day ld WHERE ld.rid = rd.rid AND ld.d = rd.d AND ld.qualifies)
  GROUP BY rd.rid),
walk_ins AS (
  SELECT c.resident_id AS rid, SUM(p.walk_in_price) AS amount FROM checkin c JOIN price p ON p.d = c.meal_date AND p.slot_id = c.slot_id
  WHERE c.mess_id = :mess AND c.admitted AND c.walk_in GROUP BY c.resident_id),
extras AS (
  SELECT resident_id AS rid, SUM(quantity * unit_price) AS amount FROM extra_purchase
  WHERE mess_id = :mess AND purchase_date BETWEEN DATE '2026-03-01' AND DATE '2026-03-31' GROUP BY resident_id),
adjustments AS (
  SELECT resident_id AS rid, SUM(amount) AS amount FROM adjustment
  WHERE mess_id = :mess AND adjustment_date BETWEEN DATE '2026-03-01' AND DATE '2026-03-31' GROUP BY resident_id)
SELECT r.id, COALESCE(m.amount, 0) + COALESCE(f.amount, 0) + COALESCE(w.amount, 0) + COALESCE(e.amount, 0)
       + COALESCE(a.amount, 0) AS total
FROM resident r LEFT JOIN meals m ON m.rid = r.id LEFT JOIN fixed f ON f.rid = r.id LEFT JOIN walk_ins w ON w.rid = r.id
LEFT JOIN extras e ON e.rid = r.id LEFT JOIN adjustments a ON a.rid = r.id
WHERE r.mess_id = :mess
"""


async def admin(statement: str) -> None:
    engine = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


async def generate(database: Database, residents: int, seed: int = 7) -> int:
    """Bulk data with COPY (asyncpg copy_records_to_table)."""
    rng = random.Random(seed)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    async with database.engine.begin() as conn:
        mess_id = (
            await conn.execute(
                text(
                    "INSERT INTO mess (code, name, timezone, currency, booking_mode, cutoff_minutes, min_rebate_days, max_guests,"
                    " allow_walk_in, created_at) VALUES ('BENCH', 'Bench mess', 'Asia/Kolkata', 'INR', 'opt_out', 720, 3, 5,"
                    " true, :c) RETURNING id"
                ),
                {"c": created},
            )
        ).scalar_one()
        slot_ids = []
        for position, (code, start, end, price, guest, walk) in enumerate(SLOTS):
            slot_id = (
                await conn.execute(
                    text(
                        "INSERT INTO slot (mess_id, code, name, serve_start, serve_end, position) VALUES (:m, :c, :c, :s, :e, :p)"
                        " RETURNING id"
                    ),
                    {"m": mess_id, "c": code, "s": start, "e": end, "p": position},
                )
            ).scalar_one()
            slot_ids.append(slot_id)
            for eff, factor in ((date(2026, 1, 1), 1.0), (date(2026, 3, 16), 1.1 if code == "lunch" else None)):
                if factor is None:
                    continue
                await conn.execute(
                    text(
                        "INSERT INTO meal_price (mess_id, slot_id, price, guest_price, walk_in_price, effective_from,"
                        " created_at) VALUES (:m, :s, :p, :g, :w, :f, :c)"
                    ),
                    {
                        "m": mess_id,
                        "s": slot_id,
                        "p": int(price * factor),
                        "g": int(guest * factor),
                        "w": int(walk * factor),
                        "f": eff,
                        "c": created,
                    },
                )
        await conn.execute(
            text(
                "INSERT INTO fixed_charge (mess_id, amount, effective_from, created_at) VALUES"
                " (:m, 300000, '2026-01-01', :c)"
            ),
            {"m": mess_id, "c": created},
        )
        item_ids = [
            (
                await conn.execute(
                    text(
                        "INSERT INTO extra_item (mess_id, name, price, is_active) VALUES"
                        " (:m, :n, :p, true) RETURNING id"
                    ),
                    {"m": mess_id, "n": n, "p": p},
                )
            ).scalar_one()
            for n, p in (("Egg", 1200), ("Milk", 2500), ("Special dinner", 9000))
        ]
        raw = (await conn.get_raw_connection()).driver_connection
        tag = uuid.uuid4().hex[:6]
        base = (await conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM user_account"))).scalar_one()
        await raw.copy_records_to_table(
            "user_account",
            columns=["id", "login", "name", "role", "mess_id", "password_hash", "is_active", "created_at"],
            records=[
                (base + i + 1, f"b{tag}{i}", f"Resident {i}", "resident", mess_id, "x", True, created)
                for i in range(residents)
            ],
        )
        await raw.copy_records_to_table(
            "resident",
            columns=[
                "id",
                "mess_id",
                "user_id",
                "roll_no",
                "name",
                "email",
                "diet",
                "active_from",
                "active_to",
                "created_at",
            ],
            records=[
                (
                    base + i + 1,
                    mess_id,
                    base + i + 1,
                    f"b{tag}{i}",
                    f"Resident {i}",
                    f"r{i}@example.edu",
                    "veg",
                    date(2025, 7, 1) if i % 20 else FIRST + timedelta(days=i % 10),
                    None if i % 25 else FIRST + timedelta(days=10 + i % 20),
                    created,
                )
                for i in range(residents)
            ],
        )
        await conn.execute(
            text("SELECT setval(pg_get_serial_sequence('user_account', 'id'), (SELECT MAX(id) FROM user_account))")
        )
        await conn.execute(
            text("SELECT setval(pg_get_serial_sequence('resident', 'id'), (SELECT MAX(id) FROM resident))")
        )
        rids = [base + i + 1 for i in range(residents)]
        bookings, leaves, checkins, extras, adjustments = {}, [], [], [], []
        for rid in rids:
            if rng.random() < 0.15:  # leaves, some spanning February, some short (no fixed-charge rebate)
                start = FIRST + timedelta(days=rng.randint(-3, 27))
                leaves.append(
                    (mess_id, rid, start, start + timedelta(days=rng.randint(0, 7)), "home", "approved", created)
                )
            for _ in range(rng.randint(0, 6)):
                key = (rid, FIRST + timedelta(days=rng.randrange(DAYS)), rng.choice(slot_ids))
                guests = rng.randint(1, 3) if rng.random() < 0.4 else 0
                bookings[key] = ("booked", guests) if guests or rng.random() < 0.3 else ("cancelled", 0)
            for _ in range(rng.randint(0, 3)):
                extras.append(
                    (
                        mess_id,
                        rid,
                        rng.choice(item_ids),
                        FIRST + timedelta(days=rng.randrange(DAYS)),
                        rng.randint(1, 3),
                        rng.choice((1200, 2500, 9000)),
                        created,
                    )
                )
            if rng.random() < 0.05:
                adjustments.append(
                    (
                        mess_id,
                        rid,
                        FIRST + timedelta(days=rng.randrange(DAYS)),
                        rng.choice((-5000, 2000)),
                        "correction",
                        created,
                    )
                )
        for (rid, day, slot), (status, _guests) in list(bookings.items()):
            if status == "cancelled" and rng.random() < 0.3:
                checkins.append((mess_id, rid, "x", day, slot, "not_booked", True, True, "roll_no", created))
        await raw.copy_records_to_table(
            "booking",
            columns=["mess_id", "resident_id", "meal_date", "slot_id", "status", "guests", "updated_at"],
            records=[
                (mess_id, rid, day, slot, status, guests, created)
                for (rid, day, slot), (status, guests) in bookings.items()
            ],
        )
        await raw.copy_records_to_table(
            "leave",
            columns=["mess_id", "resident_id", "start_date", "end_date", "reason", "status", "created_at"],
            records=leaves,
        )
        await raw.copy_records_to_table(
            "checkin",
            columns=[
                "mess_id",
                "resident_id",
                "roll_no",
                "meal_date",
                "slot_id",
                "result",
                "admitted",
                "walk_in",
                "method",
                "created_at",
            ],
            records=checkins,
        )
        await raw.copy_records_to_table(
            "extra_purchase",
            columns=["mess_id", "resident_id", "item_id", "purchase_date", "quantity", "unit_price", "created_at"],
            records=extras,
        )
        await raw.copy_records_to_table(
            "adjustment",
            columns=["mess_id", "resident_id", "adjustment_date", "amount", "reason", "created_at"],
            records=adjustments,
        )
        await conn.execute(text("ANALYZE"))
    print(
        f"data: {residents} residents, {len(bookings)} explicit bookings, {len(leaves)} leaves, {len(checkins)} walk-ins,"
        f" {len(extras)} extras, {len(adjustments)} adjustments"
    )
    return int(mess_id)


async def main(residents: int, keep: bool) -> None:
    name = f"mess_bench_{uuid.uuid4().hex[:6]}"
    await admin(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        await asyncio.to_thread(upgrade, url)
        database = Database(Settings(database_url=url))
        mess_id = await generate(database, residents)
        async with database.transaction() as session:
            run_id = (
                await session.execute(
                    text(
                        "INSERT INTO billing_run (mess_id, month, status, processed, total,"
                        " bill_count, amount, message, created_at) VALUES (:m, :mo, 'queued', 0, 0, 0, 0, '', :c) RETURNING id"
                    ),
                    {"m": mess_id, "mo": MONTH, "c": NOW},
                )
            ).scalar_one()
        started = time.perf_counter()
        report = await execute_run(database, run_id, lambda: NOW)
        run_seconds = time.perf_counter() - started
        assert report.status == "succeeded", report
        async with database.engine.connect() as conn:
            started = time.perf_counter()
            expected = dict((await conn.execute(text(HAND_WRITTEN), {"mess": mess_id, "min_rebate": 3})).all())
            query_seconds = time.perf_counter() - started
            billed = dict(
                (
                    await conn.execute(
                        text("SELECT resident_id, total FROM bill WHERE mess_id = :m AND month = :mo"),
                        {"m": mess_id, "mo": MONTH},
                    )
                ).all()
            )
        expected = {rid: int(total) for rid, total in expected.items() if rid in billed or total}
        mismatches = sum(1 for rid, total in expected.items() if billed.get(rid) != total)
        print(
            f"billing run (runner.execute_run): {run_seconds:.2f} s for {report.bill_count} bills, total {report.amount}"
        )
        print(f"hand-written SQL query:           {query_seconds:.2f} s")
        print(f"ratio run / query:                {run_seconds / query_seconds:.2f}x (target <= 2x; run target < 20 s)")
        print(f"totals agree for {len(expected) - mismatches} of {len(expected)} residents")
        ratio = run_seconds / query_seconds
        verdict = "met" if run_seconds < 20 and ratio <= 2 and not mismatches else "not met"
        print(
            f"SUMMARY | monthly billing, {report.bill_count} bills | run {run_seconds:.1f} s, query "
            f"{query_seconds:.1f} s, {ratio:.2f}x, {mismatches} mismatches | < 20 s, <= 2x | {verdict} |"
        )
        await database.dispose()
    finally:
        if not keep:
            await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print(f"kept database {name}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.residents, args.keep))
