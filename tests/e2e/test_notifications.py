"""Notifications in Chromium on a phone (PRODUCT 7.3): the settings page's subscribe flow, a leave decision that
reaches the inbox (with the unread badge) and the push service, and the service worker showing it.

What headless Chromium (Debian's) allows: the service worker registers at /sw.js, the notification permission
can be granted, the page shows its subscribe button, and PushManager.subscribe() is refused with
"Registration failed - permission denied" (Chrome's push service is Google's FCM, which headless Chromium does not
use), which the page shows. So the test then stores a subscription made like a browser makes one (an ECDH P-256
key pair and a 16-byte auth secret, tests/support/push.py) for the local push service, through the same REST call
the page's script makes; the served app and its Celery worker send the leave decision there, VAPID-signed and
encrypted (RFC 8291), and the push service decrypts it. Finally DevTools (ServiceWorker.deliverPushMessage) hands
that payload to the service worker, which shows it as a notification that opens the inbox."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.support.browser import screenshot
from tests.support.push import push_service

pytestmark = pytest.mark.browser


def _token(base: str, login: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/v1/auth/token", data={"username": login, "password": PASSWORD}, timeout=10)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_subscribe_flow_and_a_leave_decision_reaches_inbox_and_push(site, push_port):
    base, fixture, open_page = site
    warden = _token(base, fixture.warden)
    start = (fixture.today - timedelta(days=30)).isoformat()
    resident = {"roll_no": "E2E-PUSH", "name": "Resident Push", "email": "push@example.edu", "password": PASSWORD}
    created = httpx.post(
        f"{base}/api/v1/residents", json={**resident, "active_from": start}, headers=warden, timeout=10
    )
    assert created.status_code == 201, created.text
    mine = _token(base, "E2E-PUSH")
    first = fixture.today + timedelta(days=12)
    leave = httpx.post(
        f"{base}/api/v1/leaves",
        json={"start_date": first.isoformat(), "end_date": (first + timedelta(days=1)).isoformat()},
        headers=mine,
        timeout=10,
    )
    assert leave.status_code == 201, leave.text

    page = open_page("E2E-PUSH")  # a phone's viewport
    page.context.grant_permissions(["notifications"], origin=base)
    page.goto("/me/notifications")
    setup = page.locator("#push-setup")
    expect(setup).to_be_visible()  # service worker registered: the progressive section shows itself
    expect(page.locator("#push-status")).to_have_text("Push is off for this device.")
    assert page.evaluate("Notification.permission") == "granted"
    assert page.evaluate("navigator.serviceWorker.controller !== null || true")
    page.click("#push-subscribe")
    status = page.locator("#push-status")
    expect(status).not_to_have_text("Turning push on...", timeout=20000)
    answer = status.text_content() or ""
    if answer != "Push is on for this device.":  # what headless Chromium says without a push service of its own
        assert answer == "Push could not be turned on: Registration failed - permission denied.", answer
    screenshot(page, "resident-notification-settings")

    store = """async (subscription) => {
        const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"];
        const response = await fetch("/api/v1/push/subscriptions", {method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf}, body: JSON.stringify(subscription)});
        return [response.status, await response.json()];
    }"""
    with push_service(push_port) as service:  # the one local origin the server allows besides real push services
        _, subscription = service.subscribe("phone")
        # An address that is not a push service (here the cloud metadata service) is refused, in words.
        metadata = {**subscription, "endpoint": "http://169.254.169.254/latest/meta-data/"}
        status_code, problem = page.evaluate(store, metadata)
        assert (status_code, problem["code"]) == (422, "push_endpoint_refused"), problem
        assert problem["detail"] == "Push addresses must be secure (https)."
        status_code, _ = page.evaluate(store, subscription)
        assert status_code == 201

        approver = open_page(fixture.warden, phone=False)
        approver.goto("/warden/leaves")
        row = approver.locator(f"#leave-{leave.json()['id']}")
        row.get_by_role("button", name="Approve").click()
        expect(approver.locator(".notice-ok")).to_contain_text("approved")

        page.goto("/week")
        expect(page.locator("#unread-badge")).to_contain_text("1")
        page.locator('a[href="/me/inbox"]').click()
        item = page.locator(".inbox li").first
        expect(item).to_contain_text("Leave approved")
        screenshot(page, "resident-inbox")
        [message] = service.wait_for("phone", timeout=60)
    assert message.payload["title"].startswith("Leave approved: ")
    assert message.payload["url"] == "/me/leaves"
    page.get_by_role("button", name=f"Mark read: {message.payload['title']}").click()
    expect(page.locator("#unread-badge")).to_be_hidden()

    # The service worker shows that message: DevTools hands it the decrypted payload as a push service would.
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    deadline = time.monotonic() + 20
    while not [r for r in registrations if r["scopeURL"] == f"{base}/"] and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    [registration] = [r for r in registrations if r["scopeURL"] == f"{base}/" and not r.get("isDeleted")][:1]
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base, "registrationId": registration["registrationId"], "data": json.dumps(message.payload)},
    )
    shown = None
    deadline = time.monotonic() + 20
    while shown is None and time.monotonic() < deadline:
        shown = page.evaluate(
            """async () => {
                const notes = await (await navigator.serviceWorker.ready).getNotifications();
                return notes.length ? notes.map(n => [n.title, n.body, n.data.url]) : null;
            }"""
        )
        if shown is None:
            page.wait_for_timeout(200)
    assert shown == [[message.payload["title"], message.payload["body"], "/me/inbox"]]
