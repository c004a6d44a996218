"""The resident's day on a phone, in Chromium, on a Thursday the test chooses (PRODUCT 7.3, issue 16): the app runs
in this process with an injected FixedClock (uvicorn in a thread) and the browser's clock is set to the same
instant, so "today", the countdowns and the closed meals are those of Thu 03 Dec 2026, 09:00 in Kolkata.

Every test collects the console: any Content Security Policy report fails it (each in-page htmx update used to log
a blocked inline style). axe-core (tests/support/vendor, pinned) runs on every resident page and must find nothing."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import expect

from mess.config import Settings
from mess.db.engine import Database
from mess.db.migrate import upgrade
from mess.kit.aio import run_sync
from mess.kit.clock import FixedClock
from mess.leaves.schemas import LeaveIn
from mess.leaves.service import apply_for_leave
from mess.menus.schemas import Dish, DishesIn
from mess.menus.service import set_template
from tests.factories import World
from tests.support.browser import screenshot, sign_in
from tests.support.procs import free_port
from web.main import create_app

pytestmark = pytest.mark.browser

SECRET = "resident-day-secret-key-long-enough-0123456789"
THURSDAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 3, 30, tzinfo=UTC)  # Thu 03 Dec, 09:00 in Asia/Kolkata
AXE = Path(__file__).resolve().parents[1] / "support" / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
AXE_RUN = """async () => {
  const result = await axe.run(document);
  return {
    passes: result.passes.length,
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    })),
  };
}"""


@dataclass
class Day:
    base: str
    resident: str
    leave_id: int
    cookies: dict[str, list[Any]] = field(default_factory=dict)  # login -> what the sign-in form gave it


async def _seed(settings: Settings, clock: FixedClock) -> tuple[str, int]:
    database = Database(settings, null_pool=True)
    world = World(database, settings, clock)
    try:
        mess = await world.mess("DAY", name="Thursday Hostel Mess", timezone="Asia/Kolkata")
        warden = (await world.user("warden", mess.id, login="warden-day")).actor
        resident = await world.resident(mess.id, roll_no="DAY-1", name="Resident Asha")
        async with database.transaction() as session:
            dishes = DishesIn(dishes=[Dish(dish="Kaju paneer", allergens=["nuts", "dairy"]), Dish(dish="Phulka")])
            for weekday in range(7):
                await set_template(session, warden, weekday, "dinner", dishes, clock.now())
            start = THURSDAY + timedelta(days=4)
            leave = await apply_for_leave(
                session,
                warden,
                LeaveIn(start_date=start, end_date=start, resident_id=resident.resident_id),
                clock.now(),
            )
        return "DAY-1", leave.id
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Day]:
    workdir = tmp_path_factory.mktemp("resident-day")
    url = f"sqlite+aiosqlite:///{workdir / 'mess.db'}"
    upgrade(url)
    settings = Settings(environment="test", database_url=url, secret_key=SECRET)
    clock = FixedClock(NOW)
    login, leave_id = run_sync(_seed(settings, clock))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, clock=clock), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="resident-day-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start within 60 s")
        time.sleep(0.1)
    try:
        yield Day(f"http://127.0.0.1:{port}", login, leave_id)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def phone(day, browser) -> Iterator[Any]:
    """A phone-sized page whose clock reads the app's Thursday; fails the test on any CSP report or page error."""
    context = browser.new_context(base_url=day.base, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.clock.install(time=NOW)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm: "Withdraw this leave?"
    yield page
    context.close()
    assert not problems, problems


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations of the page as it is now, one line each (rule, impact, first nodes)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated through DevTools: the page's CSP does not apply
    report = page.evaluate(AXE_RUN)
    assert report["passes"] > 10, f"axe checked next to nothing on {page.url}: is the page empty?"
    return [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in report["violations"]]


def test_the_week_opens_at_thursday_with_a_countdown(day, phone):
    sign_in(phone, day.resident, day.cookies)
    transferred: dict[str, int] = {}

    def count(request: Any) -> None:
        sizes = request.sizes()
        transferred[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]

    phone.on("requestfinished", count)
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # a cold load
    phone.goto("/week")
    phone.wait_for_load_state("networkidle")
    total = sum(transferred.values())
    print(f"week page, cold, on a phone: {total} bytes over {len(transferred)} requests")
    assert total < 50 * 1024, transferred  # the week's budget (tests/e2e/test_journeys.py)
    first = phone.locator("section.day h2").first
    expect(first).to_contain_text("Thu 03 Dec")
    expect(first).to_contain_text("Today")
    # Today's meals closed at or before 07:30 this morning; tomorrow's breakfast closes at 19:30 tonight.
    expect(phone.locator("#m-2026-12-03-lunch")).to_contain_text("Closed at")
    expect(phone.locator("#m-2026-12-03-lunch").get_by_role("button")).to_have_count(0)
    countdown = phone.locator("#m-2026-12-04-breakfast .countdown")
    expect(countdown).to_have_text("closes in 10 h 30 min")
    expect(phone.locator(".nextmeal")).to_contain_text("Breakfast, Fri 04 Dec")
    screenshot(phone, "resident-day-week-phone")


def test_skip_with_one_tap_then_take_away(day, phone):
    sign_in(phone, day.resident, day.cookies)
    phone.goto("/week")
    phone.evaluate("window.__samePage = 1")
    cell = phone.locator("#m-2026-12-05-lunch")
    expect(cell).to_contain_text("Booked")
    cell.get_by_role("button", name=re.compile("^Skip")).tap()  # one tap
    expect(cell).to_contain_text("Not booked")
    expect(cell).to_contain_text("Skipped: Lunch on Sat 05 Dec.")
    cell.get_by_role("button", name=re.compile("^Book")).tap()
    expect(cell).to_contain_text("Booked")
    cell.locator("summary").tap()
    cell.get_by_label("Takeaway (a parcel)").check()
    cell.get_by_role("button", name=re.compile("^Save")).tap()
    expect(cell).to_contain_text("Booked, takeaway")
    assert phone.evaluate("window.__samePage") == 1  # no reload: every change swapped its meal in place


def test_dishes_with_an_avoided_allergen_are_marked_in_words(day, phone):
    sign_in(phone, day.resident, day.cookies)
    phone.goto("/me/profile")
    phone.get_by_label("Tree nuts (cashew, almond, walnut)").check()
    phone.get_by_role("button", name="Save").first.tap()
    expect(phone.locator("#main")).to_contain_text("Dishes with nuts are marked on your week.")
    phone.goto("/week")
    dinner = phone.locator("#m-2026-12-04-dinner")
    expect(dinner).to_contain_text("Kaju paneer ⚠ contains nuts")
    expect(dinner).to_contain_text("Has nuts, which you avoid.")


def test_withdraw_a_leave(day, phone):
    sign_in(phone, day.resident, day.cookies)
    phone.goto("/me/leaves")
    row = phone.locator("tr", has_text="Mon 07 Dec")
    expect(row).to_contain_text("Pending")
    row.get_by_role("button", name=re.compile("^Withdraw")).tap()
    expect(phone.locator("tr", has_text="Mon 07 Dec")).to_contain_text("Withdrawn")
    expect(phone.locator("tr", has_text="Mon 07 Dec").get_by_role("button")).to_have_count(0)


RESIDENT_PAGES = (
    "/week",
    "/me/leaves",
    "/me/bills",
    "/me/extras",
    "/me/feedback",
    "/me/qr",
    "/me/profile",
    "/me/inbox",
    "/me/notifications",
    "/account/password",
)


def test_axe_finds_nothing_on_the_resident_pages(day, phone):
    found: dict[str, list[str]] = {}
    phone.goto("/login")
    found["/login"] = axe_violations(phone)
    sign_in(phone, day.resident, day.cookies)
    for path in RESIDENT_PAGES:
        response = phone.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        found[path] = axe_violations(phone)
    # The week with an expander open and a refused form, as a resident meets them.
    phone.goto("/week")
    cell = phone.locator("#m-2026-12-05-dinner")
    cell.locator("summary").tap()
    cell.locator("input[name=guests]").fill("9" * 20)
    cell.get_by_role("button", name=re.compile("^Save")).tap()
    expect(cell.locator(".msg.error")).to_be_visible()
    found["/week (a refused guest count)"] = axe_violations(phone)
    assert not any(found.values()), json.dumps({k: v for k, v in found.items() if v}, indent=1)
