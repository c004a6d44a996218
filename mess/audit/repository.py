"""The audit log: every change made on someone else's behalf."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.models import AuditLog


async def record(
    session: AsyncSession,
    *,
    actor: Actor,
    mess_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    now: datetime,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditLog(
            mess_id=mess_id,
            actor_id=actor.user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=json.dumps(detail or {}, default=str, sort_keys=True),
            reason=reason,
            created_at=now,
        )
    )
