"""What makes the site installable on a phone's home screen: the favicon browsers ask for at the root, and the
web app manifest (icons and the rest live in web/static)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.responses import FileResponse

from web.pages.rendering import page_router

STATIC = Path(__file__).resolve().parent.parent / "static"
mimetypes.add_type("application/manifest+json", ".webmanifest")  # StaticFiles answers with this type too

router = page_router(tags=["pages"])
CACHE = {"Cache-Control": "public, max-age=86400"}


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon", headers=CACHE)


@router.get("/manifest.webmanifest")
async def manifest() -> FileResponse:
    return FileResponse(STATIC / "manifest.webmanifest", media_type="application/manifest+json", headers=CACHE)


@router.get("/counter-sw.js")
async def counter_service_worker() -> FileResponse:
    """The counter's service worker, served from the root so that it may control /counter (a worker's scope is at
    most its own directory; /static/ would not do). Revalidated on every load so a deploy reaches the counters."""
    return FileResponse(STATIC / "counter-sw.js", media_type="text/javascript", headers={"Cache-Control": "no-cache"})
