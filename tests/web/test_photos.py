"""Residents' photos (PRODUCT 7.4): a warden uploads JPEG or PNG up to 2 MB, stored re-encoded without metadata,
served only to staff and wardens of that mess, shown at the counter with each result."""

from __future__ import annotations

import io

from PIL import Image

from tests.web.domain_helpers import cast, expect


def picture(fmt: str, size: tuple[int, int] = (900, 600), *, gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010E] = "secret description"  # ImageDescription
        exif[0x8825] = {1: "N", 2: (12.0, 58.0, 0.0)}  # GPSInfo
        exif[0x0112] = 6  # Orientation: rotate 90 degrees to stand upright
        image.save(out, fmt, exif=exif, comment=b"camera serial 1234")
    else:
        image.save(out, fmt)
    return out.getvalue()


async def test_upload_reencodes_and_strips_metadata(world, client):
    c = await cast(world, full=True)
    url = f"/api/v1/residents/{c.resident.resident_id}/photo"
    original = picture("JPEG", gps=True)
    assert b"secret description" in original and b"camera serial" in original
    put = await client.put(url, content=original, headers={**c.warden.headers, "content-type": "image/jpeg"})
    assert put.status_code == 204, put.text
    got = await client.get(url, headers=c.staff.headers)
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert got.headers["cache-control"] == "private, max-age=300"
    stored = Image.open(io.BytesIO(got.content))
    assert stored.format == "JPEG" and stored.size == (320, 480)  # turned upright by its EXIF, at most 480 px
    assert not stored.getexif() and "comment" not in stored.info and "icc_profile" not in stored.info
    assert b"secret description" not in got.content and b"camera serial" not in got.content

    png = await client.put(url, content=picture("PNG", (100, 100)), headers=c.warden.headers)
    assert png.status_code == 204
    assert Image.open(io.BytesIO((await client.get(url, headers=c.warden.headers)).content)).size == (100, 100)


async def test_bad_files_and_who_may_see(world, client):
    c = await cast(world, full=True)
    rid = c.resident.resident_id
    url = f"/api/v1/residents/{rid}/photo"
    w = c.warden.headers
    for bad in (b"", b"not an image", picture("GIF"), picture("JPEG")[:200]):
        expect(await client.put(url, content=bad, headers=w), 422, "invalid_input")
    expect(await client.put(url, content=b"\xff" * (2 * 1024 * 1024 + 1), headers=w), 413, "too_large")
    expect(await client.get(url, headers=w), 404)  # none yet
    for who in (c.staff, c.resident):  # wardens (and admins) upload
        assert (await client.put(url, content=picture("PNG"), headers=who.headers)).status_code == 403
    expect(await client.put(url, content=picture("PNG"), headers=c.other_warden.headers), 403, "wrong_mess")
    assert (await client.put(url, content=picture("PNG"), headers=w)).status_code == 204
    for who, status in ((c.staff, 200), (c.warden, 200), (c.admin, 200), (c.resident, 403), (c.other_staff, 403)):
        assert (await client.get(url, headers=who.headers)).status_code == status, who
    expect(await client.get("/api/v1/residents/999999/photo", headers=w), 404)
