"""The resident's short-lived check-in QR code."""

from __future__ import annotations

from mess.checkins import service
from mess.checkins.schemas import QrTokenOut
from web.api import api_router
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.openapi import RESIDENT, E, errors

router = api_router(tags=["checkins"])


@router.get("/me/qr", response_model=QrTokenOut, responses=errors(E.FORBIDDEN, RESIDENT))
async def my_qr(session: SessionDep, actor: ActorDep, now: NowDep, settings: SettingsDep) -> QrTokenOut:
    """A signed token valid for `qr_token_seconds` (default 120 s) and its QR code as inline SVG."""
    return await service.my_qr(session, actor, now, settings.secret_key.get_secret_value(), settings.qr_token_seconds)
