"""Sending the outbox (PRODUCT 7.3): email through the real SMTP server (aiosmtpd), Web Push through a local push
service that checks VAPID and decrypts per RFC 8291; each delivery once, however often its task runs; quiet hours
in the mess's time; a reminder never after its cutoff. Both backends, time from the injectable clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

from mess.config import PUSH_SERVICE_HOSTS
from mess.models import Notification, NotificationDelivery, PushSubscription
from mess.notifications import repository
from mess.notifications.delivery import Channels, DeliveryRetry, deliver, queue_due
from mess.notifications.mail import SmtpNotifier
from mess.notifications.push import generate_keys
from mess.notifications.reminders import send_due_reminders
from tests.support.procs import free_port, wait_for
from tests.support.push import push_service
from tests.support.smtp import smtp_server
from tests.web.checkin_helpers import book_for
from tests.web.domain_helpers import expect

NOW = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # Tue 10 Mar, 09:00 IST
VAPID = generate_keys()


def channels(settings, smtp_port: int, push_origin: str | None = None) -> Channels:
    """The worker's channels; the local push service's origin is allowed only when the test names it."""
    mailing = settings.model_copy(
        update={"notifier": "smtp", "smtp_host": "127.0.0.1", "smtp_port": smtp_port, "smtp_security": "none"}
    )
    hosts = (*PUSH_SERVICE_HOSTS, push_origin) if push_origin else PUSH_SERVICE_HOSTS
    return Channels(SmtpNotifier(mailing), VAPID, "mailto:office@hostel.example.edu", "https://mess.example.edu", hosts)


async def rows(database) -> list[tuple[int, str, str, int]]:
    async with database.read_only() as session:
        result = await session.execute(
            select(
                NotificationDelivery.id,
                NotificationDelivery.channel,
                NotificationDelivery.status,
                NotificationDelivery.attempts,
            ).order_by(NotificationDelivery.id)
        )
        return [tuple(r) for r in result.all()]


async def decide_leave(world, client, resident, note: str = "Safe travels") -> None:
    warden = await world.user("warden", resident.actor.mess_id)
    body = {"start_date": "2026-03-20", "end_date": "2026-03-21"}
    leave = expect(await client.post("/api/v1/leaves", json=body, headers=resident.headers), 201)
    expect(await client.post(f"/api/v1/leaves/{leave['id']}/approve", json={"note": note}, headers=warden.headers), 200)


async def test_email_once_however_often_the_task_runs(world, client, database, settings, tmp_path):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    await decide_leave(world, client, resident)
    [(delivery_id, channel, status, _)] = await rows(database)
    assert (channel, status) == ("email", "pending")
    with smtp_server(tmp_path, "none") as server:
        send = channels(settings, server.port)
        assert await queue_due(database, NOW) == [delivery_id]
        assert await queue_due(database, NOW) == []  # queued: the next scan leaves it to its task
        outcomes = [await deliver(database, delivery_id, NOW, send) for _ in range(3)]
        assert outcomes == ["sent", "taken", "taken"]
        wait_for(lambda: len(server.messages()) == 1, timeout=20, what="the email in the Maildir")
        [message] = server.messages()
    assert message["To"] == f"{resident.roll_no.lower()}@example.edu"
    assert str(make_header(decode_header(message["Subject"]))) == "Leave approved: Fri 20 Mar to Sat 21 Mar"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Note from the warden: Safe travels" in body
    assert "https://mess.example.edu/me/leaves" in body and "https://mess.example.edu/me/notifications" in body
    assert await rows(database) == [(delivery_id, "email", "sent", 1)]


async def test_a_mail_server_down_is_retried_then_sent_once(world, client, database, settings, tmp_path):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    await decide_leave(world, client, resident)
    [(delivery_id, *_)] = await rows(database)
    with pytest.raises(DeliveryRetry):
        await deliver(database, delivery_id, NOW, channels(settings, free_port()))  # nothing listens there
    assert await rows(database) == [(delivery_id, "email", "pending", 1)]
    with smtp_server(tmp_path, "none") as server:
        later = NOW + timedelta(seconds=10)
        assert await deliver(database, delivery_id, later, channels(settings, server.port)) == "sent"
        wait_for(lambda: len(server.messages()) == 1, timeout=20, what="the email in the Maildir")
    assert await rows(database) == [(delivery_id, "email", "sent", 2)]


async def test_quiet_hours_hold_email_and_push_until_they_end(world, client, database, settings, tmp_path):
    mess = await world.mess()  # Asia/Kolkata
    resident = await world.resident(mess.id)
    night = {"quiet_start": "08:00", "quiet_end": "10:30"}  # 09:00 IST now: quiet until 10:30 IST = 05:00 UTC
    expect(await client.put("/api/v1/me/preferences", json=night, headers=resident.headers), 200)
    with push_service() as service, smtp_server(tmp_path, "none") as server:
        _, subscription = service.subscribe("phone")
        async with database.transaction() as session:  # stored as the API stores a browser's subscription
            await repository.save_subscription(
                session,
                resident.id,
                subscription["endpoint"],
                subscription["keys"]["p256dh"],
                subscription["keys"]["auth"],
                NOW,
            )
        await decide_leave(world, client, resident)
        send = channels(settings, server.port, service.origin)
        ids = [row[0] for row in await rows(database)]
        assert [await deliver(database, i, NOW, send) for i in ids] == ["postponed", "postponed"]
        assert await queue_due(database, NOW + timedelta(minutes=89)) == []
        ends = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
        assert sorted(await queue_due(database, ends)) == ids
        assert [await deliver(database, i, ends, send) for i in ids] == ["sent", "sent"]
        [push] = service.wait_for("phone")
        wait_for(lambda: len(server.messages()) == 1, timeout=20, what="the email in the Maildir")
    assert push.payload["title"] == "Leave approved: Fri 20 Mar to Sat 21 Mar"
    assert push.payload["url"] == "/me/leaves"
    assert push.claims["sub"] == "mailto:office@hostel.example.edu" and push.vapid_key == VAPID.public_key
    assert push.ttl == str(12 * 3600)


async def test_push_gone_forgets_the_subscription_and_a_failing_service_is_retried(world, client, database, settings):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    expect(await client.put("/api/v1/me/preferences", json={"email": False}, headers=resident.headers), 200)
    with push_service() as service:
        _, old = service.subscribe("old-laptop")
        _, phone = service.subscribe("phone")
        service.gone.add("/push/old-laptop")
        async with database.transaction() as session:  # stored as the API stores a browser's subscription
            for sub in (old, phone):
                await repository.save_subscription(
                    session, resident.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], NOW
                )
        await decide_leave(world, client, resident)
        send = channels(settings, free_port(), service.origin)
        first, second = [row[0] for row in await rows(database)]
        assert await deliver(database, first, NOW, send) == "skipped"  # 410: the browser unsubscribed
        service.failing = True
        with pytest.raises(DeliveryRetry):
            await deliver(database, second, NOW, send)
        service.failing = False
        assert await deliver(database, second, NOW + timedelta(seconds=5), send) == "sent"
        assert await deliver(database, second, NOW + timedelta(seconds=6), send) == "taken"
        assert len(service.wait_for("phone")) == 1
    async with database.read_only() as session:
        endpoints = (await session.execute(select(PushSubscription.endpoint))).scalars().all()
    assert endpoints == [phone["endpoint"]]
    assert await rows(database) == [(second, "push", "sent", 2)]  # the gone one went with its subscription


async def test_a_stored_push_address_off_the_allow_list_is_never_sent_to(world, client, database, settings):
    """Defence in depth: a subscription stored before the allow-list (or before the list changed) is skipped at
    sending time; the service at that address hears nothing."""
    mess = await world.mess()
    resident = await world.resident(mess.id)
    expect(await client.put("/api/v1/me/preferences", json={"email": False}, headers=resident.headers), 200)
    with push_service() as service:
        _, phone = service.subscribe("phone")
        async with database.transaction() as session:  # written straight to the table, as an old row would be
            await repository.save_subscription(
                session, resident.id, phone["endpoint"], phone["keys"]["p256dh"], phone["keys"]["auth"], NOW
            )
        await decide_leave(world, client, resident)
        [(delivery_id, channel, status, _)] = await rows(database)
        assert (channel, status) == ("push", "pending")
        assert await deliver(database, delivery_id, NOW, channels(settings, free_port())) == "skipped"
        assert service.messages("phone") == [] and service.refused == []
    async with database.read_only() as session:
        reason = await session.scalar(select(NotificationDelivery.last_error))
    assert reason == "the push address is not an allowed push service"
    assert await rows(database) == [(delivery_id, "push", "skipped", 1)]


async def test_a_reminder_is_not_sent_after_its_cutoff(world, database, settings, tmp_path):
    world.at(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    mess = await world.mess(booking_mode="opt_in")
    await world.resident(mess.id)
    before = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)  # an hour before tomorrow's breakfast closes
    async with database.transaction() as session:
        await send_due_reminders(session, before, timedelta(minutes=60))
    [(delivery_id, *_)] = await rows(database)
    with smtp_server(tmp_path, "none") as server:
        closed = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
        assert await deliver(database, delivery_id, closed, channels(settings, server.port)) == "skipped"
    async with database.read_only() as session:
        assert await session.scalar(select(NotificationDelivery.last_error)) == "too late: the meal's cutoff has passed"
        assert await session.scalar(select(Notification.read_at)) is None  # still in the inbox


async def test_a_reminder_is_not_sent_to_who_chose_since(world, database, settings, tmp_path):
    world.at(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    mess = await world.mess(booking_mode="opt_in")
    warden = await world.user("warden", mess.id)
    chose = await world.resident(mess.id)
    silent = await world.resident(mess.id)
    before = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)  # an hour before tomorrow's breakfast closes
    async with database.transaction() as session:
        await send_due_reminders(session, before, timedelta(minutes=60))
    world.at(before + timedelta(minutes=1))
    await book_for(world, warden, chose, date(2026, 3, 11), "breakfast")
    first, second = [row[0] for row in await rows(database)]
    with smtp_server(tmp_path, "none") as server:
        send = channels(settings, server.port)
        outcomes = [await deliver(database, i, before + timedelta(minutes=2), send) for i in (first, second)]
        assert outcomes == ["skipped", "sent"]
        wait_for(lambda: len(server.messages()) == 1, timeout=20, what="the email in the Maildir")
        [message] = server.messages()
    assert message["To"] == f"{silent.roll_no.lower()}@example.edu"
