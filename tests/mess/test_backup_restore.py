"""`mess backup` / `mess restore`: a populated database (history, issued bills, ledger) restored into a fresh
database has every row of every table identical, on both backends; a restore never overwrites data."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from mess.auth.actor import Actor
from mess.billing.service import bill_month, issue_month
from mess.config import Settings
from mess.db.backup import backup, restore
from mess.db.base import Base
from mess.db.engine import Database
from mess.errors import Conflict, InvalidInput
from mess.kit.clock import FixedClock
from mess.ledger.schemas import PaymentIn
from mess.ledger.service import record_payment
from mess.models import Bill, BillLine, Booking, LedgerEntry, Mess, Resident, UserAccount
from mess.seed.service import seed_demo
from tests.support.procs import IN_CI


async def _warden(database: Database) -> Actor:
    """The seeded warden (audit rows name a real account)."""
    async with database.read_only() as session:
        user = (await session.execute(select(UserAccount).where(UserAccount.role == "warden"))).scalars().first()
    assert user is not None
    return Actor(user_id=user.id, role="warden", mess_id=user.mess_id, login=user.login, name=user.name)


def _previous_month(today: date) -> str:
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


async def _populate(database: Database, clock: FixedClock) -> None:
    now = clock.now()
    async with database.transaction() as session:
        await seed_demo(session, residents=15, days=45, now=now)
    month = _previous_month(now.date())
    async with database.transaction() as session:
        mess = (await session.execute(select(Mess))).scalar_one()
        await bill_month(session, mess, month, run_id=None, now=now, batch_size=4)
    warden = await _warden(database)
    async with database.transaction() as session:
        await issue_month(session, warden, month, now, mess.id)
    async with database.transaction() as session:
        resident_id = (await session.execute(select(func.min(Resident.id)))).scalar_one()
        payment = PaymentIn(resident_id=resident_id, amount=123456, date=now.date(), reference="UPI-42")
        await record_payment(session, warden, payment, now)


async def _every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = {}
            for table in Base.metadata.sorted_tables:
                ordered = select(table).order_by(*(table.primary_key.columns or table.columns))
                rows[table.name] = [tuple(r) for r in (await connection.execute(ordered)).all()]
            version = await connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            rows["alembic_version"] = [tuple(r) for r in version.all()]
            return rows
    finally:
        await engine.dispose()


@pytest.fixture(autouse=True)
def _pg_client(backend: str) -> None:
    if backend == "postgres" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        message = "pg_dump/pg_restore (postgresql-client) are not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(reason=message)


async def test_a_restored_database_has_every_booking_bill_and_ledger_entry(
    database: Database, settings: Settings, clock: FixedClock, fresh_url: str, tmp_path: Path
) -> None:
    await _populate(database, clock)
    original = await _every_row(settings.database_url)
    for model in (Booking, Bill, BillLine, LedgerEntry):
        assert original[model.__tablename__], f"the populated database has no {model.__tablename__} rows"
    assert any(row for row in original["ledger_entry"] if "UPI-42" in row)

    archive = tmp_path / "mess.backup"
    backup(settings.database_url, archive)
    restore(fresh_url, archive)

    restored = await _every_row(fresh_url)
    assert restored.keys() == original.keys()
    for table, rows in original.items():
        assert restored[table] == rows, f"{table} differs after the restore"


async def test_restored_database_takes_new_writes(
    database: Database, settings: Settings, clock: FixedClock, fresh_url: str, tmp_path: Path
) -> None:
    """Sequences come back too: the next ledger entry in the restored database gets a fresh id."""
    await _populate(database, clock)
    archive = tmp_path / "mess.backup"
    backup(settings.database_url, archive)
    restore(fresh_url, archive)
    restored = Database(Settings(environment="test", database_url=fresh_url, redis_url=None), null_pool=True)
    try:
        async with restored.transaction() as session:
            resident_id = (await session.execute(select(func.min(Resident.id)))).scalar_one()
            payment = PaymentIn(resident_id=resident_id, amount=100, date=clock.now().date(), reference="after")
            out = await record_payment(session, await _warden(restored), payment, clock.now())
        assert any(entry.reference == "after" for entry in out.entries)
    finally:
        await restored.dispose()


async def test_restore_refuses_a_database_with_tables_and_backup_refuses_to_overwrite(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    archive = tmp_path / "mess.backup"
    backup(settings.database_url, archive)
    with pytest.raises(Conflict):
        restore(settings.database_url, archive)
    with pytest.raises(Conflict):
        backup(settings.database_url, archive)
    stranger = tmp_path / "not-a-backup"
    stranger.write_bytes(b"hello")
    with pytest.raises(InvalidInput):
        restore(settings.database_url, stranger)
