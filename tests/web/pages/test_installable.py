"""Installable (issue 16 item 7): a favicon at the root, a web app manifest with icons, linked from every page."""

from __future__ import annotations

import json

from tests.web.pages.helpers import signed_in


async def test_favicon_manifest_and_icons_are_served_and_linked(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await signed_in(browser, resident.roll_no)
    favicon = await b.client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon.headers["content-type"] == "image/x-icon"
    assert favicon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    answer = await b.client.get("/manifest.webmanifest")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(answer.text)
    assert (manifest["start_url"], manifest["display"]) == ("/week", "standalone")
    sizes = set()
    for icon in manifest["icons"]:
        got = await b.client.get(icon["src"])
        assert got.status_code == 200 and got.headers["content-type"].startswith(icon["type"]), icon
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes  # what a phone's home screen asks for
    page = (await b.get("/week")).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page and 'href="/favicon.ico"' in page
