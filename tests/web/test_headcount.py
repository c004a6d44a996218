"""The live headcount against hand-counted truth, its forecast, and the frozen snapshot.

The clock stands at 2026-03-10 09:00 IST: breakfast (07:30-09:30) is being served."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mess.bookings.repository import effective_bookings, fetch_effective
from mess.headcount import repository as headcount_repository
from mess.headcount.service import freeze_due_meals
from tests.web.checkin_helpers import add_leave, book_for, cancel_for, check_in

TODAY = date(2026, 3, 10)
TOMORROW = date(2026, 3, 11)


async def headcount(client, person, **params):
    response = await client.get("/api/v1/headcount", params=params, headers=person.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def scenario(world, *, booking_mode: str = "opt_out"):
    """A small mess with every kind of resident; returns (mess, warden, staff, residents by letter)."""
    mess = await world.mess(booking_mode=booking_mode, allow_walk_in=True)
    warden = await world.user("warden", mess.id)
    staff = await world.user("staff", mess.id)
    people = {
        "A": await world.resident(mess.id, diet="veg"),  # default
        "B": await world.resident(mess.id, diet="non_veg"),  # cancels
        "C": await world.resident(mess.id, diet="egg"),  # books with 2 guests
        "D": await world.resident(mess.id, diet="jain"),  # booked with a guest, then approved leave
        "E": await world.resident(mess.id, diet="veg"),  # pending leave
        "F": await world.resident(mess.id, diet="veg", active_to=date(2026, 3, 9)),  # residency ended
        "G": await world.resident(mess.id, diet="non_veg", active_from=TOMORROW),  # not yet a resident
        "H": await world.resident(mess.id, diet="non_veg"),  # default
    }
    for day in (TODAY, TOMORROW):
        await cancel_for(world, warden, people["B"], day, "breakfast")
        await book_for(world, warden, people["C"], day, "breakfast", guests=2)
        await book_for(world, warden, people["D"], day, "breakfast", guests=1)
    await add_leave(world, people["D"], date(2026, 3, 9), TOMORROW, "approved")
    await add_leave(world, people["E"], TODAY, TOMORROW, "pending")
    return mess, warden, staff, people


async def test_opt_out_headcount_equals_hand_count(world, client):
    mess, warden, staff, _people = await scenario(world)
    body = await headcount(client, staff, date="2026-03-10", slot="breakfast")
    # Residents today: A B C D E H (F left yesterday, G starts tomorrow). Booked: A, C, E, H (B cancelled,
    # D on approved leave: the leave beats the explicit booking and its guest). Guests: C's 2.
    assert body["mess_id"] == mess.id and (body["date"], body["slot"]) == ("2026-03-10", "breakfast")
    assert (body["residents"], body["booked"], body["guests"], body["on_leave"]) == (6, 4, 2, 1)
    assert body["by_diet"] == {"veg": 2, "non_veg": 1, "egg": 1, "jain": 0}
    assert (body["checked_in"], body["walk_ins"], body["not_checked_in"]) == (0, 0, 4)
    assert body["forecast"] == 4 and body["forecast_basis"] == {
        "show_rate": 1.0,
        "meals": 0,
        "booked": 0,
        "checked_in": 0,
    }
    assert body["frozen"] is None
    # Tomorrow G is a resident too (default booked, non_veg): A B C D E G H, booked A C E G H.
    tomorrow = await headcount(client, warden, date="2026-03-11", slot="breakfast")
    assert (tomorrow["residents"], tomorrow["booked"], tomorrow["guests"]) == (7, 5, 2)
    assert tomorrow["by_diet"] == {"veg": 2, "non_veg": 2, "egg": 1, "jain": 0}
    # Lunch: nobody chose anything, so every resident not on leave is booked by default.
    lunch = await headcount(client, staff, date="2026-03-10", slot="lunch")
    assert (lunch["booked"], lunch["guests"], lunch["on_leave"]) == (5, 0, 1)
    assert lunch["by_diet"] == {"veg": 2, "non_veg": 2, "egg": 1, "jain": 0}


async def test_counts_follow_check_ins_bookings_and_cancellations(world, client):
    _mess, warden, staff, people = await scenario(world)
    await check_in(world, staff, roll_no=people["A"].roll_no)
    await check_in(world, staff, roll_no=people["B"].roll_no)  # cancelled: a walk-in
    await check_in(world, staff, roll_no=people["D"].roll_no)  # on leave: refused, not counted
    body = await headcount(client, staff)  # default: the meal being served now
    assert (body["date"], body["slot"]) == ("2026-03-10", "breakfast")
    assert (body["booked"], body["checked_in"], body["walk_ins"], body["not_checked_in"]) == (4, 2, 1, 3)

    await cancel_for(world, warden, people["C"], TODAY, "breakfast")
    body = await headcount(client, staff)
    assert (body["booked"], body["guests"], body["by_diet"]["egg"]) == (3, 0, 0)
    await book_for(world, warden, people["C"], TODAY, "breakfast", guests=1)
    await book_for(world, warden, people["B"], TODAY, "breakfast", guests=0)
    body = await headcount(client, staff)
    assert (body["booked"], body["guests"], body["by_diet"]) == (
        5,
        1,
        {"veg": 2, "non_veg": 2, "egg": 1, "jain": 0},
    )


async def test_opt_in_counts_only_explicit_bookings(world, client):
    _mess, _warden, staff, _people = await scenario(world, booking_mode="opt_in")
    body = await headcount(client, staff, date="2026-03-10", slot="breakfast")
    assert (body["residents"], body["booked"], body["guests"], body["on_leave"]) == (6, 1, 2, 1)
    assert body["by_diet"] == {"veg": 0, "non_veg": 0, "egg": 1, "jain": 0}
    lunch = await headcount(client, staff, date="2026-03-10", slot="lunch")
    assert lunch["booked"] == 0


async def test_aggregate_matches_the_effective_booking_rule(world, database):
    """The headcount's GROUP BY and the shared effective-booking query agree on every meal of the scenario."""
    for mode in ("opt_out", "opt_in"):
        mess, _warden, _staff, _people = await scenario(world, booking_mode=mode)
        async with database.transaction() as session:
            for slot in mess.slots:
                for day in (date(2026, 3, 9), TODAY, TOMORROW):
                    rows = await fetch_effective(
                        session, effective_bookings(mess.id, mode == "opt_out", day, day, slot_id=slot.id)
                    )
                    truth: dict[str, list[int]] = {}
                    for row in rows:
                        counts = truth.setdefault(row.diet, [0, 0, 0, 0])
                        counts[0] += 1
                        counts[1] += int(bool(row.booked))
                        counts[2] += int(row.guests or 0)
                        counts[3] += int(row.source == "leave")
                    got = await headcount_repository.meal_counts(session, mess.id, mode == "opt_out", day, slot.id)
                    assert {r.diet: [r.residents, r.booked, r.guests, r.on_leave] for r in got} == truth


async def test_forecast_from_recent_show_rate(world, client, database):
    world.at(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))  # the mess opened on the 1st
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    staff = await world.user("staff", mess.id)
    residents = [await world.resident(mess.id) for _ in range(4)]
    # Two past breakfasts, frozen at their cutoffs with 4 booked; 2 and then 3 of them came (recorded by the
    # warden as corrections), plus a walk-in that does not count towards the rate.
    for day, came in ((date(2026, 3, 8), 2), (date(2026, 3, 9), 3)):
        world.at(datetime(2026, 3, day.day - 1, 15, 0, tzinfo=UTC))  # 20:30 IST the day before: cutoff passed
        async with database.transaction() as session:
            assert await freeze_due_meals(session, world.clock.now()) >= 1
        world.at(datetime(2026, 3, 10, 3, 30, tzinfo=UTC))
        for resident in residents[:came]:
            out = await check_in(world, warden, roll_no=resident.roll_no, date=day, slot="breakfast")
            assert out["result"] == "ok"
    body = await headcount(client, staff, date="2026-03-10", slot="breakfast")
    # show rate 5 / 8; 4 booked x 5/8 = 2.5, rounded half up to 3.
    assert body["forecast_basis"] == {"show_rate": 0.625, "meals": 2, "booked": 8, "checked_in": 5}
    assert body["forecast"] == 3
    # Lunch has no frozen history: the forecast is the booking count itself.
    lunch = await headcount(client, staff, date="2026-03-10", slot="lunch")
    assert (lunch["forecast"], lunch["forecast_basis"]["meals"]) == (4, 0)


async def test_frozen_snapshot_is_shown_and_does_not_move(world, client, database):
    _mess, warden, staff, people = await scenario(world)
    async with database.transaction() as session:
        frozen_now = await freeze_due_meals(session, world.clock.now())
    assert frozen_now == 4  # today's four meals are past their cutoffs; tomorrow's are not (mess opened today)
    await cancel_for(world, warden, people["A"], TODAY, "breakfast")  # a late staff override after the freeze
    body = await headcount(client, staff, date="2026-03-10", slot="breakfast")
    assert body["booked"] == 3
    assert body["frozen"] == {
        "at": "2026-03-10T03:30:00Z",
        "booked": 4,
        "guests": 2,
        "by_diet": {"veg": 2, "non_veg": 1, "egg": 1, "jain": 0},
    }
    tomorrow = await headcount(client, staff, date="2026-03-11", slot="breakfast")
    assert tomorrow["frozen"] is None


async def test_scoping_and_bad_input(world, client):
    mess_a = await world.mess()
    mess_b = await world.mess()
    staff_a = await world.user("staff", mess_a.id)
    warden_b = await world.user("warden", mess_b.id)
    resident = await world.resident(mess_a.id)
    admin = await world.user("admin", None)
    await world.resident(mess_b.id)

    assert (await client.get("/api/v1/headcount", headers=resident.headers)).status_code == 403
    assert (await client.get("/api/v1/headcount")).status_code == 401
    other = await client.get("/api/v1/headcount", params={"mess_id": mess_b.id}, headers=staff_a.headers)
    assert other.status_code == 403 and other.json()["code"] == "wrong_mess"
    no_mess = await client.get("/api/v1/headcount", headers=admin.headers)
    assert no_mess.status_code == 422 and no_mess.json()["code"] == "mess_required"
    as_admin = await headcount(client, admin, mess_id=mess_a.id, date="2026-03-10", slot="dinner")
    assert (as_admin["mess_id"], as_admin["booked"]) == (mess_a.id, 1)
    own_b = await headcount(client, warden_b, date="2026-03-10", slot="dinner")
    assert (own_b["mess_id"], own_b["booked"]) == (mess_b.id, 1)
    for params in ({"date": "2026-13-01", "slot": "lunch"}, {"date": "yesterday"}, {"slot": ""}):
        response = await client.get("/api/v1/headcount", params=params, headers=staff_a.headers)
        assert response.status_code == 422, (params, response.text)
    unknown = await client.get("/api/v1/headcount", params={"slot": "brunch"}, headers=staff_a.headers)
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_slot"
    world.at(datetime(2026, 3, 10, 16, 30, tzinfo=UTC))  # 22:00 IST: the next meal is tomorrow's breakfast
    late = await headcount(client, staff_a)
    assert (late["date"], late["slot"]) == ("2026-03-11", "breakfast")
