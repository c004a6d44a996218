"""Passwords (PRODUCT 7.1): change, forgotten-password links, invites."""

from __future__ import annotations

from fastapi import BackgroundTasks, Request, Response, status
from pydantic import BaseModel, Field

from mess.accounts import service
from mess.residents.schemas import NO_NUL
from web.api import api_router
from web.api.params import IdPath, IdQuery
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.mailing import send_after_response
from web.openapi import MESS, RESIDENT, ROLE, E, errors

router = api_router(tags=["accounts"])


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class ResetRequest(BaseModel):
    login: str = Field(min_length=1, max_length=254, pattern=NO_NUL, description="roll number, login or email")


class PasswordReset(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=256)


class Accepted(BaseModel):
    detail: str


class Invited(BaseModel):
    invited: int
    emails: list[str]


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


@router.post(
    "/auth/password",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(E.WRONG_PASSWORD, E.WEAK_PASSWORD, E.INVALID_INPUT),
)
async def change_password(data: PasswordChange, session: SessionDep, actor: ActorDep) -> Response:
    await service.change_password(session, actor, data.current_password, data.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/reset-request",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=errors(E.RATE_LIMITED),
)
async def reset_request(
    data: ResetRequest,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Accepted:
    """Always 202: the answer never tells whether the account exists."""
    mails = await service.request_reset(session, settings, data.login, _address(request), now)
    send_after_response(background, request, mails)
    return Accepted(
        detail="if that account exists and has an email address, a link to reset its password is on its way"
    )


@router.post(
    "/auth/reset",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(E.INVALID_TOKEN, E.WEAK_PASSWORD, E.INVALID_INPUT),
)
async def reset(data: PasswordReset, session: SessionDep, settings: SettingsDep, now: NowDep) -> Response:
    await service.set_password_with_link(session, settings, data.token, data.new_password, now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/residents/{resident_id}/invite",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Invited,
    responses=errors(ROLE, RESIDENT, E.INVALID_INPUT),
)
async def invite(
    resident_id: IdPath,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    actor: ActorDep,
    settings: SettingsDep,
    now: NowDep,
) -> Invited:
    mail = await service.invite(session, actor, settings, resident_id, now)
    send_after_response(background, request, [mail])
    return Invited(invited=1, emails=[mail.to])


@router.post(
    "/residents/invite-all", status_code=status.HTTP_202_ACCEPTED, response_model=Invited, responses=errors(ROLE, MESS)
)
async def invite_all(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    actor: ActorDep,
    settings: SettingsDep,
    now: NowDep,
    mess_id: IdQuery = None,
) -> Invited:
    """Invite every resident of the mess who has no password yet."""
    mails = await service.invite_everyone_without_password(session, actor, settings, mess_id, now)
    send_after_response(background, request, mails)
    return Invited(invited=len(mails), emails=[m.to for m in mails][:100])
