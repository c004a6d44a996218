"""Sign-in with a cookie session, CSRF on every form, login rate limiting, security headers."""

from __future__ import annotations

from mess.config import Settings
from tests.factories import PASSWORD
from tests.web.pages.helpers import HX, Browser
from web.main import create_app


async def test_login_page_has_strict_security_headers(browser):
    b = await browser()
    page = await b.get("/login")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert '<script src="/static/htmx.min.js"' in page.text
    assert "<script>" not in page.text and " style=" not in page.text  # nothing inline for the CSP to refuse
    assert '"includeIndicatorStyles":false' in page.text
    static = await b.get("/static/htmx.min.js")
    assert static.status_code == 200 and "htmx" in static.text


async def test_browsers_get_a_csrf_cookie_and_bearer_clients_none(world, client):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    client.cookies.clear()
    api = await client.put("/api/v1/bookings/2026-03-12/lunch", headers=resident.headers)
    assert api.status_code == 200, api.text
    assert "set-cookie" not in api.headers
    assert api.headers["x-content-type-options"] == "nosniff"  # the other headers are still there
    page = await client.get("/login")
    assert any(v.startswith("mess_csrf=") for k, v in page.headers.multi_items() if k == "set-cookie")


async def test_sign_in_sets_a_safe_cookie_and_signs_out(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await browser()
    await b.get("/login")
    response = await b.post("/login", {"username": resident.roll_no, "password": PASSWORD})
    assert response.status_code == 303 and response.headers["location"] == "/week"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("mess_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert (await b.get("/week")).status_code == 200
    # The same token works for the REST API (GET needs no CSRF header).
    me = await b.client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["roll_no"] == resident.roll_no
    out = await b.post("/logout")
    assert out.status_code == 303 and out.headers["location"] == "/login"
    after = await b.get("/week")
    assert after.status_code == 303 and after.headers["location"] == "/login?next=%2Fweek"


async def test_secure_cookie_behind_tls(world, settings, clock, database):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    app = create_app(settings.model_copy(update={"secure_cookies": True}), clock=clock, database=database)
    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as client:
        b = Browser(client)
        await b.get("/login")
        response = await b.post("/login", {"username": resident.roll_no, "password": PASSWORD})
        assert response.status_code == 303
        cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
        assert all("Secure" in c for c in cookies)
        assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_wrong_password_then_rate_limit(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await browser()
    await b.get("/login")
    for _ in range(5):  # the test settings allow 5 failures
        wrong = await b.post("/login", {"username": resident.roll_no, "password": "wrong-password"})
        assert wrong.status_code == 401
        assert "Wrong login or password." in wrong.text
    limited = await b.post("/login", {"username": resident.roll_no, "password": PASSWORD})
    assert limited.status_code == 429
    assert "too many failed sign-ins" in limited.text


async def test_form_posts_without_a_valid_csrf_token_are_refused(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await browser()
    no_token_login = await b.post("/login", {"username": resident.roll_no, "password": PASSWORD}, csrf=False)
    assert no_token_login.status_code == 403 and 'data-code="csrf_failed"' in no_token_login.text
    await b.sign_in(resident.roll_no)
    missing = await b.post("/week/2026-03-12/lunch", {"action": "cancel"}, csrf=False)
    assert missing.status_code == 403 and "csrf_failed" in missing.text
    forged = await b.post("/week/2026-03-12/lunch", {"action": "cancel", "csrf_token": "A" * 86})
    assert forged.status_code == 403
    # A token minted for another browser's cookie is worthless here.
    other = await browser()
    await other.get("/login")
    stolen = await b.post("/week/2026-03-12/lunch", {"action": "cancel", "csrf_token": other.token})
    assert stolen.status_code == 403
    htmx_refused = await b.client.post("/week/2026-03-12/lunch", data={"action": "cancel"}, headers=HX)
    assert htmx_refused.status_code == 403 and 'data-code="csrf_failed"' in htmx_refused.text
    assert "<html" not in htmx_refused.text  # the fragment, not a whole page, for htmx
    # Nothing changed: lunch is still booked by default.
    rows = (await b.client.get("/api/v1/bookings?from=2026-03-12&to=2026-03-12")).json()
    assert next(r for r in rows if r["slot"] == "lunch")["booked"] is True
    # The header htmx sends is accepted in place of the form field.
    ok = await b.client.post(
        "/week/2026-03-12/lunch", data={"action": "cancel"}, headers={**HX, "X-CSRF-Token": b.token}
    )
    assert ok.status_code == 200


async def test_cookie_authenticated_api_writes_need_the_csrf_header(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await browser()
    await b.sign_in(resident.roll_no)
    refused = await b.client.delete("/api/v1/bookings/2026-03-12/lunch")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    allowed = await b.client.delete("/api/v1/bookings/2026-03-12/lunch", headers={"X-CSRF-Token": b.token})
    assert allowed.status_code == 200
    # Bearer clients are not affected.
    bearer = await b.client.delete("/api/v1/bookings/2026-03-13/lunch", headers=resident.headers)
    assert bearer.status_code == 200


async def test_unauthenticated_pages_redirect_to_sign_in(browser):
    b = await browser()
    page = await b.get("/week?start=2026-03-09")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fweek%3Fstart%3D2026-03-09"
    fragment = await b.fragment("/week")
    assert fragment.headers["hx-redirect"].startswith("/login?next=")
    login = await b.get("/login?next=%2Fweek")
    assert 'name="next" value="/week"' in login.text
    evil = await b.get("/login?next=https://evil.example/")
    assert 'name="next" value=""' in evil.text


async def test_roles_land_on_their_home_and_cannot_open_other_areas(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    staff = await world.user("staff", mess.id)
    r = await browser()
    await r.sign_in(resident.roll_no)
    assert (await r.get("/")).headers["location"] == "/week"
    assert (await r.get("/counter")).status_code == 403
    s = await browser()
    first = await s.sign_in(staff.actor.login)
    assert first.headers["location"] == "/counter"
    refused = await s.get("/week")
    assert refused.status_code == 403 and "Not allowed" in refused.text


def test_settings_fixture_is_not_secure_by_default(settings: Settings):
    assert settings.secure_cookies is False


async def test_errors_are_pages_for_browsers_and_json_for_the_api(browser):
    b = await browser()
    html = {"Accept": "text/html,application/xhtml+xml"}
    missing = await b.get("/no-such-page", headers=html)
    assert missing.status_code == 404 and "Not found" in missing.text and missing.text.startswith("<!doctype html>")
    wrong_method = await b.get("/logout", headers=html)
    assert wrong_method.status_code == 405 and "<!doctype html>" in wrong_method.text
    api = await b.get("/api/v1/no-such-thing", headers=html)
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    docs = await b.get("/docs")
    assert docs.status_code == 200 and "content-security-policy" not in docs.headers  # Swagger UI comes from a CDN
