"""The warden uploads a resident's photo from the resident's page (PRODUCT 7.4), with htmx and without JavaScript:
stored re-encoded without its metadata, shown on the page and to the counter; a file that is no picture, or none,
is refused with a clear message and nothing stored."""

from __future__ import annotations

import io

from PIL import Image

from tests.web.test_photos import picture


async def test_the_warden_uploads_a_photo_on_the_residents_page(world, visit, client):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    staff = await world.user("staff", mess.id)
    asha = await world.resident(mess.id, name="Asha Rao")
    page_url = f"/warden/residents/{asha.resident_id}"
    b = await visit(warden.actor.login)
    assert "No photo yet." in (await b.get(page_url)).text

    for files, said in (
        ({"photo": ("notes.txt", b"not a picture", "text/plain")}, "send a JPEG or PNG photo"),
        ({"photo": ("", b"", "application/octet-stream")}, "choose a photo"),
    ):
        (await b.submit(f"{page_url}/photo", files=files)).refused(422, said)
    assert (await client.get(f"/api/v1/residents/{asha.resident_id}/photo", headers=staff.headers)).status_code == 404

    original = picture("JPEG", gps=True)
    answer = await b.submit(f"{page_url}/photo", files={"photo": ("asha.jpg", original, "image/jpeg")})
    answer.accepted("Photo saved")
    shown = (await b.get(page_url)).text
    assert f'src="/api/v1/residents/{asha.resident_id}/photo" alt="Photo of Asha Rao"' in shown
    got = await client.get(f"/api/v1/residents/{asha.resident_id}/photo", headers=staff.headers)
    assert got.status_code == 200 and b"secret description" not in got.content
    assert Image.open(io.BytesIO(got.content)).size == (320, 480)
