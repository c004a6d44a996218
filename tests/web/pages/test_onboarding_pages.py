"""The warden's onboarding pages: import with a preview, the residents list with paging, a resident's own page."""

from __future__ import annotations

import re

from tests.web.pages.helpers import signed_in


async def test_import_preview_fix_and_import(world, visit, app):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    w = await visit(warden.actor.login)
    page = await w.get("/warden/residents/import")
    assert page.status_code == 200 and "Import residents" in page.text
    empty = await w.submit("/warden/residents/import", {"csv_text": " ", "step": "preview"})
    empty.refused(422, "Choose the spreadsheet (CSV) or paste its rows first.")
    broken = "roll_no,name,email,room\nNP1,Neha Pillai,neha@example.edu,A-1\nNP2,Arjun,not-an-email,A-2\n"
    preview = await w.submit("/warden/residents/import", {"csv_text": broken, "step": "preview"})
    preview.accepted("1</strong> new", "&#39;not-an-email&#39; is not an email address")
    assert "import-confirm" not in preview.text  # nothing to confirm until it is fixed
    refused = await w.submit("/warden/residents/import", {"csv_text": broken, "step": "import"})
    refused.refused(422, "&#39;not-an-email&#39; is not an email address")  # the rows again, each with its problem
    fixed = broken.replace("not-an-email", "arjun@example.edu")
    preview = await w.submit("/warden/residents/import", {"csv_text": fixed, "step": "preview", "invite": "1"})
    preview.accepted("2</strong> new", "import-confirm")
    done = await w.submit("/warden/residents/import", {"csv_text": fixed, "step": "import", "invite": "1"})
    done.accepted("Imported: 2 new, 0 updated, 0 unchanged. 2 invitation emails are on their way.")
    assert w.htmx or done.location == "/warden/residents"  # without JavaScript: on to the list
    assert sorted(m[0] for m in app.state.notifier.sent) == ["arjun@example.edu", "neha@example.edu"]


async def test_import_page_reads_allergens_and_names_a_bad_one(world, visit, app):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    w = await visit(warden.actor.login)
    page = await w.get("/warden/residents/import")
    assert "<code>dairy; nuts</code>" in page.text  # the page says how to write the column
    rows = "roll_no,name,email,allergens\nPA1,Priya,priya@example.edu,Dairy; nuts\nPA2,Om,om@example.edu,kiwi\n"
    preview = await w.submit("/warden/residents/import", {"csv_text": rows, "step": "preview"})
    preview.accepted("1</strong> new", "&#39;kiwi&#39; is not an allergen the mess tracks")
    assert "import-confirm" not in preview.text
    fixed = rows.replace("kiwi", "")
    done = await w.submit("/warden/residents/import", {"csv_text": fixed, "step": "import"})
    done.accepted("Imported: 2 new, 0 updated, 0 unchanged.")
    changed = fixed.replace("Dairy; nuts", "sesame")
    preview = await w.submit("/warden/residents/import", {"csv_text": changed, "step": "preview"})
    preview.accepted("1</strong> updated", "avoids: dairy, nuts → sesame")


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
    backwards = await w.fragment("/warden/residents?sort=-roll_no")
    assert backwards.text.index("P054") < backwards.text.index("P053")
    resident_id = int(re.search(r'href="/warden/residents/(\d+)">P007', first.text).group(1))  # type: ignore[union-attr]
    own = await w.get(f"/warden/residents/{resident_id}")
    assert own.status_code == 200
    assert "This month" in own.text and "Balance: ₹0.00" in own.text and "Has a password" in own.text


async def test_invite_a_resident_from_their_page(world, visit):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    resident = await world.resident(mess.id, roll_no="P007")
    w = await visit(warden.actor.login)
    invited = await w.submit(f"/warden/residents/{resident.resident_id}/invite", {})
    invited.accepted("An invitation to set a password is on its way to p007@example.edu")


async def test_forgotten_password_pages_and_change(world, browser, visit, app):
    mess = await world.mess()
    await world.resident(mess.id, roll_no="PW1")
    b = await visit(None)
    login = await b.get("/login")
    assert 'href="/password/forgot"' in login.text and "Sign in with" not in login.text
    await b.get("/password/forgot")
    asked = await b.submit("/password/forgot", {"login": "pw1"})
    asked.accepted("a link to choose a new password is on its way")
    [(to, _, body)] = app.state.notifier.sent
    assert to == "pw1@example.edu"
    link = re.search(r"http://127\.0\.0\.1:8000(/password/set\?token=\S+)", body).group(1)  # type: ignore[union-attr]
    form = await b.get(link)
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    mismatch = await b.submit(
        "/password/set", {"token": token, "new_password": "one-long-pass", "new_password_again": "x"}
    )
    mismatch.refused(422, "not the same", f'name="token" value="{token}"')  # the form again, its link kept
    chosen = {"token": token, "new_password": "one-long-pass", "new_password_again": "one-long-pass"}
    done = (await b.submit("/password/set", chosen)).accepted("Your password is set. Sign in with PW1")
    assert b.htmx or done.location == "/login"  # without JavaScript: on to the sign-in page
    again = await b.submit(
        "/password/set", {"token": token, "new_password": "two-long-pass", "new_password_again": "two-long-pass"}
    )
    again.refused(400, "not valid any more")

    r = await visit("pw1", "one-long-pass")
    await r.get("/account/password")
    wrong = await r.submit(
        "/account/password",
        {"current_password": "nope", "new_password": "three-long-pass", "new_password_again": "three-long-pass"},
    )
    wrong.refused(403, "current password is not right")
    changed = await r.submit(
        "/account/password",
        {
            "current_password": "one-long-pass",
            "new_password": "three-long-pass",
            "new_password_again": "three-long-pass",
        },
    )
    changed.accepted("Your password is changed")
    await signed_in(browser, "PW1", "three-long-pass")


async def test_end_of_semester_from_the_list(world, visit):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    for roll in ("S1-A", "S1-B", "S2-A"):
        await world.resident(mess.id, roll_no=roll)
    w = await visit(warden.actor.login)
    shown = await w.get("/warden/residents?q=s1-")
    assert "End 2 stays" in shown.text and 'href="/api/v1/residents/export?q=s1-' in shown.text
    ended = await w.submit(
        "/warden/residents/rollover", {"q": "s1-", "active_to": "2026-05-31", "reason": "semester ends"}
    )
    ended.accepted("The stay of 2 residents ends on 31 May 2026.")
    assert ended.text.count("Sun 31 May") == 2
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


async def test_a_payment_finds_the_resident_whatever_the_case(world, visit):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    await world.resident(mess.id, roll_no="CS21B004", name="Kavya")
    w = await visit(warden.actor.login)
    paid = await w.submit("/warden/payments", {"roll_no": "cs21b004", "amount": "500", "date": "2026-03-09"})
    paid.accepted("Payment of ₹500.00 from Kavya")
