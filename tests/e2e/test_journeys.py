"""The main journeys in a real browser against a real server process."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from mess import text
from mess.kit.dates import week_start
from tests.support.browser import screenshot

pytestmark = pytest.mark.browser

WEEK_BUDGET_BYTES = 50 * 1024


def test_resident_books_and_cancels_without_a_reload(site):
    base, fixture, open_page = site
    day = fixture.today + timedelta(days=2)
    start = week_start(day).isoformat()
    page = open_page(fixture.booker)
    transferred: dict[str, int] = {}

    def count(request) -> None:  # type: ignore[no-untyped-def]
        sizes = request.sizes()
        transferred[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]

    page.on("requestfinished", count)
    # Measure a cold load: nothing from the browser cache.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(f"/week?start={start}")
    page.wait_for_load_state("networkidle")
    # The whole week page (HTML, CSS, htmx, app.js) travels under the 50 KB budget, and only from our origin.
    assert all(url.startswith(base) for url in transferred), transferred
    total = sum(transferred.values())
    print(f"resident week page transferred: {total} bytes over {len(transferred)} requests: {transferred}")
    assert total < WEEK_BUDGET_BYTES, transferred

    page.evaluate("window.__stillTheSamePage = 42")
    cell = page.locator(f"#m-{day.isoformat()}-lunch")
    expect(cell).to_contain_text("Dal tadka")  # the menu from the weekly template
    expect(cell).to_contain_text("Booked")
    expect(cell.locator(".countdown")).to_contain_text("closes in")  # the server's countdown, kept by app.js
    cell.get_by_role("button", name=re.compile("^Skip")).click()  # one tap
    expect(cell).to_contain_text("Not booked")
    cell.get_by_role("button", name=re.compile("^Book")).click()
    expect(cell).to_contain_text("Booked")
    cell.locator("summary").click()  # guests live in a small expander
    cell.locator("input[name=guests]").fill("2")
    cell.get_by_role("button", name=re.compile("^Save")).click()
    expect(cell).to_contain_text("Booked +2 guests")
    assert page.evaluate("window.__stillTheSamePage") == 42  # no full reload happened
    assert page.url.endswith(f"/week?start={start}")
    screenshot(page, "resident-week")


def test_week_opens_at_today_and_closed_meals_are_read_only(site):
    _, fixture, open_page = site
    page = open_page(fixture.booker)
    page.goto("/week")
    # The week opens at today: its first day is today.
    expect(page.locator("section.day h2").first).to_contain_text("Today")
    # Today's breakfast closed at 19:30 yesterday (07:30 minus the 12-hour cutoff): read-only.
    cell = page.locator(f"#m-{fixture.today.isoformat()}-breakfast")
    expect(cell).to_contain_text("Closed at")
    expect(cell.get_by_role("button")).to_have_count(0)
    expect(cell).to_contain_text("Booked")  # unchanged


def test_week_works_without_javascript(site):
    _, fixture, open_page = site
    day = fixture.today + timedelta(days=2)
    page = open_page(fixture.booker, javascript=False)
    page.goto(f"/week?start={week_start(day).isoformat()}")
    cell = page.locator(f"#m-{day.isoformat()}-dinner")
    cell.get_by_role("button", name=re.compile("^Skip")).click()
    page.wait_for_load_state()
    expect(page.locator(".flash")).to_contain_text("Skipped: Dinner")
    expect(page.locator(f"#m-{day.isoformat()}-dinner")).to_contain_text("Not booked")


def test_staff_check_in_twice_sees_duplicate(site):
    _, fixture, open_page = site
    page = open_page(fixture.staff, phone=False)
    expect(page).to_have_url(re.compile(r".*/counter$"))
    admitted = int(page.locator("#hc-in").inner_text())  # the camera test may have admitted someone to this meal
    page.fill("#code", fixture.eater)
    page.get_by_role("button", name="Check in").click()
    result = page.locator("#result .result")
    expect(result).to_have_attribute("data-result", "ok")
    expect(page.locator("#code")).to_be_focused()
    page.fill("#code", fixture.eater)
    page.get_by_role("button", name="Check in").click()
    expect(result).to_have_attribute("data-result", "duplicate")
    expect(result).to_contain_text("Duplicate")
    expect(page.locator("#hc-in")).to_have_text(str(admitted + 1), timeout=15_000)  # the live headcount
    screenshot(page, "counter")


def test_warden_approves_a_leave_and_the_week_shows_it(site):
    _, fixture, open_page = site
    warden = open_page(fixture.warden, phone=False)
    warden.goto("/warden/leaves")
    row = warden.locator(f"#leave-{fixture.leave_id}")
    expect(row).to_contain_text("Resident Leave")
    screenshot(warden, "warden-leaves")
    row.get_by_role("button", name="Approve").click()
    expect(warden.locator(".notice-ok")).to_contain_text("approved")
    resident = open_page(fixture.leaver)
    resident.goto(f"/week?start={week_start(fixture.leave_start).isoformat()}")
    for offset in (0, 1):
        day = (fixture.leave_start + timedelta(days=offset)).isoformat()
        expect(resident.locator(f"#m-{day}-lunch")).to_contain_text("On leave")
    resident.goto("/me/leaves")
    expect(resident.locator(f"#leave-{fixture.leave_id}")).to_contain_text("Approved")
    screenshot(resident, "resident-leaves")


def test_warden_starts_a_billing_run_and_watches_it(site):
    _, fixture, open_page = site
    page = open_page(fixture.warden, phone=False)
    page.goto(f"/warden/billing?month={fixture.billing_month}")
    page.evaluate("window.__stillTheSamePage = 7")
    page.get_by_role("button", name=f"Start billing run for {text.month(fixture.billing_month)}").click()
    run = page.locator(".run").first
    expect(run).to_be_visible()
    # A real Celery worker (started with the server) picks the run up; the page polls until it is done.
    expect(run).to_have_attribute("data-status", "succeeded", timeout=60_000)
    # When the run finishes, the draft bills appear without a reload; the warden reviews and issues them.
    expect(page.locator("#bills table")).to_contain_text("Resident Book")
    expect(page.locator("#bills")).to_contain_text("3 draft")
    assert page.evaluate("window.__stillTheSamePage") == 7  # progress and bills arrived without a reload
    # Issuing asks first, with the count and the total; only the confirmation issues.
    page.get_by_role("link", name=f"Issue the bills of {text.month(fixture.billing_month)}").click()
    confirm = page.locator("#confirm-issue")
    expect(confirm).to_contain_text(f"Issue 3 bills of {text.month(fixture.billing_month)}")
    expect(page.locator("#bills")).to_contain_text("3 draft")
    confirm.get_by_role("button", name=re.compile(r"^Yes, issue 3 bills")).click()
    expect(page.locator(".notice-ok")).to_contain_text(f"Issued 3 bills of {text.month(fixture.billing_month)}")
    page.goto(f"/warden/billing?month={fixture.billing_month}")
    screenshot(page, "warden-billing")


def test_other_pages_render_for_screenshots(site):
    _, fixture, open_page = site
    resident = open_page(fixture.booker)
    resident.goto("/me/qr")
    expect(resident.locator("#qr svg")).to_be_visible()
    screenshot(resident, "resident-qr")
    resident.goto("/me/feedback")
    screenshot(resident, "resident-rate")
    warden = open_page(fixture.warden, phone=False)
    for path, name in (
        ("/warden/residents", "warden-residents"),
        ("/warden/prices", "warden-prices"),
        ("/warden/menu", "warden-menu"),
        ("/warden/money", "warden-money"),
    ):
        warden.goto(path)
        expect(warden.locator("h1")).to_be_visible()
        screenshot(warden, name)
    warden.goto("/logout")  # a GET does not sign out: only the form post (with its CSRF token) does
    warden.goto("/warden")
    expect(warden.locator("h1")).to_contain_text("E2E Hostel Mess")
    warden.get_by_role("button", name="Sign out").click()
    expect(warden.locator("h1")).to_have_text("Sign in")
    screenshot(warden, "login")


def test_resident_opens_and_prints_a_bill_but_not_anothers(site):
    _, fixture, open_page = site
    page = open_page(fixture.booker)
    page.goto("/me/bills")
    page.get_by_role("link", name=text.month(fixture.issued_month)).click()
    expect(page.locator("h1")).to_contain_text(f"bill for {text.month(fixture.issued_month)}")
    # The bill fits a 360 px phone, and its UPI QR code scans to the exact amount and the bill's reference.
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    total = page.locator("tfoot .num").first.inner_text()
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.locator("#upi-qr").screenshot())))
    (uri,) = [code.text for code in codes]
    query = parse_qs(urlsplit(uri).query)
    assert uri.startswith("upi://pay?") and query["pa"] == ["e2ehostel@sbi"] and query["cu"] == ["INR"]
    assert "₹" + query["am"][0] == total.replace(",", "")
    assert query["tn"] == [f"E2E-{fixture.issued_month}-E2E-BOOK"]
    expect(page.locator("table tbody tr").first).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()  # the printable page drops the navigation
    screenshot(page, "resident-bill")
    page.emulate_media(media="screen")
    bill_url = page.url
    other = open_page(fixture.leaver)
    response = other.goto(bill_url)
    assert response is not None and response.status == 404
    expect(other.locator("h1")).to_contain_text("Not found")


def test_warden_corrects_a_price_typo(site):
    _, fixture, open_page = site
    page = open_page(fixture.warden, phone=False)
    page.goto("/warden/prices")
    form = page.locator("form[action='/warden/prices']")
    form.locator("#pr-slot").select_option("dinner")
    form.locator("#pr-price").fill("450.00")  # meant 45.00
    form.locator("#pr-guest").fill("60.00")
    form.locator("#pr-walkin").fill("70.00")
    form.get_by_role("button", name="Add prices").click()
    typo = page.locator("tr", has_text="₹450.00")
    expect(typo).to_have_count(1)
    typo.get_by_role("link", name=re.compile("^Correct the dinner price")).click()
    expect(page.locator("h1")).to_contain_text("Correct the Dinner price")
    expect(page.locator("#impact")).to_contain_text("Changing it changes")
    page.locator("#c-price").fill("45.00")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".notice-ok, .flash, [role=status]").first).to_contain_text("Price corrected")
    expect(page.locator("tr", has_text="₹450.00")).to_have_count(0)


def test_warden_reverses_a_payment(site):
    _, fixture, open_page = site
    page = open_page(fixture.warden, phone=False)
    page.goto("/warden/money")
    payment = page.locator("#payments form").first
    payment.locator("#pay-roll").fill("E2E-EAT")
    payment.locator("#pay-amount").fill("1000.00")
    payment.locator("#pay-method").select_option("upi")
    payment.locator("#pay-ref").fill("E2E-UPI-REV")
    payment.get_by_role("button", name="Record payment").click()
    expect(page.locator(".notice-ok").first).to_contain_text("Payment of ₹1,000.00")
    page.goto("/warden/payments")
    row = page.locator("tr", has_text="E2E-UPI-REV")
    row.locator("summary", has_text="Reverse").click()
    row.get_by_label("Why").fill("entered for the wrong resident")
    row.get_by_role("button", name="Reverse this payment").click()
    expect(page.locator(".notice-ok").first).to_contain_text("Payment of ₹1,000.00 reversed")
    expect(page.locator("tr", has_text="E2E-UPI-REV")).to_contain_text("Reversed")
