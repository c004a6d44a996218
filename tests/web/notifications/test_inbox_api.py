"""Notifications through the REST API (PRODUCT 7.3): who hears what, once; the inbox; preferences; push
subscriptions. Today is Tue 10 Mar 2026, 09:00 IST."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from mess.models import Notification, NotificationDelivery, PushSubscription
from mess.notifications.push import b64url, generate_keys
from tests.web.checkin_helpers import add_leave
from tests.web.domain_helpers import expect
from tests.web.money.helpers import bill_and_issue, priced_mess

BROWSER_KEY = generate_keys().public_key  # a real P-256 point, as a browser's p256dh
AUTH = b64url(b"0123456789abcdef")


async def deliveries(database, **where) -> list[tuple[str, str]]:
    async with database.read_only() as session:
        query = select(NotificationDelivery.channel, NotificationDelivery.status).join(
            Notification, Notification.id == NotificationDelivery.notification_id
        )
        for column, value in where.items():
            query = query.where(getattr(Notification, column) == value)
        return sorted((await session.execute(query)).all())


async def test_a_leave_decision_reaches_the_resident_once_with_the_note(world, client, database):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    resident = await world.resident(mess.id)
    other = await world.resident(mess.id)
    leave = expect(
        await client.post(
            "/api/v1/leaves", json={"start_date": "2026-03-20", "end_date": "2026-03-22"}, headers=resident.headers
        ),
        201,
    )
    assert expect(await client.get("/api/v1/notifications", headers=resident.headers), 200) == []
    body = {"note": "Back by Sunday dinner, please"}
    expect(await client.post(f"/api/v1/leaves/{leave['id']}/reject", json=body, headers=warden.headers), 200)

    response = await client.get("/api/v1/notifications?unread=true", headers=resident.headers)
    inbox = expect(response, 200)
    assert response.headers["X-Total-Count"] == "1"
    assert [(n["kind"], n["title"], n["read_at"]) for n in inbox] == [
        ("leave", "Leave not approved: Fri 20 Mar to Sun 22 Mar", None)
    ]
    assert inbox[0]["body"] == (
        "The warden rejected your leave Fri 20 Mar to Sun 22 Mar. Note from the warden: Back by Sunday dinner, please"
    )
    assert inbox[0]["link"] == "/me/leaves"
    # Email by default (the resident has an address); no browser subscribed, so no push.
    assert await deliveries(database, id=inbox[0]["id"]) == [("email", "pending")]
    # Nobody else hears it, nor may read it.
    assert expect(await client.get("/api/v1/notifications", headers=other.headers), 200) == []
    expect(await client.post(f"/api/v1/notifications/{inbox[0]['id']}/read", headers=other.headers), 404, "not_found")
    expect(await client.post(f"/api/v1/notifications/{inbox[0]['id']}/read", headers=warden.headers), 404, "not_found")

    read = expect(await client.post(f"/api/v1/notifications/{inbox[0]['id']}/read", headers=resident.headers), 200)
    assert read["read_at"] is not None
    again = expect(await client.post(f"/api/v1/notifications/{inbox[0]['id']}/read", headers=resident.headers), 200)
    assert again["read_at"] == read["read_at"]  # idempotent
    assert expect(await client.get("/api/v1/notifications?unread=true", headers=resident.headers), 200) == []
    assert len(expect(await client.get("/api/v1/notifications", headers=resident.headers), 200)) == 1


async def test_the_same_event_twice_tells_once(world, client, database):
    from mess.messes.service import load_mess
    from mess.models import Leave
    from mess.notifications import events

    mess = await world.mess()
    resident = await world.resident(mess.id)
    await add_leave(world, resident, date(2026, 3, 20), date(2026, 3, 21))
    async with database.transaction() as session:
        leave = (await session.execute(select(Leave))).scalar_one()
        loaded = await load_mess(session, mess.id)
        told = [await events.leave_decided(session, loaded, leave, world.clock.now()) for _ in range(3)]
    assert told == [1, 0, 0]
    async with database.read_only() as session:
        assert await session.scalar(select(func.count()).select_from(Notification)) == 1
        assert await session.scalar(select(func.count()).select_from(NotificationDelivery)) == 1


async def test_bill_issued_tells_each_resident_the_amount_and_due_date(world, client, database):
    money = await priced_mess(world, client, residents=2)
    await bill_and_issue(world, client, money, "2026-02")
    for person in money.residents:
        inbox = expect(await client.get("/api/v1/notifications", headers=person.headers), 200)
        assert len(inbox) == 1 and inbox[0]["kind"] == "bill"
        bill = expect(await client.get("/api/v1/bills?month=2026-02", headers=person.headers), 200)[0]
        assert inbox[0]["link"] == f"/bills/{bill['id']}"
        assert inbox[0]["title"].startswith("Your bill for February 2026: ₹")
        assert inbox[0]["body"].endswith(", due by Fri 20 Mar.")  # issued Tue 10 Mar, due 10 days later


async def test_a_menu_change_within_two_days_is_news(world, client, database):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    resident = await world.resident(mess.id)
    leaver = await world.resident(mess.id, active_from=date(2025, 1, 1), active_to=date(2026, 3, 10))
    dishes = {"dishes": [{"dish": "Rajma", "diet_tag": "veg"}, {"dish": "Rice", "diet_tag": "veg"}]}
    # Tomorrow's lunch is within two days; next week's is not.
    expect(await client.put("/api/v1/menu/2026-03-11/lunch", json=dishes, headers=warden.headers), 200)
    expect(await client.put("/api/v1/menu/2026-03-17/lunch", json=dishes, headers=warden.headers), 200)
    # The same menu set again is the same news; a different one is new.
    expect(await client.put("/api/v1/menu/2026-03-11/lunch", json=dishes, headers=warden.headers), 200)
    inbox = expect(await client.get("/api/v1/notifications", headers=resident.headers), 200)
    assert [(n["title"], n["body"]) for n in inbox] == [
        ("Menu changed: Lunch on Wed 11 Mar", "Now on the menu: Rajma, Rice.")
    ]
    assert expect(await client.get("/api/v1/notifications", headers=leaver.headers), 200) == []  # gone by then
    dishes["dishes"].append({"dish": "Curd", "diet_tag": "veg"})
    expect(await client.put("/api/v1/menu/2026-03-11/lunch", json=dishes, headers=warden.headers), 200)
    inbox = expect(await client.get("/api/v1/notifications", headers=resident.headers), 200)
    assert [n["body"] for n in inbox] == ["Now on the menu: Rajma, Rice, Curd.", "Now on the menu: Rajma, Rice."]
    marked = expect(await client.post("/api/v1/notifications/read-all", headers=resident.headers), 200)
    assert marked == {"marked": 2}
    assert expect(await client.post("/api/v1/notifications/read-all", headers=resident.headers), 200) == {"marked": 0}


async def test_preferences_default_partial_update_and_quiet_hours(world, client, database):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    h = resident.headers
    assert expect(await client.get("/api/v1/me/preferences", headers=h), 200) == {
        "email": True,
        "push": True,
        "reminders": True,
        "quiet_start": None,
        "quiet_end": None,
        "push_subscriptions": 0,
    }
    saved = expect(await client.put("/api/v1/me/preferences", json={"email": False}, headers=h), 200)
    assert (saved["email"], saved["push"], saved["reminders"]) == (False, True, True)
    night = {"quiet_start": "22:30", "quiet_end": "06:45"}
    saved = expect(await client.put("/api/v1/me/preferences", json=night, headers=h), 200)
    assert (saved["email"], saved["quiet_start"], saved["quiet_end"]) == (False, "22:30", "06:45")
    for bad in (
        {"quiet_start": "22:00"},
        {"quiet_start": "22:00", "quiet_end": "22:00"},
        {"quiet_start": "25:00", "quiet_end": "06:00"},
    ):
        expect(await client.put("/api/v1/me/preferences", json=bad, headers=h), 422)
    expect(await client.put("/api/v1/me/preferences", json={"email": "yes"}, headers=h), 422)
    cleared = expect(
        await client.put("/api/v1/me/preferences", json={"quiet_start": None, "quiet_end": None}, headers=h), 200
    )
    assert (cleared["quiet_start"], cleared["email"]) == (None, False)
    # Email off: a new event makes no email delivery for this resident.
    warden = await world.user("warden", mess.id)
    dishes = {"dishes": [{"dish": "Poha", "diet_tag": "veg"}]}
    expect(await client.put("/api/v1/menu/2026-03-11/breakfast", json=dishes, headers=warden.headers), 200)
    assert await deliveries(database, user_id=resident.id) == []


async def test_push_key_and_subscriptions(world, client, database, settings):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    other = await world.resident(mess.id)
    h = resident.headers
    key = expect(await client.get("/api/v1/push/key", headers=h), 200)["public_key"]
    assert len(key) == 87  # 65 bytes, base64url without padding
    assert expect(await client.get("/api/v1/push/key", headers=other.headers), 200)["public_key"] == key  # one pair
    endpoint = "https://fcm.googleapis.com/fcm/send/abc:APA91bE"
    subscription = {"endpoint": endpoint, "keys": {"p256dh": BROWSER_KEY, "auth": AUTH}}
    saved = expect(await client.post("/api/v1/push/subscriptions", json=subscription, headers=h), 201)
    assert saved["push_subscriptions"] == 1
    expect(await client.post("/api/v1/push/subscriptions", json=subscription, headers=h), 201)  # the same again
    # The same browser, now signed in as someone else: the endpoint moves to them.
    expect(await client.post("/api/v1/push/subscriptions", json=subscription, headers=other.headers), 201)
    async with database.read_only() as session:
        owners = (await session.execute(select(PushSubscription.user_id))).scalars().all()
    assert owners == [other.id]
    for bad in (
        {**subscription, "endpoint": "http://127.0.0.1:9/x"},  # not https (tests/web/notifications/test_push_endpoints)
        {**subscription, "endpoint": "file:///etc/passwd"},
    ):
        expect(await client.post("/api/v1/push/subscriptions", json=bad, headers=h), 422, "push_endpoint_refused")
    bad_key = {**subscription, "keys": {"p256dh": AUTH * 4, "auth": AUTH}}  # not a P-256 point
    expect(await client.post("/api/v1/push/subscriptions", json=bad_key, headers=h), 422, "invalid_input")
    assert (await client.delete("/api/v1/push/subscriptions", headers=h)).status_code == 204
    one = {"endpoint": subscription["endpoint"]}
    assert (await client.delete("/api/v1/push/subscriptions", params=one, headers=other.headers)).status_code == 204
    assert expect(await client.get("/api/v1/me/preferences", headers=other.headers), 200)["push_subscriptions"] == 0
