"""The inbox page with its unread badge, marking read, and the notification settings form (PRODUCT 7.3)."""

from __future__ import annotations

import re

from tests.web.domain_helpers import expect


async def decided_leave(world, client, resident, note: str) -> None:
    warden = await world.user("warden", resident.actor.mess_id)
    leave = expect(
        await client.post(
            "/api/v1/leaves", json={"start_date": "2026-03-20", "end_date": "2026-03-21"}, headers=resident.headers
        ),
        201,
    )
    expect(await client.post(f"/api/v1/leaves/{leave['id']}/approve", json={"note": note}, headers=warden.headers), 200)


async def test_inbox_badge_and_mark_read(world, client, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await visit(resident.roll_no)
    week = await b.get("/week")
    assert 'id="unread-badge" hidden>0<' in week.text and 'href="/me/inbox"' in week.text
    assert "Nothing yet." in (await b.get("/me/inbox")).text
    await decided_leave(world, client, resident, "Enjoy the break")
    week = await b.get("/week")
    assert re.search(r'id="unread-badge">1<span class="sr-only"> unread</span>', week.text)
    inbox = await b.get("/me/inbox")
    assert "Leave approved: Fri 20 Mar to Sat 21 Mar" in inbox.text
    assert "Note from the warden: Enjoy the break" in inbox.text
    assert "Tue 10 Mar, 9:00 am" in inbox.text  # when, in the mess's time
    notification_id = re.search(r'id="notification-(\d+)"', inbox.text).group(1)  # type: ignore[union-attr]
    read = await b.submit(f"/me/inbox/{notification_id}/read", {})
    read.accepted("Marked read.")
    if b.htmx:  # the nav's badge is outside the swapped fragment: it comes along out of band
        assert 'id="unread-badge" hx-swap-oob="outerHTML" hidden>0<' in read.text
    assert 'id="unread-badge" hidden>0<' in (await b.get("/week")).text
    assert f'action="/me/inbox/{notification_id}/read"' not in (await b.get("/me/inbox")).text
    (await b.submit("/me/inbox/read-all", {})).accepted("Nothing was unread.")
    # Someone else's notification is unknown.
    other = await world.resident(mess.id)
    ob = await visit(other.roll_no)
    (await ob.submit(f"/me/inbox/{notification_id}/read", {})).refused(404, "This notification does not exist.")


async def test_notification_settings_form(world, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await visit(resident.roll_no)
    page = await b.get("/me/notifications")
    assert 'name="email" value="1" checked' in page.text and 'id="push-setup" class="stack" hidden' in page.text
    assert '<script src="/static/push.js" defer></script>' in page.text
    saved = await b.submit(
        "/me/notifications", {"push": "1", "reminders": "1", "quiet_start": "22:00", "quiet_end": "07:00"}
    )
    saved.accepted("Your notification settings are saved.")
    page = await b.get("/me/notifications")
    assert 'name="email" value="1">' in page.text and 'value="22:00"' in page.text and 'value="07:00"' in page.text
    half = await b.submit("/me/notifications", {"email": "1", "quiet_start": "22:00", "quiet_end": ""})
    half.refused(422, "Give both the start and the end of the quiet hours, or neither.")
    if b.htmx:  # what was typed stays, the error beside the quiet hours
        assert 'value="22:00"' in half.text and 'aria-invalid="true"' in half.text
    cleared = await b.submit("/me/notifications", {"email": "1", "quiet_start": "", "quiet_end": ""})
    cleared.accepted("Your notification settings are saved.")


async def test_the_service_worker_is_served_at_the_root(client):
    response = await client.get("/sw.js")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert 'addEventListener("push"' in response.text and "/me/inbox" in response.text


async def test_the_profile_shows_the_notification_settings(world, browser):
    from tests.web.pages.helpers import signed_in

    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await signed_in(browser, resident.roll_no, htmx=False)
    await b.submit("/me/notifications", {"email": "1", "quiet_start": "21:30", "quiet_end": "06:00"})
    profile = await b.get("/me/profile")
    assert 'id="notification-settings"' in profile.text and 'action="/me/notifications"' in profile.text
    assert 'value="21:30"' in profile.text and 'name="push" value="1">' in profile.text
