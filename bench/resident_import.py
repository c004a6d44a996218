"""Resident import of 20,000 rows on PostgreSQL (PRODUCT 7.1, issue 14: "a few seconds").

Times the whole POST /api/v1/residents/import handled by the app in this process (multipart, CSV reading, the
chunked look-ups, the batched INSERTs / UPDATEs, the commit), called through httpx's ASGI transport:

- create: 20,000 new residents (and their password-less accounts) into an empty mess. This is the SUMMARY.
- dry run: the same file again with dry_run=true (read and classify only; every row unchanged).
- update: the file with every room changed (20,000 updates).
- unchanged: the same file once more (nothing written).

    python -m bench.resident_import [--rows 20000]"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime

import httpx

from bench.common import SECRET, machine, temporary_database
from mess.auth.actor import Actor
from mess.auth.tokens import issue_access_token
from mess.config import Settings
from mess.db.engine import Database
from mess.kit.clock import FixedClock
from mess.messes.schemas import MessCreate
from mess.messes.service import create_mess
from web.main import create_app

DIETS = ("veg", "non_veg", "egg", "jain")


def spreadsheet(rows: int, room_prefix: str) -> bytes:
    lines = ["roll_no,name,email,diet,active_from,active_to,room,phone"]
    for i in range(rows):
        lines.append(
            f'CS26B{i:05d},"Student {i}, Hostel",s{i}@example.edu,{DIETS[i % 4]},01/07/2026,,'
            f"{room_prefix}-{i % 400},98450{i:05d}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


async def measure(url: str, rows: int) -> dict[str, float]:
    settings = Settings(environment="test", database_url=url, secret_key=SECRET)  # type: ignore[arg-type]
    clock = FixedClock(datetime(2026, 6, 20, 6, 0, tzinfo=UTC))
    database = Database(settings)
    admin = Actor(user_id=0, role="admin", mess_id=None, login="bench", name="Bench")
    async with database.transaction() as session:
        mess = await create_mess(session, admin, MessCreate(name="Bench", code="BENCH", slots=[]), clock.now())
    warden = Actor(user_id=0, role="warden", mess_id=mess.id, login="warden", name="Warden")
    token = issue_access_token(warden, SECRET, clock.now(), 60)
    app = create_app(settings, clock=clock, database=database)
    figures: dict[str, float] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
        for label, content, params in (
            ("create", spreadsheet(rows, "A"), {}),
            ("dry run", spreadsheet(rows, "A"), {"dry_run": "true"}),
            ("update", spreadsheet(rows, "B"), {}),
            ("unchanged", spreadsheet(rows, "B"), {}),
        ):
            started = time.perf_counter()
            answer = await client.post(
                "/api/v1/residents/import",
                params=params,
                files={"file": ("residents.csv", content, "text/csv")},
                headers={"Authorization": f"Bearer {token}"},
            )
            figures[label] = time.perf_counter() - started
            body = answer.json()
            print(
                f"{label:>10}: {figures[label]:6.2f} s  {answer.status_code} "
                f"created {body.get('created')} updated {body.get('updated')} unchanged {body.get('unchanged')} "
                f"({len(content) / 1e6:.1f} MB)"
            )
            assert answer.status_code == 200, answer.text[:500]
    await database.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    print(f"resident import, {args.rows} rows, PostgreSQL, {machine()}")
    with temporary_database("bench_import") as url:
        figures = asyncio.run(measure(url, args.rows))
    verdict = "met" if figures["create"] < 5 else "missed"
    print(
        f"SUMMARY | resident import, {args.rows} rows | create {figures['create']:.2f} s, update "
        f"{figures['update']:.2f} s, unchanged {figures['unchanged']:.2f} s | a few seconds (< 5 s) | {verdict}"
    )


if __name__ == "__main__":
    main()
