"""The counter scans a QR code with the camera (PRODUCT 7.4): Chromium's fake camera plays a Y4M video the test
makes from a real QR image; the vendored decoder (jsQR) reads it and checks the resident in through the same form
a USB scanner or the keyboard fills, which keeps working beside the camera."""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image

from tests.support.browser import CHROMIUM_ARGS, sign_in_with_the_form


def qr_video(text: str, path: Path, width: int = 640, height: int = 480, frames: int = 10) -> Path:
    """A Y4M (YUV 4:2:0) video of a QR code on white: the luma is the picture, the chroma neutral grey."""
    code = qrcode.make(text, box_size=8, border=4).get_image().convert("L")
    picture = Image.new("L", (width, height), 255)
    side = min(width, height) - 40
    picture.paste(code.resize((side, side), Image.Resampling.NEAREST), ((width - side) // 2, (height - side) // 2))
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + picture.tobytes() + chroma + chroma)
    return path


def test_the_camera_checks_a_resident_in(served, browser, chromium_path, tmp_path):
    base, fixture = served
    video = qr_video(fixture.booker, tmp_path / "qr.y4m")
    camera_browser = browser.browser_type.launch(
        executable_path=chromium_path,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_browser.new_context(base_url=base)
        context.grant_permissions(["camera"], origin=base)
        page = context.new_page()
        sign_in_with_the_form(page, fixture.staff)
        page.goto("/counter")
        page.click("#camera-start")
        result = page.wait_for_selector("#result [data-result]", timeout=20_000)
        assert fixture.booker in result.inner_text()
        assert result.get_attribute("data-result") in ("ok", "duplicate")  # other journeys may have admitted them
        # Typing (what a USB scanner does) still works with the camera on. Not the eater: the journeys' duplicate
        # test needs the eater's first check-in of the meal to be its own.
        page.fill("#code", fixture.leaver)
        page.press("#code", "Enter")
        page.wait_for_function("r => document.querySelector('#result').innerText.includes(r)", arg=fixture.leaver)
    finally:
        camera_browser.close()
