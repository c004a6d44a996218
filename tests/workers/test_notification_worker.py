"""Notifications on a real Celery worker (subprocess) with real Redis and PostgreSQL: a leave decided through the
API wakes the sender after commit; the worker sends the email (aiosmtpd) and the Web Push (the local push
service, VAPID checked, payload decrypted); the same delivery task sent again sends nothing more."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from mess.models import NotificationDelivery
from mess.notifications import repository
from mess.notifications.push import generate_keys
from mess.queues import DELIVER_NOTIFICATION_TASK, send_task
from tests.support.procs import eventually
from tests.support.push import push_service
from tests.support.smtp import smtp_server
from tests.web.domain_helpers import expect


async def statuses(database) -> list[tuple[str, str]]:
    async with database.read_only() as session:
        query = select(NotificationDelivery.channel, NotificationDelivery.status).order_by(NotificationDelivery.id)
        return [tuple(row) for row in (await session.execute(query)).all()]


async def test_a_leave_decision_reaches_email_and_push_once(
    pg_world, pg_database, api, worker_settings, start_worker, tmp_path: Path
):
    mess = await pg_world.mess()
    warden = await pg_world.user("warden", mess.id)
    resident = await pg_world.resident(mess.id)
    vapid = generate_keys()
    with smtp_server(tmp_path, "none") as smtp, push_service() as push:
        _, subscription = push.subscribe("phone")
        async with pg_database.transaction() as session:  # as POST /api/v1/push/subscriptions stores it
            keys = subscription["keys"]
            await repository.save_subscription(
                session, resident.id, subscription["endpoint"], keys["p256dh"], keys["auth"], pg_world.clock.now()
            )
        worker = start_worker(
            extra_env={
                "MESS_NOTIFIER": "smtp",
                "MESS_SMTP_HOST": "127.0.0.1",
                "MESS_SMTP_PORT": str(smtp.port),
                "MESS_SMTP_SECURITY": "none",
                "MESS_VAPID_PRIVATE_KEY": vapid.private_key,
                "MESS_VAPID_SUBJECT": "mailto:office@hostel.example.edu",
                "MESS_PUSH_ENDPOINT_HOSTS": f"fcm.googleapis.com,{push.origin}",  # the local push service, exactly
            }
        )
        leave = expect(
            await api.post(
                "/api/v1/leaves",
                json={"start_date": "2026-03-20", "end_date": "2026-03-21"},
                headers=resident.headers,
            ),
            201,
        )
        decision = {"note": "Safe travels"}
        expect(await api.post(f"/api/v1/leaves/{leave['id']}/approve", json=decision, headers=warden.headers), 200)

        async def all_sent():
            return await statuses(pg_database) == [("email", "sent"), ("push", "sent")]

        await eventually(all_sent, timeout=60)
        [message] = push.wait_for("phone")
        assert message.payload["title"] == "Leave approved: Fri 20 Mar to Sat 21 Mar"
        assert "Note from the warden: Safe travels" in message.payload["body"]
        assert message.vapid_key == vapid.public_key
        assert len(smtp.messages()) == 1
        # The same delivery task again (a redelivered or retried message): nothing more is sent.
        async with pg_database.read_only() as session:
            ids = (await session.execute(select(NotificationDelivery.id))).scalars().all()
        for delivery_id in ids:
            send_task(worker_settings, DELIVER_NOTIFICATION_TASK, [delivery_id])
            send_task(worker_settings, DELIVER_NOTIFICATION_TASK, [delivery_id])
        # Wait until the worker has run all four (each logs its outcome), then count what was sent.
        await eventually(lambda: worker.log_path.read_text().count(": 'taken'") >= 4, timeout=60)
        assert len(push.messages("phone")) == 1 and len(smtp.messages()) == 1
        assert await statuses(pg_database) == [("email", "sent"), ("push", "sent")]
