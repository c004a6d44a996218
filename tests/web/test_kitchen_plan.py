"""GET /api/v1/kitchen/plan against figures computed by hand (PRODUCT 7.5), on both backends.

The clock stands at Tue 2026-03-10 09:00 IST: lunch and dinner are past their cutoffs (bookings known)."""

from __future__ import annotations

from datetime import date, timedelta

from mess.kit.diets import DIETS
from mess.models import DailyRollup, HeadcountSnapshot, MenuDish, MenuTemplateDish, Wastage
from tests.web.checkin_helpers import book_for, check_in

TODAY = date(2026, 3, 10)


async def plan(client, person, status=200, **params):
    response = await client.get("/api/v1/kitchen/plan", params=params, headers=person.headers)
    assert response.status_code == status, response.text
    return response.json()


async def scenario(world):
    mess = await world.mess(booking_mode="opt_out", waste_target_grams=60)
    warden = await world.user("warden", mess.id)
    staff = await world.user("staff", mess.id)
    diets = ["veg"] * 6 + ["non_veg"] * 3 + ["jain"]
    people = [await world.resident(mess.id, diet=diet) for diet in diets]
    slot = {s.code: s.id for s in mess.slots}
    now = world.clock.now()
    async with world.database.transaction() as session:
        # Two past lunches, each frozen with all 10 booked: Tue 03 Mar (8 came) and Mon 09 Mar (6 came).
        for day in (date(2026, 3, 3), date(2026, 3, 9)):
            session.add_all(
                HeadcountSnapshot(
                    mess_id=mess.id,
                    meal_date=day,
                    slot_id=slot["lunch"],
                    diet=diet,
                    booked=diets.count(diet),
                    guests=0,
                    frozen_at=now,
                )
                for diet in DIETS
            )
        dishes = [
            ("Dal", "veg", 150, "g"),
            ("Chicken curry", "non_veg", 120, "g"),
            ("Jain sabzi", "jain", 100, "g"),
            ("Roti", "veg", 3, "pieces"),
            ("Buttermilk", "veg", 200, "ml"),
            ("Pickle", "veg", None, None),
        ]
        session.add_all(
            MenuDish(
                mess_id=mess.id,
                menu_date=TODAY,
                slot_id=slot["lunch"],
                dish=name,
                diet_tag=tag,
                position=k,
                portion=portion,
                unit=unit,
            )
            for k, (name, tag, portion, unit) in enumerate(dishes)
        )
        session.add(
            MenuTemplateDish(
                mess_id=mess.id, weekday=TODAY.weekday(), slot_id=slot["dinner"], dish="Khichdi", portion=250, unit="g"
            )
        )
        # Waste at lunch: 4,000 g and 6,000 g over 100 plates each in the last 7 days, 7,000 g over 100 before.
        for day, grams in ((date(2026, 3, 5), 4000), (date(2026, 3, 9), 6000), (date(2026, 2, 26), 7000)):
            session.add(
                DailyRollup(mess_id=mess.id, rollup_date=day, slot_id=slot["lunch"], checked_in=100, updated_at=now)
            )
            session.add(Wastage(mess_id=mess.id, waste_date=day, slot_id=slot["lunch"], grams=grams, created_at=now))
    for day, came in ((date(2026, 3, 3), 8), (date(2026, 3, 9), 6)):
        for person in people[:came]:
            assert (await check_in(world, warden, roll_no=person.roll_no, date=day, slot="lunch"))["result"] == "ok"
    await book_for(world, warden, people[0], TODAY, "lunch", guests=2)  # a veg resident brings two guests
    return mess, warden, staff


async def test_the_plan_matches_hand_computed_figures(world, client):
    _mess, _warden, staff = await scenario(world)
    body = await plan(client, staff, date="2026-03-10", slot="lunch")
    # Show rate: slot 14/20 = 0.7; Tuesday (8 + 20 x 0.7) / (10 + 20) = 22/30 (the prior is two average meals).
    assert body["show_rate"] == round(22 / 30, 4) and body["walk_ins"] == 0
    # 10 booked x 22/30 = 7.33 + 0 walk-ins + 2 guests = 9.33 -> 9. One past error only: low = 9, high = all
    # booked + guests = 12.
    assert (body["booked"], body["guests"], body["bookings_known"], body["method"]) == (10, 2, True, "bookings")
    assert (body["plates_expected"], body["plates_low"], body["plates_high"]) == (9, 9, 12)
    # By diet, weights veg 6 + 2 guests, non-veg 3, jain 1 of 12: 9 -> 6, 2.25, 0.75 -> 6, 2, 1 (largest
    # remainder); 12 -> 8, 3, 1.
    assert body["by_diet"] == {"veg": 6, "non_veg": 2, "egg": 0, "jain": 1}
    assert body["by_diet_high"] == {"veg": 8, "non_veg": 3, "egg": 0, "jain": 1}
    assert body["menu_source"] == "day" and body["slot_name"] == "Lunch"
    dishes = {d["dish"]: d for d in body["dishes"]}
    assert list(dishes) == ["Dal", "Chicken curry", "Jain sabzi", "Roti", "Buttermilk", "Pickle"]
    # The meal has a jain dish: veg dishes are for veg, non-veg and egg eaters (6 + 2 + 0 = 8; high 8 + 3 = 11).
    dal = dishes["Dal"]
    assert dal["eaten_by"] == ["veg", "non_veg", "egg"] and (dal["plates"], dal["plates_high"]) == (8, 11)
    assert (dal["quantity"], dal["quantity_high"], dal["quantity_unit"]) == (1.2, 1.65, "kg")  # 8 x 150 g
    chicken = dishes["Chicken curry"]
    assert (chicken["plates"], chicken["quantity"], chicken["quantity_high"]) == (2, 0.24, 0.36)
    jain = dishes["Jain sabzi"]
    assert (jain["eaten_by"], jain["plates"], jain["quantity"], jain["quantity_unit"]) == (["jain"], 1, 0.1, "kg")
    roti = dishes["Roti"]
    assert (roti["quantity"], roti["quantity_high"], roti["quantity_unit"]) == (24, 33, "pieces")
    buttermilk = dishes["Buttermilk"]
    assert (buttermilk["quantity"], buttermilk["quantity_high"], buttermilk["quantity_unit"]) == (1.6, 2.2, "l")
    assert dishes["Pickle"]["quantity"] is None and dishes["Pickle"]["plates"] == 8
    # Waste: last 7 days (03-03..03-09) 10,000 g / 200 plates = 50.0 g; the 7 before 7,000 / 100 = 70.0 g.
    waste = body["waste"]
    assert (waste["target_grams_per_plate"], waste["last_7_days"], waste["previous_7_days"]) == (60, 50.0, 70.0)
    assert (waste["trend"], waste["on_target"]) == ("down", True)
    assert [d["date"] for d in waste["days"]] == ["2026-02-26", "2026-03-05", "2026-03-09"]

    # The headcount API's expected plates for the same meal are the same figure, from the same function.
    headcount = await client.get(
        "/api/v1/headcount", params={"date": "2026-03-10", "slot": "lunch"}, headers=staff.headers
    )
    assert headcount.json()["expected"]["expected"] == body["plates_expected"] == 9


async def test_a_template_menu_plans_too(world, client):
    _mess, warden, _staff = await scenario(world)
    body = await plan(client, warden, date="2026-03-10", slot="dinner")
    # No past dinners: everyone booked is expected (show rate 1.0); no jain dish, so veg is for every diet.
    assert (body["menu_source"], body["plates_expected"], body["plates_high"]) == ("template", 10, 10)
    (khichdi,) = body["dishes"]
    assert (khichdi["eaten_by"], khichdi["plates"], khichdi["quantity"]) == (list(DIETS), 10, 2.5)
    assert body["waste"]["trend"] is None and body["waste"]["days"] == []


async def test_dates_far_away_are_refused(world, client):
    _mess, warden, _staff = await scenario(world)
    far = (TODAY + timedelta(days=367)).isoformat()
    body = await plan(client, warden, status=422, date=far, slot="lunch")
    assert body["code"] == "date_out_of_range"
    body = await plan(client, warden, status=422, date=(TODAY - timedelta(days=401)).isoformat(), slot="lunch")
    assert body["code"] == "date_out_of_range"
    assert (await plan(client, warden, status=404, date="2026-03-10", slot="brunch"))["code"] == "unknown_slot"
