"""The warden's onboarding pages: import with a preview, the residents list with paging, a resident's own page."""

from __future__ import annotations

import re

from tests.web.pages.helpers import HX, signed_in


async def test_import_preview_fix_and_import(world, browser, app):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    w = await signed_in(browser, warden.actor.login)
    page = await w.get("/warden/residents/import")
    assert page.status_code == 200 and "Import residents" in page.text
    broken = "roll_no,name,email,room\nNP1,Neha Pillai,neha@example.edu,A-1\nNP2,Arjun,not-an-email,A-2\n"
    preview = await w.post("/warden/residents/import", {"csv_text": broken, "step": "preview"})
    assert preview.status_code == 200
    assert "1</strong> new" in preview.text and "&#39;not-an-email&#39; is not an email address" in preview.text
    assert "import-confirm" not in preview.text  # nothing to confirm until it is fixed
    fixed = broken.replace("not-an-email", "arjun@example.edu")
    preview = await w.post("/warden/residents/import", {"csv_text": fixed, "step": "preview", "invite": "1"})
    assert "2</strong> new" in preview.text and "import-confirm" in preview.text
    done = await w.post("/warden/residents/import", {"csv_text": fixed, "step": "import", "invite": "1"})
    assert done.status_code == 303 and done.headers["location"] == "/warden/residents"
    listing = await w.get("/warden/residents")
    assert "Imported: 2 new, 0 updated, 0 unchanged. 2 invitation emails are on their way." in listing.text
    assert sorted(m[0] for m in app.state.notifier.sent) == ["arjun@example.edu", "neha@example.edu"]


async def test_list_pages_sorts_and_opens_a_resident(world, browser):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    for i in range(55):
        await world.resident(mess.id, roll_no=f"P{i:03d}")
    w = await signed_in(browser, warden.actor.login)
    first = await w.get("/warden/residents")
    assert "1–50 of 55 residents" in first.text and "Page 1 of 2" in first.text
    second = await w.get("/warden/residents?page=2")
    assert "51–55 of 55 residents" in second.text and "P054" in second.text and "P000" not in second.text
    backwards = await w.get("/warden/residents?sort=-roll_no", headers=HX)
    assert backwards.text.index("P054") < backwards.text.index("P053")
    resident_id = int(re.search(r'href="/warden/residents/(\d+)">P007', first.text).group(1))  # type: ignore[union-attr]
    own = await w.get(f"/warden/residents/{resident_id}")
    assert own.status_code == 200
    assert "This month" in own.text and "Balance: ₹0.00" in own.text and "Has a password" in own.text
    invited = await w.post(f"/warden/residents/{resident_id}/invite", {}, headers=HX)
    assert "An invitation to set a password is on its way to p007@example.edu" in invited.text


async def test_forgotten_password_pages_and_change(world, browser, app):
    mess = await world.mess()
    await world.resident(mess.id, roll_no="PW1")
    b = await browser()
    login = await b.get("/login")
    assert 'href="/password/forgot"' in login.text and "Sign in with" not in login.text
    await b.get("/password/forgot")
    asked = await b.post("/password/forgot", {"login": "pw1"})
    assert asked.status_code == 303
    assert "a link to choose a new password is on its way" in (await b.get("/password/forgot")).text
    [(to, _, body)] = app.state.notifier.sent
    assert to == "pw1@example.edu"
    link = re.search(r"http://127\.0\.0\.1:8000(/password/set\?token=\S+)", body).group(1)  # type: ignore[union-attr]
    form = await b.get(link)
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    mismatch = await b.post(
        "/password/set", {"token": token, "new_password": "one-long-pass", "new_password_again": "x"}
    )
    assert mismatch.status_code == 422 and "not the same" in mismatch.text
    done = await b.post(
        "/password/set", {"token": token, "new_password": "one-long-pass", "new_password_again": "one-long-pass"}
    )
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert "Your password is set. Sign in with PW1" in (await b.get("/login")).text
    again = await b.post(
        "/password/set", {"token": token, "new_password": "two-long-pass", "new_password_again": "two-long-pass"}
    )
    assert again.status_code == 400 and "not valid any more" in again.text

    r = await signed_in(browser, "pw1", "one-long-pass")
    await r.get("/account/password")
    wrong = await r.post(
        "/account/password",
        {"current_password": "nope", "new_password": "three-long-pass", "new_password_again": "three-long-pass"},
        headers=HX,
    )
    assert wrong.status_code == 403 and "current password is not right" in wrong.text
    changed = await r.post(
        "/account/password",
        {
            "current_password": "one-long-pass",
            "new_password": "three-long-pass",
            "new_password_again": "three-long-pass",
        },
        headers=HX,
    )
    assert changed.status_code == 200 and "Your password is changed" in changed.text
    await signed_in(browser, "PW1", "three-long-pass")


async def test_end_of_semester_from_the_list(world, browser):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    for roll in ("S1-A", "S1-B", "S2-A"):
        await world.resident(mess.id, roll_no=roll)
    w = await signed_in(browser, warden.actor.login)
    shown = await w.get("/warden/residents?q=s1-")
    assert "End 2 stays" in shown.text and 'href="/api/v1/residents/export?q=s1-' in shown.text
    ended = await w.post(
        "/warden/residents/rollover", {"q": "s1-", "active_to": "2026-05-31", "reason": "semester ends"}, headers=HX
    )
    assert "The stay of 2 residents ends on 31 May 2026." in ended.text
    assert ended.text.count("Sun 31 May") == 2


async def test_single_sign_on_refuses_a_callback_it_did_not_start(world, browser, app):
    b = await browser()
    assert (await b.get("/login/sso")).status_code == 404  # not set up here
    app.state.settings = app.state.settings.model_copy(
        update={"oidc_issuer": "http://127.0.0.1:9", "oidc_client_id": "mess", "oidc_name": "Test Institute"}
    )
    login = await b.get("/login")
    assert "Sign in with Test Institute" in login.text
    stray = await b.get("/login/sso/callback?code=abc&state=xyz")
    assert stray.status_code == 400 and "start again" in stray.text
    unreachable = await b.get("/login/sso")
    assert unreachable.status_code == 503 and "Test Institute cannot be reached" in unreachable.text


async def test_a_payment_finds_the_resident_whatever_the_case(world, browser):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    await world.resident(mess.id, roll_no="CS21B004", name="Kavya")
    w = await signed_in(browser, warden.actor.login)
    paid = await w.post("/warden/payments", {"roll_no": "cs21b004", "amount": "500", "date": "2026-03-09"}, headers=HX)
    assert paid.status_code == 200 and "Payment of ₹500.00 from Kavya" in paid.text
