from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request

from mess.auth.tokens import issue_access_token
from mess.db.engine import Database
from mess.users import service
from mess.users.schemas import Me, Token
from web.api import api_router
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep, get_database
from web.openapi import E, errors

router = api_router(tags=["auth"])


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


@router.post("/auth/token", response_model=Token, responses=errors(E.INVALID_CREDENTIALS, E.RATE_LIMITED))
async def token(
    request: Request,
    database: Annotated[Database, Depends(get_database)],
    settings: SettingsDep,
    now: NowDep,
    username: Annotated[str, Form(min_length=1, max_length=64, pattern=r"^[^\x00]+$")],
    password: Annotated[str, Form(min_length=1, max_length=256)],
) -> Token:
    actor = await service.authenticate(database, settings, username, password, client_address(request), now)
    secret = settings.secret_key.get_secret_value()
    return Token(access_token=issue_access_token(actor, secret, now, settings.access_token_minutes))


@router.get("/me", response_model=Me)
async def me(session: SessionDep, actor: ActorDep) -> Me:
    return await service.me(session, actor)
