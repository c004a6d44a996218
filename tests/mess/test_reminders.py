"""Booking reminders: which residents of which mess are reminded of which meal, and at which tick. Rule and query
on both backends, time from the injectable clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from mess.notifications.reminders import Reminder, due_reminders, tick_window
from tests.web.checkin_helpers import add_leave, book_for, cancel_for

LEAD = timedelta(minutes=60)
# 18:30 IST on the 10th: tomorrow's breakfast (07:30 IST, cutoff 720 min) closes at 19:30 IST = 14:00 UTC.
BEFORE_BREAKFAST = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
TOMORROW = date(2026, 3, 11)


async def remind(database, now: datetime, lead: timedelta = LEAD) -> list[Reminder]:
    async with database.read_only() as session:
        return await due_reminders(session, now, lead)


def test_each_cutoff_falls_in_exactly_one_tick():
    cutoff = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    seconds = [BEFORE_BREAKFAST + timedelta(seconds=s) for s in range(-1800, 1800, 15)]
    hits = [now for now in seconds if tick_window(now, LEAD)[0] <= cutoff < tick_window(now, LEAD)[1]]
    assert (hits[0], hits[-1]) == (BEFORE_BREAKFAST, BEFORE_BREAKFAST + timedelta(minutes=4, seconds=45))
    assert len(hits) == 20  # every moment of the one 5-minute tick, and no other


async def test_reminds_residents_who_made_no_choice(world, database, clock):
    world.at(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    mess = await world.mess(booking_mode="opt_in")
    warden = await world.user("warden", mess.id)
    silent = await world.resident(mess.id)
    booked = await world.resident(mess.id)
    cancelled = await world.resident(mess.id)
    away = await world.resident(mess.id)
    other_meal = await world.resident(mess.id)
    await world.resident(mess.id, active_from=date(2026, 3, 12))  # not yet a resident on the 11th
    await world.resident(mess.id, active_from=date(2025, 1, 1), active_to=date(2026, 3, 10))  # left on the 10th
    await world.resident((await world.mess(booking_mode="opt_out")).id)  # opt_out: absent means eating
    world.at(BEFORE_BREAKFAST)
    await book_for(world, warden, booked, TOMORROW, "breakfast")
    await cancel_for(world, warden, cancelled, TOMORROW, "breakfast")
    await add_leave(world, away, TOMORROW, TOMORROW)
    await book_for(world, warden, other_meal, TOMORROW, "lunch")

    reminders = await remind(database, clock.now())

    assert [r.email for r in reminders] == [f"{p.roll_no.lower()}@example.edu" for p in (silent, other_meal)]
    assert reminders[0] == Reminder(
        f"{silent.roll_no.lower()}@example.edu",
        "Book Breakfast on Wed 11 Mar before Tue 10 Mar, 7:30 pm",
        f"Hello Resident {silent.roll_no}, you have not booked Breakfast on Wed 11 Mar at {mess.name}. "
        "Booking closes at the cutoff; after that only the warden can change it.",
    )


async def test_one_tick_per_meal_and_the_lead_from_the_caller(world, database, clock):
    world.at(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    mess = await world.mess(booking_mode="opt_in")
    await world.resident(mess.id)
    subjects = {}
    for minutes in range(-60, 65, 5):  # every tick of the beat schedule from 12:00 to 14:00 UTC
        now = BEFORE_BREAKFAST + timedelta(minutes=minutes, seconds=30)
        world.at(now)
        reminders = await remind(database, clock.now())
        if reminders:
            subjects[minutes] = [r.subject for r in reminders]
    assert subjects == {0: ["Book Breakfast on Wed 11 Mar before Tue 10 Mar, 7:30 pm"]}
    # A 30-minute lead moves the reminder to the 13:30 tick.
    half_hour = timedelta(minutes=30)
    assert len(await remind(database, BEFORE_BREAKFAST + half_hour, half_hour)) == 1
    assert await remind(database, BEFORE_BREAKFAST, timedelta(minutes=30)) == []


async def test_each_mess_on_its_own_clock(world, database, clock):
    world.at(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    india = await world.mess(booking_mode="opt_in")
    berlin = await world.mess(booking_mode="opt_in", timezone="Europe/Berlin")
    await world.resident(india.id)
    await world.resident(berlin.id)
    # Berlin's breakfast of the 11th (07:30 CET) closes at 19:30 CET on the 10th = 18:30 UTC; India's dinner of the
    # 11th (19:30 IST) closes at 07:30 IST on the 11th = 02:00 UTC.
    world.at(datetime(2026, 3, 10, 17, 30, tzinfo=UTC))
    assert [(r.subject, berlin.name in r.body) for r in await remind(database, clock.now())] == [
        ("Book Breakfast on Wed 11 Mar before Tue 10 Mar, 7:30 pm", True)
    ]
    world.at(datetime(2026, 3, 11, 1, 0, tzinfo=UTC))
    assert [(r.subject, india.name in r.body) for r in await remind(database, clock.now())] == [
        ("Book Dinner on Wed 11 Mar before Wed 11 Mar, 7:30 am", True)
    ]
