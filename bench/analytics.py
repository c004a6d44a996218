"""Analytics benchmark: a year of a 5,000-resident mess on PostgreSQL; every dashboard's report query and its
full page run (Streamlit AppTest: sign-in check, queries, tables, Plotly figures) against the 2 s target.

    .venv/bin/python bench/analytics.py [--residents 5000] [--days 365] [--runs 5] [--keep]

Creates (and drops, unless --keep) its own database on MESS_BENCH_PG_ADMIN_URL
(default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import analytics_server, warden_page  # noqa: E402
from bench.forecast_backtest import synthetic_figures  # noqa: E402
from mess.auth.actor import Actor  # noqa: E402
from mess.auth.passwords import hash_password  # noqa: E402
from mess.auth.tokens import issue_access_token  # noqa: E402
from mess.config import Settings  # noqa: E402
from mess.db.engine import Database  # noqa: E402
from mess.db.migrate import upgrade  # noqa: E402
from mess.forecast.synthetic import academic_calendar, generate_attendance, no_show_rate  # noqa: E402
from mess.models import DailyRollup, Expense, MenuDish, Wastage  # noqa: E402
from mess.reports.consumption import consumption_report  # noqa: E402
from mess.reports.costs import cost_report  # noqa: E402
from mess.reports.forecast import forecast_report  # noqa: E402
from mess.reports.noshows import no_show_report  # noqa: E402
from mess.reports.overview import overview_report  # noqa: E402
from mess.reports.ratings import rating_report  # noqa: E402
from mess.reports.scope import ReportParams  # noqa: E402
from mess.reports.waste import waste_report  # noqa: E402

ADMIN_URL = os.environ.get("MESS_BENCH_PG_ADMIN_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
TARGET_SECONDS = 2.0
TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 6, 30, tzinfo=UTC)  # 12:00 in Kolkata
PAGES: list[tuple[str, str, Callable[..., Any]]] = [
    ("Overview", "overview", overview_report),
    ("Consumption", "consumption", consumption_report),
    ("No-shows", "no_shows", no_show_report),
    ("Cost", "cost", cost_report),
    ("Waste", "waste", waste_report),
    ("Ratings", "ratings", rating_report),
    ("Forecast", "forecast", forecast_report),
]
DISHES = {
    "breakfast": ["Poha", "Idli", "Upma", "Paratha", "Dosa"],
    "lunch": ["Dal", "Rice", "Rajma", "Chole", "Kadhi"],
    "snacks": ["Samosa", "Pakora", "Tea", "Biscuits"],
    "dinner": ["Paneer", "Roti", "Khichdi", "Biryani", "Aloo gobi"],
}


async def admin(statement: str) -> None:
    engine = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def build(url: str, residents: int, days: int) -> tuple[int, Actor]:
    """Bulk-load the data set with set-based SQL (generate_series) and returns (mess id, warden)."""
    database = Database(Settings(database_url=url), null_pool=True)
    first = TODAY - timedelta(days=days - 1)
    try:
        async with database.transaction() as s:
            mess_id = (
                await s.execute(
                    text(
                        "INSERT INTO mess (code, name, timezone, currency, booking_mode, cutoff_minutes, "
                        "min_rebate_days, max_guests, allow_walk_in, created_at) VALUES ('BENCH', 'Bench mess', "
                        "'Asia/Kolkata', 'INR', 'opt_out', 720, 3, 5, true, :now) RETURNING id"
                    ),
                    {"now": NOW},
                )
            ).scalar_one()
            windows = {"breakfast": (7, 9), "lunch": (12, 14), "snacks": (17, 18), "dinner": (19, 21)}
            slots = {}
            for position, (code, (a, b)) in enumerate(windows.items()):
                slots[code] = (
                    await s.execute(
                        text(
                            "INSERT INTO slot (mess_id, code, name, serve_start, serve_end, position) "
                            "VALUES (:m, :c, :n, :a, :b, :p) RETURNING id"
                        ),
                        {
                            "m": mess_id,
                            "c": code,
                            "n": code.title(),
                            "a": clock_time(a),
                            "b": clock_time(b),
                            "p": position,
                        },
                    )
                ).scalar_one()
            warden_id = (
                await s.execute(
                    text(
                        "INSERT INTO user_account (login, name, role, mess_id, password_hash, is_active, created_at) "
                        "VALUES ('bench-warden', 'Bench warden', 'warden', :m, :h, true, :now) RETURNING id"
                    ),
                    {"m": mess_id, "h": hash_password("bench-warden-password"), "now": NOW},
                )
            ).scalar_one()
            params = {"m": mess_id, "n": residents, "h": hash_password("bench"), "now": NOW}
            params["first"] = first - timedelta(days=30)
            await s.execute(
                text(
                    "INSERT INTO user_account (login, name, role, mess_id, password_hash, is_active, created_at) "
                    "SELECT 'B' || lpad(g::text, 5, '0'), 'Resident ' || g, 'resident', :m, :h, true, :now "
                    "FROM generate_series(1, :n) g"
                ),
                params,
            )
            await s.execute(
                text(
                    "INSERT INTO resident (mess_id, user_id, roll_no, name, email, diet, active_from, created_at) "
                    "SELECT :m, u.id, u.login, u.name, lower(u.login) || '@bench.edu', "
                    "(ARRAY['veg','non_veg','egg','jain'])[1 + u.id % 4], :first, :now "
                    "FROM user_account u WHERE u.mess_id = :m AND u.role = 'resident'"
                ),
                params,
            )

            calendar = academic_calendar(first, TODAY)
            meals = generate_attendance(first, TODAY, residents, seed=2026, calendar=calendar)
            rollups = []
            for k, meal in enumerate(meals):
                booked = min(residents, round(meal.served / (1 - no_show_rate(meal.slot))))
                walk_ins = k % 7
                checked_in = max(meal.served - walk_ins, 0)
                ratings = 20 + k % 40
                rollups.append(
                    {
                        "mess_id": mess_id,
                        "rollup_date": meal.day,
                        "slot_id": slots[meal.slot],
                        "residents": residents,
                        "booked": booked,
                        "guests": k % 11,
                        "on_leave": residents // 50,
                        "checked_in": checked_in,
                        "walk_ins": walk_ins,
                        "no_shows": booked - checked_in,
                        "waste_grams": 8000 + (k * 37) % 9000,
                        "rating_sum": ratings * 3 + k % 20,
                        "rating_count": ratings,
                        "meal_revenue": booked * 6000,
                        "updated_at": NOW,
                    }
                )
            await s.execute(insert(DailyRollup), rollups)
            expenses, menu, waste = [], [], []
            for offset in range(days):
                day = first + timedelta(days=offset)
                expenses.append(
                    {
                        "mess_id": mess_id,
                        "expense_date": day,
                        "category": "vegetables",
                        "amount": 2_500_000 + offset * 997 % 500_000,
                        "note": "",
                        "created_at": NOW,
                    }
                )
                if day.weekday() == 0:
                    expenses.append(
                        {
                            "mess_id": mess_id,
                            "expense_date": day,
                            "category": "groceries",
                            "amount": 18_000_000,
                            "note": "",
                            "created_at": NOW,
                        }
                    )
                for slot, dishes in DISHES.items():
                    for position in range(2):
                        dish = dishes[(offset + position * 2) % len(dishes)]
                        menu.append(
                            {
                                "mess_id": mess_id,
                                "menu_date": day,
                                "slot_id": slots[slot],
                                "dish": dish,
                                "diet_tag": "veg",
                                "position": position,
                            }
                        )
                    waste.append(
                        {
                            "mess_id": mess_id,
                            "waste_date": day,
                            "slot_id": slots[slot],
                            "grams": 8000 + (offset * 53) % 9000,
                            "note": "",
                            "created_at": NOW,
                        }
                    )
            await s.execute(insert(Expense), expenses)
            await s.execute(insert(MenuDish), menu)
            await s.execute(insert(Wastage), waste)
            span = {"m": mess_id, "a": first, "b": TODAY, "now": NOW, "recent": TODAY - timedelta(days=30)}
            # Ratings: about 2% of resident-meals over the year.
            await s.execute(
                text(
                    "INSERT INTO feedback (mess_id, resident_id, meal_date, slot_id, rating, comment, created_at) "
                    "SELECT :m, r.id, d::date, s.id, 1 + floor(random() * 5)::int, '', :now "
                    "FROM resident r "
                    "CROSS JOIN generate_series(CAST(:a AS date), CAST(:b AS date), interval '1 day') d "
                    "CROSS JOIN slot s WHERE r.mess_id = :m AND s.mess_id = :m AND random() < 0.02"
                ),
                span,
            )
            # The per-resident no-show table reads the last month of raw check-ins and cancellations.
            await s.execute(
                text(
                    "INSERT INTO checkin (mess_id, resident_id, roll_no, meal_date, slot_id, result, admitted, "
                    "walk_in, method, created_at) "
                    "SELECT :m, r.id, r.roll_no, d::date, s.id, 'ok', true, false, 'roll_no', :now "
                    "FROM resident r "
                    "CROSS JOIN generate_series(CAST(:recent AS date), CAST(:b AS date), interval '1 day') d "
                    "CROSS JOIN slot s WHERE r.mess_id = :m AND s.mess_id = :m AND random() < 0.7"
                ),
                span,
            )
            await s.execute(
                text(
                    "INSERT INTO booking (mess_id, resident_id, meal_date, slot_id, status, guests, updated_at) "
                    "SELECT :m, r.id, d::date, s.id, 'cancelled', 0, :now "
                    "FROM resident r "
                    "CROSS JOIN generate_series(CAST(:recent AS date), CAST(:b AS date), interval '1 day') d "
                    "CROSS JOIN slot s WHERE r.mess_id = :m AND s.mess_id = :m AND random() < 0.08 "
                    "AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.resident_id = r.id AND c.meal_date = d::date "
                    "AND c.slot_id = s.id)"
                ),
                span,
            )
            await s.execute(
                text(
                    "INSERT INTO bill (mess_id, resident_id, month, status, total, created_at) "
                    "SELECT :m, r.id, to_char(mo, 'YYYY-MM'), 'issued', 350000 + (r.id * 7919) % 250000, :now "
                    "FROM resident r CROSS JOIN generate_series(date_trunc('month', CAST(:a AS date)), "
                    "date_trunc('month', CAST(:b AS date)) - interval '1 month', interval '1 month') mo "
                    "WHERE r.mess_id = :m"
                ),
                span,
            )
        async with database.transaction() as s:
            await s.execute(text("ANALYZE"))
        return mess_id, Actor(warden_id, "warden", mess_id, "bench-warden", "Bench warden")
    finally:
        await database.dispose()


async def time_queries(settings: Settings, warden: Actor, params: ReportParams, runs: int) -> dict[str, float]:
    database = Database(settings)
    out = {}
    try:
        for title, _, report in PAGES:
            samples = []
            for _ in range(runs + 1):  # the first run warms the pool and the caches; not counted
                started = time.perf_counter()
                async with database.read_only() as session:
                    await report(session, warden, params, NOW)
                samples.append(time.perf_counter() - started)
            out[title] = statistics.median(samples[1:])
    finally:
        await database.dispose()
    return out


def time_pages(settings: Settings, warden: Actor, runs: int, year: bool) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    from analytics.frame import NOW_KEY, SETTINGS_KEY, TOKEN_KEY

    token = issue_access_token(warden, settings.secret_key.get_secret_value(), NOW, 600)
    out = {}
    for title, page, _ in PAGES:
        samples = []
        for _ in range(runs + 1):
            at = AppTest.from_file(str(ROOT / "analytics" / "pages" / f"{page}.py"), default_timeout=120)
            at.session_state[SETTINGS_KEY] = settings
            at.session_state[NOW_KEY] = NOW
            at.session_state[TOKEN_KEY] = token
            if year and page not in ("overview", "forecast"):
                at.run()  # draws the widgets; the timed run below is the one with a year of dates
                at.date_input(key="dates").set_value((TODAY - timedelta(days=364), TODAY))
            started = time.perf_counter()
            at.run()
            samples.append(time.perf_counter() - started)
            if at.exception:
                raise RuntimeError(f"{title}: {at.exception[0].value}")
        out[title] = statistics.median(samples[1:])
    return out


def screenshots(url: str, secret: str, warden: Actor, folder: Path) -> None:
    """Serve the app with `mess analytics` and photograph every page, signed in by the web app's cookie."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    with analytics_server(url, secret) as app:
        # The app is looked at on its real date, so the token is issued on the wall clock.
        token = issue_access_token(warden, secret, datetime.now(UTC), 60)
        with sync_playwright() as playwright:
            page = warden_page(playwright, token)
            for title, slug, _ in PAGES:
                path = "" if slug == "overview" else slug
                page.goto(f"{app}/{path}", timeout=60_000)
                page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
                page.wait_for_timeout(2500)  # let Plotly draw
                page.screenshot(path=str(folder / f"analytics-{slug.replace('_', '-')}.png"), full_page=False)
                print(f"screenshot: {title}")
            page.context.browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=5000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--screenshots", type=Path, help="also save a PNG of every page here (needs chromium)")
    args = parser.parse_args()
    if args.screenshots:
        # Pictures show the app as a warden sees it today, so the history ends today.
        global TODAY, NOW
        NOW = datetime.now(UTC)
        TODAY = NOW.date()
    name = f"mess_bench_analytics_{os.getpid()}"
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        upgrade(url)
        started = time.perf_counter()
        _, warden = asyncio.run(build(url, args.residents, args.days))
        print(f"loaded {args.residents} residents x {args.days} days in {time.perf_counter() - started:.1f} s ({name})")
        secret = "bench-secret-key-0123456789-0123456789"
        settings = Settings(database_url=url, secret_key=secret)
        if args.screenshots:
            screenshots(url, secret, warden, args.screenshots)
            return 0
        month = ReportParams()
        year = ReportParams(start=TODAY - timedelta(days=364), end=TODAY)
        query_month = asyncio.run(time_queries(settings, warden, month, args.runs))
        query_year = asyncio.run(time_queries(settings, warden, year, args.runs))
        page_month = time_pages(settings, warden, max(args.runs // 2, 2), year=False)
        page_year = time_pages(settings, warden, max(args.runs // 2, 2), year=True)
        print(f"\nmedian seconds (target {TARGET_SECONDS:.1f} s per page); 'page' = a full Streamlit run incl. queries")
        print(f"{'dashboard':<12} {'query 30d':>10} {'query 1y':>10} {'page 30d':>10} {'page 1y':>10}  within target")
        for title, _, _ in PAGES:
            worst = max(page_month[title], page_year[title])
            print(
                f"{title:<12} {query_month[title]:>10.3f} {query_year[title]:>10.3f} {page_month[title]:>10.3f} "
                f"{page_year[title]:>10.3f}  {'yes' if worst < TARGET_SECONDS else 'NO'} "
                f"({worst / TARGET_SECONDS:.0%} of target)"
            )
        synthetic_figures(args.residents, args.days)  # the forecast's backtest: chosen, booking-based, naive
        slowest = max(max(page_month.values()), max(page_year.values()))
        print(
            f"SUMMARY | analytics, {args.residents} residents x {args.days} days | slowest page {slowest:.2f} s "
            f"| < 2 s per page | {'met' if slowest < TARGET_SECONDS else 'not met'} |"
        )
        return 0
    finally:
        if not args.keep:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    sys.exit(main())
