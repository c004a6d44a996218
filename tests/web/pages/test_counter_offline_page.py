"""The counter page carries what works through an outage (PRODUCT 7.4): its offline script, the place for the
offline status and for results the server changed on settling, and the service worker served from the root so that
its scope may be /counter. The behaviour itself is tested in Chromium (tests/e2e/test_counter_offline.py)."""

from __future__ import annotations


async def test_the_counter_page_loads_its_offline_parts(world, visit):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    b = await visit(staff.actor.login)
    page = (await b.get("/counter")).text
    assert '<script src="/static/counter-offline.js" defer></script>' in page
    assert 'id="offline-status"' in page and 'id="settled-list"' in page
    worker = await b.client.get("/counter-sw.js")
    assert worker.status_code == 200 and worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["cache-control"] == "no-cache" and '"/counter"' in worker.text
    script = await b.client.get("/static/counter-offline.js")
    assert script.status_code == 200 and "/api/v1/checkins/batch" in script.text
