"""A person's notifications (PRODUCT 7.3): the inbox, preferences and Web Push subscriptions. Every call acts on
the caller's own; nobody reads another person's."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response, status

from mess.errors import NotFound
from mess.notifications import service
from mess.notifications.push import VapidKeys, load_keys
from mess.notifications.schemas import (
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    PushKeyOut,
    PushSubscriptionIn,
    ReadAllOut,
)
from web.api import api_router
from web.api.params import Flag, IdPath, Limit, Offset
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.openapi import E, errors

router = api_router(tags=["notifications"])


def vapid_keys(request: Request) -> VapidKeys | None:
    """The server's VAPID keys, read (or made, in development) once per app."""
    state = request.app.state
    if not hasattr(state, "vapid_keys"):
        state.vapid_keys = load_keys(state.settings)
    keys: VapidKeys | None = state.vapid_keys
    return keys


@router.get("/notifications", response_model=list[NotificationOut])
async def list_notifications(
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    unread: Annotated[Flag, Query(description="only the unread ones")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[NotificationOut]:
    """The caller's inbox, newest first; X-Total-Count says how many match in all."""
    rows, total = await service.inbox(session, actor, unread=unread, limit=limit, offset=offset)
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.post("/notifications/read-all", response_model=ReadAllOut)
async def read_all(session: SessionDep, actor: ActorDep, now: NowDep) -> ReadAllOut:
    return ReadAllOut(marked=await service.mark_all_read(session, actor, now))


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut, responses=errors(E.NOT_FOUND))
async def read_one(notification_id: IdPath, session: SessionDep, actor: ActorDep, now: NowDep) -> NotificationOut:
    """Idempotent. Another person's notification is unknown (404)."""
    return await service.mark_read(session, actor, notification_id, now)


@router.get("/me/preferences", response_model=PreferencesOut)
async def get_preferences(session: SessionDep, actor: ActorDep) -> PreferencesOut:
    return await service.preferences(session, actor)


@router.put("/me/preferences", response_model=PreferencesOut)
async def put_preferences(data: PreferencesIn, session: SessionDep, actor: ActorDep, now: NowDep) -> PreferencesOut:
    """Email, push and reminders on or off, and quiet hours (local time of the mess, HH:MM, both or neither)."""
    return await service.set_preferences(session, actor, data, now)


@router.get("/push/key", response_model=PushKeyOut, responses=errors(E.NOT_FOUND))
async def push_key(request: Request, actor: ActorDep) -> PushKeyOut:
    """The VAPID public key a browser subscribes with (404 when this server has no push set up)."""
    keys = vapid_keys(request)
    if keys is None:
        raise NotFound("Push notifications are not set up on this server.")
    return PushKeyOut(public_key=keys.public_key)


@router.post(
    "/push/subscriptions",
    response_model=PreferencesOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(E.INVALID_INPUT, E.PUSH_ENDPOINT_REFUSED),
)
async def subscribe(
    data: PushSubscriptionIn, session: SessionDep, actor: ActorDep, now: NowDep, settings: SettingsDep
) -> PreferencesOut:
    """Store this browser's subscription (PushSubscription.toJSON()); the same endpoint again replaces it. The
    endpoint must be an https address of a known push service (MESS_PUSH_ENDPOINT_HOSTS), else 422
    `push_endpoint_refused` and nothing is stored."""
    return await service.subscribe(session, actor, data, now, settings)


@router.delete("/push/subscriptions", status_code=status.HTTP_204_NO_CONTENT)
async def unsubscribe(
    session: SessionDep,
    actor: ActorDep,
    endpoint: Annotated[str | None, Query(max_length=1024, description="one browser; none: all")] = None,
) -> Response:
    """Idempotent."""
    await service.unsubscribe(session, actor, endpoint)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
