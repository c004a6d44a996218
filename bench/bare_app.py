"""The framework's own ceiling: FastAPI + SQLAlchemy async + the same driver and server, doing only the upsert
a booking does (no auth, no rules), as one statement without a transaction around it, as a resident's booking
is. The booking rush compares the real endpoint with this one."""

from __future__ import annotations

import datetime as dt
import gc
from typing import Annotated

from fastapi import Body, FastAPI

from mess.bookings.repository import upsert
from mess.config import get_settings
from mess.db.engine import Database

database = Database(get_settings())
app = FastAPI()


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.put("/bare/{resident_id}/{date}/{slot_id}")
async def bare_book(resident_id: int, date: dt.date, slot_id: int, guests: Annotated[int, Body(embed=True)] = 0):
    async with database.single_statement() as session:
        await upsert(
            session,
            mess_id=1,
            resident_id=resident_id,
            meal_date=date,
            slot_id=slot_id,
            status="booked",
            guests=guests,
            takeaway=False,
            now=dt.datetime.now(dt.UTC),
            actor_id=resident_id,
        )
    return {"ok": True}


@app.delete("/bare/{resident_id}/{date}/{slot_id}")
async def bare_cancel(resident_id: int, date: dt.date, slot_id: int):
    async with database.single_statement() as session:
        await upsert(
            session,
            mess_id=1,
            resident_id=resident_id,
            meal_date=date,
            slot_id=slot_id,
            status="cancelled",
            guests=0,
            takeaway=False,
            now=dt.datetime.now(dt.UTC),
            actor_id=resident_id,
        )
    return {"ok": True}


# As web/asgi.py does for the real app: the startup heap is frozen out of the collector's full passes.
gc.collect()
gc.freeze()
