"""The counter through a network outage (PRODUCT 7.4), in Chromium with the network cut (context.set_offline):
the service worker keeps the counter page loadable, check-ins are decided on the device against the meal's roster
and the Ed25519 public key (a tampered or expired QR is refused offline too), queued in IndexedDB, and sent in one
POST /checkins/batch when the network returns. The database is checked: nothing lost, nothing counted twice; and two
counters offline at once admitting the same resident end with exactly one admission, the other shown as duplicate;
on a shared tablet a check-in queued by one staff member is sent only when that person is signed in again."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from mess.auth.qr import issue_qr_token
from tests.e2e.conftest import SECRET
from tests.support.browser import sign_in_with_the_form

READY = "() => document.querySelector('#checkin-form').dataset.offlineReady === 'true'"
CACHED = "async () => !!navigator.serviceWorker.controller && !!(await caches.match('/counter'))"
SENT = "() => document.querySelector('#offline-status').hidden"


def rows(fixture: Any, roll_no: str) -> list[tuple[str, int]]:
    """(result, admitted) of every check-in attempt of a resident, oldest first, straight from the database."""
    path = fixture.database_url.split(":///", 1)[1]
    with sqlite3.connect(path) as db:
        found = db.execute(
            "SELECT c.result, c.admitted FROM checkin c JOIN resident r ON r.id = c.resident_id"
            " WHERE r.roll_no = ? ORDER BY c.id",
            (roll_no,),
        ).fetchall()
    return [(result, int(admitted)) for result, admitted in found]


def resident_id(fixture: Any, roll_no: str) -> int:
    with sqlite3.connect(fixture.database_url.split(":///", 1)[1]) as db:
        return int(db.execute("SELECT id FROM resident WHERE roll_no = ?", (roll_no,)).fetchone()[0])


def makers(fixture: Any, roll_no: str) -> list[str]:
    """Who recorded each check-in attempt of a resident (their login), oldest first."""
    with sqlite3.connect(fixture.database_url.split(":///", 1)[1]) as db:
        found = db.execute(
            "SELECT u.login FROM checkin c JOIN resident r ON r.id = c.resident_id"
            " JOIN user_account u ON u.id = c.created_by WHERE r.roll_no = ? ORDER BY c.id",
            (roll_no,),
        ).fetchall()
    return [login for (login,) in found]


def status_says(page: Any, words: str) -> None:
    says = "(w) => (document.querySelector('#offline-status')?.textContent || '').includes(w)"
    page.wait_for_function(says, arg=words)


def sign_in_at_the_counter(page: Any, login: str) -> None:
    """Sign in on the same browser (the same tablet, its IndexedDB kept) and open the counter."""
    sign_in_with_the_form(page, login)
    page.goto("/counter")
    page.wait_for_function(READY)


def counter(open_page: Any, login: str) -> Any:
    """A counter page that has its roster and key, and is controlled by the service worker with the page cached."""
    page = open_page(login)
    page.goto("/counter")
    page.wait_for_function(READY)
    page.wait_for_function(CACHED)
    return page


def check_in(page: Any, code: str) -> Any:
    """Type or scan a code; the offline result that replaces the previous one."""
    page.evaluate("() => document.querySelector('#result').replaceChildren()")
    page.fill("#code", code)
    page.press("#code", "Enter")
    return page.wait_for_selector("#result [data-result][data-offline]")


def test_check_ins_while_offline_are_settled_once_back(site):
    _, fixture, open_page = site
    one, two = fixture.offline[:2]
    page = counter(open_page, fixture.staff)
    page.context.set_offline(True)
    page.reload()  # the service worker serves the counter page without the network
    page.wait_for_function(READY)

    now = datetime.now(UTC)
    token = issue_qr_token(resident_id(fixture, two), SECRET, now, 120)
    other = resident_id(fixture, fixture.eater)
    tampered = token.replace(f"r{resident_id(fixture, two)}.", f"r{other}.", 1)
    expired = issue_qr_token(resident_id(fixture, two), SECRET, now - timedelta(minutes=10), 120)

    assert check_in(page, one.lower()).get_attribute("data-result") == "ok"
    assert check_in(page, token).get_attribute("data-result") == "ok"
    refused = check_in(page, tampered)
    assert refused.get_attribute("data-result") == "unknown_resident" and "Invalid QR code" in refused.inner_text()
    refused = check_in(page, expired)
    assert refused.get_attribute("data-result") == "refused" and "Expired code" in refused.inner_text()
    again = check_in(page, one)
    assert again.get_attribute("data-result") == "duplicate" and "already checked in" in again.inner_text()
    assert "4 check-ins waiting" in page.inner_text("#offline-status")  # the expired code is not kept
    assert rows(fixture, one) == [] and rows(fixture, two) == []  # nothing reached the server yet

    page.context.set_offline(False)
    page.wait_for_function(SENT)
    assert rows(fixture, one) == [("ok", 1), ("duplicate", 0)]
    assert rows(fixture, two) == [("ok", 1)]
    assert page.locator("#settled-list li").count() == 0  # the server agreed with every result shown

    # Nothing is sent twice: the queue is empty after a reload and another outage without check-ins.
    page.reload()
    page.wait_for_function(READY)
    page.context.set_offline(True)
    page.context.set_offline(False)
    page.wait_for_function(SENT)
    assert rows(fixture, one) == [("ok", 1), ("duplicate", 0)] and rows(fixture, two) == [("ok", 1)]


def test_two_counters_offline_admit_the_same_resident_once(site):
    _, fixture, open_page = site
    both = fixture.offline[2]
    first, second = counter(open_page, fixture.staff), counter(open_page, fixture.staff)
    for page in (first, second):
        page.context.set_offline(True)
    # Neither counter can know about the other: both let the resident in.
    assert check_in(first, both).get_attribute("data-result") == "ok"
    assert check_in(second, both).get_attribute("data-result") == "ok"

    first.context.set_offline(False)
    first.wait_for_function(SENT)
    second.context.set_offline(False)
    second.wait_for_function(SENT)
    assert rows(fixture, both) == [("ok", 1), ("duplicate", 0)]
    assert first.locator("#settled-list li").count() == 0
    changed = second.wait_for_selector("#settled-list li")
    assert changed.get_attribute("data-result") == "duplicate"
    assert "shown OK: come in, settled Duplicate" in changed.inner_text()


def test_a_shared_tablet_sends_a_check_in_only_under_the_staff_who_made_it(site):
    _, fixture, open_page = site
    shared = fixture.offline[3]
    page = counter(open_page, fixture.staff)
    page.context.set_offline(True)
    assert check_in(page, shared).get_attribute("data-result") == "ok"
    # Signing out with a check-in that cannot be sent asks for a second press.
    page.click("form.logout button[type=submit]")
    status_says(page, "press Sign out again")
    assert page.url.endswith("/counter")
    # The staff member closes the counter before the network returns and signs out from another page: the
    # check-in stays on the device.
    context = page.context
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto("/counter/extras")
    page.click("form.logout button[type=submit]")
    page.wait_for_url("**/login")

    # The warden signs in on the same tablet: the staff member's check-in is not sent under the warden's name.
    sign_in_at_the_counter(page, fixture.warden)
    status_says(page, "1 check-in made by Staff E2E waits on this device until they sign in here again")
    assert rows(fixture, shared) == []
    page.click("form.logout button[type=submit]")  # nothing of the warden's waits: signed out at once
    page.wait_for_url("**/login")

    # The staff member again: it is sent, recorded as theirs, and nothing is left on the device.
    sign_in_at_the_counter(page, fixture.staff)
    page.wait_for_function(SENT)
    assert rows(fixture, shared) == [("ok", 1)] and makers(fixture, shared) == [fixture.staff]
    assert page.locator("#settled-list li").count() == 0


def test_a_counter_whose_clock_is_ahead_stamps_check_ins_by_the_servers_time(site):
    """The tablet's clock runs 10 minutes ahead: the counter corrects it by the server's Date header, so its queued
    check-in is not refused as scanned in the future (the server allows 2 minutes).
    The clock is ahead from before signing in, as a tablet's is: signing in lands on the counter, which keeps the
    roster with the offset it measured, and the next counter page is ready with that kept roster before its own
    refresh returns. A clock moved forward between the two pages left a kept offset of 0, and a check-in made before
    the refresh returned was stamped 10 minutes ahead and refused."""
    _, fixture, open_page = site
    late = fixture.offline[4]
    page = open_page(fixture.staff, clock=datetime.now(UTC) + timedelta(minutes=10))
    page.goto("/counter")
    page.wait_for_function(READY)
    page.context.set_offline(True)
    before = datetime.now(UTC)
    assert check_in(page, late).get_attribute("data-result") == "ok"
    page.context.set_offline(False)
    page.wait_for_function(SENT)
    assert rows(fixture, late) == [("ok", 1)]
    assert page.locator("#settled-list li").count() == 0
    with sqlite3.connect(fixture.database_url.split(":///", 1)[1]) as db:
        (stamped,) = db.execute(
            "SELECT c.created_at FROM checkin c JOIN resident r ON r.id = c.resident_id WHERE r.roll_no = ?", (late,)
        ).fetchone()
    at = datetime.fromisoformat(stamped).replace(tzinfo=UTC)
    assert before - timedelta(minutes=1) < at < datetime.now(UTC) + timedelta(minutes=1)
