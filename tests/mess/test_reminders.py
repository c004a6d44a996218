"""Cutoff reminders (PRODUCT 7.3): who is reminded of which meal, once, at the beat tick that first falls within the
lead before its cutoff, in the mess's local time (across time zones and a DST change). Rule and SQL on both
backends, time from the injectable clock; the beat schedule is simulated tick by tick."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from mess.models import Notification, NotificationDelivery, Slot
from mess.notifications.reminders import send_due_reminders
from tests.web.checkin_helpers import add_leave, book_for, cancel_for

LEAD = timedelta(minutes=60)
TICK = timedelta(minutes=5)
# 18:30 IST on the 10th: tomorrow's breakfast (07:30 IST, cutoff 720 min) closes at 19:30 IST = 14:00 UTC.
BEFORE_BREAKFAST = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
TOMORROW = date(2026, 3, 11)


async def beat(database, start: datetime, end: datetime, lead: timedelta = LEAD) -> None:
    """Every 5-minute tick of the beat schedule in [start, end), each in its own transaction, as the task runs."""
    now = start
    while now < end:
        async with database.transaction() as session:
            await send_due_reminders(session, now, lead)
        now += TICK


async def told(database) -> list[tuple[str, str, str, datetime]]:
    """(event key, login of the resident, title, when told), in the order told."""
    from mess.models import UserAccount

    async with database.read_only() as session:
        rows = await session.execute(
            select(Notification.event_key, UserAccount.login, Notification.title, Notification.created_at)
            .join(UserAccount, UserAccount.id == Notification.user_id)
            .where(Notification.kind == "reminder")
            .order_by(Notification.created_at, Notification.event_key, UserAccount.login)
        )
        return [tuple(row) for row in rows.all()]


async def slot_id(database, mess_id: int, code: str) -> int:
    async with database.read_only() as session:
        return int(await session.scalar(select(Slot.id).where(Slot.mess_id == mess_id, Slot.code == code)))


async def test_opt_in_reminds_those_who_made_no_choice(world, database, clock):
    world.at(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    mess = await world.mess(booking_mode="opt_in")
    warden = await world.user("warden", mess.id)
    silent = await world.resident(mess.id)
    booked = await world.resident(mess.id)
    cancelled = await world.resident(mess.id)
    away = await world.resident(mess.id)
    other_meal = await world.resident(mess.id)
    quiet = await world.resident(mess.id)
    await world.resident(mess.id, active_from=date(2026, 3, 12))  # not yet a resident on the 11th
    await world.resident(mess.id, active_from=date(2025, 1, 1), active_to=date(2026, 3, 10))  # left on the 10th
    world.at(BEFORE_BREAKFAST - timedelta(hours=2))
    await book_for(world, warden, booked, TOMORROW, "breakfast")
    await cancel_for(world, warden, cancelled, TOMORROW, "breakfast")
    await add_leave(world, away, TOMORROW, TOMORROW)
    await book_for(world, warden, other_meal, TOMORROW, "lunch")
    put = await world.client.put("/api/v1/me/preferences", json={"reminders": False}, headers=quiet.headers)
    assert put.status_code == 200

    await beat(database, BEFORE_BREAKFAST - timedelta(minutes=30), BEFORE_BREAKFAST + timedelta(minutes=90))

    breakfast = await slot_id(database, mess.id, "breakfast")
    assert [(key, login, when) for key, login, _, when in await told(database)] == [
        (f"reminder:2026-03-11:{breakfast}", person.roll_no, BEFORE_BREAKFAST) for person in (silent, other_meal)
    ]
    title = (await told(database))[0][2]
    assert title == "Book Breakfast on Wed 11 Mar before Tue 10 Mar, 7:30 pm"
    async with database.read_only() as session:
        body = await session.scalar(select(Notification.body).limit(1))
        emails = await session.scalar(select(func.count()).select_from(NotificationDelivery))
    assert body == (
        f"You have not booked Breakfast on Wed 11 Mar at {mess.name}. Booking closes at Tue 10 Mar, 7:30 pm; "
        "after that only the warden can change it."
    )
    assert emails == 2  # one email each (email is on by default)


async def test_opt_out_tells_the_booked_until_when_they_can_cancel(world, database, clock):
    world.at(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    mess = await world.mess(booking_mode="opt_out")
    warden = await world.user("warden", mess.id)
    eating = await world.resident(mess.id)
    cancelled = await world.resident(mess.id)
    world.at(BEFORE_BREAKFAST - timedelta(hours=2))
    await cancel_for(world, warden, cancelled, TOMORROW, "breakfast")
    await beat(database, BEFORE_BREAKFAST, BEFORE_BREAKFAST + TICK)
    assert [(login, title) for _, login, title, _ in await told(database)] == [
        (eating.roll_no, "Breakfast on Wed 11 Mar: cancel by 7:30 pm")
    ]


async def test_each_meal_once_however_often_or_late_beat_runs(world, database, clock):
    world.at(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    mess = await world.mess(booking_mode="opt_in")
    await world.resident(mess.id)
    # Every tick from 12:00 to 14:30 UTC, then all of them again (a tick run twice): breakfast once, at 13:00.
    for _ in range(2):
        await beat(database, BEFORE_BREAKFAST - timedelta(hours=1), BEFORE_BREAKFAST + timedelta(minutes=90))
    assert [when for *_, when in await told(database)] == [BEFORE_BREAKFAST]
    # Beat was down until 13:40: the first tick after it still reminds (before the cutoff), never after it.
    await world.mess(booking_mode="opt_in")
    late = await world.mess(booking_mode="opt_in", code="LATE")
    await world.resident(late.id)
    await beat(database, BEFORE_BREAKFAST + timedelta(minutes=40), BEFORE_BREAKFAST + timedelta(minutes=70))
    late_told = [when for key, login, _, when in await told(database) if when != BEFORE_BREAKFAST]
    assert late_told == [BEFORE_BREAKFAST + timedelta(minutes=40)]


async def test_each_mess_on_its_own_clock(world, database, clock):
    world.at(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    india = await world.mess(booking_mode="opt_in", code="IND")
    berlin = await world.mess(booking_mode="opt_in", code="BER", timezone="Europe/Berlin")
    in_india = await world.resident(india.id)
    in_berlin = await world.resident(berlin.id)
    # Berlin's breakfast of the 11th (07:30 CET) closes at 19:30 CET on the 10th = 18:30 UTC; India's dinner of the
    # 11th (19:30 IST) closes at 07:30 IST on the 11th = 02:00 UTC. India's breakfast of the 11th closed at 14:00 UTC.
    await beat(database, datetime(2026, 3, 10, 17, 0, tzinfo=UTC), datetime(2026, 3, 11, 1, 30, tzinfo=UTC))
    seen = [(login, title, when) for _, login, title, when in await told(database)]
    assert (
        in_berlin.roll_no,
        "Book Breakfast on Wed 11 Mar before Tue 10 Mar, 7:30 pm",
        datetime(2026, 3, 10, 17, 30, tzinfo=UTC),
    ) in seen
    assert (
        in_india.roll_no,
        "Book Dinner on Wed 11 Mar before Wed 11 Mar, 7:30 am",
        datetime(2026, 3, 11, 1, 0, tzinfo=UTC),
    ) in seen
    assert not [row for row in seen if row[0] == in_india.roll_no and row[1].startswith("Book Breakfast on Wed 11")]
    assert len(seen) == len(set(seen))


async def test_across_the_dst_change_in_london(world, database, clock):
    """Clocks go forward at 01:00 UTC on Sun 29 Mar 2026. The cutoff is 720 minutes of real time before the local
    serving start, so Sunday's breakfast (07:30 BST = 06:30 UTC) closes at 18:30 UTC = 6:30 pm GMT on Saturday, and
    Monday's (07:30 BST) at 18:30 UTC = 7:30 pm BST on Sunday."""
    world.at(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    london = await world.mess(booking_mode="opt_in", code="LDN", timezone="Europe/London")
    await world.resident(london.id)
    await beat(database, datetime(2026, 3, 27, 12, 0, tzinfo=UTC), datetime(2026, 3, 30, 12, 0, tzinfo=UTC))
    breakfasts = [(title, when) for _, _, title, when in await told(database) if title.startswith("Book Breakfast")]
    assert breakfasts == [
        ("Book Breakfast on Sat 28 Mar before Fri 27 Mar, 7:30 pm", datetime(2026, 3, 27, 18, 30, tzinfo=UTC)),
        ("Book Breakfast on Sun 29 Mar before Sat 28 Mar, 6:30 pm", datetime(2026, 3, 28, 17, 30, tzinfo=UTC)),
        ("Book Breakfast on Mon 30 Mar before Sun 29 Mar, 7:30 pm", datetime(2026, 3, 29, 17, 30, tzinfo=UTC)),
    ]
    # Every meal of those days reminded exactly once.
    keys = [key for key, *_ in await told(database)]
    assert len(keys) == len(set(keys))
