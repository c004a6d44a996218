"""How long the server takes to settle a counter's queue after an outage: POST /api/v1/checkins/batch of 1,000
queued check-ins (PostgreSQL), each by the rules of POST /checkins (QR verified, window, booking, first admission
wins). Half are QR codes and half typed roll numbers; the whole request is timed in process (ASGI via httpx), then
the same batch again (every entry now a duplicate).

    python -m bench.checkin_batch [--entries 1000]"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import delete, select

from bench.common import SECRET, machine, temporary_database
from mess.auth.actor import Actor
from mess.auth.qr import issue_qr_token
from mess.auth.tokens import issue_access_token
from mess.config import Settings
from mess.db.engine import Database
from mess.models import CheckIn, Mess, Resident, Slot, UserAccount
from mess.seed.service import seed_demo
from web.main import create_app

TZ = "Asia/Kolkata"


async def measure(url: str, entries: int) -> dict[str, Any]:
    settings = Settings(database_url=url, secret_key=SECRET)
    database = Database(settings)
    now = datetime.now(UTC)
    async with database.transaction() as session:
        await seed_demo(session, residents=max(entries, 1000), days=2, now=now)
    local = now.astimezone(ZoneInfo(TZ))
    # The last lunch served at 13:00 local: its queue was scanned then (less than a day ago, as the batch requires).
    day = local.date() if local.time() >= clock_time(13, 0) else local.date() - timedelta(days=1)
    scanned = datetime.combine(day, clock_time(13, 0), tzinfo=ZoneInfo(TZ))
    async with database.transaction() as session:
        mess = (await session.execute(select(Mess))).scalar_one()
        lunch = (await session.execute(select(Slot).where(Slot.code == "lunch"))).scalar_one()
        staff = (await session.execute(select(UserAccount).where(UserAccount.login == "staff"))).scalar_one()
        await session.execute(delete(CheckIn).where(CheckIn.meal_date == day, CheckIn.slot_id == lunch.id))
        people = (
            await session.execute(
                select(Resident.id, Resident.roll_no)
                .where(Resident.mess_id == mess.id, Resident.active_from <= day)
                .order_by(Resident.id)
                .limit(entries)
            )
        ).all()
    token = issue_access_token(Actor(staff.id, "staff", mess.id, staff.login, staff.name), SECRET, now, 60)
    queue = [
        {"client_id": f"e{i}", "date": day.isoformat(), "slot": "lunch", "at": scanned.isoformat()}
        | ({"token": issue_qr_token(rid, SECRET, scanned, 120)} if i % 2 else {"roll_no": roll_no})
        for i, (rid, roll_no) in enumerate(people)
    ]
    app = create_app(settings, database=database)
    out: dict[str, Any] = {"entries": len(queue)}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for label in ("first", "again"):
            started = time.perf_counter()
            response = await client.post(
                "/api/v1/checkins/batch", json={"entries": queue}, headers={"authorization": f"Bearer {token}"}
            )
            out[f"{label}_s"] = time.perf_counter() - started
            assert response.status_code == 200, response.text[:300]
            out[f"{label}_admitted"] = response.json()["admitted"]
            out[f"{label}_results"] = sorted({r["result"] for r in response.json()["results"]})
    await database.dispose()
    return out


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1000)
    args, _ = parser.parse_known_args()
    with temporary_database("bench_batch") as url:
        r = asyncio.run(measure(url, args.entries))
    print(f"machine: {machine()}")
    print(
        f"  {r['entries']} queued check-ins settled in {r['first_s']:.2f} s "
        f"({r['first_admitted']} admitted, {r['first_results']})"
    )
    print(f"  the same batch again in {r['again_s']:.2f} s ({r['again_admitted']} admitted, {r['again_results']})")
    print(
        f"SUMMARY | check-in batch | {r['entries']} queued settled in {r['first_s']:.2f} s "
        f"({1000 * r['first_s'] / r['entries']:.1f} ms each), replayed {r['again_s']:.2f} s | none set | measured |"
    )
    return r


if __name__ == "__main__":
    main()
