"""Residents' photos for the counter: PUT by a warden (JPEG/PNG up to 2 MB, re-encoded), GET by their mess's staff."""

from __future__ import annotations

from fastapi import Request, Response

from mess.errors import ErrorCode, TooLarge
from mess.residents import photos
from web.api import api_router
from web.api.params import IdPath
from web.deps import ActorDep, NowDep, SessionDep
from web.openapi import RESIDENT, ROLE, E, errors

router = api_router(tags=["residents"])


async def _body(request: Request) -> bytes:
    """The request body, read no further than one byte past the limit."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > photos.MAX_BYTES:
            raise TooLarge("a photo may be at most 2 MB", ErrorCode.TOO_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)


@router.put(
    "/residents/{resident_id}/photo",
    status_code=204,
    response_class=Response,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in ("image/jpeg", "image/png")},
        }
    },
    responses=errors(ROLE, RESIDENT, E.TOO_LARGE, E.INVALID_INPUT),  # 413 too_large: over 2 MB
)
async def put_photo(
    resident_id: IdPath, request: Request, session: SessionDep, actor: ActorDep, now: NowDep
) -> Response:
    """The body is the JPEG or PNG itself; it is re-encoded as a JPEG of at most 480 px, metadata dropped."""
    await photos.put_photo(session, actor, resident_id, await _body(request), now)
    return Response(status_code=204)


@router.get(
    "/residents/{resident_id}/photo",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, **errors(ROLE, RESIDENT, E.NOT_FOUND)},
)
async def get_photo(resident_id: IdPath, session: SessionDep, actor: ActorDep) -> Response:
    """Staff, wardens (of the resident's mess) and admins; kept privately by the browser for 5 minutes."""
    photo = await photos.get_photo(session, actor, resident_id)
    headers = {"Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"}
    return Response(photo.image, media_type="image/jpeg", headers=headers)
