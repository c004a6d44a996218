"""The forecast's backtest figures, per slot: the method the backtest chose, the time-series model, the
booking-based expected headcount (mess.headcount.expected) and "same weekday last week" (naive), as MAPE (%).

Two data sets: bench/analytics.py's synthetic year (pure Python, no database; bookings made from each meal's
served count with a noisy show rate), and the demo seed (`mess seed`) on a fresh PostgreSQL database, read through
the forecast report exactly as the page does. Prints figures; asserts nothing; nothing is tuned to either.

    .venv/bin/python bench/forecast_backtest.py [--residents 5000] [--days 365] [--demo-residents 300]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mess.auth.actor import Actor  # noqa: E402
from mess.config import Settings  # noqa: E402
from mess.db.engine import Database  # noqa: E402
from mess.db.migrate import upgrade  # noqa: E402
from mess.forecast.model import ModelSettings, Observation, backtest, mape, slot_methods  # noqa: E402
from mess.forecast.synthetic import SLOTS, academic_calendar, generate_attendance, no_show_rate  # noqa: E402
from mess.headcount.expected import HISTORY_DAYS, PastMeal, estimate  # noqa: E402
from mess.models import UserAccount  # noqa: E402
from mess.reports.forecast import forecast_report  # noqa: E402
from mess.reports.scope import ReportParams  # noqa: E402
from mess.rollups.service import rebuild_rollups  # noqa: E402
from mess.seed.service import seed_demo  # noqa: E402

ADMIN_URL = os.environ.get("MESS_BENCH_PG_ADMIN_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
TODAY = date(2026, 3, 10)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def synthetic_meals(residents: int, days: int, seed: int = 2026) -> dict[str, list[PastMeal]]:
    """bench/analytics.py's year, with what the counter and the cutoff snapshot would have recorded."""
    first = TODAY - timedelta(days=days - 1)
    meals = generate_attendance(
        first, TODAY - timedelta(days=1), residents, seed=seed, calendar=academic_calendar(first, TODAY)
    )
    rng = random.Random(seed + 1)  # nosec B311 - reproducible synthetic data, not security
    out: dict[str, list[PastMeal]] = {slot: [] for slot in SLOTS}
    for k, meal in enumerate(meals):
        show = min(0.99, (1 - no_show_rate(meal.slot)) * math.exp(rng.gauss(0, 0.03)))
        walk_ins = min(meal.served, k % 7)
        came = meal.served - walk_ins
        booked = min(residents, round(came / show))
        out[meal.slot].append(PastMeal(meal.day, booked, k % 11, came, walk_ins))
    return out


def booking_backtest(history: list[PastMeal], days: int) -> tuple[float | None, float | None]:
    """MAPE of the booking-based estimate and of naive over the last `days` days, each meal estimated from the
    HISTORY_DAYS days before it (what the running app knows at that meal's cutoff)."""
    by_day = {m.day: m for m in history}
    last = max(by_day)
    actual, ours, naive = [], [], []
    for meal in history:
        if meal.day <= last - timedelta(days=days) or meal.day - timedelta(days=7) not in by_day:
            continue
        window = [m for m in history if meal.day - timedelta(days=HISTORY_DAYS) <= m.day < meal.day]
        actual.append(float(meal.plates))
        ours.append(float(estimate(meal.booked, meal.guests, meal.day, window).expected))
        naive.append(float(by_day[meal.day - timedelta(days=7)].plates))
    return mape(actual, ours), mape(actual, naive)


def synthetic_figures(residents: int, days: int) -> None:
    per_slot = synthetic_meals(residents, days)
    settings = ModelSettings()
    history = [Observation(m.day, slot, float(m.plates)) for slot, meals in per_slot.items() for m in meals]
    tested = backtest(history, academic_calendar(TODAY - timedelta(days=days), TODAY), settings=settings)
    chosen = slot_methods(tested, SLOTS, settings.interval)
    print(f"\nbench/analytics.py data: {residents} residents x {days} days, plates per meal; backtest = last 8 weeks")
    _header()
    for slot in SLOTS:
        ours, naive_same = booking_backtest(per_slot[slot], settings.backtest_weeks * 7)
        m = chosen[slot]
        _row(slot, m.method, m.mape, m.mape_model, ours, m.mape_naive, naive_same)


def _header() -> None:
    print(
        f"{'slot':<10} {'chosen':>7} {'chosen %':>9} {'model %':>8} {'bookings %':>11} {'naive %':>8} "
        f"{'naive on booking days %':>24}"
    )


def _row(
    slot: str,
    method: str,
    chosen: float | None,
    model: float | None,
    ours: float | None,
    naive: float | None,
    same: float | None,
) -> None:
    print(
        f"{slot:<10} {method:>7} {_fmt(chosen):>9} {_fmt(model):>8} {_fmt(ours):>11} {_fmt(naive):>8} {_fmt(same):>24}"
    )


async def _admin(statement: str) -> None:
    engine = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def demo_figures(url: str, residents: int, days: int) -> None:
    now = datetime(2026, 3, 10, 6, 30, tzinfo=UTC)  # 12:00 in Kolkata
    database = Database(Settings(database_url=url), null_pool=True)
    try:
        async with database.transaction() as session:
            counts = await seed_demo(session, residents=residents, days=days, now=now)
        async with database.transaction() as session:
            await rebuild_rollups(session, counts["mess_id"], TODAY - timedelta(days=days), TODAY, now)
        async with database.read_only() as session:
            warden = (await session.execute(select(UserAccount).where(UserAccount.login == "warden"))).scalar_one()
            actor = Actor(warden.id, "warden", warden.mess_id, warden.login, warden.name)
            report = await forecast_report(session, actor, ReportParams(), now)
    finally:
        await database.dispose()
    print(f"\ndemo seed: {residents} residents x {days} days (mess seed), through the forecast report")
    _header()
    for m in report.methods:
        _row(m.slot, m.method, m.mape, m.mape_model, m.mape_bookings, m.mape_naive, m.mape_bookings_naive)
    print("bookings % and its naive: each past meal of the last 56 days estimated from the meals before it")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=5000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--demo-residents", type=int, default=300)
    parser.add_argument("--demo-days", type=int, default=120)
    args = parser.parse_args()
    synthetic_figures(args.residents, args.days)
    name = f"mess_bench_backtest_{os.getpid()}"
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        upgrade(url)
        asyncio.run(demo_figures(url, args.demo_residents, args.demo_days))
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    sys.exit(main())
